"""The board's API against requests no page sends: too deep, too large, too many,
and what its answers give away.

Each story checks what the client gets back (status, a JSON message, the board's
security headers, nothing echoed) and that the bot logged no traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.services import Library
from bot.web.server import BOARD_DATA, CONTENT_SECURITY_POLICY
from tests.support.board_setup import GROUP, Board, running_board
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.logged import every_record, troubles


@pytest.fixture
async def board(api: FakeBotAPI, tmp_path: Path, library: Library) -> AsyncIterator[Board]:
    async with running_board(api, tmp_path, library) as running:
        yield running


@pytest.fixture
def logged() -> Iterator[list[logging.LogRecord]]:
    with every_record() as records:
        yield records


def assert_no_traceback(records: list[logging.LogRecord]) -> None:
    assert troubles(records) == []


def assert_the_boards_headers(headers: Any) -> None:
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Server"] == "playbook-bot"


async def raw_post(board: Board, path: str, body: bytes, **headers: str) -> tuple[int, Any, bytes]:
    visitor = board.visitor("flagger")
    sent = {**board.client.headers(visitor.init, visitor.token), **headers}
    sent.setdefault("Content-Type", "application/json")
    session = board.client.session
    async with session.post(board.client.base_url + path, data=body, headers=sent) as response:
        return response.status, response.headers, await response.read()


@pytest.mark.parametrize("depth", [9, 100, 8000])
async def test_json_nested_too_deep_is_a_400(
    board: Board, logged: list[logging.LogRecord], depth: int
) -> None:
    nested = "[" * depth + "]" * depth
    for body in (nested, f'{{"text": {nested}}}'):
        status, headers, raw = await raw_post(board, "/api/flags", body.encode())
        assert status == 400, raw[:200]
        assert b"nested over 8 levels" in raw
        assert_the_boards_headers(headers)
    assert await board.store.export_flags(GROUP) == []
    assert_no_traceback(logged)


async def test_json_the_page_sends_is_not_too_deep(board: Board) -> None:
    answer = await board.visitor("flagger").post("/api/flags", {"text": "Lavrov: root causes"})
    assert answer.status == 201, answer.body


async def test_a_header_over_8_kb_gets_the_boards_answer_and_echoes_nothing(
    board: Board, logged: list[logging.LogRecord]
) -> None:
    secret = "tma " + "S3cr3t" * 1500
    status, headers, raw = await raw_post(
        board, "/api/flags", b'{"text": "x"}', Authorization=secret
    )
    assert status == 400
    assert_the_boards_headers(headers)
    assert b"S3cr3t" not in raw and b"tma" not in raw
    assert b'"error": "unreadable"' in raw
    assert await board.store.export_flags(GROUP) == []
    assert_no_traceback(logged)
    # The board still answers the next request.
    answer = await board.visitor("flagger").get("/api/flags")
    assert answer.status == 200


@pytest.mark.parametrize("size", [20_000, 2_000_000])
async def test_a_body_over_the_limit_gets_the_boards_answer(
    board: Board, logged: list[logging.LogRecord], size: int
) -> None:
    body = b'{"text": "' + b"S3cr3t" * (size // 6) + b'"}'
    status, headers, raw = await raw_post(board, "/api/flags", body)
    assert status == 413
    assert_the_boards_headers(headers)
    assert b"S3cr3t" not in raw
    assert await board.store.export_flags(GROUP) == []
    assert_no_traceback(logged)


async def test_no_version_in_the_server_header(board: Board) -> None:
    session = board.client.session
    for path in ("/", "/static/app.js", "/nowhere", "/api/me", "/api/nowhere"):
        async with session.get(board.client.base_url + path) as response:
            assert response.headers["Server"] == "playbook-bot", path


async def test_one_member_may_change_the_log_30_times_a_minute(board: Board) -> None:
    number = await board.flag("flagger", "Lavrov: root causes")
    running = board.bot.application.bot_data[BOARD_DATA]
    now = [1000.0]
    running.changes.clock = lambda: now[0]
    flagger, analyst = board.visitor("flagger"), board.visitor("analyst")
    notes = await asyncio.gather(
        *(flagger.post(f"/api/flags/{number}/note", {"note": f"n{i}"}) for i in range(30))
    )
    assert [answer.status for answer in notes] == [200] * 30
    now[0] += 20
    refused = await flagger.post("/api/flags", {"text": "Lavrov: one more"})
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "40"
    assert refused.body["message"] == "Too many changes at once: wait 40 s and try again."
    assert_the_boards_headers(refused.headers)
    # Reading is not limited, nor is another member.
    assert (await flagger.get("/api/flags")).status == 200
    in_ukrainian = await analyst.post(f"/api/flags/{number}/note", {"note": "ok"})
    assert in_ukrainian.status == 200
    now[0] += 40
    again = await flagger.post(f"/api/flags/{number}/note", {"note": "later"})
    assert again.status == 200
    [stored] = await board.store.export_flags(GROUP)
    assert stored.note is not None and len(stored.note.splitlines()) == 32


async def test_a_member_over_the_limit_is_told_in_their_language(board: Board) -> None:
    number = await board.flag("flagger", "Lavrov: root causes")
    running = board.bot.application.bot_data[BOARD_DATA]
    running.changes.clock = lambda: 5.0
    analyst = board.visitor("analyst")
    for i in range(30):
        assert (await analyst.post(f"/api/flags/{number}/note", {"note": str(i)})).status == 200
    refused = await analyst.post(f"/api/flags/{number}/note", {"note": "31"})
    assert refused.status == 429
    assert refused.body["message"] == "Забагато змін поспіль: зачекайте 60 с і спробуйте ще раз."


async def test_an_unauthenticated_flood_is_not_counted_against_the_member(board: Board) -> None:
    session = board.client.session
    for _ in range(40):
        async with session.post(board.client.base_url + "/api/flags", json={"text": "x"}) as r:
            assert r.status == 401
    answer = await board.visitor("flagger").post("/api/flags", {"text": "Lavrov: root causes"})
    assert answer.status == 201
