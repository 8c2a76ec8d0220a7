"""Term watch (groups, opt-in): name a loaded term or known claim as it is used.

Only confident matches, and each entry at most once per chat per ten minutes, so
the bot never floods a discussion.
"""

from __future__ import annotations

import time

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import CommandHandler, MessageHandler, filters

from bot import render
from bot.context import AnyApplication
from bot.handlers.common import NEW_MESSAGES, Context, command_text, language, reply
from bot.handlers.guards import Here, in_group
from bot.i18n import Html, t
from bot.playbook import Term
from bot.render import Rendered
from bot.sender import Priority, reply_job

QUIET_SECONDS = 600.0
_LAST_SAID = "watch_last_said"


@in_group("watch", log=False)
async def watch_command(update: Update, context: Context, here: Here) -> None:
    lang = here.lang
    choice = command_text(update.effective_message).casefold()
    if choice not in ("on", "off"):
        await reply(update, context, Rendered(t(lang, "watch_usage")))
        return
    await context.store.set_watch(here.chat_id, choice == "on")
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
    if not await context.store.get_watch(chat.id):
        return
    # Ukraine's own terms (security guarantees) are the team's words, never a Kremlin
    # term heard at the table.
    found = context.library.index.mentions(text, kinds=("term", "claim"), limit=4)
    hits = [h for h in found if not (isinstance(h.entry, Term) and h.entry.ukrainian_side)][:2]
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
    context.sender.submit(chat.id, job)


def register(application: AnyApplication) -> None:
    application.add_handler(CommandHandler("watch", watch_command, filters=NEW_MESSAGES))
    # Its own group: runs beside whatever else handles the message, never instead of it.
    application.add_handler(
        MessageHandler(
            NEW_MESSAGES
            & filters.ChatType.GROUPS
            & (filters.TEXT | filters.CAPTION)
            & ~filters.COMMAND,
            watch_message,
        ),
        group=1,
    )
