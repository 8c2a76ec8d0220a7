"""The context every handler is given: the bot's services as typed properties.

Registered with ``ContextTypes`` in ``bot.app``, as in python-telegram-bot's
contexttypesbot.py example, so a handler says ``context.store`` rather than digging
the services out of ``bot_data`` and checking they are set up.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot import services
from bot.config import Settings
from bot.sender import Sender
from bot.services import Library, Services
from bot.store import Store

# Everywhere the bot names "its" application: the type parameters say nothing useful.
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def services(self) -> Services:
        return services.get(self)

    @property
    def store(self) -> Store:
        return self.services.require_store()

    @property
    def library(self) -> Library:
        # Read it once per update: /reload swaps the playbook and its index together.
        return self.services.library

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def sender(self) -> Sender:
        return self.services.require_sender()


CONTEXT_TYPES = ContextTypes(context=BotContext)
