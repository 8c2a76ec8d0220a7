"""After the round: talking points prepared in advance (/points), and the statement
drafted from the record (/statement, and the button under /round end).

Every change to a point goes through :mod:`bot.points`; the draft is made by
:mod:`bot.statement`. Here: parse, call, render.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Final

from telegram import ForceReply, Message, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot import access, callbacks, points, render_log, render_points, statement
from bot.access import COMMAND_ROLES
from bot.context import AnyApplication
from bot.handlers import guards
from bot.handlers.common import (
    NEW_MESSAGES,
    Context,
    actor,
    add_commands,
    command_text,
    language,
    pressed,
    reply,
    show_in_place,
    stale_button,
)
from bot.handlers.guards import Here, in_group
from bot.i18n import Html, t
from bot.playbook import Lang
from bot.points import AdminCheck, Refusal
from bot.render import Rendered, shorten
from bot.sender import Job, Priority
from bot.store import Point, Round

# chat_data: which of the bot's "reply with the new text" prompts edits which point.
# In memory: after a restart the prompt is answered with /points edit instead.
_PROMPTS: Final = "point_edit_prompts"
_MOST_PROMPTS: Final = 50
# Telegram allows 1,000 characters of caption.
_CAPTION_CHARS: Final = 1000
# Message parts of a draft past which its files are sent before them.
_FILES_FIRST_OVER: Final = 3
# Every edit prompt, in either language, names the command that does the same.
_PROMPT_COMMAND: Final = re.compile(r"/points edit (?P<number>\d{1,6})\b")


def _admin_check(update: Update, context: Context) -> AdminCheck:
    return functools.partial(access.is_chat_admin, update, context)


def _refused(refusal: Refusal, lang: Lang) -> str:
    return t(lang, refusal.key, **refusal.values)


def _place(word: str) -> int | None:
    """A point's number on the list, as typed ("2", "#2")."""
    cleaned = word.lstrip("#")
    return int(cleaned) if cleaned.isdecimal() and len(cleaned) <= 6 else None


async def _show_list(update: Update, context: Context, here: Here) -> None:
    shown = await points.listing(context.store, here.chat_id)
    await reply(update, context, render_points.points_list(shown, here.lang))


@in_group("points")
async def points_command(update: Update, context: Context, here: Here) -> None:
    lang, store, who = here.lang, context.store, actor(update, context)
    words = command_text(update.effective_message).split(maxsplit=1)
    action = words[0].casefold() if words else ""
    rest = words[1] if len(words) > 1 else ""
    is_admin = _admin_check(update, context)
    mine: dict[str, Any] = {"by_id": who.id, "by_name": who.name, "is_admin": is_admin}
    if not action:
        await _show_list(update, context, here)
        return
    if action == "add" and rest.strip():
        added = await points.propose(store, here.chat_id, rest, **mine)
        if isinstance(added, Refusal):
            await reply(update, context, Rendered(_refused(added, lang)))
            return
        shown = await points.listing(store, here.chat_id)
        place = shown.number_of(added)
        if shown.round is not None:
            text = t(lang, "point_added", number=place, name=shown.round.name)
        else:
            text = t(lang, "point_added_next", number=place)
        await reply(update, context, Rendered(text))
        return
    head, tail = [*rest.split(maxsplit=1), "", ""][:2]
    number = _place(head)
    if number is None or action not in ("edit", "remove", "move"):
        await reply(update, context, Rendered(t(lang, "points_usage")))
        return
    if action == "edit":
        outcome: Point | list[Point] | Refusal = (
            await points.edit(store, here.chat_id, number, tail, **mine)
            if tail.strip()
            else Refusal("points_usage")
        )
        done = t(lang, "point_edited", number=number)
    elif action == "remove":
        outcome = await points.remove(store, here.chat_id, number, **mine)
        done = t(lang, "point_removed", number=number)
    else:
        to = _place(tail.strip())
        if to is None:
            await reply(update, context, Rendered(t(lang, "points_usage")))
            return
        outcome = await points.move(store, here.chat_id, number, to, **mine)
        new = min(to, len(outcome)) if isinstance(outcome, list) else to
        done = t(lang, "point_moved", old=number, new=max(new, 1))
    if isinstance(outcome, Refusal):
        await reply(update, context, Rendered(_refused(outcome, lang)))
        return
    await reply(update, context, Rendered(done))


