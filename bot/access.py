"""Who may do what: bot admins, chat admins (asked from Telegram: bot.members), members.

Rights always come from the update itself (its chat and its sender), never from a
button's payload, so a forged button cannot act in another chat or as another user.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from telegram import Bot, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.context import BotContext
from bot.services import Services
from bot.store import Flag

log = logging.getLogger(__name__)


class Role(StrEnum):
    """Who may use a command in a group chat, from the least to the most trusted."""

    # Anyone in a chat that keeps a flag log.
    MEMBER = "member"
    # On a flag: the person who flagged it, or a chat admin. A verdict also from the
    # one they assigned it to: an assignment by anyone else would let a member give
    # themselves the right to judge any flag.
    FLAGGER = "flagger"
    CHAT_ADMIN = "chat_admin"
    # Listed in ADMIN_IDS; may also do all that chat admins may.
    BOT_ADMIN = "bot_admin"


# The one statement of who may use which group command: the guards enforce it and
# /help's "Who may do what" is written from it (tests/test_roles.py holds them to it).
COMMAND_ROLES: Final[Mapping[str, Role]] = {
    "flag": Role.MEMBER,
    "round": Role.MEMBER,
    "log": Role.MEMBER,
    "show": Role.MEMBER,
    "find": Role.MEMBER,
    "summary": Role.MEMBER,
    "board": Role.MEMBER,
    "settings": Role.MEMBER,
    "points": Role.MEMBER,
    "points add": Role.MEMBER,
    "define": Role.MEMBER,
    "asked": Role.MEMBER,
    "verify": Role.FLAGGER,
    "assign": Role.FLAGGER,
    "unflag": Role.FLAGGER,
    "export": Role.CHAT_ADMIN,
    "purge": Role.CHAT_ADMIN,
    "watch": Role.CHAT_ADMIN,
    "disable": Role.CHAT_ADMIN,
    "settings timezone": Role.CHAT_ADMIN,
    "points edit": Role.CHAT_ADMIN,
    "points move": Role.CHAT_ADMIN,
    "points remove": Role.CHAT_ADMIN,
    "statement": Role.CHAT_ADMIN,
    "settings language": Role.CHAT_ADMIN,
    "enable": Role.BOT_ADMIN,
    "reload": Role.BOT_ADMIN,
}


def is_flagger(flag: Flag, user_id: int) -> bool:
    """Role.FLAGGER on this flag (with chat admins): may change it and assign it."""
    return user_id == flag.flagged_by_id


def is_judging_assignee(flag: Flag, username: str | None) -> bool:
    """The assignee, when the flagger or a chat admin made the assignment: they may
    give the verdict too. Wherever a verdict is given (the chat or the board)."""
    if not (flag.assignee and flag.assignee_may_judge and username):
        return False
    return flag.assignee.lstrip("@").casefold() == username.casefold()


def may_judge_unless_admin(flag: Flag, user_id: int, username: str | None) -> bool:
    """A verdict on ``flag`` by its flagger or an assignee they (or an admin) appointed;
    everyone else needs to be a chat admin, which only Telegram can say."""
    return is_flagger(flag, user_id) or is_judging_assignee(flag, username)


def commands_for(role: Role) -> list[str]:
    return [f"/{name}" for name, needed in COMMAND_ROLES.items() if needed is role]


def is_bot_admin(context: BotContext, user_id: int | None) -> bool:
    return user_id is not None and user_id in context.settings.admin_ids


def sent_by_anonymous_admin(message: Message | None) -> bool:
    """Anonymous group admins post as the chat itself."""
    return (
        message is not None
        and message.sender_chat is not None
        and message.sender_chat.id == message.chat.id
    )


async def is_chat_admin(update: Update, context: BotContext) -> bool:
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
    return await is_admin_of(context.bot, context.services, chat.id, user.id)


async def is_admin_of(bot: Bot, svc: Services, chat_id: int, user_id: int) -> bool:
    """Whether ``user_id`` administers ``chat_id`` (or is a bot admin), wherever they ask
    from: a command in the chat or the board (bot.web)."""
    if user_id in svc.settings.admin_ids:
        return True
    try:
        return (await svc.members.of(bot, chat_id, user_id)).is_admin
    except TelegramError as exc:
        log.warning("could not ask Telegram about an admin of chat %s: %s", chat_id, exc)
        return False


async def is_enrolled(update: Update, context: BotContext) -> bool:
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return False
    return await is_enrolled_chat(context.services, chat.id)


async def is_enrolled_chat(svc: Services, chat_id: int) -> bool:
    """Whether ``chat_id`` keeps a flag log, wherever it is asked about from."""
    if chat_id in svc.settings.allowed_chats:
        return True
    return await svc.require_store().is_enrolled(chat_id)
