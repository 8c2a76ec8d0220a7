"""The people the tests' stories are about, and how to read what the bot showed them.

One cast for every test: a delegation's group, another team's group, and the people
in them with the rights each has.
"""

from __future__ import annotations

from typing import Any

from tests.support.fake_bot_api import FakeBotAPI

# The bot admin: tests.conftest.make_settings lists this id in ADMIN_IDS.
ADMIN_ID = 9001

GROUP = -1001000000001
OTHER_GROUP = -1001000000002
FLAGGER = 201
ANALYST = 202
BYSTANDER = 203
CHAT_ADMIN = 204


def cast(api: FakeBotAPI) -> dict[str, dict[str, Any]]:
    """The delegation's group and its people, known to the fake Telegram."""
    api.chat(GROUP, "supergroup", "Delegation")
    api.chat(OTHER_GROUP, "supergroup", "Another team")
    api.set_chat_member(GROUP, CHAT_ADMIN, "administrator")
    return {
        "flagger": api.user(FLAGGER, "Taras", "taras"),
        "analyst": api.user(ANALYST, "Iryna", "iryna_analyst"),
        "bystander": api.user(BYSTANDER, "Petro", "petro"),
        "chat_admin": api.user(CHAT_ADMIN, "Oksana", "oksana"),
        "bot_admin": api.user(ADMIN_ID, "Admin", "admin"),
    }


def callback_data(message: dict[str, Any]) -> list[str]:
    """The callback data of every inline button under a message, row by row (URL
    buttons have none)."""
    return [data for _, data in buttons(message) if data]


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, callback data) of every inline button under a message; URL buttons have
    empty data."""
    markup = message.get("reply_markup") or {}
    return [
        (button.get("text", ""), button.get("callback_data", ""))
        for row in markup.get("inline_keyboard", [])
        for button in row
    ]