async def point_button(update: Update, context: Context) -> None:
    """✏️, ⬆️ and 🗑 under /points: the point is named by its id, in this chat only."""
    found = await pressed(update, context, callbacks.PointAction)
    if found is None:
        return
    query, parsed = found
    here = await guards.button_here(update, context)
    if here is None:
        return
    lang, store, who = here.lang, context.store, actor(update, context)
    is_admin = _admin_check(update, context)
    mine: dict[str, Any] = {"by_id": who.id, "by_name": who.name, "is_admin": is_admin}
    before = await points.listing(store, here.chat_id)
    target = next((p for p in before.points if p.id == parsed.point_id), None)
    if target is None:
        await query.answer(t(lang, "point_gone"), show_alert=True)
        return
    number = before.number_of(target)
    if parsed.action == "e":
        if not await points.may("points edit", is_admin):
            await query.answer(t(lang, "admins_only"), show_alert=True)
            return
        await query.answer()
        await _prompt_for_text(update, context, target, number, lang)
        return
    if parsed.action == "r":
        outcome: Point | list[Point] | Refusal = await points.remove(
            store, here.chat_id, target.id, which_is_id=True, **mine
        )
        done = t(lang, "point_removed", number=number)
    else:
        outcome = await points.move(
            store, here.chat_id, target.id, number - 1, which_is_id=True, **mine
        )
        done = t(lang, "point_moved", old=number, new=max(number - 1, 1))
    if isinstance(outcome, Refusal):
        await query.answer(_refused(outcome, lang), show_alert=True)
        return
    await query.answer(shorten(done, 190))
    after = await points.listing(store, here.chat_id)
    await show_in_place(update, context, render_points.points_list(after, lang))


