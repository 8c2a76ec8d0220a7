"""Playing Telegram's part for the board (bot.web): signed initData, and an HTTP client
that calls the board's API as the page does."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.web.auth import chat_token, sign_init_data


def init_data(
    bot_token: str,
    user: dict[str, Any],
    *,
    auth_date: float | None = None,
    start_param: str | None = None,
) -> str:
    """What Telegram hands the page for ``user``, signed for the bot with ``bot_token``."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(
            {
                key: user[key]
                for key in ("id", "first_name", "last_name", "username", "language_code")
                if key in user
            },
            separators=(",", ":"),
            ensure_ascii=False,
        ),
        "auth_date": str(int(time.time() if auth_date is None else auth_date)),
    }
    if start_param is not None:
        fields["start_param"] = start_param
    return sign_init_data(fields, bot_token)


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]
    raw: bytes


class BoardClient:
    """Calls the board's API on ``base_url`` with the headers the page sends."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session

    @staticmethod
    def headers(init: str | None, token: str | None) -> dict[str, str]:
        headers = {}
        if init is not None:
            headers["Authorization"] = f"tma {init}"
        if token is not None:
            headers["X-Board-Chat"] = token
        return headers

    async def call(
        self,
        method: str,
        path: str,
        *,
        init: str | None,
        token: str | None,
        json_body: Any = None,
        params: dict[str, str] | None = None,
    ) -> Answer:
        async with self.session.request(
            method,
            self.base_url + path,
            headers=self.headers(init, token),
            json=json_body,
            params=params,
        ) as response:
            raw = await response.read()
            try:
                body: Any = json.loads(raw)
            except ValueError:
                body = None
            return Answer(response.status, body, dict(response.headers), raw)


@dataclass
class Visitor:
    """One person opening the board of one chat."""

    client: BoardClient
    init: str
    token: str

    @classmethod
    def of(cls, client: BoardClient, bot_token: str, user: dict[str, Any], chat_id: int) -> Visitor:
        return cls(client, init_data(bot_token, user), chat_token(chat_id, bot_token))

    async def get(self, path: str, **params: str) -> Answer:
        return await self.client.call("GET", path, init=self.init, token=self.token, params=params)

    async def post(self, path: str, body: Any) -> Answer:
        return await self.client.call(
            "POST", path, init=self.init, token=self.token, json_body=body
        )
