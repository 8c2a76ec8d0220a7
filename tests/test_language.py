"""Which language each reader gets (bot.language), and where a group keeps its own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.language import telegram_language
from bot.store import MIGRATIONS, Store, register_functions

GROUP = -1001000000901
OLD_GROUP = -1001000000902


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("uk", "uk"),
        ("ru", "uk"),  # a Ukrainian delegate whose phone runs in Russian
        ("ru-RU", "uk"),
        ("be", "uk"),
        ("en", "en"),
        ("en-GB", "en"),
        ("de", "en"),
        (None, "en"),
    ],
)
def test_telegram_in_russian_gets_ukrainian(code: str | None, expected: str) -> None:
    assert telegram_language(code, "en") == expected


def test_an_unknown_telegram_language_gets_the_bots_default() -> None:
    assert telegram_language("de", "uk") == "uk"


async def test_a_group_enrolled_before_groups_had_a_language_takes_its_enrollers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    register_functions(db)
    db.executescript(
        "\n".join(MIGRATIONS[:5]) + "\nPRAGMA user_version = 5;\n"
        "INSERT INTO users (user_id, language, updated_at) VALUES (7, 'uk', '2025-01-01');\n"
        f"INSERT INTO chats (chat_id, enrolled, enrolled_by) VALUES ({GROUP}, 1, 7);\n"
        f"INSERT INTO chats (chat_id, enrolled, enrolled_by) VALUES ({OLD_GROUP}, 1, 8);\n"
    )
    db.close()
    async with await Store.open(path) as store:
        assert await store.get_chat_language(GROUP) == "uk"
        # The enroller never chose one: the bot's default until an admin sets it.
        assert await store.get_chat_language(OLD_GROUP) is None
        await store.set_chat_language(OLD_GROUP, "en", unless_set=True)
        await store.set_chat_language(OLD_GROUP, "uk", unless_set=True)
        assert await store.get_chat_language(OLD_GROUP) == "en"
        await store.set_chat_language(OLD_GROUP, "uk")
        assert await store.get_chat_language(OLD_GROUP) == "uk"
