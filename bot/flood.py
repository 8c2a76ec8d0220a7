"""Telegram's flood limits, kept per chat, so that one busy group slows only itself.

Telegram takes about one message a second into one chat, at most 20 in any minute into
one group (edits included), a short burst into a private chat, and about 30 a second
from a bot overall; past that it answers 429 with ``retry_after``. python-telegram-bot's
``AIORateLimiter`` keeps the same limits but, on any 429, halts every request of the
bot in every chat until the wait is over. :class:`FloodControl` replaces it: a 429
pauses only the chat it concerns, and the sender (``bot.sender``) can ask how long
until a chat has room, so it merges what piles up meanwhile instead of queueing it.

A group's minute is shared: replies to commands and buttons may use all of it, while
what the bot says on its own (confirmations, notices, the board, watch cards) leaves
the last ``group_reply_share`` messages for them. A burst of confirmations then merges
rather than making the next person who asks something wait a minute. A request is a
reply when it is sent inside :func:`replying` (``bot.sender`` does that).

A request is counted here when it leaves and again when its answer is back, and
Telegram counts it somewhere in between, on arrival. The later of the two times is the
one kept, so a request held up on the way (a loaded machine, a busy event loop, a slow
network) never makes room here before it does at Telegram. The margins below keep the
bot a little inside Telegram's numbers besides.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any, Final

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

# Requests that post or change a message in a chat: the ones Telegram counts.
COUNTED: Final = frozenset(
    {
        "sendMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "sendDocument",
        "sendPhoto",
        "sendChatAction",
        "setMessageReaction",
        "pinChatMessage",
        "unpinChatMessage",
        "deleteMessage",
    }
)

RETRIES: Final = 3


@dataclass(frozen=True)
class Budget:
    """How much the bot sends, a little inside what Telegram takes."""

    group_per_window: int = 20
    group_window_s: float = 61.0
    # One message a second into a group, as Telegram asks, and no burst on top.
    group_pace_s: float = 1.05
    # Of a group's minute, what confirmations, notices, the board and watch cards leave
    # for replies to commands and buttons.
    group_reply_share: int = 5
    private_burst: int = 3
    private_pace_s: float = 1.05
    overall_per_second: int = 28
    overall_window_s: float = 1.0
    # The live board is edited at most this often: at most a third of a group's
    # budget, and never ahead of confirmations (bot.sender orders them).
    board_every_s: float = 10.0

    def faster(self, factor: float, margin_s: float = 0.02) -> Budget:
        """The same rules on a clock ``factor`` times faster (tests of other things).

        The margins stay absolute: the tens of milliseconds a request may spend on
        the way on a loaded machine do not shrink with the clock.
        """
        return replace(
            self,
            group_window_s=self.group_window_s / factor + 10 * margin_s,
            group_pace_s=self.group_pace_s / factor + margin_s,
            private_pace_s=self.private_pace_s / factor + margin_s,
            overall_window_s=self.overall_window_s / factor + 2 * margin_s,
            board_every_s=self.board_every_s / factor,
        )


TELEGRAM: Final = Budget()


# Set while a reply to a command or a button is being sent (see replying()).
_REPLYING: ContextVar[bool] = ContextVar("replying", default=False)


@contextlib.contextmanager
def replying() -> Iterator[None]:
    """Requests made inside answer someone: they may use a group's reply share."""
    token = _REPLYING.set(True)
    try:
        yield
    finally:
        _REPLYING.reset(token)


@dataclass
class _Bucket:
    tokens: float
    at: float

    def refill(self, now: float, capacity: float, pace: float) -> None:
        self.tokens = min(capacity, self.tokens + (now - self.at) / pace)
        self.at = now


@dataclass
class _ChatBudget:
    is_group: bool
    bucket: _Bucket
    sent: deque[float] = field(default_factory=deque)
    paused_until: float = 0.0


def is_group(chat_id: int) -> bool:
    # Groups, supergroups and channels have negative ids; users positive ones.
    return chat_id < 0


