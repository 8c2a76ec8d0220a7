"""Logging set-up: one format, and the bot token redacted from every line."""

from __future__ import annotations

import logging

from telegram.error import Conflict

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """The token is in every Bot API URL, and libraries put URLs in messages and
    tracebacks; redacting the finished line catches all of them."""

    def __init__(self, token: str) -> None:
        super().__init__(FORMAT)
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        return line.replace(self.token, "<token>") if self.token else line


class RedactingFilter(logging.Filter):
    """Takes the token out of the record itself, so that handlers after ours (pytest's,
    an error tracker's) never see it either: PTB logs the Bot API URL at DEBUG."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, "<token>")
        return True


class RepeatedConflict(logging.Filter):
    """Drops python-telegram-bot's traceback for its last getUpdates on the way out,
    which meets the same 409 Conflict that stopped the bot: bot.errors has already
    said what happened, in one line, and a second report would bury it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], Conflict))


def configure(level: str, token: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(token))
    handler.addFilter(RedactingFilter(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and each URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("telegram.ext.Updater").addFilter(RepeatedConflict())