async def _prompt_for_text(
    update: Update, context: Context, point: Point, number: int, lang: Lang
) -> None:
    """Ask the admin who pressed ✏️ for the new text, as a reply the bot will recognise."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    asker = Html(render_log.mention(user.id, user.full_name))
    text = f"{asker}: {t(lang, 'point_edit_prompt', number=number)}"
    prompts = context.chat_data.setdefault(_PROMPTS, {}) if context.chat_data is not None else {}

    async def remember(sent: Message) -> None:
        prompts[sent.message_id] = point.id
        while len(prompts) > _MOST_PROMPTS:
            prompts.pop(next(iter(prompts)))

    context.sender.submit(
        message.chat.id,
        Job(
            Priority.REPLY,
            # Selective: the field opens for the admin mentioned, not the whole group.
            lambda: message.reply_text(text, reply_markup=ForceReply(selective=True)),
            on_sent=remember,
        ),
    )


async def point_reply(update: Update, context: Context) -> None:
    """A reply to a "new text of point N" prompt edits that point."""
    message = update.effective_message
    if message is None or message.reply_to_message is None or context.chat_data is None:
        return
    prompt = message.reply_to_message
    point_id = context.chat_data.get(_PROMPTS, {}).get(prompt.message_id)
    if point_id is None:
        await _answer_stale_prompt(update, context, prompt)
        return
    here = await guards.here(update, context, "points", log=True)
    if here is None:
        return
    who = actor(update, context)
    before = await points.listing(context.store, here.chat_id)
    target = next((p for p in before.points if p.id == point_id), None)
    outcome = await points.edit(
        context.store,
        here.chat_id,
        point_id,
        message.text or "",
        by_id=who.id,
        by_name=who.name,
        is_admin=_admin_check(update, context),
        which_is_id=True,
    )
    if isinstance(outcome, Refusal):
        await reply(update, context, Rendered(_refused(outcome, here.lang)))
        return
    number = before.number_of(target) if target is not None else 0
    context.chat_data[_PROMPTS].pop(message.reply_to_message.message_id, None)
    await reply(update, context, Rendered(t(here.lang, "point_edited", number=number)))


async def _answer_stale_prompt(update: Update, context: Context, prompt: Message) -> None:
    """A reply to one of the bot's edit prompts that it no longer remembers (the bot
    restarted since): say how to edit instead of dropping the text silently."""
    sender = prompt.from_user
    found = _PROMPT_COMMAND.search(prompt.text or "")
    if sender is None or sender.id != context.bot.id or found is None:
        return  # an ordinary reply: none of this module's business
    lang = await language(update, context)
    text = t(lang, "point_prompt_stale", number=int(found["number"]))
    await reply(update, context, Rendered(text))


# -- the statement ------------------------------------------------------------------------


@in_group("statement")
async def statement_command(update: Update, context: Context, here: Here) -> None:
    """/statement [round]: the last round by default."""
    name = command_text(update.effective_message)
    store = context.store
    if name:
        chosen = await store.find_round(here.chat_id, name)
        if chosen is None:
            text = t(here.lang, "round_unknown", name=shorten(name, 80))
            await reply(update, context, Rendered(text))
            return
    else:
        rounds = await store.rounds(here.chat_id)
        if not rounds:
            await reply(update, context, Rendered(t(here.lang, "statement_no_round")))
            return
        chosen = rounds[-1]
    await _send_draft(update, context, here.chat_id, chosen, here.lang)


async def statement_button(update: Update, context: Context) -> None:
    """ "Draft the statement" under /round end, and the other language under a draft."""
    found = await pressed(update, context, callbacks.StatementDraft)
    if found is None:
        return
    query, parsed = found
    here = await guards.button_here(update, context)
    if here is None:
        return
    if not await guards.has_role(update, context, COMMAND_ROLES["statement"]):
        await query.answer(t(here.lang, "admins_only"), show_alert=True)
        return
    chosen = next(
        (r for r in await context.store.rounds(here.chat_id) if r.id == parsed.round_id), None
    )
    if chosen is None:
        await stale_button(update, context)
        return
    await query.answer()
    lang: Lang = "uk" if parsed.lang == "uk" else "en"
    await _send_draft(update, context, here.chat_id, chosen, lang)


async def _send_draft(
    update: Update, context: Context, chat_id: int, chosen: Round, lang: Lang
) -> None:
    made = await statement.draft_for_round(
        context.store, context.library.playbook, chat_id, chosen, lang
    )
    if made.is_empty:
        text = t(lang, "statement_nothing", name=chosen.name)
        if made.left_out:
            numbers = ", ".join(f"#{number}" for number in made.left_out)
            text += "\n" + t(lang, "statement_left_out", count=len(made.left_out), numbers=numbers)
        await reply(update, context, Rendered(text))
        return
    message = update.effective_message
    if message is None:
        return
    parts = statement.to_messages(made)
    caption = shorten(t(lang, "statement_files"), _CAPTION_CHARS)
    files = [
        Job(
            Priority.REPLY,
            functools.partial(message.reply_document, content, filename=name, caption=caption),
        )
        for content, name in (
            (statement.to_markdown(made), statement.filename(chosen, lang, "md")),
            (statement.to_docx(made), statement.filename(chosen, lang, "docx")),
        )
    ]
    # A long draft takes minutes at a group's 20 messages a minute: the files, which
    # are what the press officer edits, go first then.
    if len(parts) > _FILES_FIRST_OVER:
        for job in files:
            context.sender.submit(message.chat.id, job)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        keyboard = render_points.other_language_button(chosen.id, lang) if last else None
        await reply(update, context, Rendered(part, keyboard))
    if len(parts) <= _FILES_FIRST_OVER:
        for job in files:
            context.sender.submit(message.chat.id, job)


def register(application: AnyApplication) -> None:
    add_commands(application, {"points": points_command, "statement": statement_command})
    application.add_handler(
        CallbackQueryHandler(point_button, pattern=callbacks.PointAction.matches)
    )
    application.add_handler(
        CallbackQueryHandler(statement_button, pattern=callbacks.StatementDraft.matches)
    )
    # Its own group: term watch and the lookup fallbacks still see ordinary messages.
    application.add_handler(
        MessageHandler(
            NEW_MESSAGES
            & filters.REPLY
            & filters.TEXT
            & ~filters.COMMAND
            & filters.ChatType.GROUPS,
            point_reply,
        ),
        group=4,
    )
