"""Messages that are not text at all stop here, before any other handler reads them.

A message holding a lone surrogate (half of an emoji: what a broken client or a
hand-made update can send) cannot be stored, searched in SQLite or quoted back, since
Telegram refuses to show it. Every handler would have to guard each use of the
text; instead this one runs first (group -1) and ends the update there. A command or a
private message is told why, a button's spinner stops; an ordinary group message is
left alone, as the bot leaves most of them (a later ``/flag`` in reply to it, or an
edit of a flagged one, is refused by bot.text_rules).
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot import text_rules
from bot.context import AnyApplication
from bot.handlers.common import Context, language, reply
from bot.i18n import t
from bot.render import Rendered

# Before every other group: commands (0), term watch (1), edits (2), membership (3).
GROUP = -1


def _unreadable(update: Update) -> bool:
    """Edits pass: the one handler of edits (flags.edited) answers a refused one itself."""
    message = update.message
    if message is not None:
        return not text_rules.is_unicode(message.text or message.caption or "")
    if update.callback_query is not None:
        return not text_rules.is_unicode(update.callback_query.data or "")
    if update.inline_query is not None:
        return not text_rules.is_unicode(update.inline_query.query)
    return False


async def refuse(update: Update, context: Context) -> None:
    if not _unreadable(update):
        return
    message = update.message
    query = update.callback_query
    if query is not None:
        await query.answer(t(await language(update, context), "message_unreadable"))
    elif message is not None and (
        message.chat.type == ChatType.PRIVATE or (message.text or "").startswith("/")
    ):
        await reply(
            update, context, Rendered(t(await language(update, context), "message_unreadable"))
        )
    raise ApplicationHandlerStop


def register(application: AnyApplication) -> None:
    application.add_handler(TypeHandler(Update, refuse), group=GROUP)
