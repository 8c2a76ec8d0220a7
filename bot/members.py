"""Who is in a chat and who administers it, as Telegram says, asked once a minute.

Chat commands ask "is this an admin?" (bot.access) and the board asks "is this a
member?" (bot.web) on every request it serves. Both come from the same getChatMember
answer, so both read this one cache: an analyst on the board costs Telegram one call
a minute, whichever checks their requests need.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from telegram import Bot, ChatMember
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden

# How long an answer is trusted: a member who leaves, or an admin who is demoted,
# keeps their rights this long at most.
MEMBER_CACHE_S: Final = 60.0
# Enough for every member of a few busy team chats; past it the oldest answers go.
MAX_ANSWERS: Final = 10_000

_ADMIN_STATUSES: Final = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
_MEMBER_STATUSES: Final = (*_ADMIN_STATUSES, ChatMemberStatus.MEMBER)


@dataclass(frozen=True)
class Membership:
    is_member: bool
    is_admin: bool

    @classmethod
    def of(cls, member: ChatMember) -> Membership:
        # A restricted user may still be in the chat (and read it), but administers nothing.
        restricted_member = member.status == ChatMemberStatus.RESTRICTED and bool(
            getattr(member, "is_member", False)
        )
        return cls(
            is_member=member.status in _MEMBER_STATUSES or restricted_member,
            is_admin=member.status in _ADMIN_STATUSES,
        )


OUTSIDER: Final = Membership(is_member=False, is_admin=False)


class ChatMembers:
    """getChatMember answers per chat and user, kept for ``MEMBER_CACHE_S``."""

    def __init__(
        self,
        *,
        max_age_s: float = MEMBER_CACHE_S,
        max_answers: int = MAX_ANSWERS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_age_s = max_age_s
        self.max_answers = max_answers
        self.clock = clock
        # Oldest answer first: dicts keep insertion order, and a fresh answer is re-inserted.
        self._answers: dict[tuple[int, int], tuple[float, Membership]] = {}

    async def of(self, bot: Bot, chat_id: int, user_id: int) -> Membership:
        """What ``user_id`` is in ``chat_id``.

        Raises TelegramError when Telegram cannot be asked: then neither answer is
        known, and the caller decides what that means for it.
        """
        key = (chat_id, user_id)
        now = self.clock()
        cached = self._answers.get(key)
        if cached is not None and now - cached[0] < self.max_age_s:
            return cached[1]
        try:
            found = Membership.of(await bot.get_chat_member(chat_id, user_id))
        except (BadRequest, Forbidden):
            # "user not found", or the bot is no longer in the chat: nobody is let in.
            found = OUTSIDER
        self._answers.pop(key, None)
        self._answers[key] = (now, found)
        while len(self._answers) > self.max_answers:
            del self._answers[next(iter(self._answers))]
        return found
