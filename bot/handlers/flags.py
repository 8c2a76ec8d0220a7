"""Flagging statements heard at the table, and the verification workflow.

/flag, /verify (and the verdict buttons), /assign, /unflag, /show; edits of a
flagged message follow into the record; a group's log follows it when Telegram
turns the group into a supergroup. Every write is committed before the bot
replies, so a failed reply never loses a flag.
"""

from __future__ import annotations

import logging

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

from bot import callbacks, render_log
from bot.context import AnyApplication
from bot.flag_input import parse_number, parse_status, split_status, verdict_choices
from bot.flaglog import Answer, Change, FlagLog, Refused, Why, refusal_text, unchanged_text
from bot.handlers import guards
from bot.handlers.common import (
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
from bot.playbook import Lang
from bot.render import Rendered, shorten
from bot.sender import Job, Priority, Shown
from bot.store import LogsApart

log = logging.getLogger(__name__)


async def _say(
    update: Update, context: Context, lang: Lang, change: Change, answer: Answer, done: str | None
) -> None:
    """Answer a change in the chat: why not, that it already was so, or ``done`` (the
    key of what to say; None when the outbox says it)."""
    if isinstance(answer, Refused):
        text: str | None = refusal_text(answer, lang)
    elif not answer.changed:
        text = unchanged_text(change, answer.flag, lang)
    else:
        text = None if done is None else t(lang, done, number=answer.flag.number)
    if text is not None:
        await reply(update, context, Rendered(text))


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
    who = actor(update, context)
    typed = command_text(message)
    source = _source(message)
    source_text = (source.text or source.caption or "") if source is not None else ""
    # A reply's statement is the message replied to, and what was typed its note.
    replied = source is not None and bool(source_text)
    answer = await FlagLog(context.services).flag(
        chat_id,
        who,
        source_text if replied else typed,
        author=_author(source) if source is not None and replied else None,
        note=(typed or None) if replied else None,
        message_chat_id=message.chat.id,
        message_id=message.message_id,
        message_date=message.date,
        source_message_id=source.message_id if source is not None else None,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        announce_lang=lang,
        source_link=source.link if source is not None else None,
    )
    # Done: the confirmation comes from the outbox; a command Telegram sent again
    # was confirmed the first time.
    if isinstance(answer, Refused):
        await _say(update, context, lang, Change.FLAG, answer, None)


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
    who = actor(update, context)
    answer = await FlagLog(context.services).verdict(here.chat_id, who, number, status, typed_note)
    # Done: the notice to the flagger comes from the outbox.
    await _say(update, context, lang, Change.VERDICT, answer, None)


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
    who = actor(update, context)
    answer = await FlagLog(context.services).verdict(here.chat_id, who, parsed.number, status)
    if isinstance(answer, Refused):
        await query.answer(refusal_text(answer, here.lang, in_button=True), show_alert=True)
    elif not answer.changed:
        await query.answer(unchanged_text(Change.VERDICT, answer.flag, here.lang))
    else:
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


@in_group("assign")
async def assign(update: Update, context: Context, here: Here) -> None:
    words = command_text(update.effective_message).split(maxsplit=1)
    number = parse_number(words[0]) if len(words) > 1 else None
    if number is None:
        await reply(update, context, Rendered(t(here.lang, "assign_usage")))
        return
    who = actor(update, context)
    answer = await FlagLog(context.services).assign(here.chat_id, who, number, words[1])
    # Done: the group hears the assignment from the outbox.
    await _say(update, context, here.lang, Change.ASSIGN, answer, None)


@in_group("unflag")
async def unflag(update: Update, context: Context, here: Here) -> None:
    words = command_text(update.effective_message).split(maxsplit=1)
    number = parse_number(words[0]) if words else None
    if number is None:
        await reply(update, context, Rendered(t(here.lang, "unflag_usage")))
        return
    reason = words[1] if len(words) > 1 else None
    who = actor(update, context)
    answer = await FlagLog(context.services).retract(here.chat_id, who, number, reason)
    await _say(update, context, here.lang, Change.RETRACT, answer, "unflagged")


@in_group("show")
async def show_record(update: Update, context: Context, here: Here) -> None:
    chat_id, lang = here.chat_id, here.lang
    words = command_text(update.effective_message).split()
    number = await guards.flag_number(update, context, lang, words, "/show 12")
    if number is None:
        return
    await reply(update, context, await _record(context, chat_id, number, lang))


async def _record(context: Context, chat_id: int, number: int, lang: Lang) -> Rendered:
    """Flag ``number``'s record as /show gives it, with the earlier flag it repeats as
    that one stands now; or that there is no such flag."""
    store = context.store
    found = await store.get_flag(chat_id, number)
    if found is None:
        return Rendered(t(lang, "flag_not_found", number=number))
    history = await store.history(chat_id, number)
    where = await guards.chat_zone(context, chat_id)
    earlier = None
    if found.seen_before is not None:
        earlier = await store.get_flag(chat_id, found.seen_before)
    return render_log.record(found, history, context.library.playbook, lang, where, earlier)


async def show_button(update: Update, context: Context) -> None:
    """ "Open #12" under a flag seen before: #12's record, in this chat whatever the
    button says."""
    found = await pressed(update, context, callbacks.ShowFlag)
    if found is None:
        return
    query, parsed = found
    here = await guards.button_here(update, context)
    if here is None:
        return
    await query.answer()
    await reply(update, context, await _record(context, here.chat_id, parsed.number, here.lang))


async def edited(update: Update, context: Context) -> None:
    """An edit of a flagged message (or of the /flag itself) is kept in the flag's history."""
    message = update.edited_message
    if message is None or message.chat.type == ChatType.PRIVATE:
        return
    found = await context.store.flag_by_message(message.chat.id, message.message_id)
    if found is None:
        return
    new_text = message.text or message.caption or ""
    if found.message_id == message.message_id and found.source_message_id is None:
        if not new_text.startswith("/"):
            return
        new_text = command_text(message)
    answer = await FlagLog(context.services).edit_text(
        message.chat.id, actor(update, context), found.number, new_text
    )
    # An edit is not a command: it is answered only when the log cannot keep it.
    if isinstance(answer, Refused) and answer.why is Why.BAD_TEXT:
        lang = await language(update, context)
        reason = Html(refusal_text(answer, lang))
        text = t(lang, "edit_refused", number=found.number, reason=reason)
        await reply(update, context, Rendered(text))


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
    try:
        await store.migrate_chat(old_id, new_id)
    except LogsApart as exc:
        # Both chats keep a flag log: merging would renumber flags the team has cited
        # by number. Each stays whole; the supergroup's goes on.
        log.warning("chat %s migrated to %s, but its log stays apart: %s", old_id, new_id, exc)
        return
    if was_enrolled and not await store.is_enrolled(new_id):
        await store.enroll(new_id, message.chat.title, 0)
    log.info("chat %s migrated to %s; its log follows", old_id, new_id)


@in_group("board")
async def live_list(update: Update, context: Context, here: Here) -> None:
    """/board in a group: post the live list of open flags, with the button to the
    board; the sender edits the list as flags arrive and get verdicts."""
    chat_id, lang = here.chat_id, here.lang
    message = update.effective_message
    thread_id = message.message_thread_id if message and message.is_topic_message else None
    store = context.store

    async def remember(posted: Message) -> None:
        await store.set_live_list(chat_id, posted.message_id, lang=lang, thread_id=thread_id)

    rendered = await context.sender.live_list(chat_id, lang, context.bot.username)
    await reply(update, context, rendered, on_sent=remember, do_quote=False)


def register(application: AnyApplication) -> None:
    add_commands(
        application,
        {
            "flag": flag,
            "verify": verify,
            "assign": assign,
            "unflag": unflag,
            "show": show_record,
            "board": live_list,
        },
    )
    application.add_handler(CallbackQueryHandler(verdict_button, pattern=callbacks.Verdict.matches))
    application.add_handler(CallbackQueryHandler(show_button, pattern=callbacks.ShowFlag.matches))
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
