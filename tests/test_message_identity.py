"""A Telegram message is its chat and its id in that chat.

When a group becomes a supergroup, the log follows the new chat id, but the
supergroup numbers its messages afresh from 1: the ids of messages flagged in the
old group come round again. These stories make them meet.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.store import MIGRATIONS, Store, register_functions
from tests.conftest import ADMIN_ID, Bot, make_settings, start_bot, stop_bot
from tests.support.fake_bot_api import FakeBotAPI

OLD_GROUP = -4000001
NEW_GROUP = -1004000001


@pytest.fixture
def people(api: FakeBotAPI) -> dict[str, dict[str, Any]]:
    api.chat(OLD_GROUP, "group", "Delegation")
    return {
        "taras": api.user(201, "Taras", "taras"),
        "iryna": api.user(202, "Iryna", "iryna"),
        "admin": api.user(ADMIN_ID, "Admin", "admin"),
    }


def chatter_until(api: FakeBotAPI, chat_id: int, user: dict[str, Any], target: int) -> None:
    """Messages nobody flags, until the chat's next message gets id ``target``."""
    while True:
        said = api.send_text(chat_id, user, "chatter")["message"]["message_id"]
        assert said < target, f"chat {chat_id} is already past message {target}"
        if said == target - 1:
            return


async def migrate(bot: Bot, user: dict[str, Any]) -> None:
    for update in bot.api.migrate_chat(OLD_GROUP, NEW_GROUP, user):
        await bot.feed(update)


@pytest.fixture
async def migrated(bot: Bot, people: dict[str, Any]) -> tuple[Bot, int]:
    """An enrolled group with flag #1 (by reply, message id returned) that became a
    supergroup."""
    await bot.say(OLD_GROUP, people["admin"], "/enable")
    said = bot.api.send_text(OLD_GROUP, people["iryna"], "Lavrov: the root causes")
    await bot.feed(said)
    source_id = said["message"]["message_id"]
    [reply] = await bot.say(OLD_GROUP, people["taras"], "/flag", reply_to=source_id)
    assert "#1 flagged" in reply["text"]
    await migrate(bot, people["taras"])
    return bot, source_id


async def test_a_new_flag_whose_id_an_old_one_had_is_stored_and_confirmed(
    bot: Bot, people: dict[str, Any]
) -> None:
    await bot.say(OLD_GROUP, people["admin"], "/enable")
    first = bot.api.send_text(OLD_GROUP, people["taras"], "/flag Lavrov: the root causes")
    await bot.feed(first)
    old_id = first["message"]["message_id"]
    await migrate(bot, people["taras"])

    chatter_until(bot.api, NEW_GROUP, people["iryna"], old_id)
    second = bot.api.send_text(NEW_GROUP, people["taras"], "/flag Peskov: something else")
    assert second["message"]["message_id"] == old_id, "the ids meet"
    [reply] = await bot.feed(second)

    assert "#2 flagged" in reply["text"]
    stored = await bot.flags(NEW_GROUP)
    assert [(f.number, f.text, f.message_chat_id) for f in stored] == [
        (1, "the root causes", OLD_GROUP),
        (2, "something else", NEW_GROUP),
    ]


async def test_editing_a_new_message_with_an_old_id_changes_no_old_flag(
    migrated: tuple[Bot, int], people: dict[str, Any]
) -> None:
    bot, source_id = migrated
    chatter_until(bot.api, NEW_GROUP, people["iryna"], source_id)
    unrelated = bot.api.send_text(NEW_GROUP, people["iryna"], "lunch at one")
    assert unrelated["message"]["message_id"] == source_id
    await bot.feed(unrelated)

    edit = bot.api.edit_text(NEW_GROUP, people["iryna"], source_id, "lunch at two")
    assert await bot.feed(edit) == []

    [old] = await bot.flags(NEW_GROUP)
    assert (old.speaker, old.text) == ("Lavrov", "the root causes")
    history = await bot.store.history(NEW_GROUP, 1)
    assert [event.action for event in history] == ["created"]


