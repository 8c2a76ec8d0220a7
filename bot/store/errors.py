"""What the store raises."""

from __future__ import annotations


class StoreError(Exception):
    """The database could not do what was asked; the message says why, for a log."""


class FlagNotFound(StoreError):
    """No flag with that number in that chat."""

    def __init__(self, chat_id: int, number: int) -> None:
        super().__init__(f"no flag #{number} in chat {chat_id}")
        self.chat_id = chat_id
        self.number = number


class LogsApart(StoreError):
    """A group moved to a supergroup that keeps a flag log of its own: two logs cannot
    be merged without renumbering flags the team has cited by number."""
