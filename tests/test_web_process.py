"""The board in the real process (``python -m bot run``): served while the bot polls,
gone when it stops."""

from __future__ import annotations

import json
import signal
import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.web.auth import chat_token
from tests.support.board_client import init_data
from tests.support.bot_process import BotProcess, RecordingBotAPI, free_port

GROUP = -1001234567890
MEMBER = 321


@pytest.fixture
def api() -> Iterator[RecordingBotAPI]:
    with RecordingBotAPI(token="123456:AAWebBoardSecretPart_q7") as server:
        yield server


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def test_the_running_bot_serves_its_board_and_closes_it_on_sigterm(
    api: RecordingBotAPI, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot = BotProcess(
        api,
        tmp_path / "bot",
        ALLOWED_CHATS=str(GROUP),
        WEB_APP_URL=base,
        WEB_LISTEN="127.0.0.1",
        WEB_PORT=str(port),
    )
    try:
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
    finally:
        bot.kill()
    assert api.token.split(":", 1)[1] not in bot.all_output()
