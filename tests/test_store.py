"""The store against real SQLite files in tmp_path."""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.store import (
    MIGRATIONS,
    STATUSES,
    WAL_BACKSTOP_PAGES,
    Flag,
    FlagNotFound,
    LiveList,
    Store,
    StoreError,
    backup_database,
    fts_expression,
    register_functions,
)
from tests.support.read_only import read_only_folder

CHAT = -1001234567890
OTHER_CHAT = -1009876543210
ALICE = 11
BOB = 22


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(db_path)
    yield opened
    await opened.close()


async def add(
    store: Store, chat_id: int = CHAT, text: str = "We never shelled it", **fields: Any
) -> Flag:
    values: dict[str, Any] = {
        "speaker": "Lavrov",
        "flagged_by_id": ALICE,
        "flagged_by_name": "Alice",
        "message_id": None,
    }
    values.update(fields)
    return await store.add_flag(chat_id, text=text, **values)


def raw(path: Path, sql: str, parameters: tuple[Any, ...] = ()) -> list[Any]:
    """Read the file with a separate plain connection, as another process would."""
    connection = sqlite3.connect(path)
    register_functions(connection)
    try:
        return connection.execute(sql, parameters).fetchall()
    finally:
        connection.close()


def assert_search_index_in_sync(path: Path) -> None:
    """FTS5 compares every indexed row with what the content view says now."""
    raw(path, "INSERT INTO flags_fts (flags_fts, rank) VALUES ('integrity-check', 1)")


