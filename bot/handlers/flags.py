"""Flagging statements heard at the table, and the verification workflow.

/flag, /verify (and the verdict buttons), /assign, /unflag, /show; edits of a
flagged message follow into the record; a group's log follows it when Telegram
turns the group into a supergroup. Every write is committed before the bot
replies, so a failed reply never loses a flag.
"""

from __future__ import annotations

import logging
import re

from telegram import (
    InlineKeyboardMarkup,
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot import access, callbacks, render_log, sender, text_rules
from bot.context import AnyApplication
from bot.handlers import guards
from bot.handlers.common import (
    Actor,
    Context,
    actor,
    add_commands,
    command_text,
    language,
    pressed,
    reply,
    stale_button,
)
from bot.handlers.guards import Here, in_group
from bot.i18n import Html, t
from bot.playbook import LANGUAGES, Lang
from bot.render import Rendered, shorten
from bot.sender import Job, Priority, Shown
from bot.store import Flag, FlagNotFound, Status
from bot.web import links

log = logging.getLogger(__name__)

# "/flag Lavrov: ..." names the speaker: a short name before a colon, not a URL.
_SPEAKER = re.compile(r"^(?P<speaker>[^\n:/]{1,48}?)\s*:\s+(?P<text>\S.*)$", re.DOTALL)
# A speaker and nothing they said: "/flag Lavrov:" is a statement still to type.
_SPEAKER_ONLY = re.compile(r"^(?P<speaker>[^\n:/]{1,48}?)\s*:\s*$")
MAX_SPEAKER_WORDS = 5

# What people type for a verdict besides each status's own word in either language.
_SYNONYMS: dict[str, Status] = {
    "true": Status.VERIFIED,
    "ok": Status.VERIFIED,
    "confirmed": Status.VERIFIED,
    "lie": Status.FALSE,
    "fake": Status.FALSE,
    "unverified": Status.UNVERIFIABLE,
    "unknown": Status.UNVERIFIABLE,
    "reopen": Status.OPEN,
    "підтверджено": Status.VERIFIED,
    "брехня": Status.FALSE,
    # The Ukrainian words before "На перевірці" and "Неможливо перевірити", still
    # taken so nobody's habit breaks.
    "відкрито": Status.OPEN,
    "відкрита": Status.OPEN,
    "неперевірне": Status.UNVERIFIABLE,
    "неперевірено": Status.UNVERIFIABLE,
}
_STATUS_WORDS: dict[str, Status] = {
    **_SYNONYMS,
    **{status.value: status for status in Status},
    **{t(lang, f"status_{status}").casefold(): status for status in Status for lang in LANGUAGES},
}


def split_speaker(text: str) -> tuple[str | None, str]:
    """``"Lavrov: the talks failed"`` → ("Lavrov", "the talks failed");
    ``"Lavrov:"`` → ("Lavrov", ""), nothing said yet."""
    match = _SPEAKER.match(text) or _SPEAKER_ONLY.match(text)
    if match is None:
        return None, text
    speaker = match["speaker"].strip()
    if not speaker or len(speaker.split()) > MAX_SPEAKER_WORDS:
        return None, text
    return speaker, (match.groupdict().get("text") or "").strip()


def parse_status(word: str) -> Status | None:
    return _STATUS_WORDS.get(" ".join(word.casefold().split()))


# Longest first, so "неможливо перевірити" is read before any one-word status.
_BY_LENGTH = sorted(_STATUS_WORDS, key=lambda words: -len(words.split()))


def split_status(typed: str) -> tuple[Status | None, str]:
    """ "на перевірці said twice" → (OPEN, "said twice"): the verdict, one word or
    several, and the note after it; (None, typed) when it starts with no verdict."""
    words = typed.split()
    for phrase in _BY_LENGTH:
        size = len(phrase.split())
        if " ".join(words[:size]).casefold() == phrase:
            rest = typed.split(maxsplit=size)
            return _STATUS_WORDS[phrase], rest[size] if len(rest) > size else ""
    return None, typed


def _source(message: Message) -> Message | None:
    """The message a /flag replies to, ignoring the topic header every forum post replies to."""
    source = message.reply_to_message
    if source is None or source.forum_topic_created is not None:
        return None
    return source


def _author(message: Message) -> str | None:
    """Who wrote the flagged message: for a forward, whoever said it first."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.full_name
    if isinstance(origin, MessageOriginHiddenUser):
        return origin.sender_user_name
    if isinstance(origin, MessageOriginChat):
        return origin.sender_chat.title
    if isinstance(origin, MessageOriginChannel):
        return origin.chat.title
    if message.sender_chat is not None:
        return message.sender_chat.title
    if message.from_user is not None:
        return message.from_user.full_name
    return None


@in_group("flag")
async def flag(update: Update, context: Context, here: Here) -> None:
    message = update.effective_message
    if message is None:
        return
    chat_id, lang = here.chat_id, here.lang
    store = context.store
    who = actor(update)
    existing = await store.flag_from_command(
        message.chat.id, message.message_id, flagged_by_id=who.id, message_date=message.date
    )
    if existing is not None:
        # Telegram sends an update again if the bot stopped before acknowledging it
        # (bot.polling): the flag exists, and its confirmation, if it never went out,
        # is still in the outbox.
        context.sender.kick(chat_id)
        return
    typed = command_text(message)
    source = _source(message)
    source_text = (source.text or source.caption or "") if source is not None else ""
    note: str | None = None
    if source is not None and source_text:
        statement = await guards.accepted_text(
            update, context, lang, source_text, text_rules.Kind.STATEMENT
        )
        if statement is None:
            return
        note = await guards.accepted_text(update, context, lang, typed, text_rules.Kind.NOTE)
        if note is None:
            return
        text, note = statement, note or None
        speaker = _author(source)
        source_author = speaker
    else:
        accepted = await guards.accepted_text(
            update, context, lang, typed, text_rules.Kind.STATEMENT
        )
        if accepted is None:
            return
        speaker, text = split_speaker(accepted)
        source_author = None
    if not text:
        await reply(update, context, Rendered(t(lang, "flag_usage")))
        return
    await context.services.add_flag(
        chat_id,
        text=text,
        speaker=speaker,
        flagged_by_id=who.id,
        flagged_by_name=who.name,
        message_chat_id=message.chat.id,
        message_id=message.message_id,
        message_date=message.date,
        source_message_id=source.message_id if source is not None else None,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        announce_lang=lang,
        source_link=source.link if source is not None else None,
        source_author=source_author,
        note=note,
    )


async def _judge(
    update: Update, context: Context, here: Here, number: int, status: Status, note: str
) -> str | None:
    """Record a verdict if allowed; returns the refusal to show, or None when done."""
    store = context.store
    existing = await store.get_flag(here.chat_id, number)
    if existing is None:
        return t(here.lang, "flag_not_found", number=number)
    who = actor(update)
    allowed = access.may_judge_unless_admin(existing, who.id, who.username)
    if not allowed and not await access.is_chat_admin(update, context):
        key = "not_allowed_verdict_short" if update.callback_query else "not_allowed_verdict"
        return t(here.lang, key, number=number)
    await context.services.give_verdict(
        here.chat_id, number, status, note, by_id=who.id, by_name=who.name
    )
    return None


def verdict_choices(lang: Lang) -> str:
    """The verdicts /verify takes, in the reader's language: each status's own word."""
    return ", ".join(t(lang, f"status_{status}").casefold() for status in Status)


@in_group("verify")
async def verify(update: Update, context: Context, here: Here) -> None:
    lang = here.lang
    words = command_text(update.effective_message).split(maxsplit=1)
    example = t(lang, "example_verify")
    number = await guards.flag_number(update, context, lang, words, example)
    if number is None:
        return
    if len(words) < 2:
        text = t(lang, "status_missing", number=number, choices=verdict_choices(lang))
        await reply(update, context, Rendered(text))
        return
    status, typed_note = split_status(words[1])
    if status is None:
        value = shorten(words[1].split()[0], 30)
        text = t(lang, "status_invalid", value=value, choices=verdict_choices(lang))
        await reply(update, context, Rendered(text))
        return
    note = await guards.accepted_text(update, context, lang, typed_note, text_rules.Kind.NOTE)
    if note is None:
        return
    refusal = await _judge(update, context, here, number, status, note)
    if refusal is not None:
        await reply(update, context, Rendered(refusal))


async def verdict_button(update: Update, context: Context) -> None:
    found = await pressed(update, context, callbacks.Verdict)
    if found is None:
        return
    query, parsed = found
    status = parse_status(parsed.status)
    if status is None:
        await stale_button(update, context)
        return
    here = await guards.button_here(update, context)
    if here is None:
        return
    refusal = await _judge(update, context, here, parsed.number, status, "")
    if refusal is not None:
        await query.answer(refusal, show_alert=True)
        return
    label = t(here.lang, f"status_{status}")
    await query.answer(t(here.lang, "verdict_done", number=parsed.number, status=label))


async def pick_button(update: Update, context: Context) -> None:
    """Under a merged confirmation: a number opens that flag's verdict buttons, and
    "All numbers" brings the numbers back."""
    query = update.callback_query
    parsed = callbacks.parse(query.data if query else None)
    if (
        query is None
        or query.message is None
        or not isinstance(parsed, callbacks.Pick | callbacks.BackToPicks)
    ):
        await stale_button(update, context)
        return
    here = await guards.button_here(update, context)
    if here is None:
        return
    lang = here.lang
    if isinstance(parsed, callbacks.Pick):
        pressed_on = query.message if isinstance(query.message, Message) else None
        shown = _picks(pressed_on.reply_markup if pressed_on else None) or [parsed.number]
        markup = render_log.picked_keyboard(parsed.number, shown, lang)
    else:
        markup = render_log.pick_keyboard(parsed.numbers)
    await query.answer()
    chat_id = query.message.chat.id
    context.sender.submit(
        chat_id,
        Job(
            Priority.REPLY,
            lambda: query.edit_message_reply_markup(reply_markup=markup),
            shows=Shown(None, markup),
            edits=(chat_id, query.message.message_id),
        ),
    )


def _picks(markup: InlineKeyboardMarkup | None) -> list[int]:
    """The flag numbers a merged confirmation's buttons show."""
    numbers = []
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            data = button.callback_data
            parsed = callbacks.Pick.parse(data) if isinstance(data, str) else None
            if parsed is not None:
                numbers.append(parsed.number)
    return numbers


async def _flag_to_change(
    update: Update, context: Context, here: Here, words: list[str], usage: str, refusal: str
) -> tuple[Flag, Actor] | None:
    """The flag the first word names, when the sender may change it (Role.FLAGGER: its
    flagger or a chat admin), and who they are; None once told why not."""
    number = guards.parse_number(words[0]) if words else None
    if number is None:
        await reply(update, context, Rendered(t(here.lang, usage)))
        return None
    existing = await context.store.get_flag(here.chat_id, number)
    if existing is None:
        await reply(update, context, Rendered(t(here.lang, "flag_not_found", number=number)))
        return None
    who = actor(update)
    if not access.is_flagger(existing, who.id) and not await access.is_chat_admin(update, context):
        await reply(update, context, Rendered(t(here.lang, refusal, number=number)))
        return None
    return existing, who


@in_group("assign")
async def assign(update: Update, context: Context, here: Here) -> None:
    chat_id, lang = here.chat_id, here.lang
    words = command_text(update.effective_message).split(maxsplit=1)
    # Role.FLAGGER: an assignment gives the right to judge, so not everyone may make one.
    found = await _flag_to_change(
        update, context, here, words if len(words) > 1 else [], "assign_usage", "not_allowed_assign"
    )
    if found is None:
        return
    flagged, who = found
    number, store = flagged.number, context.store
    named = await guards.accepted_text(update, context, lang, words[1], text_rules.Kind.NAME)
    if named is None:
        return
    assignee = shorten(named, 64)
    try:
        await store.assign(chat_id, number, assignee, by_id=who.id, by_name=who.name)
    except FlagNotFound:
        await reply(update, context, Rendered(t(lang, "flag_not_found", number=number)))
        return
    await reply(update, context, Rendered(t(lang, "assigned", number=number, assignee=assignee)))


@in_group("unflag")
async def unflag(update: Update, context: Context, here: Here) -> None:
    chat_id, lang = here.chat_id, here.lang
    words = command_text(update.effective_message).split(maxsplit=1)
    found = await _flag_to_change(
        update, context, here, words, "unflag_usage", "not_allowed_unflag"
    )
    if found is None:
        return
    existing, who = found
    number, store = existing.number, context.store
    if existing.retracted_at is not None:
        await reply(update, context, Rendered(t(lang, "already_retracted", number=number)))
        return
    reason = await guards.accepted_text(
        update, context, lang, words[1] if len(words) > 1 else "", text_rules.Kind.REASON
    )
    if reason is None:
        return
    await store.retract(chat_id, number, reason or None, by_id=who.id, by_name=who.name)
    await reply(update, context, Rendered(t(lang, "unflagged", number=number)))
    context.sender.kick(chat_id)


@in_group("show")
async def show_record(update: Update, context: Context, here: Here) -> None:
    chat_id, lang = here.chat_id, here.lang
    words = command_text(update.effective_message).split()
    number = await guards.flag_number(update, context, lang, words, "/show 12")
    if number is None:
        return
    store = context.store
    found = await store.get_flag(chat_id, number)
    if found is None:
        await reply(update, context, Rendered(t(lang, "flag_not_found", number=number)))
        return
    history = await store.history(chat_id, number)
    where = await guards.chat_zone(context, chat_id)
    rendered = render_log.record(found, history, context.library.playbook, lang, where)
    await reply(update, context, rendered)


async def edited(update: Update, context: Context) -> None:
    """An edit of a flagged message (or of the /flag itself) is kept in the flag's history."""
    message = update.edited_message
    if message is None or message.chat.type == ChatType.PRIVATE:
        return
    store = context.store
    found = await store.flag_by_message(message.chat.id, message.message_id)
    if found is None:
        return
    new_text = message.text or message.caption or ""
    if found.message_id == message.message_id and found.source_message_id is None:
        if not new_text.startswith("/"):
            return
        _, new_text = split_speaker(command_text(message))
    checked = text_rules.check(new_text, text_rules.Kind.STATEMENT)
    if isinstance(checked, text_rules.Refused):
        lang = await language(update, context)
        reason = Html(text_rules.explain(checked, lang))
        await reply(
            update, context, Rendered(t(lang, "edit_refused", number=found.number, reason=reason))
        )
        return
    new_text = checked
    if not new_text:
        return
    who = actor(update)
    await store.edit_text(message.chat.id, found.number, new_text, by_id=who.id, by_name=who.name)
    context.sender.kick(message.chat.id)


async def migrated(update: Update, context: Context) -> None:
    """Telegram moved the group to a supergroup: the log follows the new chat id.

    Telegram says so in both chats: "migrated to" in the old group, "migrated from"
    in the new supergroup. Each chat's updates are handled in order but the two chats
    concurrently, so the move is made on whichever comes first: the supergroup's own
    first message then precedes any /flag sent there.
    """
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old_id, new_id = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old_id, new_id = message.migrate_from_chat_id, message.chat.id
    else:
        return
    store = context.store
    was_enrolled = old_id in context.settings.allowed_chats or await store.is_enrolled(old_id)
    await store.migrate_chat(old_id, new_id)
    if was_enrolled and not await store.is_enrolled(new_id):
        await store.enroll(new_id, message.chat.title, 0)
    log.info("chat %s migrated to %s; its log follows", old_id, new_id)


@in_group("board")
async def board(update: Update, context: Context, here: Here) -> None:
    """Post the board; the sender edits it as flags arrive and get verdicts."""
    chat_id, lang = here.chat_id, here.lang
    message = update.effective_message
    thread_id = message.message_thread_id if message and message.is_topic_message else None
    store = context.store
    page = await store.open_flags(chat_id, limit=sender.BOARD_ROWS)

    async def remember(posted: Message) -> None:
        await store.set_board(chat_id, posted.message_id, lang=lang, thread_id=thread_id)

    rendered = render_log.board(
        page.items, page.total, lang, await guards.chat_zone(context, chat_id)
    )
    link = links.board_link(context.settings, context.bot.username, chat_id)
    await reply(
        update,
        context,
        links.with_board_button(rendered, link, lang),
        on_sent=remember,
        do_quote=False,
    )


def register(application: AnyApplication) -> None:
    add_commands(
        application,
        {
            "flag": flag,
            "verify": verify,
            "assign": assign,
            "unflag": unflag,
            "show": show_record,
            "board": board,
        },
    )
    application.add_handler(CallbackQueryHandler(verdict_button, pattern=callbacks.Verdict.matches))
    application.add_handler(
        CallbackQueryHandler(
            pick_button, pattern=callbacks.any_of(callbacks.Pick, callbacks.BackToPicks)
        )
    )
    # Telegram says a group moved in a message update (never a channel post).
    migration = filters.UpdateType.MESSAGE & filters.StatusUpdate.MIGRATE
    application.add_handler(MessageHandler(migration, migrated))
    # Its own group, so edits are seen even when another handler also matches.
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited), group=2)
