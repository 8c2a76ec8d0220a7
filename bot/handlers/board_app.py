"""/board and /log in a private chat, when the board (bot.web) is on: a button for
each team chat the user is a member of. In groups the two commands are unchanged
but for the board's link button (handlers.flags, handlers.flag_log)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.context import AnyApplication
from bot.handlers.common import Context, language, reply
from bot.i18n import t
from bot.render import Rendered
from bot.web import links

if TYPE_CHECKING:
    from bot.web.server import Board


async def choose_chat(update: Update, context: Context) -> None:
    user = update.effective_user
    if user is None:
        return
    from bot.web.server import BOARD_DATA  # aiohttp is imported only where the board is on

    board: Board = context.application.bot_data[BOARD_DATA]
    lang = await language(update, context)
    enrolled = set(await context.store.enrolled_chats()) | context.settings.allowed_chats
    chats = []
    for chat_id in sorted(enrolled):
        if await board.is_member(chat_id, user.id, fail_closed=True):
            chats.append((chat_id, await board.chat_title(chat_id)))
    if not chats:
        await reply(update, context, Rendered(t(lang, "app_no_chats")))
        return
    keyboard = links.chat_buttons(context.settings, chats)
    await reply(update, context, Rendered(t(lang, "app_choose_chat"), keyboard))


def register(application: AnyApplication) -> None:
    """Registered before handlers.flags, whose /board answers private chats otherwise."""
    private = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    application.add_handler(CommandHandler(["board", "log"], choose_chat, filters=private))
