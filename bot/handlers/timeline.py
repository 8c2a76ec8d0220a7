"""/timeline: the talks and the sides' positions in date order, by year or by words."""

from __future__ import annotations

import re
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks, render
from bot.context import AnyApplication
from bot.handlers.common import Context, command_text, language, pressed, reply, show_in_place
from bot.playbook import Event
from bot.render import Rendered
from bot.services import Library

_YEAR = re.compile(r"^(19|20)\d\d$")
# A confident hit this far ahead of the next one opens its card directly.
CLEAR_LEAD = 8.0


def answer(library: Library, query: str, lang: Any) -> Rendered:
    """A year gives that year's page; words give the one event, or the events they match."""
    if not query:
        return render.timeline(library.playbook, lang)
    if _YEAR.match(query):
        return render.timeline(library.playbook, lang, year=query)
    hits = library.index.search(query, kinds=("event",), limit=10)
    confident = [hit for hit in hits if hit.confident]
    if confident and (len(confident) == 1 or confident[0].score - confident[1].score >= CLEAR_LEAD):
        return render.card(confident[0].entry, library.playbook, lang)
    events = [hit.entry for hit in (confident or hits) if isinstance(hit.entry, Event)]
    if events:
        return render.timeline_matches(query, events, lang)
    return render.miss(query, library.index.search(query, limit=6), lang)


async def timeline_command(update: Update, context: Context) -> None:
    lang = await language(update, context)
    query = command_text(update.effective_message)
    await reply(update, context, answer(context.library, query, lang))


async def timeline_button(update: Update, context: Context) -> None:
    found = await pressed(update, context, callbacks.TimelinePage)
    if found is None:
        return
    query, parsed = found
    lang = await language(update, context)
    await query.answer()
    playbook = context.library.playbook
    await show_in_place(update, context, render.timeline(playbook, lang, parsed.page, parsed.year))


def register(application: AnyApplication) -> None:
    application.add_handler(
        CommandHandler("timeline", timeline_command, filters=filters.UpdateType.MESSAGE)
    )
    application.add_handler(
        CallbackQueryHandler(timeline_button, pattern=callbacks.TimelinePage.matches)
    )
