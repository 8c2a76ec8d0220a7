"""Who may do what: bot admins, chat admins (asked from Telegram, cached), members.

Rights always come from the update itself (its chat and its sender), never from a
button's payload, so a forged button cannot act in another chat or as another user.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from telegram import Bot, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot import services

log = logging.getLogger(__name__)

ADMIN_CACHE_SECONDS = 300.0
_ADMIN_STATUSES = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


def is_bot_admin(context: CallbackContext[Any, Any, Any, Any], user_id: int | None) -> bool:
    return user_id is not None and user_id in services.get(context).settings.admin_ids


def sent_by_anonymous_admin(message: Message | None) -> bool:
    """Anonymous group admins post as the chat itself."""
    return (
        message is not None
        and message.sender_chat is not None
        and message.sender_chat.id == message.chat.id
    )


async def is_chat_admin(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> bool:
    """Whether the sender administers this chat (or is a bot admin)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    if sent_by_anonymous_admin(update.effective_message) and update.callback_query is None:
        return True
    if user is None:
        return False
    return await is_admin_of(context.bot, services.get(context), chat.id, user.id)


async def is_admin_of(bot: Bot, svc: services.Services, chat_id: int, user_id: int) -> bool:
    """Whether ``user_id`` administers ``chat_id`` (or is a bot admin), wherever they ask
    from: a command in the chat or the board (bot.web)."""
    if user_id in svc.settings.admin_ids:
        return True
    key = (chat_id, user_id)
    cached = svc.admin_cache.get(key)
    now = time.monotonic()
    if cached is not None and now - cached[0] < ADMIN_CACHE_SECONDS:
        return cached[1]
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except TelegramError as exc:
        log.warning("could not ask Telegram about an admin of chat %s: %s", chat_id, exc)
        return False
    admin = member.status in _ADMIN_STATUSES
    svc.admin_cache[key] = (now, admin)
    return admin


async def is_enrolled(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> bool:
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return False
    return await is_enrolled_chat(services.get(context), chat.id)


async def is_enrolled_chat(svc: services.Services, chat_id: int) -> bool:
    if chat_id in svc.settings.allowed_chats:
        return True
    return await svc.require_store().is_enrolled(chat_id)
