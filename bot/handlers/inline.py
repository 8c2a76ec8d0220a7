"""Inline mode: ``@ThisBot root causes`` in any chat sends the card there."""

from __future__ import annotations

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import InlineQueryHandler

from bot import render
from bot.context import AnyApplication
from bot.handlers.common import Context, language
from bot.i18n import t
from bot.playbook import AnyEntry, Lang, Playbook, Principle

MAX_RESULTS = 20


def article(entry: AnyEntry, playbook: Playbook, lang: Lang) -> InlineQueryResultArticle:
    card = render.card(entry, playbook, lang)
    key = str(entry.number) if isinstance(entry, Principle) else entry.id
    return InlineQueryResultArticle(
        id=f"{entry.kind}:{key}:{lang}",
        title=render.button_label(entry, lang),
        description=render.shorten(entry.summary(lang), 120),
        input_message_content=InputTextMessageContent(card.text, parse_mode=ParseMode.HTML),
        reply_markup=card.keyboard,
    )


async def inline_query(update: Update, context: Context) -> None:
    query = update.inline_query
    if query is None:
        return
    lang = await language(update, context)
    library = context.library
    text = query.query.strip()
    if text:
        entries = [hit.entry for hit in library.index.search(text, limit=MAX_RESULTS)]
    else:
        entries = list(library.playbook.principles)
    results = [article(entry, library.playbook, lang) for entry in entries]
    # A miss still offers a way in: a button that opens the bot's private chat.
    button = (
        None
        if results
        else InlineQueryResultsButton(text=t(lang, "inline_nothing"), start_parameter="inline")
    )
    # Personal: the answer depends on the user's language.
    await query.answer(results, cache_time=30, is_personal=True, button=button)


def register(application: AnyApplication) -> None:
    application.add_handler(InlineQueryHandler(inline_query))
