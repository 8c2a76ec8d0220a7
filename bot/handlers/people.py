"""/who: the people at the table, and in an enrolled group this chat's flags by each."""

from __future__ import annotations

from collections import Counter
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import CommandHandler

from bot import access, render, render_people
from bot.context import AnyApplication
from bot.handlers.common import NEW_MESSAGES, Context, command_text, language, reply
from bot.i18n import t
from bot.playbook import Lang, Person
from bot.render import Rendered
from bot.services import Library

# A confident hit this far ahead of the next one is the person meant.
CLEAR_LEAD = 8.0


def find_person(library: Library, query: str) -> tuple[Person | None, list[Any]]:
    """The one person a query names (an alias exactly, or a confident search hit), else
    the closest few to offer."""
    exact = library.playbook.person_for_speaker(query)
    hits = library.index.search(query, kinds=("person",), limit=6)
    if exact is not None:
        return exact, hits
    confident = [hit for hit in hits if hit.confident]
    if confident and (len(confident) == 1 or confident[0].score - confident[1].score >= CLEAR_LEAD):
        person = confident[0].entry
        return (person if isinstance(person, Person) else None), hits
    return None, hits


async def _with_flags(update: Update, context: Context, person: Person, lang: Lang) -> Rendered:
    """The card, plus this chat's flags by that speaker when the chat keeps a log."""
    library = context.library
    chat = update.effective_chat
    if (
        chat is None
        or chat.type == ChatType.PRIVATE
        or not await access.is_enrolled(update, context)
    ):
        return render.card(person, library.playbook, lang)
    store = context.store
    names = [
        name
        for name in await store.speaker_names(chat.id)
        if library.playbook.person_for_speaker(name) is person
    ]
    if not names:
        return render_people.person_with_flags(person, library.playbook, lang, {}, [], None)
    counts = await store.speaker_counts(chat.id, names)
    latest = await store.flags_by_speakers(chat.id, names, limit=render_people.LATEST)
    # /log speaker matches one spelling: offer the one this chat types most.
    typed = Counter(
        flag.speaker for flag in await store.flags_by_speakers(chat.id, names, limit=200)
    )
    log_name = typed.most_common(1)[0][0] if typed else names[0]
    return render_people.person_with_flags(person, library.playbook, lang, counts, latest, log_name)


async def who(update: Update, context: Context) -> None:
    lang = await language(update, context)
    library = context.library
    query = command_text(update.effective_message)
    if not query:
        await reply(update, context, render.entry_list("person", library.playbook, lang))
        return
    person, hits = find_person(library, query)
    if person is not None:
        await reply(update, context, await _with_flags(update, context, person, lang))
        return
    if hits:
        await reply(update, context, render.miss(query, hits, lang))
        return
    shown = render.shorten(query, 100)
    text = f"{t(lang, 'who_none', query=shown)}"
    await reply(
        update,
        context,
        Rendered(text, render.entry_list("person", library.playbook, lang).keyboard),
    )


def register(application: AnyApplication) -> None:
    application.add_handler(CommandHandler("who", who, filters=NEW_MESSAGES))