def write_garbage(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database, just some text\n" * 200)


def wreck_pages(path: Path) -> None:
    """Keep the 100-byte header, so SQLite recognises the file, and ruin the rest."""
    data = bytearray(path.read_bytes())
    data[100:] = bytes((i * 7 + 3) % 256 for i in range(len(data) - 100))
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def file_contents(*paths: Path) -> bytes:
    return b"".join(path.read_bytes() for path in paths if path.exists())


# -- opening, migrations, restart --------------------------------------------------


async def test_open_creates_folder_schema_and_pragmas(db_path: Path) -> None:
    assert not db_path.parent.exists()
    async with await Store.open(db_path) as store:
        assert await store.enrolled_chats() == []
    assert raw(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert raw(db_path, "PRAGMA journal_mode") == [("wal",)]
    tables = {row[0] for row in raw(db_path, "SELECT name FROM sqlite_schema")}
    assert {"users", "chats", "rounds", "flags", "flag_events", "flags_fts"} <= tables
    assert {"flags_by_status", "flags_by_round", "flags_by_message"} <= tables


async def test_reopen_is_idempotent_and_keeps_everything(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        await store.set_language(ALICE, "uk")
        await store.enroll(CHAT, "Delegation", ALICE)
        await store.set_watch(CHAT, True)
        await store.set_live_list(CHAT, 555)
        await store.start_round(CHAT, "Round 1", ALICE)
        await add(store, message_id=10, matches=["term:root-causes"])
        await store.set_status(CHAT, 1, "false", note="satellite images", by_id=BOB, by_name="Bob")
    schema_before = raw(db_path, "SELECT sql FROM sqlite_schema ORDER BY name")

    async with await Store.open(db_path) as store:
        assert await store.get_language(ALICE) == "uk"
        assert await store.is_enrolled(CHAT)
        assert await store.get_watch(CHAT)
        assert (await store.get_live_list(CHAT)) == LiveList(555, None, None)
        current = await store.current_round(CHAT)
        assert current is not None and current.name == "Round 1"
        flag = await store.get_flag(CHAT, 1)
        assert flag is not None
        assert (flag.status, flag.note, flag.matches) == (
            "false",
            "satellite images",
            ("term:root-causes",),
        )
        assert [event.action for event in await store.history(CHAT, 1)] == ["created", "status"]
        assert [found.number for found in await store.search(CHAT, "shelled")] == [1]
        assert (await add(store)).number == 2
    assert raw(db_path, "SELECT sql FROM sqlite_schema ORDER BY name") == schema_before
    assert raw(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]


async def test_migrates_an_empty_existing_file(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    sqlite3.connect(db_path).close()
    async with await Store.open(db_path) as store:
        assert (await add(store)).number == 1
    assert raw(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]


async def test_commits_reach_the_database_file_while_the_store_is_open(
    store: Store, db_path: Path
) -> None:
    """The background checkpointer copies the WAL into the file; nobody waits for it."""
    assert raw(db_path, "PRAGMA wal_autocheckpoint") == [(1000,)]  # a fresh connection's
    [backstop] = await store.database.writer.execute_fetchall("PRAGMA wal_autocheckpoint")
    assert backstop[0] == WAL_BACKSTOP_PAGES
    marker = "checkpointed behind the writer"
    flag = await add(store, text=marker)
    # The flag is committed (in the WAL) on return, long before the backstop.
    assert raw(db_path, "SELECT text FROM flags WHERE number = ?", (flag.number,)) == [(marker,)]
    for _ in range(100):
        if marker.encode() in file_contents(db_path):
            break
        await asyncio.sleep(0.05)
    else:
        pytest.fail("the flag never reached the database file")
    for i in range(50):  # keeps working after the first round
        await add(store, text=f"later {i}")
    assert (await store.list_flags(CHAT)).total == 51


async def test_close_stops_the_checkpointer_and_removes_the_wal(db_path: Path) -> None:
    store = await Store.open(db_path)
    await asyncio.gather(*(add(store, text=f"burst {i}") for i in range(200)))
    await store.close()
    assert store.database.checkpoints.done()
    assert file_contents(Path(f"{db_path}-wal")) == b""  # the last connection out emptied it
    assert raw(db_path, "SELECT count(*) FROM flags") == [(200,)]
    assert_search_index_in_sync(db_path)


async def test_a_change_to_what_already_is_records_and_announces_nothing(store: Store) -> None:
    """The same verdict, assignee or text again: no history, nothing for the group."""
    await add(store, text="Kyiv broke off the talks")
    assert (await store.set_status(CHAT, 1, "false", by_id=BOB, by_name="Bob")).changed
    assert (await store.assign(CHAT, 1, "@carol", by_id=ALICE, by_name="Alice")).changed
    queued = await store.outbox.pending(CHAT)
    assert [item.kind for item in queued] == ["notice", "assignment"]
    assert queued[0].detail == {"status": "false", "by_id": BOB, "by_name": "Bob"}
    assert queued[1].detail == {"assignee": "@carol", "by_id": ALICE, "by_name": "Alice"}
    await store.outbox.delivered(queued)
    before = await store.history(CHAT, 1)

    again = [
        await store.set_status(CHAT, 1, "false", note="still", by_id=BOB, by_name="Bob"),
        await store.assign(CHAT, 1, "Carol", by_id=ALICE, by_name="Alice"),
        await store.edit_text(CHAT, 1, "Kyiv broke off the talks", by_id=ALICE, by_name="A"),
    ]

    assert [updated.changed for updated in again] == [False, False, False]
    assert again[0].flag.note is None
    assert await store.history(CHAT, 1) == before
    assert await store.outbox.pending(CHAT) == []
    # Unassigning is a change, but the group is told only who has work to do.
    assert (await store.assign(CHAT, 1, None, by_id=ALICE, by_name="Alice")).changed
    assert (await store.assign(CHAT, 1, "", by_id=ALICE, by_name="Alice")).changed is False
    assert await store.outbox.pending(CHAT) == []


async def test_refuses_a_newer_schema(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    connection = sqlite3.connect(db_path)
    connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    connection.close()
    with pytest.raises(StoreError, match="newer"):
        await Store.open(db_path)


async def test_garbage_file_raises_store_error(db_path: Path) -> None:
    write_garbage(db_path)
    with pytest.raises(StoreError, match="not a SQLite database"):
        await Store.open(db_path)


async def test_damaged_database_raises_store_error(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        for _ in range(50):
            await add(store)
    wreck_pages(db_path)
    with pytest.raises(StoreError):
        await Store.open(db_path)


async def test_folder_that_cannot_be_created_raises_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    with pytest.raises(StoreError, match="cannot create the folder"):
        await Store.open(blocker / "bot.sqlite3")


async def test_read_only_folder_raises_store_error(tmp_path: Path) -> None:
    with read_only_folder(tmp_path) as folder, pytest.raises(StoreError, match="read-only"):
        await Store.open(folder / f"bot-{os.getpid()}.sqlite3")


async def test_full_disk_raises_store_error_and_writes_nothing(store: Store, db_path: Path) -> None:
    await add(store)
    await store.set_status(CHAT, 1, "verified", note=None, by_id=BOB, by_name="Bob")
    pages = raw(db_path, "PRAGMA page_count")[0][0]
    # Capping the file at its current size is how SQLite reports a full disk.
    await store.database.writer.execute_fetchall(f"PRAGMA max_page_count = {pages}")
    huge = "x" * 200_000
    with pytest.raises(StoreError, match="disk is full"):
        await add(store, text=huge)
    with pytest.raises(StoreError, match="disk is full"):
        await store.add_note(CHAT, 1, huge, by_id=BOB, by_name="Bob")
    await store.database.writer.execute_fetchall("PRAGMA max_page_count = 1073741823")

    flag = await store.get_flag(CHAT, 1)
    assert flag is not None and flag.note is None
    assert [event.action for event in await store.history(CHAT, 1)] == ["created", "status"]
    assert await store.get_flag(CHAT, 2) is None
    assert (await add(store)).number == 2


async def test_closed_store_raises_store_error(db_path: Path) -> None:
    store = await Store.open(db_path)
    await store.close()
    await store.close()
    with pytest.raises(StoreError, match="closed"):
        await store.get_flag(CHAT, 1)
    with pytest.raises(StoreError, match="closed"):
        await add(store)


# -- numbering ----------------------------------------------------------------------


async def test_numbers_are_per_chat_and_gapless(store: Store) -> None:
    numbers: dict[int, list[int]] = {CHAT: [], OTHER_CHAT: []}
    for i in range(10):
        chat = CHAT if i % 3 else OTHER_CHAT
        numbers[chat].append((await add(store, chat)).number)
    assert numbers[CHAT] == list(range(1, 7))
    assert numbers[OTHER_CHAT] == list(range(1, 5))


async def test_add_flag_is_committed_before_it_returns(store: Store, db_path: Path) -> None:
    flag = await add(store, text="committed already")
    rows = raw(db_path, "SELECT number, text FROM flags WHERE chat_id = ?", (CHAT,))
    assert rows == [(flag.number, "committed already")]


async def test_add_flag_records_everything(store: Store) -> None:
    round_ = await store.start_round(CHAT, "Istanbul", ALICE)
    before = datetime.now(UTC)
    flag = await store.add_flag(
        CHAT,
        text="The referendum was legitimate",
        speaker="Peskov",
        flagged_by_id=ALICE,
        flagged_by_name="Alice",
        message_id=100,
        source_message_id=99,
        source_link="https://t.me/c/1234567890/99",
        source_author="Peskov TV",
        matches=["claim:referendums", "term:root-causes", "claim:referendums"],
        note="see playbook",
    )
    assert flag.number == 1
    assert flag.status == "open" and not flag.retracted
    assert flag.round_id == round_.id and flag.round_name == "Istanbul"
    assert flag.matches == ("claim:referendums", "term:root-causes")
    assert flag.created_at.tzinfo is not None
    assert before - timedelta(seconds=1) <= flag.created_at <= datetime.now(UTC)
    assert await store.get_flag(CHAT, 1) == flag
    [created] = await store.history(CHAT, 1)
    assert (created.action, created.by_id, created.by_name) == ("created", ALICE, "Alice")
    assert created.note == "see playbook"
    with pytest.raises(TypeError):
        await store.add_flag(
            CHAT, text="x", speaker=None, flagged_by_id=1, flagged_by_name="A",
            message_id=None, matches="term:a",
        )  # fmt: skip


async def test_hundred_concurrent_flags_in_one_chat_get_1_to_100(store: Store) -> None:
    texts = [f"statement {i}" for i in range(100)]
    flags = await asyncio.gather(*(add(store, text=text) for text in texts))
    assert sorted(flag.number for flag in flags) == list(range(1, 101))
    # Each caller gets its own row back, not a neighbour's.
    assert [flag.text for flag in flags] == texts
    for flag in flags:
        stored = await store.get_flag(CHAT, flag.number)
        assert stored is not None and stored.text == flag.text


async def test_concurrent_flags_across_chats_stay_gapless(store: Store) -> None:
    chats = [CHAT, OTHER_CHAT, -42]
    requests = [(chats[i % 3], f"text {i}") for i in range(150)]
    flags = await asyncio.gather(*(add(store, chat, text=text) for chat, text in requests))
    for (chat, text), flag in zip(requests, flags, strict=True):
        assert (flag.chat_id, flag.text) == (chat, text)
    for chat in chats:
        assert sorted(f.number for f in flags if f.chat_id == chat) == list(range(1, 51))


async def test_a_bad_flag_in_a_concurrent_burst_fails_alone(store: Store) -> None:
    good = [add(store, text=f"good {i}") for i in range(10)]
    bad = add(store, text="bad", flagged_by_name=None)
    results = await asyncio.gather(*good, bad, return_exceptions=True)
    assert isinstance(results[-1], StoreError)
    numbers = sorted(result.number for result in results[:-1] if isinstance(result, Flag))
    assert numbers == list(range(1, 11))


async def test_a_row_sqlite_cannot_encode_fails_alone_not_its_batch(store: Store) -> None:
    """Text that bypassed bot.text_rules (a lone surrogate) raises UnicodeEncodeError,
    not StoreError, inside the group commit: the valid flags of another chat that share
    its batch, and those queued behind it, are stored all the same."""
    requests = []
    for i in range(150):
        requests.append(add(store, OTHER_CHAT, text=f"valid {i}"))
        if i % 10 == 0:
            requests.append(add(store, text="Lavrov: \ud800"))
    results = await asyncio.gather(*requests, return_exceptions=True)
    refused = [result for result in results if isinstance(result, BaseException)]
    assert len(refused) == 15
    assert all(isinstance(error, UnicodeEncodeError) for error in refused)
    stored = [result for result in results if isinstance(result, Flag)]
    assert sorted(flag.number for flag in stored) == list(range(1, 151))
    assert sorted(flag.text for flag in await store.export_flags(OTHER_CHAT)) == sorted(
        f"valid {i}" for i in range(150)
    )
    assert await store.export_flags(CHAT) == []
    assert (await add(store)).number == 1


async def test_numbers_are_never_reused(store: Store) -> None:
    for _ in range(3):
        await add(store)
    await store.retract(CHAT, 3, "duplicate", by_id=ALICE, by_name="Alice")
    assert (await add(store)).number == 4
    assert await store.purge_chat(CHAT) == 4
    assert await store.get_flag(CHAT, 1) is None
    assert (await add(store)).number == 5
    assert await store.purge_older_than(datetime.now(UTC) + timedelta(seconds=1)) == 1
    assert (await add(store)).number == 6


# -- isolation and lookups ----------------------------------------------------------


async def test_a_chat_never_sees_another_chats_flags(store: Store) -> None:
    await add(store, CHAT, text="secret grain corridor", message_id=7)
    assert await store.get_flag(OTHER_CHAT, 1) is None
    assert await store.flag_by_message(OTHER_CHAT, 7) is None
    assert await store.search(OTHER_CHAT, "grain") == []
    assert (await store.list_flags(OTHER_CHAT)).total == 0
    assert await store.export_flags(OTHER_CHAT) == []
    assert (await store.summary(OTHER_CHAT)).total == 0
    assert await store.history_for(OTHER_CHAT, [1]) == {1: []}
    with pytest.raises(FlagNotFound):
        await store.history(OTHER_CHAT, 1)
    with pytest.raises(FlagNotFound):
        await store.set_status(OTHER_CHAT, 1, "false", note=None, by_id=BOB, by_name="Bob")
    with pytest.raises(FlagNotFound):
        await store.retract(OTHER_CHAT, 1, "mine now", by_id=BOB, by_name="Bob")
    # The same number in the other chat is a different flag.
    other = await add(store, OTHER_CHAT, text="something else")
    assert other.number == 1
    assert (await store.search(CHAT, "grain"))[0].chat_id == CHAT
    assert [f.text for f in await store.search(OTHER_CHAT, "grain something")] == []


async def test_a_flag_is_found_by_its_command_or_the_message_it_replied_to(
    store: Store,
) -> None:
    await add(store, message_id=200, source_message_id=150)
    await add(store, message_id=201)
    by_command = await store.flag_by_message(CHAT, 200)
    by_source = await store.flag_by_message(CHAT, 150)
    assert by_command is not None and by_source is not None
    assert by_command.number == by_source.number == 1
    assert await store.flag_by_message(CHAT, 999) is None
    # The same source message flagged twice: the newest flag answers.
    await add(store, message_id=202, source_message_id=150)
    newest = await store.flag_by_message(CHAT, 150)
    assert newest is not None and newest.number == 3


# -- changes and history ------------------------------------------------------------


async def test_every_change_appends_history(store: Store, db_path: Path) -> None:
    await add(store, text="Original wording")
    await store.set_status(CHAT, 1, "misleading", note="half the story", by_id=BOB, by_name="Bob")
    await store.assign(CHAT, 1, "Carol", by_id=ALICE, by_name="Alice")
    await store.add_note(CHAT, 1, "ask the ministry", by_id=BOB, by_name="Bob")
    await store.edit_text(CHAT, 1, "Edited wording", by_id=ALICE, by_name="Alice")
    await store.edit_text(CHAT, 1, "Edited wording", by_id=ALICE, by_name="Alice")
    await store.set_status(CHAT, 1, "false", note=None, by_id=BOB, by_name="Bob")
    await store.assign(CHAT, 1, "", by_id=ALICE, by_name="Alice")
    retracted = await store.retract(CHAT, 1, "flagged by mistake", by_id=ALICE, by_name="Alice")
    again = await store.retract(CHAT, 1, "twice", by_id=ALICE, by_name="Alice")
    assert retracted.changed and not again.changed
    assert again.flag == retracted.flag
    flag = retracted.flag

    assert flag.text == "Edited wording"
    assert flag.status == "false"
    assert flag.assignee is None
    assert flag.note == "half the story\nask the ministry"
    assert flag.retracted and flag.retract_reason == "flagged by mistake"
    events = await store.history(CHAT, 1)
    assert [(e.action, e.old_value, e.new_value, e.by_name) for e in events] == [
        ("created", None, "open", "Alice"),
        ("status", "open", "misleading", "Bob"),
        ("assign", None, "Carol", "Alice"),
        ("note", "half the story", "half the story\nask the ministry", "Bob"),
        ("edit", "Original wording", "Edited wording", "Alice"),
        ("status", "misleading", "false", "Bob"),
        ("assign", "Carol", None, "Alice"),
        ("retract", None, "flagged by mistake", "Alice"),
    ]
    assert events[1].note == "half the story"
    assert all(a.at <= b.at for a, b in itertools.pairwise(events))
    # The edit is searchable under the new words only; nothing was deleted.
    assert await store.search(CHAT, "original") == []
    assert [f.number for f in await store.search(CHAT, "edited")] == [1]
    assert [f.number for f in await store.search(CHAT, "ministry")] == [1]
    assert (await store.list_flags(CHAT)).total == 1
    assert_search_index_in_sync(db_path)


async def test_unknown_flag_and_bad_input(store: Store) -> None:
    with pytest.raises(FlagNotFound, match="#5"):
        await store.set_status(CHAT, 5, "verified", note=None, by_id=BOB, by_name="Bob")
    for change in (
        store.assign(CHAT, 5, "Carol", by_id=BOB, by_name="Bob"),
        store.add_note(CHAT, 5, "note", by_id=BOB, by_name="Bob"),
        store.edit_text(CHAT, 5, "text", by_id=BOB, by_name="Bob"),
        store.retract(CHAT, 5, None, by_id=BOB, by_name="Bob"),
        store.history(CHAT, 5),
    ):
        with pytest.raises(FlagNotFound):
            await change
    await add(store)
    with pytest.raises(ValueError, match="unknown status"):
        await store.set_status(CHAT, 1, "fake", note=None, by_id=BOB, by_name="Bob")
    with pytest.raises(ValueError):
        await store.list_flags(CHAT, status="nonsense")
    with pytest.raises(ValueError):
        await store.add_note(CHAT, 1, "   ", by_id=BOB, by_name="Bob")


async def test_history_for_many_flags(store: Store) -> None:
    for _ in range(3):
        await add(store)
    await store.set_status(CHAT, 2, "verified", note=None, by_id=BOB, by_name="Bob")
    histories = await store.history_for(CHAT, [1, 2, 9])
    assert [e.action for e in histories[1]] == ["created"]
    assert [e.action for e in histories[2]] == ["created", "status"]
    assert histories[9] == []
    assert await store.history_for(CHAT, []) == {}


# -- listing ------------------------------------------------------------------------


async def test_list_flags_pages_newest_first_with_filters(store: Store) -> None:
    speakers = ["Лавров", "Peskov", "Zakharova"]
    for i in range(25):
        await add(store, text=f"claim {i}", speaker=speakers[i % 3])
    await store.set_status(CHAT, 25, "false", note=None, by_id=BOB, by_name="Bob")
    await store.set_status(CHAT, 24, "false", note=None, by_id=BOB, by_name="Bob")
    await store.retract(CHAT, 23, "dup", by_id=BOB, by_name="Bob")

    first = await store.list_flags(CHAT)
    assert [f.number for f in first.items] == list(range(25, 15, -1))
    assert (first.total, first.offset, first.limit, first.has_more) == (25, 0, 10, True)
    last = await store.list_flags(CHAT, offset=20, limit=10)
    assert [f.number for f in last.items] == [5, 4, 3, 2, 1] and not last.has_more
    beyond = await store.list_flags(CHAT, offset=40)
    assert beyond.items == () and beyond.total == 25

    false = await store.list_flags(CHAT, status="false")
    assert [f.number for f in false.items] == [25, 24]
    lavrov = await store.list_flags(CHAT, speaker="ЛАВ", limit=100)
    assert lavrov.total == 9 and all(f.speaker == "Лавров" for f in lavrov.items)
    assert (await store.list_flags(CHAT, speaker="kov")).total == 8
    assert (await store.list_flags(CHAT, speaker="%")).total == 0
    live = await store.list_flags(CHAT, include_retracted=False, limit=100)
    assert live.total == 24 and 23 not in {f.number for f in live.items}
    assert (await store.list_flags(CHAT, round_name="no such round")).total == 0


# -- rounds -------------------------------------------------------------------------


async def test_rounds(store: Store) -> None:
    assert await store.current_round(CHAT) is None
    assert await store.end_round(CHAT, ALICE) is None
    first = await store.start_round(CHAT, "  Раунд 1 ", ALICE)
    assert first.name == "Раунд 1" and first.is_open
    await add(store, text="in round one")
    second = await store.start_round(CHAT, "Round 2", BOB)
    await add(store, text="in round two")
    ended = await store.end_round(CHAT, BOB)
    assert ended is not None and ended.id == second.id and not ended.is_open
    assert ended.ended_by_id == BOB
    await add(store, text="between rounds")

    rounds = await store.rounds(CHAT)
    assert [r.name for r in rounds] == ["Раунд 1", "Round 2"]
    assert rounds[0].ended_at is not None and rounds[0].ended_by_id == BOB
    assert await store.current_round(CHAT) is None
    found = await store.find_round(CHAT, "РАУНД 1")
    assert found is not None and found.id == first.id
    assert await store.find_round(OTHER_CHAT, "раунд 1") is None

    by_round = await store.list_flags(CHAT, round_name="раунд 1")
    assert [f.text for f in by_round.items] == ["in round one"]
    flags = await store.export_flags(CHAT)
    assert [(f.round_name, f.round_id) for f in flags] == [
        ("Раунд 1", first.id),
        ("Round 2", second.id),
        (None, None),
    ]
    assert [f.text for f in await store.export_flags(CHAT, "ROUND 2")] == ["in round two"]
    with pytest.raises(ValueError):
        await store.start_round(CHAT, "   ", ALICE)


# -- search -------------------------------------------------------------------------


async def test_search_text_speaker_notes_and_prefix(store: Store) -> None:
    await add(store, text="Ukraine started the war", speaker="Zakharova")
    await add(store, text="The café was never hit", speaker="Peskov", note="check drone footage")
    await add(store, text="Grain corridor is closed", speaker="Лавров")
    await add(store, text="Grain corridor is closed", speaker="Лавров")

    def numbers(flags: list[Flag]) -> list[int]:
        return [flag.number for flag in flags]

    assert numbers(await store.search(CHAT, "war")) == [1]
    assert numbers(await store.search(CHAT, "zakharova")) == [1]
    assert numbers(await store.search(CHAT, "drone")) == [2]
    assert numbers(await store.search(CHAT, "cafe")) == [2]
    assert numbers(await store.search(CHAT, "лавров")) == [4, 3]  # equal rank: newest first
    assert numbers(await store.search(CHAT, "corr")) == [4, 3]  # prefix on the last word
    assert numbers(await store.search(CHAT, "grain closed")) == [4, 3]
    assert numbers(await store.search(CHAT, "grain war")) == []
    assert numbers(await store.search(CHAT, "grain", limit=1)) == [4]
    assert numbers(await store.search(CHAT, '"grain"')) == [4, 3]


HOSTILE_QUERIES = [
    "",
    "   ",
    '"',
    '""',
    '"unbalanced',
    "*",
    "grain*",
    "NEAR",
    "NEAR(grain corridor, 2)",
    "(",
    ")",
    "((grain)",
    "grain OR war",
    "AND",
    "NOT grain",
    "-grain",
    "+grain",
    "^grain",
    "text:grain",
    "{text speaker}: grain",
    'chat_id : "-1009876543210"',
    "'; DROP TABLE flags; --",
    "1 = 1; SELECT * FROM flags",
    "🙂🔥",
    "grain 🙂",
    "a\x00b",
    "\x00",
    "\\",
    "%_",
    "м'ясо",
    "x" * 10_000,
    " ".join(["grain"] * 500),
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
async def test_hostile_search_never_raises(store: Store, query: str) -> None:
    await add(store, text="Grain corridor is closed; DROP TABLE flags")
    await add(store, OTHER_CHAT, text="grain in the other chat")
    found = await store.search(CHAT, query)
    assert all(flag.chat_id == CHAT for flag in found)
    assert (await store.list_flags(CHAT)).total == 1


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=st.text())
async def test_any_text_is_a_safe_search(store: Store, query: str) -> None:
    assert isinstance(await store.search(CHAT, query), list)
    expression = fts_expression(CHAT, query)
    if expression is not None:
        for phrase in expression.split(" AND "):
            assert re.fullmatch(r'"n1001234567890x[^\W_]+"\*?', phrase)


async def test_search_never_crosses_chats_with_similar_ids(store: Store) -> None:
    await add(store, -12, text="3grain")
    await add(store, -123, text="grain")
    await add(store, 12, text="grain")
    assert [f.chat_id for f in await store.search(-12, "3gr")] == [-12]
    assert [f.chat_id for f in await store.search(-123, "grain")] == [-123]
    assert [f.chat_id for f in await store.search(12, "grain")] == [12]
    assert await store.search(-12, "grain") == []


async def test_search_treats_operators_as_words(store: Store) -> None:
    await add(store, text="He said NEAR the border, not near Kyiv")
    await add(store, text='They called it "liberation"')
    assert len(await store.search(CHAT, "NEAR border")) == 1
    assert len(await store.search(CHAT, '"liberation"')) == 1
    assert len(await store.search(CHAT, "liberation)")) == 1


# -- summary ------------------------------------------------------------------------


async def test_summary(store: Store) -> None:
    await store.start_round(CHAT, "R1", ALICE)
    await add(store, matches=["term:a", "term:b"])
    await add(store, matches=["term:a"])
    await add(store, matches=["term:a", "term:c"])
    await store.start_round(CHAT, "R2", ALICE)
    await add(store, matches=["term:c"])
    await add(store, matches=["term:a"])
    await store.set_status(CHAT, 2, "verified", note=None, by_id=BOB, by_name="Bob")
    await store.set_status(CHAT, 4, "false", note=None, by_id=BOB, by_name="Bob")
    await store.retract(CHAT, 5, "oops", by_id=BOB, by_name="Bob")

    whole = await store.summary(CHAT)
    assert (whole.total, whole.retracted, whole.open_count) == (5, 1, 2)
    assert dict(whole.by_status) == {
        "open": 2,
        "verified": 1,
        "false": 1,
        "misleading": 0,
        "unverifiable": 0,
    }
    assert set(whole.by_status) == set(STATUSES)
    assert [f.number for f in whole.open_flags] == [1, 3]
    assert whole.top_matches == (("term:a", 3), ("term:c", 2), ("term:b", 1))

    first = await store.summary(CHAT, "r1")
    assert (first.total, first.retracted, first.round_name) == (3, 0, "r1")
    assert first.top_matches[0] == ("term:a", 3)
    assert (await store.summary(CHAT, "nope")).total == 0


# -- chats and users ----------------------------------------------------------------


async def test_users_and_chat_settings(store: Store) -> None:
    assert await store.get_language(ALICE) is None
    await store.set_language(ALICE, "en")
    await store.set_language(ALICE, "uk")
    assert await store.get_language(ALICE) == "uk"

    assert not await store.is_enrolled(CHAT)
    await store.enroll(CHAT, "Delegation", ALICE)
    await store.enroll(OTHER_CHAT, None, ALICE)
    assert await store.enrolled_chats() == sorted([CHAT, OTHER_CHAT])
    await add(store)
    await store.disable(CHAT, BOB)
    assert not await store.is_enrolled(CHAT)
    assert await store.enrolled_chats() == [OTHER_CHAT]
    assert await store.get_flag(CHAT, 1) is not None  # disabling keeps the log
    await store.enroll(CHAT, None, ALICE)
    assert await store.is_enrolled(CHAT)

    assert not await store.get_watch(CHAT)
    await store.set_watch(CHAT, True)
    assert await store.get_watch(CHAT) and not await store.get_watch(OTHER_CHAT)
    await store.set_watch(CHAT, False)
    assert not await store.get_watch(CHAT)

    assert await store.get_live_list(CHAT) is None
    await store.set_live_list(CHAT, 77)
    assert (await store.get_live_list(CHAT)) == LiveList(77, None, None)
    await store.set_live_list(CHAT, None)
    assert await store.get_live_list(CHAT) is None


async def test_migrate_chat_moves_everything_and_keeps_numbers(store: Store, db_path: Path) -> None:
    group, supergroup = -4242, -1004242
    await store.enroll(group, "Delegation", ALICE)
    await store.set_watch(group, True)
    await store.start_round(group, "Round 1", ALICE)
    for i in range(3):
        await add(store, group, text=f"grain statement {i}", message_id=10 + i)
    await store.set_status(group, 2, "false", note="wrong", by_id=BOB, by_name="Bob")
    await store.retract(group, 3, "dup", by_id=BOB, by_name="Bob")
    await store.set_watch(supergroup, False)  # the new id may already have a settings row

    await store.migrate_chat(group, supergroup)

    assert await store.get_flag(group, 1) is None
    assert (await store.list_flags(group)).total == 0
    assert await store.is_enrolled(supergroup) and await store.get_watch(supergroup)
    moved = await store.export_flags(supergroup)
    assert [(f.number, f.chat_id) for f in moved] == [(n, supergroup) for n in (1, 2, 3)]
    assert [e.action for e in await store.history(supergroup, 2)] == ["created", "status"]
    assert sorted(f.number for f in await store.search(supergroup, "grain")) == [1, 2, 3]
    assert await store.search(group, "grain") == []
    current = await store.current_round(supergroup)
    assert current is not None and current.name == "Round 1"
    # Message 11 is the old group's: the supergroup's own message 11 is another one.
    assert await store.flag_by_message(supergroup, 11) is None
    assert (await add(store, supergroup)).number == 4
    await store.migrate_chat(group, supergroup)  # a repeat is harmless
    assert_search_index_in_sync(db_path)


async def test_migrate_chat_refuses_to_merge_two_logs(store: Store) -> None:
    await add(store, CHAT, text="old")
    await add(store, OTHER_CHAT, text="new")
    with pytest.raises(StoreError, match="already has flags"):
        await store.migrate_chat(CHAT, OTHER_CHAT)
    assert (await store.list_flags(CHAT)).total == 1
    assert (await store.list_flags(OTHER_CHAT)).total == 1


# -- privacy ------------------------------------------------------------------------


async def test_purge_chat_deletes_flags_history_rounds(store: Store, db_path: Path) -> None:
    await store.start_round(CHAT, "R1", ALICE)
    await add(store)
    await add(store)
    await store.set_live_list(CHAT, 9)
    await add(store, OTHER_CHAT)
    assert await store.purge_chat(CHAT) == 2
    assert await store.rounds(CHAT) == []
    assert (await store.list_flags(CHAT)).total == 0
    assert await store.get_live_list(CHAT) is None
    assert (await store.list_flags(OTHER_CHAT)).total == 1
    assert raw(db_path, "SELECT count(*) FROM flag_events")[0][0] == 1
    assert await store.purge_chat(CHAT) == 0
    assert_search_index_in_sync(db_path)


async def test_purged_text_is_gone_from_the_files(db_path: Path) -> None:
    secret = "the delegation will concede the eastern bridge at dawn"
    async with await Store.open(db_path) as store:
        await add(store, text=secret)
        await store.edit_text(CHAT, 1, secret + " again", by_id=ALICE, by_name="Alice")
        await add(store, OTHER_CHAT, text="unrelated")
        await store.purge_chat(CHAT)
    contents = file_contents(db_path, Path(f"{db_path}-wal"))
    assert secret.encode() not in contents
    assert b"unrelated" in contents


async def test_purge_older_than(store: Store) -> None:
    await add(store, text="old")
    cutoff = datetime.now(UTC)
    await asyncio.sleep(0.01)
    await add(store, OTHER_CHAT, text="new")
    assert await store.purge_older_than(cutoff - timedelta(days=1)) == 0
    assert await store.purge_older_than(cutoff) == 1
    assert await store.get_flag(CHAT, 1) is None
    assert await store.get_flag(OTHER_CHAT, 1) is not None
    with pytest.raises(ValueError):
        await store.purge_older_than(datetime(2020, 1, 1))  # naive on purpose


# -- backup -------------------------------------------------------------------------


async def test_backup_is_consistent_while_writes_continue(store: Store, tmp_path: Path) -> None:
    for i in range(200):
        await add(store, text=f"before backup {i}")
    stop = asyncio.Event()

    async def keep_writing() -> int:
        written = 0
        while not stop.is_set():
            await add(store, text="during backup")
            written += 1
            await asyncio.sleep(0)
        return written

    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0.05)
    copy = tmp_path / "backups" / "copy.sqlite3"
    await store.backup(copy)
    cli_copy = tmp_path / "backups" / "cli.sqlite3"
    await backup_database(store.path, cli_copy)
    stop.set()
    assert await writer > 0

    for path in (copy, cli_copy):
        assert raw(path, "PRAGMA integrity_check") == [("ok",)]
        assert raw(path, "PRAGMA journal_mode") == [("delete",)]
        async with await Store.open(path) as restored:
            page = await restored.list_flags(CHAT, limit=1000)
            numbers = sorted(flag.number for flag in page.items)
            assert numbers == list(range(1, page.total + 1))  # a snapshot: no gaps
            assert page.total >= 200
            assert len(await restored.search(CHAT, "before backup", limit=500)) == 200
    assert not list((tmp_path / "backups").glob("*.partial"))


async def test_backup_refuses_bad_targets(store: Store, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="must not overwrite"):
        await store.backup(store.path)
    with pytest.raises(StoreError, match="no database"):
        await backup_database(tmp_path / "missing.sqlite3", tmp_path / "copy.sqlite3")
    assert not (tmp_path / "missing.sqlite3").exists()
