"""What a group command needs before it acts, said once at its top.

``@in_group("export")`` reads the command's role from ``access.COMMAND_ROLES``,
checks that the chat is a group (and, for the flag log's commands, that it keeps a
log) and that the sender has that role, and answers every refusal with what to do
next. The handler then starts with what it needs: the chat and the reader's language.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from telegram import Update
from telegram.constants import ChatType

from bot import access, text_rules, timezones
from bot.access import COMMAND_ROLES, Role
from bot.context import BotContext
from bot.flag_input import parse_number
from bot.handlers.common import Handler, language, reply
from bot.i18n import t
from bot.playbook import Lang
from bot.render import Rendered, shorten

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Here:
    """The group a command was sent in, and the language to answer its sender in."""

    chat_id: int
    lang: Lang


async def chat_zone(context: BotContext, chat_id: int) -> tzinfo:
    """The zone the chat reads times in (/settings timezone); UTC until set."""
    return timezones.zone(await context.store.get_timezone(chat_id))


async def accepted_text(
    update: Update, context: BotContext, lang: Lang, text: str, kind: text_rules.Kind
) -> str | None:
    """``text`` as the log keeps it (bot.text_rules), or None once the sender is told
    why the log refuses it."""
    checked = text_rules.check(text, kind)
    if isinstance(checked, text_rules.Refused):
        await reply(update, context, Rendered(text_rules.explain(checked, lang)))
        return None
    return checked


Guarded = Callable[[Update, BotContext, Here], Coroutine[Any, Any, None]]


async def has_role(update: Update, context: BotContext, role: Role) -> bool:
    """Whether the sender holds ``role`` in this chat. FLAGGER depends on the flag, so
    handlers.flags checks it once it has the flag; here it passes like MEMBER."""
    if role is Role.BOT_ADMIN:
        user = update.effective_user
        return access.is_bot_admin(context, user.id if user else None)
    if role is Role.CHAT_ADMIN:
        return await access.is_chat_admin(update, context)
    return True


async def refuse_role(update: Update, context: BotContext, lang: Lang, role: Role) -> bool:
    """Say so and return True when the sender lacks ``role``."""
    if await has_role(update, context, role):
        return False
    key = "bot_admins_only" if role is Role.BOT_ADMIN else "admins_only"
    await reply(update, context, Rendered(t(lang, key)))
    return True


async def here(update: Update, context: BotContext, command: str, *, log: bool) -> Here | None:
    """The group ``command`` may act in, or None once the sender has been told why not."""
    lang = await language(update, context)
    chat = update.effective_chat
    if chat is None:
        return None
    if chat.type == ChatType.PRIVATE:
        await reply(update, context, Rendered(t(lang, "flag_private" if log else "group_only")))
        return None
    if log and not await access.is_enrolled(update, context):
        # Only /flag had something to store; the others had nothing to read.
        key = "not_enrolled" if command == "flag" else "no_log"
        # The chat is told whom to ask; the bot's administrator finds the id here.
        logger.info("chat %s keeps no log: /enable there, or list it in ALLOWED_CHATS", chat.id)
        await reply(update, context, Rendered(t(lang, key)))
        return None
    if await refuse_role(update, context, lang, COMMAND_ROLES[command]):
        return None
    return Here(chat.id, lang)


def in_group(command: str, *, log: bool = True) -> Callable[[Guarded], Handler]:
    """A handler for ``command`` in a group (one that keeps a flag log, unless
    ``log=False``), sent by someone with the command's role."""

    def decorate(handler: Guarded) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: BotContext) -> None:
            found = await here(update, context, command, log=log)
            if found is not None:
                await handler(update, context, found)

        return guarded

    return decorate


async def button_here(update: Update, context: BotContext) -> Here | None:
    """The chat a flag-log button was pressed in, when it still keeps a log; else the
    presser is told so. The chat is the update's, never one named in the payload."""
    query = update.callback_query
    lang = await language(update, context)
    chat = update.effective_chat
    if query is None or chat is None:
        return None
    if chat.type == ChatType.PRIVATE or not await access.is_enrolled(update, context):
        await query.answer(t(lang, "no_log_button"), show_alert=True)
        return None
    return Here(chat.id, lang)


async def flag_number(
    update: Update, context: BotContext, lang: Lang, words: list[str], example: str
) -> int | None:
    """The flag number a command's first word gives; None once the sender has been
    told what to type instead."""
    if not words:
        await reply(update, context, Rendered(t(lang, "number_missing", example=example)))
        return None
    number = parse_number(words[0])
    if number is None:
        text = t(lang, "number_invalid", value=shorten(words[0], 20), example=example)
        await reply(update, context, Rendered(text))
    return number
