"""Which language a user reads, as far as Telegram tells: below the chat's handlers and
the board alike, which both answer people in it."""

from __future__ import annotations

from telegram import User

from bot.playbook import Lang


def telegram_language(user: User | None, default: Lang) -> Lang:
    """Ukrainian for users whose Telegram speaks Ukrainian, else the default."""
    code = (user.language_code or "") if user else ""
    if code.lower().startswith("uk"):
        return "uk"
    if code.lower().startswith("en"):
        return "en"
    return default
