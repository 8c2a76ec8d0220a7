"""Test support code: Telegram's rules as pure functions and a fake Bot API server."""
