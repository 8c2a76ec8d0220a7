"""The board in the real process (``python -m bot run``): served while the bot polls,
gone when it stops; in webhook mode the same server takes Telegram's updates."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.web.auth import chat_token
from tests.support.board_client import init_data
from tests.support.bot_process import BotProcesses, RecordingBotAPI, bot_processes, free_port

GROUP = -1001234567890
MEMBER = 321


@pytest.fixture
def api() -> Iterator[RecordingBotAPI]:
    with RecordingBotAPI(token="123456:AAWebBoardSecretPart_q7") as server:
        yield server


@pytest.fixture
def bots(api: RecordingBotAPI, tmp_path: Path) -> Iterator[BotProcesses]:
    with bot_processes(api, tmp_path, ALLOWED_CHATS=str(GROUP)) as processes:
        yield processes


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def test_the_running_bot_serves_its_board_and_closes_it_on_sigterm(
    api: RecordingBotAPI, bots: BotProcesses
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot = bots(WEB_APP_URL=base, WEB_LISTEN="127.0.0.1", WEB_PORT=str(port))
    bot.start_ready()
    status, headers, body = fetch(base + "/")
    assert status == 200 and b"static/app.js" in body
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    member = api.user(MEMBER, "Mykola", "mykola")
    status, _, body = fetch(
        base + "/api/me",
        {
            "Authorization": "tma " + init_data(api.token, member),
            "X-Board-Chat": chat_token(GROUP, api.token),
        },
    )
    assert status == 200
    assert json.loads(body)["user"]["name"] == "Mykola"
    assert bot.stop(signal.SIGTERM) == 0
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    assert api.token.split(":", 1)[1] not in bot.all_output()


def post_update(url: str, update: dict[str, object], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        url, data=json.dumps(update).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


async def test_in_webhook_mode_the_boards_server_also_takes_telegrams_updates(
    api: RecordingBotAPI, bots: BotProcesses
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot = bots(
        WEBHOOK_URL=f"{base}/hook",
        WEBHOOK_SECRET="s3cret",
        WEB_APP_URL=base,
        WEB_LISTEN="127.0.0.1",
        WEB_PORT=str(port),
    )
    bot.start_ready()
    registered = await api.wait_for("setWebhook", timeout=10)
    assert registered.params["url"] == f"{base}/hook"
    assert registered.params["secret_token"] == "s3cret"
    assert api.arrivals("getUpdates") == []
    taras = api.user(MEMBER, "Taras")
    mark = api.mark()
    update = api.send_text(GROUP, taras, "/flag Lavrov: the root causes")
    assert await asyncio.to_thread(post_update, f"{base}/hook", update, "s3cret") == 200
    # 200 only once handled: the flag is stored by then, its confirmation on its way.
    with sqlite3.connect(f"file:{bot.database}?mode=ro", uri=True) as db:
        assert db.execute("SELECT text FROM flags").fetchall() == [("the root causes",)]
    reply = await api.wait_for_reply(GROUP, since=mark, timeout=10)
    assert reply["visible_text"].startswith("🚩 #1 flagged")
    forged = api.send_text(GROUP, taras, "/flag a forged update")
    assert await asyncio.to_thread(post_update, f"{base}/hook", forged, "wrong") == 403
    assert await asyncio.to_thread(post_update, f"{base}/hook", forged, None) == 403
    status, _, body = await asyncio.to_thread(
        fetch,
        base + "/api/flags",
        {
            "Authorization": "tma " + init_data(api.token, taras),
            "X-Board-Chat": chat_token(GROUP, api.token),
        },
    )
    assert status == 200
    assert [item["text"] for item in json.loads(body)["items"]] == ["the root causes"]
    assert bot.stop(signal.SIGTERM) == 0
    assert "Traceback" not in bot.all_output()
