"""Reading the log: rounds, /log pages, /find, /summary, /export."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import (
    callbacks,
    definitions,
    export,
    points,
    render_definitions,
    render_log,
    render_points,
    text_rules,
)
from bot.context import AnyApplication
from bot.handlers import guards
from bot.handlers.common import (
    Context,
    actor,
    add_commands,
    command_text,
    pressed,
    reply,
    show_in_place,
)
from bot.handlers.guards import Here, in_group
from bot.i18n import t
from bot.playbook import LANGUAGES, Lang
from bot.render import Rendered, shorten
from bot.sender import Job, Priority
from bot.store import Page, Store
from bot.web import links

LOG_PAGE = 10
# Callback data is 64 bytes; a speaker filter is cut to fit (it matches by substring).
_SPEAKER_BYTES = 40


def _subcommand(update: Update) -> tuple[str, str]:
    """ "/round start Istanbul 3" → ("start", "Istanbul 3"); ("", "") for the bare command."""
    words = command_text(update.effective_message).split(maxsplit=1)
    action = words[0].casefold() if words else ""
    return action, words[1].strip() if len(words) > 1 else ""


@in_group("round")
async def round_command(update: Update, context: Context, here: Here) -> None:
    chat_id, lang, store = here.chat_id, here.lang, context.store
    action, argument = _subcommand(update)
    who = actor(update, context)
    if action == "start" and argument:
        name = await guards.accepted_text(update, context, lang, argument, text_rules.Kind.ROUND)
        if name is None:
            return
        started = await store.start_round(chat_id, shorten(name, 80), who.id)
        await reply(update, context, Rendered(t(lang, "round_started", name=started.name)))
    elif action == "end":
        ended = await store.end_round(chat_id, who.id)
        if ended is None:
            await reply(update, context, Rendered(t(lang, "round_none")))
            return
        # Principle 10: the statement, drafted the moment the round ends.
        keyboard = render_points.draft_button(ended.id, lang)
        await reply(update, context, Rendered(t(lang, "round_ended", name=ended.name), keyboard))
    elif not action:
        current = await store.current_round(chat_id)
        key = "round_current" if current is not None else "round_none"
        await reply(update, context, Rendered(t(lang, key, name=current.name if current else "")))
    else:
        await reply(update, context, Rendered(t(lang, "round_usage")))


def _cut_utf8(text: str, limit: int) -> str:
    return text.encode()[:limit].decode(errors="ignore")


async def _page(
    store: Store, chat_id: int, filter_code: str, offset: int
) -> tuple[Page, str] | None:
    """Decode a log filter into a page and its heading; None when it names nothing."""
    if filter_code == "":
        return await store.list_flags(chat_id, limit=LOG_PAGE, offset=offset), ""
    if filter_code == "o":
        return await store.open_flags(chat_id, limit=LOG_PAGE, offset=offset), ""
    if filter_code.startswith("r") and filter_code[1:].isdecimal():
        round_id = int(filter_code[1:])
        found = next((r for r in await store.rounds(chat_id) if r.id == round_id), None)
        if found is None:
            return None
        page = await store.list_flags(chat_id, round_name=found.name, limit=LOG_PAGE, offset=offset)
        return page, found.name
    if filter_code.startswith("s") and len(filter_code) > 1:
        speaker = filter_code[1:]
        page = await store.list_flags(chat_id, speaker=speaker, limit=LOG_PAGE, offset=offset)
        return page, speaker
    return None


# /log's filters as typed in either language: the flags still open (the status word
# and what people say for it), a round, a speaker.
_OPEN_WORDS = frozenset(
    {
        *(
            t(lang, word).casefold()
            for lang in LANGUAGES
            for word in ("filter_open", "status_open")
        ),
        "відкриті",
        "відкрито",
        "відкрита",
        "перевірка",
    }
)
_ROUND_WORDS = frozenset({"round", "раунд"})
_SPEAKER_WORDS = frozenset({"speaker", "хто", "мовець", "промовець"})


@in_group("log")
async def log_command(update: Update, context: Context, here: Here) -> None:
    chat_id, lang, store = here.chat_id, here.lang, context.store
    action, argument = _subcommand(update)
    typed = " ".join(command_text(update.effective_message).split()).casefold()
    if not action:
        code = ""
    elif typed in _OPEN_WORDS:
        code = "o"
    elif action in _ROUND_WORDS and argument:
        found = await store.find_round(chat_id, argument)
        if found is None:
            await reply(
                update, context, Rendered(t(lang, "round_unknown", name=shorten(argument, 80)))
            )
            return
        code = f"r{found.id}"
    elif action in _SPEAKER_WORDS and argument:
        code = "s" + _cut_utf8(argument, _SPEAKER_BYTES)
    else:
        await reply(update, context, Rendered(t(lang, "log_usage")))
        return
    await _send_page(update, context, store, chat_id, lang, code, 0)


async def _send_page(
    update: Update,
    context: Context,
    store: Store,
    chat_id: int,
    lang: Lang,
    code: str,
    offset: int,
) -> None:
    result = await _page(store, chat_id, code, offset)
    if result is None:
        await show_in_place(update, context, Rendered(t(lang, "log_none_match")))
        return
    page, heading = result
    if code == "o":  # the status in the reader's words, as the flags show it
        heading = t(lang, "status_open")
    where = await guards.chat_zone(context, chat_id)
    link = links.board_link(context.settings, context.bot.username, chat_id)
    rendered = render_log.log_page(page, lang, code, heading, where)
    await show_in_place(update, context, links.with_board_button(rendered, link, lang))


async def log_button(update: Update, context: Context) -> None:
    found = await pressed(update, context, callbacks.LogPage)
    if found is None:
        return
    query, parsed = found
    # The page is of the chat the button is in; the payload names only an offset.
    here = await guards.button_here(update, context)
    if here is None:
        return
    await query.answer()
    await _send_page(
        update, context, context.store, here.chat_id, here.lang, parsed.filter_code, parsed.offset
    )


@in_group("find")
async def find(update: Update, context: Context, here: Here) -> None:
    chat_id, lang = here.chat_id, here.lang
    query = command_text(update.effective_message)
    if not query:
        await reply(update, context, Rendered(t(lang, "find_usage")))
        return
    found = await context.store.search(chat_id, query, limit=15)
    where = await guards.chat_zone(context, chat_id)
    await reply(update, context, render_log.search_results(query, found, lang, where))


@dataclass(frozen=True)
class _Rounds:
    """What /summary and /export cover: one round (by its stored name), or all."""

    round_name: str | None


async def _rounds(update: Update, context: Context, here: Here) -> _Rounds | None:
    """The round named after the command, if any; None once told it names none."""
    name = command_text(update.effective_message)
    if not name:
        return _Rounds(None)
    found = await context.store.find_round(here.chat_id, name)
    if found is None:
        text = t(here.lang, "round_unknown", name=shorten(name, 80))
        await reply(update, context, Rendered(text))
        return None
    return _Rounds(found.name)


@in_group("summary")
async def summary(update: Update, context: Context, here: Here) -> None:
    rounds = await _rounds(update, context, here)
    if rounds is not None:
        data = await context.store.summary(here.chat_id, rounds.round_name)
        where = await guards.chat_zone(context, here.chat_id)
        playbook = context.library.playbook
        rendered = render_log.summary(data, playbook, here.lang, where)
        asks = await definitions.open_asks(context.store, here.chat_id)
        rendered = render_definitions.with_open_asks(rendered, asks, playbook, here.lang)
        await reply(update, context, rendered)


@in_group("export")
async def export_command(update: Update, context: Context, here: Here) -> None:
    rounds = await _rounds(update, context, here)
    if rounds is None:
        return
    chat_id, lang, round_name, store = here.chat_id, here.lang, rounds.round_name, context.store
    flags = await store.export_flags(chat_id, round_name)
    register = await definitions.for_export(store, chat_id, round_name)
    if not flags and not register.definitions and not register.asks:
        # Two empty files would only say the same less clearly.
        key = "export_empty_round" if round_name else "export_empty"
        await reply(update, context, Rendered(t(lang, key, name=round_name or "")))
        return
    histories = await store.history_for(chat_id, [f.number for f in flags])
    chat = update.effective_chat
    title = (chat.title if chat is not None else None) or str(chat_id)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    base = f"flags-{stamp}" + (f"-{_slug(round_name)}" if round_name else "")
    message = update.effective_message
    if message is None:
        return
    where = await guards.chat_zone(context, chat_id)
    titles = export.card_titles(flags, context.library.playbook, lang)
    csv_file = export.to_csv(flags, histories, where, lang=lang, titles=titles)
    prepared = await points.for_export(store, chat_id, round_name)
    markdown = export.markdown_report(
        flags,
        histories,
        prepared,
        register,
        chat_title=title,
        round_name=round_name,
        where=where,
        lang=lang,
        playbook=context.library.playbook,
    )
    # What the files are goes in the first one's caption: a busy group has 20 messages a
    # minute, and a line of text on its own would spend one of them.
    caption = t(lang, "export_done", count=len(flags))
    files = [(csv_file, f"{base}.csv", caption), (markdown, f"{base}.md", None)]
    if register.definitions or register.asks:
        register_csv = export.definitions_to_csv(register.definitions, register.asks, where, lang)
        files.append((register_csv, f"definitions-{base.removeprefix('flags-')}.csv", None))
    for content, filename, text in files:
        context.sender.submit(
            chat_id,
            Job(
                Priority.REPLY,
                functools.partial(message.reply_document, content, filename=filename, caption=text),
            ),
        )


def _slug(name: str) -> str:
    kept = "".join(ch if ch.isalnum() else "-" for ch in name.casefold())
    return "-".join(part for part in kept.split("-") if part)[:40] or "round"


def register(application: AnyApplication) -> None:
    add_commands(
        application,
        {
            "round": round_command,
            "log": log_command,
            "find": find,
            "summary": summary,
            "export": export_command,
        },
    )
    application.add_handler(CallbackQueryHandler(log_button, pattern=callbacks.LogPage.matches))
