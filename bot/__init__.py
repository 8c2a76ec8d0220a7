"""Playbook Bot: a negotiation playbook and flagged-statement log on Telegram."""

__version__ = "0.1.0"