class FloodControl(BaseRateLimiter[int]):
    """The bot's rate limiter: per-chat budgets, and 429s that pause one chat only.

    ``enabled=False`` keeps the 429 handling but no budgets: for a local fake Bot API
    that has no limits.
    """

    def __init__(
        self,
        *,
        enabled: bool = True,
        budget: Budget = TELEGRAM,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.enabled = enabled
        self.budget = budget
        self._clock = clock
        self._sleep = sleep
        self._chats: dict[int, _ChatBudget] = {}
        self._overall: deque[float] = deque()
        self._paused_all_until = 0.0
        self._started = clock()
        # When each chat was last told to wait, so a burst of 429s is logged once.
        self._logged_pause: defaultdict[int | None, float] = defaultdict(float)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _budget(self, chat_id: int, now: float) -> _ChatBudget:
        budget = self._chats.get(chat_id)
        if budget is None:
            # A fresh start does not know what a previous run sent a moment ago. A
            # group's second is cheap to respect: its first message waits until a pace
            # after the start, by when the last one of a run stopped then is a second
            # old. Should Telegram still count a previous run's minute or a private
            # chat's burst, its 429 pauses that chat alone (see pause()).
            group = is_group(chat_id)
            bucket = _Bucket(0.0, self._started) if group else _Bucket(self._capacity(group), now)
            budget = _ChatBudget(group, bucket)
            self._chats[chat_id] = budget
        return budget

    def _capacity(self, group: bool) -> float:
        # A group's bucket holds one message: the next one is a pace later.
        return 1.0 if group else float(self.budget.private_burst)

    def _pace(self, group: bool) -> float:
        return self.budget.group_pace_s if group else self.budget.private_pace_s

    def wait_time(self, chat_id: int | None, *, reply: bool | None = None) -> float:
        """Seconds until one more message to ``chat_id`` fits; 0 when it fits now.

        ``reply`` asks for a reply to a command or a button, which may use a group's
        reply share; by default, whether the caller is inside :func:`replying`.
        """
        if reply is None:
            reply = _REPLYING.get()
        now = self._clock()
        waits = [self._paused_all_until - now]
        rules = self.budget
        if self.enabled:
            window = rules.overall_window_s
            while self._overall and self._overall[0] <= now - window:
                self._overall.popleft()
            if len(self._overall) >= rules.overall_per_second:
                waits.append(self._overall[0] + window - now)
        if chat_id is not None:
            budget = self._budget(chat_id, now)
            waits.append(budget.paused_until - now)
            if self.enabled:
                waits.append(self._chat_wait(budget, now, reply))
        return max(0.0, *waits)

    def is_crowded(self, chat_id: int) -> bool:
        """Whether what the bot says on its own would wait more than the chat's pace:
        its share of the minute is spent, or Telegram said wait."""
        return self.wait_time(chat_id, reply=False) > self._pace(is_group(chat_id))

    def _chat_wait(self, budget: _ChatBudget, now: float, reply: bool) -> float:
        group, rules = budget.is_group, self.budget
        pace = self._pace(group)
        budget.bucket.refill(now, self._capacity(group), pace)
        pace_wait = (1 - budget.bucket.tokens) * pace
        if not group:
            return pace_wait
        sent, window = budget.sent, rules.group_window_s
        while sent and sent[0] <= now - window:
            sent.popleft()
        limit = rules.group_per_window - (0 if reply else rules.group_reply_share)
        # Room comes back when the oldest message past the limit leaves the window.
        over = len(sent) - limit
        return max(pace_wait, sent[over] + window - now if over >= 0 else 0.0)

    def _take(self, chat_id: int | None) -> float:
        now = self._clock()
        if not self.enabled:
            return now
        self._overall.append(now)
        if chat_id is not None:
            budget = self._budget(chat_id, now)
            budget.bucket.tokens -= 1
            if budget.is_group:
                budget.sent.append(now)
        return now

    async def acquire(self, chat_id: int | None) -> float:
        """Wait until a message to ``chat_id`` fits, and count it; returns when it was.

        Pass what it returns to :meth:`settle` once Telegram has answered.
        """
        # Time, not an event, frees room: sleep until it is due, then look again.
        while (wait := self.wait_time(chat_id)) > 0:
            await self._sleep(wait)
        return self._take(chat_id)

    def settle(self, chat_id: int | None, taken_at: float) -> None:
        """Telegram has answered a request counted at ``taken_at``: count it as of now.

        Telegram counted it on arrival, at some moment up to now, so room it frees is
        reckoned from now. Without this, one request held up on the way for longer than
        the margins lets the next ones overtake it into Telegram's window: a 429.
        """
        if not self.enabled:
            return
        now = self._clock()
        _restamp(self._overall, taken_at, now)
        budget = self._chats.get(chat_id) if chat_id is not None else None
        if budget is None:
            return
        if budget.is_group:
            _restamp(budget.sent, taken_at, now)
        capacity = self._capacity(budget.is_group)
        # As if the token had been spent now: what flowed in meanwhile cannot have
        # refilled a full bucket past one short of full.
        budget.bucket.refill(now, capacity, self._pace(budget.is_group))
        budget.bucket.tokens = min(budget.bucket.tokens, capacity - 1)

    def pause(self, chat_id: int | None, seconds: float) -> None:
        """Telegram said wait: only that chat (or, with no chat, everything) waits."""
        until = self._clock() + seconds
        if chat_id is None:
            self._paused_all_until = max(self._paused_all_until, until)
        else:
            budget = self._budget(chat_id, self._clock())
            budget.paused_until = max(budget.paused_until, until)
        if self._clock() - self._logged_pause[chat_id] > seconds:
            log.warning("Telegram asked to wait %.0f s before sending to chat %s", seconds, chat_id)
            self._logged_pause[chat_id] = self._clock()

    def forget(self, chat_id: int) -> None:
        """The bot can no longer write to the chat; keep no budget for it."""
        self._chats.pop(chat_id, None)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = _chat_of(data)
        counted = endpoint in COUNTED
        retries = rate_limit_args or RETRIES
        for attempt in range(retries + 1):
            taken_at: float | None = None
            if counted:
                taken_at = await self.acquire(chat_id)
            elif (wait := self._paused_all_until - self._clock()) > 0:
                await self._sleep(wait)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.pause(chat_id if counted else None, _seconds(exc) + 0.1)
                # A message for a chat goes back to its lane (bot.sender), which waits
                # out the pause without holding a request slot other chats need.
                if counted or attempt == retries:
                    raise
            finally:
                if taken_at is not None:
                    self.settle(chat_id, taken_at)
        raise AssertionError("unreachable")  # pragma: no cover


def _restamp(sent: deque[float], taken_at: float, now: float) -> None:
    """Move one request's time in a sliding window from ``taken_at`` to ``now``."""
    try:
        sent.remove(taken_at)
    except ValueError:
        return  # already out of the window
    # Every time in the window is past, so the window stays oldest first.
    sent.append(now)


def _chat_of(data: dict[str, Any]) -> int | None:
    try:
        return int(data["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None  # absent, or a @username of a channel


def _seconds(exc: RetryAfter) -> float:
    value: Any = exc.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)
