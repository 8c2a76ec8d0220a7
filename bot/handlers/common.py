"""Helpers every handler module shares: who acted, their language, safe replies."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, TypeVar

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import CommandHandler, filters

from bot import access
from bot.access import Actor
from bot.callbacks import Payload
from bot.context import AnyApplication, BotContext
from bot.i18n import t
from bot.language import reader_language
from bot.playbook import Lang
from bot.render import Rendered
from bot.sender import Job, Priority, Shown, reply_job

log = logging.getLogger(__name__)

Context = BotContext
P = TypeVar("P", bound=Payload)
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
# Commands answer new messages only: an edited command is not a second command.
NEW_MESSAGES = filters.UpdateType.MESSAGE


def actor(update: Update, context: Context) -> Actor:
    """Who acted: a user, or the chat itself for anonymous admins and channels; asked,
    Telegram says whether they administer the chat."""

    async def is_admin() -> bool:
        return await access.is_chat_admin(update, context)

    message = update.effective_message
    if message is not None and message.sender_chat is not None and update.callback_query is None:
        name = message.sender_chat.title or "anonymous"
        return Actor(message.sender_chat.id, name, is_admin=is_admin)
    user = update.effective_user
    if user is None:
        return Actor(0, "unknown", is_admin=is_admin)
    return Actor(user.id, user.full_name, user.username, is_admin=is_admin)


async def language(update: Update, context: Context) -> Lang:
    """The language to answer this update in (see bot.language): the group's in a
    group, else the user's own."""
    chat, user = update.effective_chat, update.effective_user
    return await reader_language(
        context.store,
        context.settings,
        chat_id=chat.id if chat is not None else None,
        private=chat is None or chat.type == ChatType.PRIVATE,
        user_id=user.id if user is not None else None,
        code=user.language_code if user is not None else None,
    )


async def remember_language(update: Update, context: Context, lang: Lang) -> None:
    user = update.effective_user
    if user is None:
        return
    await context.store.set_language(user.id, lang)


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def reply(
    update: Update,
    context: Context,
    rendered: Rendered,
    *,
    on_sent: Callable[[Message], Awaitable[None]] | None = None,
    **kwargs: Any,
) -> None:
    """Answer in the same chat and topic; in groups as a reply to the command.

    Queued, not awaited (see bot.sender): ``on_sent`` gets the message once Telegram
    has it.
    """
    message = update.effective_message
    if message is None:
        return
    job = reply_job(message, rendered, **kwargs)
    job.on_sent = on_sent
    context.sender.submit(message.chat.id, job)


async def show_in_place(update: Update, context: Context, rendered: Rendered) -> None:
    """Replace the message a button was pressed on; fall back to a new message."""
    query = update.callback_query
    if query is None or query.message is None:
        await reply(update, context, rendered)
        return
    chat = query.message.chat

    async def edit() -> object:
        try:
            return await query.edit_message_text(rendered.text, reply_markup=rendered.keyboard)
        except BadRequest as exc:
            if "not found" not in str(exc).lower():
                raise
            return await chat.send_message(rendered.text, reply_markup=rendered.keyboard)

    shows = Shown(rendered.text, rendered.keyboard)
    edits = (chat.id, query.message.message_id)
    context.sender.submit(chat.id, Job(Priority.REPLY, edit, shows=shows, edits=edits))


async def pressed(
    update: Update, context: Context, kind: type[P]
) -> tuple[CallbackQuery, P] | None:
    """The button pressed and what it says as ``kind``; an old, forged or malformed one
    is answered (so the client stops waiting) and gives None."""
    query = update.callback_query
    parsed = kind.parse(query.data or "") if query is not None else None
    if query is None or parsed is None:
        await stale_button(update, context)
        return None
    return query, parsed


def add_commands(application: AnyApplication, commands: Mapping[str, Handler]) -> None:
    """One CommandHandler a command, for new messages only."""
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=NEW_MESSAGES))


async def stale_button(update: Update, context: Context) -> None:
    """Answer a button whose data this bot cannot act on (old, forged or malformed), so
    the user's client stops waiting and says what to do instead."""
    query = update.callback_query
    if query is not None:
        await query.answer(t(await language(update, context), "button_outdated"), show_alert=True)


def command_text(message: Message | None) -> str:
    """Everything after the command, keeping the user's line breaks and spacing."""
    if message is None or not message.text:
        return ""
    parts = message.text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""
