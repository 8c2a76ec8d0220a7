"""Who may do what: bot admins, chat admins (asked from Telegram: bot.members), members.

Rights always come from the update itself (its chat and its sender), never from a
button's payload, so a forged button cannot act in another chat or as another user.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
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
    "check": Role.MEMBER,
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


async def _not_asked() -> bool:
    return False


@dataclass(frozen=True)
class Actor:
    """Who acts, in the chat or on the board: a user, or a chat acting as itself."""

    id: int
    name: str
    username: str | None = None
    # Whether they administer the chat they act in. Asked only when a rule needs it:
    # only Telegram can say, and the chat and the board ask it differently.
    is_admin: Callable[[], Awaitable[bool]] = field(default=_not_asked, compare=False, repr=False)


def _is_judging_assignee(flag: Flag, username: str | None) -> bool:
    """The assignee, when the flagger or a chat admin made the assignment."""
    if not (flag.assignee and flag.assignee_may_judge and username):
        return False
    return flag.assignee.lstrip("@").casefold() == username.casefold()


async def may(command: str, actor: Actor, flag: Flag | None = None) -> bool:
    """Whether ``actor`` may do what ``command`` does (to ``flag``), by COMMAND_ROLES,
    wherever they ask from: the chat's commands and buttons, and the board.

    Role.FLAGGER is the flag's flagger (or a chat admin); for a verdict also the one
    they assigned it to. Telegram is asked about admins only when nothing else decides.
    """
    role = COMMAND_ROLES[command]
    if role is Role.BOT_ADMIN:
        raise ValueError(f"/{command} is for bot admins, whom only the settings name")
    if role is Role.MEMBER:
        return True
    if role is Role.FLAGGER and flag is not None:
        if actor.id == flag.flagged_by_id:
            return True
        if command == "verify" and _is_judging_assignee(flag, actor.username):
            return True
    return await actor.is_admin()


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
