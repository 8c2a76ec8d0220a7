"""Shared fixtures: a fake Bot API on 127.0.0.1 and the real Application wired to it.

Tests drive the bot the way Telegram does: an update goes through
``Application.process_update``, and every answer travels over HTTP to the fake
server, which refuses what Telegram refuses. A test sees exactly what a user sees.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.flood import TELEGRAM
from bot.language import menu_languages
from bot.services import Library, Services, of_application
from bot.store import Flag, Store
from tests.support.cast import ADMIN_ID
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_rules import html_error, text_length_error

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


GROUP_ID = -1001234567890

# The command menus a bot sets at its first start (two scopes, each in every language
# Telegram users are answered in): the tests' bot speaks English by default.
COMMAND_MENUS = 2 * len(menu_languages("en"))


@pytest.fixture(scope="session")
def library() -> Library:
    """The shipped playbook, loaded once for the whole run."""
    return Library.load(CONTENT)


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


def make_settings(api: FakeBotAPI, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": api.token,
        "bot_api_url": api.base_url,
        "database_path": tmp_path / "playbook.sqlite3",
        "content_dir": CONTENT,
        # Telegram's flood limits are enforced by the fake; the bot keeps within them.
        "throttle": True,
        "admin_ids": frozenset({ADMIN_ID}),
        "_env_file": None,
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Bot:
    """The running bot as a test talks to it."""

    api: FakeBotAPI
    application: Any
    errors: list[logging.LogRecord] = field(default_factory=list)
    # Set by test_resilience.serve_in_process: kept here, not on PTB's request object,
    # which has no __dict__ on Python 3.13.
    served_in_process: bool = False

    @property
    def services(self) -> Services:
        return of_application(self.application)

    @property
    def store(self) -> Store:
        return self.services.require_store()

    async def flags(self, chat_id: int) -> list[Flag]:
        """Every flag the chat's log holds, oldest first."""
        return list(await self.store.export_flags(chat_id))

    async def feed(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        """Process one update; return every message the bot sent or edited for it.

        Handlers only queue what the bot says (bot.sender): this waits until it is said.
        """
        mark = self.api.mark()
        await self.application.process_update(Update.de_json(update, self.application.bot))
        await self.quiet()
        sent = [
            call
            for call in self.api.calls[mark:]
            if call.method
            in ("sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument")
        ]
        for call in sent:
            assert call.ok, f"Telegram refused {call.method}: {call.description}"
        return [_as_seen(call) for call in sent]

    async def feed_burst(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Process updates arriving together, as in a busy group; return what the bot
        then sent (merged where the chat's budget made it wait)."""
        mark = self.api.mark()
        for update in updates:
            await self.application.process_update(Update.de_json(update, self.application.bot))
        await self.quiet()
        return [_as_seen(call) for call in self.api.calls[mark:] if call.method == "sendMessage"]

    async def quiet(self) -> None:
        """Wait until the bot has sent everything it queued."""
        await self.services.require_sender().idle()

    async def say(
        self, chat: Any, user: Any, text: str, reply_to: int | None = None
    ) -> list[dict[str, Any]]:
        return await self.feed(self.api.send_text(chat, user, text, reply_to=reply_to))

    async def press(self, chat: Any, user: Any, message_id: int, data: str) -> list[dict[str, Any]]:
        return await self.feed(self.api.press_button(chat, user, message_id, data))

    def last_bot_message(self, chat_id: int) -> dict[str, Any]:
        replies = self.api.replies_to(chat_id)
        assert replies, f"the bot sent nothing to chat {chat_id}"
        return replies[-1]


def _as_seen(call: Any) -> dict[str, Any]:
    """What the bot sent, with the message id Telegram gave it."""
    seen = dict(call.params)
    if isinstance(call.result, dict) and "message_id" in call.result:
        seen["message_id"] = call.result["message_id"]
    return seen


class _ErrorCollector(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


async def start_bot(api: FakeBotAPI, settings: Settings, library: Library | None = None) -> Bot:
    application = build_application(settings, library)
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    return Bot(api, application)


async def stop_bot(bot: Bot) -> None:
    application = bot.application
    if application.post_stop is not None:
        await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


@pytest.fixture
async def bot(api: FakeBotAPI, tmp_path: Path, library: Library) -> AsyncIterator[Bot]:
    """The real Application, started as in production, minus the polling loop.

    Fails the test if any handler logged an error, or if Telegram refused anything.
    """
    running = await start_bot(api, make_settings(api, tmp_path), library)
    collector = _ErrorCollector(running.errors)
    logging.getLogger("bot").addHandler(collector)
    try:
        yield running
    finally:
        logging.getLogger("bot").removeHandler(collector)
        await stop_bot(running)
    assert not running.errors, [r.getMessage() for r in running.errors]
    assert api.rejections == [], api.rejections


def speed_up_flood_clock(bot: Bot, factor: float) -> None:
    """Telegram's flood limits, and the bot's budget, on a clock ``factor`` times faster.

    Throttling stays on and every limit is still enforced, in proportion: for tests
    of other things (hostile input) that send thousands of messages into one chat.
    Tests of live sessions keep the real clock.
    """
    bot.api.speed_up_time(factor)
    flood = bot.services.require_sender().flood
    flood.budget = TELEGRAM.faster(factor)


def assert_valid_message(text: str) -> None:
    """What Telegram would check before accepting a message."""
    assert html_error(text) is None, (html_error(text), text)
    assert text_length_error(text) is None, (text_length_error(text), len(text))
