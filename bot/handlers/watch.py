"""Term watch (groups, opt-in): name a loaded term or known claim as it is used.

Only confident matches, and each entry at most once per chat per ten minutes, so
the bot never floods a discussion.
"""

from __future__ import annotations

import time
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot import access, render, services
from bot.handlers.common import Context, command_text, language, reply
from bot.i18n import Html, t
from bot.render import Rendered
from bot.sender import Priority, reply_job

QUIET_SECONDS = 600.0
_LAST_SAID = "watch_last_said"


async def watch_command(update: Update, context: Context) -> None:
    lang = await language(update, context)
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        await reply(update, context, Rendered(t(lang, "group_only")))
        return
    choice = command_text(update.effective_message).casefold()
    if choice not in ("on", "off"):
        await reply(update, context, Rendered(t(lang, "watch_usage")))
        return
    if not await access.is_chat_admin(update, context):
        await reply(update, context, Rendered(t(lang, "admins_only")))
        return
    await services.get(context).require_store().set_watch(chat.id, choice == "on")
    if choice == "off":
        await reply(update, context, Rendered(t(lang, "watch_off")))
        return
    text = t(lang, "watch_on")
    if not context.bot.can_read_all_group_messages:
        text += "\n\n" + t(lang, "watch_blind")
    await reply(update, context, Rendered(text))


async def watch_message(update: Update, context: Context) -> None:
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or chat.type == ChatType.PRIVATE:
        return
    text = message.text or message.caption
    if not text:
        return
    svc = services.get(context)
    if not await svc.require_store().get_watch(chat.id):
        return
    hits = svc.library.index.mentions(text, kinds=("term", "claim"), limit=2)
    if not hits:
        return
    chat_data = context.chat_data if context.chat_data is not None else {}
    last_said: dict[str, float] = chat_data.setdefault(_LAST_SAID, {})
    now = time.monotonic()
    fresh = [h for h in hits if now - last_said.get(h.entry.id, -QUIET_SECONDS) >= QUIET_SECONDS]
    if not fresh:
        return
    lang = await language(update, context)
    lines = []
    for hit in fresh:
        last_said[hit.entry.id] = now
        title = Html(render.esc(render.title_of(hit.entry, lang)))
        lines.append(t(lang, "watch_heard", icon=render.KIND_ICON[hit.entry.kind], title=title))
    keyboard = InlineKeyboardMarkup([[render.entry_button(hit.entry, lang)] for hit in fresh])
    # The least urgent thing a group hears: dropped when the group has no room.
    job = reply_job(message, Rendered("\n".join(lines), keyboard))
    job.priority = Priority.WATCH
    svc.require_sender().submit(chat.id, job)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(
        CommandHandler("watch", watch_command, filters=filters.UpdateType.MESSAGE)
    )
    # Its own group: runs beside whatever else handles the message, never instead of it.
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE
            & filters.ChatType.GROUPS
            & (filters.TEXT | filters.CAPTION)
            & ~filters.COMMAND,
            watch_message,
        ),
        group=1,
    )