async def test_a_reply_flag_to_a_new_message_logs_that_message(
    migrated: tuple[Bot, int], people: dict[str, Any]
) -> None:
    bot, source_id = migrated
    chatter_until(bot.api, NEW_GROUP, people["iryna"], source_id)
    said = bot.api.send_text(NEW_GROUP, people["iryna"], "Peskov: the West wants war")
    assert said["message"]["message_id"] == source_id
    await bot.feed(said)

    [reply] = await bot.say(NEW_GROUP, people["taras"], "/flag", reply_to=source_id)

    assert "#2 flagged" in reply["text"]
    old, new = await bot.flags(NEW_GROUP)
    assert (old.speaker, old.text) == ("Lavrov", "the root causes")
    assert (new.speaker, new.text, new.source_message_id, new.message_chat_id) == (
        "Peskov",
        "the West wants war",
        source_id,
        NEW_GROUP,
    )
    # An edit of the new message follows the new flag only.
    await bot.feed(bot.api.edit_text(NEW_GROUP, people["iryna"], source_id, "Peskov: war"))
    old, new = await bot.flags(NEW_GROUP)
    assert (old.text, new.text) == ("the root causes", "war")


async def test_a_redelivered_flag_after_a_restart_is_recognised_once(
    api: FakeBotAPI, tmp_path: Path, library: Any, people: dict[str, Any]
) -> None:
    settings = make_settings(api, tmp_path)
    first = await start_bot(api, settings, library)
    await first.say(OLD_GROUP, people["admin"], "/enable")
    await first.say(OLD_GROUP, people["taras"], "/flag said before the move")
    await migrate(first, people["taras"])
    update = api.send_text(NEW_GROUP, people["taras"], "/flag said after the move")
    [reply] = await first.feed(update)
    assert "#2 flagged" in reply["text"]
    await stop_bot(first)

    # Telegram sends the update again: the bot stopped before acknowledging it.
    second = await start_bot(api, settings, library)
    assert await second.feed(update) == [], "confirmed already: nothing more to say"
    assert [f.text for f in await second.flags(NEW_GROUP)] == [
        "said before the move",
        "said after the move",
    ]
    # The same id from someone else, at another time, is a new statement.
    later = dict(update["message"], date=update["message"]["date"] + 60, text="/flag new")
    later["from"] = people["iryna"]
    [again] = await second.feed({"update_id": update["update_id"] + 1000, "message": later})
    assert "#3 flagged" in again["text"]
    await stop_bot(second)
    assert api.rejections == []


def _version_1_database(path: Path) -> None:
    """A file as the bot wrote it before messages were known by their chat."""
    db = sqlite3.connect(path)
    register_functions(db)
    db.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO chats (chat_id, enrolled, migrated_from, board_message_id) "
        "VALUES (?, 1, ?, 9)",
        (NEW_GROUP, OLD_GROUP),
    )
    rows = [
        # number, message_id, source_message_id, source_link, confirmation_message_id
        (1, 3, None, None, 4),  # /flag typed in the old group
        (2, 6, 5, None, 7),  # reply-flag in the old group: no link there
        (3, 4, 3, "https://t.me/c/4000001/3", 5),  # reply-flag in the supergroup
    ]
    for number, message_id, source_id, link, confirmation in rows:
        db.execute(
            """
            INSERT INTO flags (chat_id, number, created_at, updated_at, text, flagged_by_id,
                flagged_by_name, message_id, source_message_id, source_link,
                confirmation_message_id)
            VALUES (?, ?, '2026-11-01T10:00:00.000000+00:00',
                    '2026-11-01T10:00:00.000000+00:00', ?, 201, 'Taras', ?, ?, ?, ?)
            """,
            (NEW_GROUP, number, f"statement {number}", message_id, source_id, link, confirmation),
        )
    db.commit()
    db.close()


async def test_an_old_database_file_migrates_and_keeps_every_flag(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _version_1_database(path)

    async with await Store.open(path) as store:
        flags = await store.export_flags(NEW_GROUP)
        assert [(f.number, f.text, f.message_chat_id) for f in flags] == [
            (1, "statement 1", OLD_GROUP),
            (2, "statement 2", OLD_GROUP),
            (3, "statement 3", NEW_GROUP),
        ]
        assert [f.confirmation_chat_id for f in flags] == [OLD_GROUP, OLD_GROUP, NEW_GROUP]
        # The old group's message 3 is flag #1's command; the supergroup's message 3
        # is the statement flag #3 was about.
        by_new = await store.flag_by_message(NEW_GROUP, 3)
        assert by_new is not None and by_new.number == 3
        assert await store.get_live_list(NEW_GROUP) is None, "that list is in the old group"
        added = await store.add_flag(
            NEW_GROUP, text="after the upgrade", speaker=None, flagged_by_id=201,
            flagged_by_name="Taras", message_id=3,
        )  # fmt: skip
        assert added.number == 4
