"""The bot's own flood budget, against Telegram's rules as the fake Bot API keeps them.

Telegram counts a request when it arrives, which can be well after the bot let it go: a
loaded machine, a busy event loop, a slow network. These stories run the bot's
:class:`FloodControl` on a simulated clock and let the fake's independent meter referee
every arrival: it must never have answered 429.
"""

from __future__ import annotations

import itertools
from typing import Any

from bot.flood import TELEGRAM, FloodControl, replying
from tests.support.fake_bot_api import TELEGRAM_LIMITS, FloodMeter

GROUP = -1001000000101
MEMBER = 301


class SimulatedTelegram:
    """A clock that only moves when someone waits, and Telegram's meter at the far end."""

    def __init__(self) -> None:
        self.now = 0.0
        self.meter = FloodMeter(TELEGRAM_LIMITS)
        self.refusals: list[tuple[int, float]] = []
        self.arrivals: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        # A real timer wakes a little late, never early; a float clock could otherwise
        # stall a hair short of the moment it waits for.
        self.now += seconds + 0.001

    def flood_control(self) -> FloodControl:
        return FloodControl(clock=self.clock, sleep=self.sleep)

    async def send(
        self,
        flood: FloodControl,
        chat_id: int,
        *,
        on_the_way: float = 0.01,
        answer_takes: float = 0.05,
        reply: bool = False,
    ) -> float:
        """One sendMessage through the bot's limiter, ``on_the_way`` seconds to arrive;
        ``reply`` for an answer to a command or a button. Returns when it arrived."""
        if reply:
            with replying():
                return await self.send(
                    flood, chat_id, on_the_way=on_the_way, answer_takes=answer_takes
                )

        async def request(**_: Any) -> bool:
            self.now += on_the_way
            if self.meter.wait_needed(chat_id, self.now) > 0:
                self.refusals.append((chat_id, self.now))
            self.arrivals.append(self.now)
            self.now += answer_takes
            return True

        await flood.process_request(request, (), {}, "sendMessage", {"chat_id": chat_id}, None)
        return self.arrivals[-1]


async def test_a_group_message_held_up_on_the_way_is_not_overtaken_into_telegrams_minute() -> None:
    telegram = SimulatedTelegram()
    flood = telegram.flood_control()

    # The first reply takes 10 s to reach Telegram; the next 44 go straight through.
    await telegram.send(flood, GROUP, on_the_way=10.0, reply=True)
    for _ in range(44):
        await telegram.send(flood, GROUP, on_the_way=0.01, reply=True)

    assert telegram.refusals == []
    assert len(telegram.arrivals) == 45
    # Still as fast as Telegram allows: 45 messages in little more than two minutes.
    assert telegram.now < 10 + 2 * 62 + 5


async def test_a_private_reply_held_up_on_the_way_does_not_refill_the_burst_early() -> None:
    telegram = SimulatedTelegram()
    flood = telegram.flood_control()

    await telegram.send(flood, MEMBER, on_the_way=3.0)
    for _ in range(10):
        await telegram.send(flood, MEMBER, on_the_way=0.0, answer_takes=0.0)

    assert telegram.refusals == []


async def test_a_group_gets_a_message_a_second_without_waiting_for_budget_it_has() -> None:
    telegram = SimulatedTelegram()
    flood = telegram.flood_control()

    arrivals = [await telegram.send(flood, GROUP, reply=n % 2 == 0) for n in range(12)]

    assert telegram.refusals == []
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    # One a second, as Telegram asks, and no slower: twelve in twelve seconds, not 35.
    assert min(gaps) >= 1.0
    assert max(gaps) < TELEGRAM.group_pace_s + 0.1
    assert arrivals[-1] - arrivals[0] < 12.5


async def test_confirmations_leave_a_groups_last_five_of_the_minute_to_replies() -> None:
    telegram = SimulatedTelegram()
    flood = telegram.flood_control()
    share = TELEGRAM.group_per_window - TELEGRAM.group_reply_share

    # A burst of flags: confirmations take what they may of the minute, then must wait.
    for _ in range(share):
        await telegram.send(flood, GROUP)
    assert flood.wait_time(GROUP, reply=False) > 40, "what is left of the minute is kept"

    # Someone asks something: the answer comes at the group's pace, not in a minute.
    asked_at = telegram.now
    answered = [await telegram.send(flood, GROUP, reply=True) for _ in range(5)]
    assert answered[0] - asked_at < TELEGRAM.group_pace_s + 0.1
    assert answered[-1] - asked_at < 5 * (TELEGRAM.group_pace_s + 0.1)
    # The minute is full now: a sixth reply waits for it, as Telegram would make it.
    assert flood.wait_time(GROUP, reply=True) > 30
    assert telegram.refusals == []


async def test_a_private_chat_keeps_its_short_burst() -> None:
    telegram = SimulatedTelegram()
    flood = telegram.flood_control()

    arrivals = [await telegram.send(flood, MEMBER, on_the_way=0.0) for _ in range(4)]

    assert arrivals[2] - arrivals[0] < 0.2, "three at once"
    assert arrivals[3] - arrivals[2] >= 1.0
    assert telegram.refusals == []


async def test_a_restart_right_after_a_group_message_waits_out_telegrams_second() -> None:
    telegram = SimulatedTelegram()
    before_the_kill = telegram.flood_control()
    await telegram.send(before_the_kill, GROUP, answer_takes=0.0)

    # Killed the moment its message was answered; the next process is up 0.2 s later.
    telegram.now += 0.2
    restarted_at = telegram.now
    restarted = telegram.flood_control()
    arrived = await telegram.send(restarted, GROUP, reply=True)

    assert telegram.refusals == []
    assert arrived - restarted_at < TELEGRAM.group_pace_s + 0.1, "and no later than that"
