"""The board's test set-up: the real Application against the fake Bot API with the
board served on a free port of 127.0.0.1, a cast of people, and their visits."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from bot.services import Library
from tests.conftest import Bot, _ErrorCollector, make_settings, start_bot, stop_bot
from tests.support.board_client import BoardClient, Visitor
from tests.support.bot_process import free_port
from tests.support.fake_bot_api import FakeBotAPI

GROUP = -1001000000001
OUTSIDE_GROUP = -1001000000002  # enrolled, but our people are not in it
NOT_ENROLLED = -1001000000003
FLAGGER = 201
ANALYST = 202
BYSTANDER = 203
CHAT_ADMIN = 204
STRANGER = 205
OTHER_BOT_TOKEN = "654321:ANOTHERBOTSTOKEN"


class Board:
    def __init__(self, bot: Bot, client: BoardClient, people: dict[str, dict[str, Any]]) -> None:
        self.bot = bot
        self.client = client
        self.people = people
        self.token = bot.api.token

    def visitor(self, who: str, chat_id: int = GROUP) -> Visitor:
        return Visitor.of(self.client, self.token, self.people[who], chat_id)

    @property
    def store(self) -> Any:
        return self.bot.store

    async def flag(self, who: str, text: str) -> int:
        await self.bot.say(GROUP, self.people[who], f"/flag {text}")
        flags = await self.store.export_flags(GROUP)
        return int(flags[-1].number)


@asynccontextmanager
async def running_board(api: FakeBotAPI, tmp_path: Path, library: Library) -> AsyncIterator[Board]:
    """The bot with its board; fails if the bot logged an error or Telegram refused
    anything, as the ``bot`` fixture does."""
    port = free_port()
    settings = make_settings(
        api,
        tmp_path,
        web_app_url=f"http://127.0.0.1:{port}",
        web_listen="127.0.0.1",
        web_port=port,
        allowed_chats=frozenset({GROUP, OUTSIDE_GROUP}),
    )
    api.chat(GROUP, "supergroup", "Delegation")
    api.chat(OUTSIDE_GROUP, "supergroup", "Another team")
    api.set_chat_member(GROUP, CHAT_ADMIN, "administrator")
    api.set_chat_member(GROUP, STRANGER, "left")
    for user_id in (FLAGGER, ANALYST, BYSTANDER, CHAT_ADMIN, STRANGER):
        api.set_chat_member(OUTSIDE_GROUP, user_id, "left")
    people = {
        "flagger": api.user(FLAGGER, "Taras", "taras"),
        "analyst": api.user(ANALYST, "Iryna", "iryna_analyst", language_code="uk"),
        "bystander": api.user(BYSTANDER, "Petro", "petro"),
        "chat_admin": api.user(CHAT_ADMIN, "Oksana", "oksana"),
        "stranger": api.user(STRANGER, "Stranger", "stranger"),
    }
    running = await start_bot(api, settings, library)
    collector = _ErrorCollector(running.errors)
    logging.getLogger("bot").addHandler(collector)
    try:
        async with aiohttp.ClientSession() as session:
            yield Board(running, BoardClient(settings.web_app_url, session), people)
    finally:
        logging.getLogger("bot").removeHandler(collector)
        await stop_bot(running)
    assert not running.errors, [r.getMessage() for r in running.errors]
    assert api.rejections == [], api.rejections
