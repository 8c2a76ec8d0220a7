"""Looking things up: /start, /help, lists, cards, search, buttons and /lang."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import access, callbacks, render
from bot.access import Role
from bot.context import AnyApplication
from bot.handlers import definitions
from bot.handlers.common import (
    NEW_MESSAGES,
    Context,
    command_text,
    is_private,
    language,
    remember_language,
    reply,
    show_in_place,
    stale_button,
)
from bot.i18n import t
from bot.playbook import AnyEntry, Kind, Lang, as_kind, as_lang
from bot.render import Rendered
from bot.search import CHOICES
from bot.services import Library

_PLURAL: dict[str, Kind] = {
    "principles": "principle",
    "terms": "term",
    "tactics": "tactic",
    "claims": "claim",
}


def answer(
    library: Library,
    query: str,
    lang: Lang,
    kinds: tuple[Kind, ...] | None,
    card_of: Callable[[AnyEntry], Rendered] | None = None,
) -> Rendered:
    """What the bot says to a search: one card when one entry clearly leads, else a
    short list or suggestions; a principle number out of range says how many there are.
    ``card_of``: how a card opens in this chat (with its definitions, bot.definitions)."""
    found = library.index.answer(query, kinds=kinds)
    if found.missing_number is not None:
        return Rendered(t(lang, "principle_range", count=len(library.playbook.principles)))
    if found.opens is not None:
        if card_of is not None:
            return card_of(found.opens)
        return render.card(found.opens, library.playbook, lang)
    confident = [hit for hit in found.choices if hit.confident]
    if confident:
        return render.results(query, confident, lang)
    hits = found.choices
    if not hits and kinds is not None:
        # "/term ultimatum" is a tactic: offer what exists elsewhere.
        hits = library.index.search(query, limit=CHOICES)
    return render.miss(query, hits, lang)


async def start(update: Update, context: Context) -> None:
    lang = await language(update, context)
    payload = context.args[0] if context.args else ""
    kind_name, _, key = payload.partition("-")
    kind = as_kind(kind_name)
    if kind is not None and key:
        library = context.library
        entry = library.playbook.get(kind, key)
        if entry is not None:
            await reply(update, context, render.card(entry, library.playbook, lang))
            return
    await reply(update, context, render.welcome(lang))


def help_text(lang: Lang, bot_name: str) -> str:
    """Every command with examples, then who may do what, from access.COMMAND_ROLES."""
    roles = [f"<b>{t(lang, 'roles_title')}</b>"]
    for role in Role:
        roles.append(t(lang, f"role_{role}", commands=", ".join(access.commands_for(role))))
    return t(lang, "help").replace("{bot}", bot_name) + "\n\n" + "\n".join(roles)


async def help_command(update: Update, context: Context) -> None:
    lang = await language(update, context)
    await reply(update, context, Rendered(help_text(lang, context.bot.username)))


def _list_command(kind: Kind) -> Any:
    async def handler(update: Update, context: Context) -> None:
        lang = await language(update, context)
        await reply(update, context, render.entry_list(kind, context.library.playbook, lang))

    return handler


def _lookup_command(kind: Kind) -> Any:
    async def handler(update: Update, context: Context) -> None:
        lang = await language(update, context)
        query = command_text(update.effective_message)
        library = context.library
        if not query:
            await reply(update, context, render.entry_list(kind, library.playbook, lang))
            return
        card_of = await definitions.cards_here(update, context, lang)
        await reply(update, context, answer(library, query, lang, (kind,), card_of))

    return handler


async def search_command(update: Update, context: Context) -> None:
    lang = await language(update, context)
    query = command_text(update.effective_message)
    if not query:
        await reply(update, context, render.welcome(lang))
        return
    card_of = await definitions.cards_here(update, context, lang)
    await reply(update, context, answer(context.library, query, lang, None, card_of))


async def private_text(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    lang = await language(update, context)
    await reply(update, context, answer(context.library, message.text, lang, None))


async def _chosen(update: Update, context: Context, choice: Lang) -> Rendered:
    """Remember the user's choice and say so: in a private chat in the new language;
    in a group, which reads its own language (/settings language), in the group's."""
    await remember_language(update, context, choice)
    if is_private(update):
        return Rendered(t(choice, "lang_set"))
    lang = await language(update, context)
    return Rendered(t(lang, "lang_set_group", language=t(lang, f"language_{choice}")))


async def language_command(update: Update, context: Context) -> None:
    typed = command_text(update.effective_message).lower()
    choice = as_lang(typed[:2])
    if choice is not None:
        await reply(update, context, await _chosen(update, context, choice))
        return
    lang = await language(update, context)
    text = t(lang, "lang_pick") if not typed else t(lang, "lang_unknown")
    await reply(update, context, Rendered(text, render.language_keyboard()))


async def button(update: Update, context: Context) -> None:
    """Buttons of cards and lists; flag buttons are handled in handlers.flags."""
    query = update.callback_query
    if query is None:
        return
    parsed = callbacks.parse(query.data)
    lang = await language(update, context)
    library = context.library
    if isinstance(parsed, callbacks.SetLanguage) and (chosen := as_lang(parsed.lang)):
        await query.answer()
        await show_in_place(update, context, await _chosen(update, context, chosen))
        return
    if isinstance(parsed, callbacks.ListKind):
        await query.answer()
        await show_in_place(
            update, context, render.entry_list(parsed.kind, library.playbook, lang, parsed.page)
        )
        return
    if isinstance(parsed, callbacks.OpenEntry):
        entry = library.playbook.get(parsed.kind, parsed.key)
        if entry is not None:
            await query.answer()
            card_of = await definitions.cards_here(update, context, lang)
            shown = card_of(entry) if card_of else render.card(entry, library.playbook, lang)
            await show_in_place(update, context, shown)
            return
        await query.answer(t(lang, "entry_gone"), show_alert=True)
        return
    await query.answer(t(lang, "button_outdated"), show_alert=True)


async def unknown_command(update: Update, context: Context) -> None:
    """Only in private chats or when addressed to this bot by name: never chatter in groups."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split(maxsplit=1)[0]
    username = context.bot.username
    addressed = "@" in command and command.split("@", 1)[1].lower() == username.lower()
    if is_private(update) or addressed:
        lang = await language(update, context)
        await reply(update, context, Rendered(t(lang, "unknown_command")))


def register(application: AnyApplication) -> None:
    application.add_handler(CommandHandler("start", start, filters=NEW_MESSAGES))
    application.add_handler(CommandHandler("help", help_command, filters=NEW_MESSAGES))
    for plural, kind in _PLURAL.items():
        application.add_handler(CommandHandler(plural, _list_command(kind), filters=NEW_MESSAGES))
        application.add_handler(CommandHandler(kind, _lookup_command(kind), filters=NEW_MESSAGES))
    application.add_handler(CommandHandler("search", search_command, filters=NEW_MESSAGES))
    application.add_handler(CommandHandler("lang", language_command, filters=NEW_MESSAGES))
    entries = callbacks.any_of(callbacks.OpenEntry, callbacks.ListKind, callbacks.SetLanguage)
    application.add_handler(CallbackQueryHandler(button, pattern=entries))
    application.add_handler(
        MessageHandler(
            NEW_MESSAGES & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
            private_text,
        )
    )


def register_fallbacks(application: AnyApplication) -> None:
    """Added last, so every real command has had its chance first."""
    application.add_handler(MessageHandler(NEW_MESSAGES & filters.COMMAND, unknown_command))
    # Buttons no other handler claims (malformed or forged data) still get an answer.
    application.add_handler(CallbackQueryHandler(stale_button))
