"""The bot's own flood budget, against Telegram's rules as the fake Bot API keeps them.

Telegram counts a request when it arrives, which can be well after the bot let it go: a
loaded machine, a busy event loop, a slow network. These stories run the bot's
:class:`FloodControl` on a simulated clock and let the fake's independent meter referee
every arrival: it must never have answered 429.
"""

from __future__ import annotations

from typing import Any

from bot.flood import FloodControl
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
        self, flood: FloodControl, chat_id: int, *, on_the_way: float, answer_takes: float = 0.05
    ) -> None:
        """One sendMessage through the bot's limiter, ``on_the_way`` seconds to arrive."""

        async def request(**_: Any) -> bool:
            self.now += on_the_way
            if self.meter.wait_needed(chat_id, self.now) > 0:
                self.refusals.append((chat_id, self.now))
            self.arrivals.append(self.now)
            self.now += answer_takes
            return True

        await flood.process_request(request, (), {}, "sendMessage", {"chat_id": chat_id}, None)


async def test_a_group_message_held_up_on_the_way_is_not_overtaken_into_telegrams_minute() -> None:
    telegram = SimulatedTelegram()
    flood = telegram.flood_control()

    # The first confirmation takes 10 s to reach Telegram; the next 44 go straight through.
    await telegram.send(flood, GROUP, on_the_way=10.0)
    for _ in range(44):
        await telegram.send(flood, GROUP, on_the_way=0.01)

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
