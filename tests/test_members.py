"""Telegram's answers about who is in a chat: kept a minute, and never without bound."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from telegram import ChatMemberLeft, ChatMemberMember, User
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, NetworkError

from bot.members import ChatMembers, Membership

GROUP = -1001000000101


class AskedTelegram:
    """Just enough of a Bot: getChatMember, counted, with scripted answers."""

    def __init__(self, answers: dict[int, Any]) -> None:
        self.answers = answers
        self.asked: list[int] = []

    async def get_chat_member(self, chat_id: int, user_id: int) -> Any:
        self.asked.append(user_id)
        answer = self.answers[user_id]
        if isinstance(answer, Exception):
            raise answer
        return answer


def user(user_id: int) -> User:
    return User(user_id, f"user {user_id}", is_bot=False)


async def test_answers_are_kept_a_minute_then_asked_again() -> None:
    telegram = AskedTelegram({1: ChatMemberMember(user(1))})
    now = [0.0]
    members = ChatMembers(clock=lambda: now[0])
    for _ in range(3):
        assert await members.of(telegram, GROUP, 1) == Membership(is_member=True, is_admin=False)
    assert telegram.asked == [1]
    now[0] = 61.0
    telegram.answers[1] = ChatMemberLeft(user(1))
    assert (await members.of(telegram, GROUP, 1)).is_member is False
    assert telegram.asked == [1, 1]


async def test_a_restricted_user_still_in_the_chat_is_a_member_but_no_admin() -> None:
    # Only what Telegram's answer says that matters here: restricted, yet in the chat.
    restricted = SimpleNamespace(status=ChatMemberStatus.RESTRICTED, is_member=True)
    telegram = AskedTelegram({2: restricted})
    found = await ChatMembers().of(telegram, GROUP, 2)
    assert found == Membership(is_member=True, is_admin=False)


async def test_an_unknown_user_is_an_outsider_but_a_failure_to_ask_is_not_an_answer() -> None:
    telegram = AskedTelegram({3: BadRequest("user not found"), 4: NetworkError("timed out")})
    members = ChatMembers()
    assert (await members.of(telegram, GROUP, 3)).is_member is False
    for _ in range(2):
        try:
            await members.of(telegram, GROUP, 4)
        except NetworkError:
            pass
        else:
            raise AssertionError("a network failure must reach the caller")
    assert telegram.asked == [3, 4, 4], "the outsider is remembered, the failure is not"


async def test_the_oldest_answers_go_first_past_the_limit() -> None:
    telegram = AskedTelegram({n: ChatMemberMember(user(n)) for n in range(1, 5)})
    members = ChatMembers(max_answers=2)
    for n in (1, 2, 3):
        await members.of(telegram, GROUP, n)
    await members.of(telegram, GROUP, 3)
    await members.of(telegram, GROUP, 2)
    await members.of(telegram, GROUP, 1)
    assert telegram.asked == [1, 2, 3, 1]
