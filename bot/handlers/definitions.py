"""The register of their definitions: /define and /asked, and "Their definitions here"
under a term's card in the chat that recorded them.

Every entry goes through :mod:`bot.definitions`; here: parse, call, render.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from telegram import Update
from telegram.constants import ChatType

from bot import access, definitions, render, render_definitions
from bot.context import AnyApplication
from bot.handlers import guards
from bot.handlers.common import Context, actor, add_commands, command_text, reply
from bot.handlers.guards import Here, in_group
from bot.i18n import t
from bot.playbook import AnyEntry, Lang, Term
from bot.points import AdminCheck, Refusal
from bot.render import Rendered
from bot.store import Definition

CardOf = Callable[[AnyEntry], Rendered]


def _admin_check(update: Update, context: Context) -> AdminCheck:
    return functools.partial(access.is_chat_admin, update, context)


def _refused(refusal: Refusal, lang: Lang) -> Rendered:
    return Rendered(t(lang, refusal.key, **refusal.values))


@in_group("define")
async def define_command(update: Update, context: Context, here: Here) -> None:
    """/define term: text records; /define term shows; a reply with /define term
    records the replied message's text."""
    message = update.effective_message
    if message is None:
        return
    typed = definitions.parse(command_text(message))
    if isinstance(typed, Refusal):
        await reply(update, context, _refused(typed, here.lang))
        return
    about = definitions.subject(context.library.index, typed.phrase)
    text, source_id = typed.text, None
    replied = message.reply_to_message
    if not text and replied is not None:
        text = replied.text or replied.caption
        if text is None:
            await reply(update, context, Rendered(t(here.lang, "define_reply_no_text")))
            return
        source_id = replied.message_id
    if text is None:
        shown = await definitions.register_of(context.store, here.chat_id, about)
        where = await guards.chat_zone(context, here.chat_id)
        await reply(update, context, render_definitions.register(shown, here.lang, where))
        return
    who = actor(update, context)
    outcome = await definitions.record(
        context.store,
        here.chat_id,
        about,
        text,
        speaker=typed.speaker,
        by_id=who.id,
        by_name=who.name,
        is_admin=_admin_check(update, context),
        message_id=source_id,
    )
    if isinstance(outcome, Refusal):
        await reply(update, context, _refused(outcome, here.lang))
        return
    await reply(update, context, render_definitions.recorded(outcome, about, here.lang))


@in_group("asked")
async def asked_command(update: Update, context: Context, here: Here) -> None:
    """/asked term notes the ask; /asked alone lists the terms still undefined."""
    lang = here.lang
    arguments = command_text(update.effective_message)
    if not arguments:
        waiting = await definitions.open_asks(context.store, here.chat_id)
        block = render_definitions.open_asks(waiting, context.library.playbook, lang)
        await reply(update, context, Rendered(block or t(lang, "define_asked_none")))
        return
    typed = definitions.parse(arguments.replace(":", " "))
    if isinstance(typed, Refusal):
        refusal = Refusal("asked_usage") if typed.key == "define_usage" else typed
        await reply(update, context, _refused(refusal, lang))
        return
    about = definitions.subject(context.library.index, typed.phrase)
    who = actor(update, context)
    outcome = await definitions.ask(
        context.store,
        here.chat_id,
        about,
        by_id=who.id,
        by_name=who.name,
        is_admin=_admin_check(update, context),
    )
    if isinstance(outcome, Refusal):
        await reply(update, context, _refused(outcome, lang))
        return
    await reply(update, context, render_definitions.asked(about, lang))


async def cards_here(update: Update, context: Context, lang: Lang) -> CardOf | None:
    """How cards open in this chat when it recorded their definitions of some term:
    those terms' cards show "Their definitions here". None in a private chat, a chat
    without a log, or one with no definitions: the plain card then."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return None
    if not await access.is_enrolled(update, context):
        return None
    recorded: dict[str, list[Definition]] = {}
    for item in await context.store.definitions.of_chat(chat.id):
        if item.term_key is not None:
            recorded.setdefault(item.term_key, []).append(item)
    if not recorded:
        return None
    playbook = context.library.playbook
    where = await guards.chat_zone(context, chat.id)

    def card_of(entry: AnyEntry) -> Rendered:
        found = recorded.get(entry.id) if isinstance(entry, Term) else None
        if not isinstance(entry, Term) or not found:
            return render.card(entry, playbook, lang)
        latest = definitions.latest_per_round(found)
        return render_definitions.card_with_definitions(entry, playbook, latest, lang, where)

    return card_of


def register(application: AnyApplication) -> None:
    add_commands(application, {"define": define_command, "asked": asked_command})
