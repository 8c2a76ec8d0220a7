"""The store's operations: users, chats, rounds, flags and their history, listing,
search, summaries, privacy. Every method's SQL is here; connections are in
:mod:`bot.store.database`.

A flag is one INSERT whose triggers do the rest; flags added concurrently share a
commit.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal, Self

import aiosqlite

from bot.store.backup import backup_database
from bot.store.database import Database
from bot.store.definitions import (
    DefinitionsStore,
    delete_chat_definitions,
    delete_definitions_before,
)
from bot.store.errors import FlagNotFound, StoreError
from bot.store.fulltext import fts_expression
from bot.store.models import (
    FLAG_COLUMNS,
    Board,
    Flag,
    FlagEvent,
    Page,
    Round,
    Status,
    Summary,
    check_status,
    event_of,
    flag_columns,
    flag_of,
    iso,
    name_key,
    now_iso,
    optional_int,
    optional_str,
    round_of,
)
from bot.store.outbox import Outbox, queue_notice
from bot.store.points import PointsStore, delete_chat_points, delete_points_before

# The chats columns _chat_setting may name: never text from outside the store.
_ChatSetting = Literal["watch", "timezone", "language"]

_UPDATABLE_COLUMNS: Final = frozenset(
    {"status", "assignee", "assignee_may_judge", "note", "text", "retracted_at", "retract_reason"}
)


# What a new flag's INSERT leaves to SQLite (id, number, round) or to later changes.
_DECIDED_LATER: Final = frozenset(
    {
        "id",
        "number",
        "updated_at",
        "round_id",
        "round_name",
        "confirmation_chat_id",
        "confirmation_message_id",
        "status",
        "assignee",
        "assignee_may_judge",
        "retracted_at",
        "retract_reason",
    }
)
# The columns a new flag's INSERT sets, chat_id and created_at first (?1 and ?2).
_NEW_FLAG_FIELDS: Final = (
    *(column for column in FLAG_COLUMNS if column not in _DECIDED_LATER),
    "speaker_key",
)
MAX_FLAG_BATCH: Final = 64
# What SQLite decides for a new flag; the caller already knows everything else.
_ADDED_COLUMNS: Final = "id, number, round_id, round_name"


@functools.cache
def _add_flags_sql(count: int) -> str:
    """One INSERT for ``count`` new flags, numbered from each chat's counter.

    The numbered rows are materialized before the first insert, so every read of
    a counter precedes the trigger that raises it, and flags of the same chat in
    one batch take consecutive numbers in arrival order.
    """
    fields = ", ".join(_NEW_FLAG_FIELDS)
    if count == 1:
        # A lone flag skips the batch machinery, which costs it a third more time.
        # ?1 is chat_id and ?2 created_at, the first two of _NEW_FLAG_FIELDS.
        values = ", ".join(f"?{index}" for index in range(1, len(_NEW_FLAG_FIELDS) + 1))
        return f"""
            INSERT INTO flags ({fields}, number, updated_at, round_id, round_name)
            VALUES (
                {values},
                coalesce((SELECT last_flag_number FROM chats WHERE chat_id = ?1), 0) + 1,
                ?2,
                (SELECT id FROM rounds WHERE chat_id = ?1 AND ended_at IS NULL),
                (SELECT name FROM rounds WHERE chat_id = ?1 AND ended_at IS NULL)
            )
            RETURNING {_ADDED_COLUMNS}
        """
    row = f"({', '.join('?' * (len(_NEW_FLAG_FIELDS) + 1))})"
    return f"""
        INSERT INTO flags (
            {fields}, number, updated_at, round_id, round_name
        )
        WITH batch (position, {fields}) AS MATERIALIZED (
            VALUES {", ".join([row] * count)}
        ),
        numbered AS MATERIALIZED (
            SELECT batch.*,
                   coalesce(chats.last_flag_number, 0)
                   + row_number() OVER (PARTITION BY batch.chat_id ORDER BY position) AS number
            FROM batch LEFT JOIN chats ON chats.chat_id = batch.chat_id
        )
        SELECT {fields}, number, created_at,
            (SELECT id FROM rounds
             WHERE rounds.chat_id = numbered.chat_id AND ended_at IS NULL),
            (SELECT name FROM rounds
             WHERE rounds.chat_id = numbered.chat_id AND ended_at IS NULL)
        FROM numbered ORDER BY position
        RETURNING {_ADDED_COLUMNS}
    """


_INSERT_EVENT_SQL: Final = """
    INSERT INTO flag_events (flag_id, at, action, old_value, new_value, note, by_id, by_name)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""

_ROUND_COLUMNS: Final = "id, chat_id, name, started_at, started_by, ended_at, ended_by"

# The scope a filter applies to; values are always bound, never formatted in.
_ROUND_FILTER: Final = "round_id IN (SELECT id FROM rounds WHERE chat_id = ? AND name_key = ?)"


def _append_note(existing: str | None, note: str) -> str:
    return note if not existing else f"{existing}\n{note}"


@dataclass(slots=True)
class _NewFlag:
    values: tuple[Any, ...]
    known: dict[str, Any]
    done: asyncio.Future[Flag]


def _settle(future: asyncio.Future[Flag], outcome: Flag | BaseException) -> None:
    if future.done():
        return
    if isinstance(outcome, asyncio.CancelledError):
        future.cancel()
    elif isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


class Store:
    """The bot's database. Create with ``await Store.open(path)``."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.outbox = Outbox(database)
        self.points = PointsStore(database)
        self.definitions = DefinitionsStore(database)
        self._new_flags: list[_NewFlag] = []
        self._flag_writer: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: Path) -> Store:
        """Open (creating if needed) and migrate the database at ``path``."""
        return cls(await Database.open(path))

    @property
    def path(self) -> Path:
        return self.database.path

    async def close(self) -> None:
        if self.database.closed:
            return
        if self._flag_writer is not None:
            # Requests already accepted are written, not dropped.
            with suppress(Exception):
                await asyncio.shield(self._flag_writer)
        await self.database.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # -- users --------------------------------------------------------------------

    async def get_language(self, user_id: int) -> str | None:
        row = await self.database.read_one(
            "SELECT language FROM users WHERE user_id = ?", (user_id,)
        )
        return None if row is None else str(row["language"])

    async def set_language(self, user_id: int, lang: str) -> None:
        await self.database.write(
            """
            INSERT INTO users (user_id, language, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE
            SET language = excluded.language, updated_at = excluded.updated_at
            """,
            (user_id, lang, now_iso()),
        )

    # -- chats --------------------------------------------------------------------

    async def is_enrolled(self, chat_id: int) -> bool:
        row = await self.database.read_one(
            "SELECT enrolled FROM chats WHERE chat_id = ?", (chat_id,)
        )
        return row is not None and bool(row["enrolled"])

    async def enroll(self, chat_id: int, title: str | None, by_user_id: int) -> None:
        await self.database.write(
            """
            INSERT INTO chats (chat_id, title, enrolled, enrolled_by, enrolled_at)
            VALUES (?, ?, 1, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE
            SET title = coalesce(excluded.title, title), enrolled = 1,
                enrolled_by = excluded.enrolled_by, enrolled_at = excluded.enrolled_at
            """,
            (chat_id, title, by_user_id, now_iso()),
        )

    async def disable(self, chat_id: int, by_user_id: int) -> None:
        """Stop serving the chat; its flags and rounds stay."""
        await self.database.write(
            """
            INSERT INTO chats (chat_id, enrolled, disabled_by, disabled_at) VALUES (?, 0, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE
            SET enrolled = 0, disabled_by = excluded.disabled_by,
                disabled_at = excluded.disabled_at
            """,
            (chat_id, by_user_id, now_iso()),
        )

    async def enrolled_chats(self) -> list[int]:
        rows = await self.database.read(
            "SELECT chat_id FROM chats WHERE enrolled = 1 ORDER BY chat_id"
        )
        return [int(row["chat_id"]) for row in rows]

    async def _chat_setting(self, chat_id: int, column: _ChatSetting) -> Any:
        """A chat's setting, or None for a chat the store has no row for."""
        row = await self.database.read_one(
            f"SELECT {column} FROM chats WHERE chat_id = ?", (chat_id,)
        )
        return None if row is None else row[column]

    async def _set_chat_setting(self, chat_id: int, column: _ChatSetting, value: Any) -> None:
        # A chat listed in ALLOWED_CHATS may have no row yet.
        await self.database.write(
            f"INSERT INTO chats (chat_id, {column}) VALUES (?, ?) "
            f"ON CONFLICT (chat_id) DO UPDATE SET {column} = excluded.{column}",
            (chat_id, value),
        )

    async def get_watch(self, chat_id: int) -> bool:
        return bool(await self._chat_setting(chat_id, "watch"))

    async def set_watch(self, chat_id: int, on: bool) -> None:
        await self._set_chat_setting(chat_id, "watch", int(on))

    async def get_timezone(self, chat_id: int) -> str | None:
        """The chat's IANA time zone name, or None until one is set (then UTC)."""
        return optional_str(await self._chat_setting(chat_id, "timezone"))

    async def set_timezone(self, chat_id: int, name: str) -> None:
        await self._set_chat_setting(chat_id, "timezone", name)

    async def get_chat_language(self, chat_id: int) -> str | None:
        """The language the group speaks, or None until one is set."""
        return optional_str(await self._chat_setting(chat_id, "language"))

    async def set_chat_language(self, chat_id: int, lang: str, *, unless_set: bool = False) -> None:
        """Set the group's language; with ``unless_set``, only if it has none yet."""
        if unless_set and await self.get_chat_language(chat_id) is not None:
            return
        await self._set_chat_setting(chat_id, "language", lang)

    async def get_board(self, chat_id: int) -> Board | None:
        row = await self.database.read_one(
            "SELECT board_message_id, board_lang, board_thread_id FROM chats WHERE chat_id = ?",
            (chat_id,),
        )
        if row is None or row["board_message_id"] is None:
            return None
        return Board(
            int(row["board_message_id"]),
            optional_str(row["board_lang"]),
            optional_int(row["board_thread_id"]),
        )

    async def set_board(
        self,
        chat_id: int,
        message_id: int | None,
        *,
        lang: str | None = None,
        thread_id: int | None = None,
    ) -> None:
        """Remember the board message (None: the chat has none), its language and topic."""
        await self.database.write(
            """
            INSERT INTO chats (chat_id, board_message_id, board_lang, board_thread_id)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET board_message_id = excluded.board_message_id,
                board_lang = coalesce(excluded.board_lang, board_lang),
                board_thread_id = CASE WHEN excluded.board_message_id IS NULL THEN NULL
                                  ELSE coalesce(excluded.board_thread_id, board_thread_id) END
            """,
            (chat_id, message_id, lang, thread_id),
        )

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """Move everything of a group to its new supergroup id, numbers unchanged.

        A new chat that already has flags or rounds of its own cannot be merged
        without renumbering, so that raises StoreError and changes nothing.
        """
        if old_id == new_id:
            return
        async with self.database.transaction() as db:
            rows = list(
                await db.execute_fetchall(
                    "SELECT chat_id, last_flag_number FROM chats WHERE chat_id IN (?, ?)",
                    (old_id, new_id),
                )
            )
            counters = {int(row["chat_id"]): int(row["last_flag_number"]) for row in rows}
            if old_id not in counters:
                return
            if new_id in counters:
                used = list(
                    await db.execute_fetchall(
                        """
                        SELECT EXISTS (SELECT 1 FROM flags WHERE chat_id = :id)
                            OR EXISTS (SELECT 1 FROM rounds WHERE chat_id = :id)
                        """,
                        {"id": new_id},
                    )
                )
                if used[0][0]:
                    raise StoreError(
                        f"cannot migrate chat {old_id} to {new_id}: {new_id} already has flags"
                    )
                await db.execute_fetchall("DELETE FROM chats WHERE chat_id = ?", (new_id,))
            # ON UPDATE CASCADE carries rounds and flags; the update trigger re-indexes.
            await db.execute_fetchall(
                """
                UPDATE chats SET chat_id = ?, migrated_from = ?, last_flag_number = ?,
                    -- the board stays behind in the old group, which can no longer change
                    board_message_id = NULL
                WHERE chat_id = ?
                """,
                (new_id, old_id, max(counters.values()), old_id),
            )

    # -- rounds -------------------------------------------------------------------

    async def start_round(self, chat_id: int, name: str, by_user_id: int) -> Round:
        """Begin a round named ``name``, ending the open one first."""
        name = name.strip()
        if not name:
            raise ValueError("a round needs a name")
        now = now_iso()
        async with self.database.transaction() as db:
            await db.execute_fetchall(
                "INSERT INTO chats (chat_id) VALUES (?) ON CONFLICT (chat_id) DO NOTHING",
                (chat_id,),
            )
            await db.execute_fetchall(
                """
                UPDATE rounds SET ended_at = ?, ended_by = ?
                WHERE chat_id = ? AND ended_at IS NULL
                """,
                (now, by_user_id, chat_id),
            )
            rows = list(
                await db.execute_fetchall(
                    f"""
                    INSERT INTO rounds (chat_id, name, name_key, started_at, started_by)
                    VALUES (?, ?, ?, ?, ?)
                    RETURNING {_ROUND_COLUMNS}
                    """,
                    (chat_id, name, name_key(name), now, by_user_id),
                )
            )
        return round_of(rows[0])

    async def end_round(self, chat_id: int, by_user_id: int) -> Round | None:
        rows = await self.database.write(
            f"""
            UPDATE rounds SET ended_at = ?, ended_by = ?
            WHERE chat_id = ? AND ended_at IS NULL
            RETURNING {_ROUND_COLUMNS}
            """,
            (now_iso(), by_user_id, chat_id),
        )
        return round_of(rows[0]) if rows else None

    async def current_round(self, chat_id: int) -> Round | None:
        row = await self.database.read_one(
            f"SELECT {_ROUND_COLUMNS} FROM rounds WHERE chat_id = ? AND ended_at IS NULL",
            (chat_id,),
        )
        return None if row is None else round_of(row)

    async def rounds(self, chat_id: int) -> list[Round]:
        """The chat's rounds, oldest first."""
        rows = await self.database.read(
            f"SELECT {_ROUND_COLUMNS} FROM rounds WHERE chat_id = ? ORDER BY id", (chat_id,)
        )
        return [round_of(row) for row in rows]

    async def find_round(self, chat_id: int, name: str) -> Round | None:
        """The latest round of that name, ignoring case."""
        row = await self.database.read_one(
            f"""
            SELECT {_ROUND_COLUMNS} FROM rounds WHERE chat_id = ? AND name_key = ?
            ORDER BY id DESC LIMIT 1
            """,
            (chat_id, name_key(name)),
        )
        return None if row is None else round_of(row)

    # -- flags --------------------------------------------------------------------

    async def add_flag(
        self,
        chat_id: int,
        *,
        text: str,
        speaker: str | None,
        flagged_by_id: int,
        flagged_by_name: str,
        message_id: int | None,
        message_chat_id: int | None = None,
        message_date: datetime | None = None,
        source_message_id: int | None = None,
        thread_id: int | None = None,
        announce_lang: str | None = None,
        source_link: str | None = None,
        source_author: str | None = None,
        matches: Sequence[str] = (),
        note: str | None = None,
    ) -> Flag:
        """Log a statement under the chat's next number; committed on return.

        ``message_chat_id`` and ``message_id`` name the /flag command's Telegram
        message (its chat defaults to ``chat_id``), ``message_date`` when it was sent:
        together with the flagger they recognise the same command sent again.
        With ``announce_lang`` the confirmation is queued in the outbox by the same
        INSERT (in ``thread_id``, the forum topic, if any).
        """
        if isinstance(matches, str):
            raise TypeError("matches must be a sequence of refs, not one string")
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        self.database.check_open()
        now = datetime.now(UTC)
        refs = tuple(dict.fromkeys(matches))
        if message_chat_id is None:
            message_chat_id = chat_id
        if message_date is not None:
            # Telegram dates are whole seconds; so is what is stored.
            message_date = datetime.fromtimestamp(int(message_date.timestamp()), UTC)
        # The row as stored, but for what the INSERT decides: number and round.
        known = {
            "chat_id": chat_id,
            "created_at": now,
            "updated_at": now,
            "text": text,
            "speaker": speaker,
            "flagged_by_id": flagged_by_id,
            "flagged_by_name": flagged_by_name,
            "message_chat_id": message_chat_id,
            "message_id": message_id,
            "message_date": message_date,
            "source_message_id": source_message_id,
            "thread_id": thread_id,
            "announce_lang": announce_lang,
            "source_link": source_link,
            "source_author": source_author,
            "confirmation_chat_id": None,
            "confirmation_message_id": None,
            "status": Status.OPEN,
            "assignee": None,
            "assignee_may_judge": False,
            "note": note or None,
            "matches": refs,
            "retracted_at": None,
            "retract_reason": None,
        }
        # The same, as SQLite keeps it.
        stored = {
            **known,
            "created_at": iso(now),
            "message_date": None if message_date is None else int(message_date.timestamp()),
            "matches": json.dumps(refs, ensure_ascii=False),
            "speaker_key": None if speaker is None else speaker.casefold(),
        }
        values = tuple(stored[column] for column in _NEW_FLAG_FIELDS)
        request = _NewFlag(values, known, asyncio.get_running_loop().create_future())
        self._new_flags.append(request)
        if self._flag_writer is None:
            self._flag_writer = asyncio.create_task(self._write_new_flags())
        return await request.done

    async def _write_new_flags(self) -> None:
        """Group commit: flags requested while one INSERT runs go in the next one.

        A lone caller pays one statement, as before; many concurrent callers share
        each commit, which is what keeps sustained throughput up.
        """
        try:
            while self._new_flags:
                batch = self._new_flags[:MAX_FLAG_BATCH]
                del self._new_flags[:MAX_FLAG_BATCH]
                # A caller that gave up before its row was sent gets no row.
                batch = [request for request in batch if not request.done.cancelled()]
                if batch:
                    await self._insert_flags(batch)
        except BaseException as exc:
            # Nobody is left to write the queue: no caller may wait forever.
            for request in self._new_flags:
                _settle(request.done, exc)
            self._new_flags.clear()
            raise
        finally:
            self._flag_writer = None

    async def _insert_flags(self, batch: list[_NewFlag]) -> None:
        parameters: list[Any] = []
        if len(batch) == 1:
            parameters += batch[0].values
        else:
            for position, request in enumerate(batch):
                parameters += (position, *request.values)
        try:
            rows = await self.database.write(_add_flags_sql(len(batch)), parameters)
        except Exception as exc:
            # Any error, not only the database's (a text SQLite cannot encode raises
            # UnicodeEncodeError): it is the caller's whose row caused it, never its
            # neighbours', nor theirs still queued behind it.
            if len(batch) == 1:
                _settle(batch[0].done, exc)
                return
            for request in batch:
                await self._insert_flags([request])
            return
        except BaseException as exc:
            for request in batch:
                _settle(request.done, exc)
            raise
        if len(rows) != len(batch):
            error = StoreError(f"inserted {len(rows)} flags for {len(batch)} requests")
            for request in batch:
                _settle(request.done, error)
            return
        # RETURNING has no defined order, but ids follow insertion, which is batch order.
        rows.sort(key=lambda row: int(row["id"]))
        for request, row in zip(batch, rows, strict=True):
            added = Flag(
                number=int(row["number"]),
                round_id=optional_int(row["round_id"]),
                round_name=optional_str(row["round_name"]),
                **request.known,
            )
            _settle(request.done, added)

    async def get_flag(self, chat_id: int, number: int) -> Flag | None:
        row = await self.database.read_one(
            f"SELECT {flag_columns()} FROM flags WHERE chat_id = ? AND number = ?",
            (chat_id, number),
        )
        return None if row is None else flag_of(row)

    async def flag_from_command(
        self,
        message_chat_id: int,
        message_id: int,
        *,
        flagged_by_id: int,
        message_date: datetime | None,
    ) -> Flag | None:
        """The flag that /flag command created, if it created one.

        The same message id in the same chat from the same sender at the same second
        is the same command sent again; any of them differing is a new statement
        (flags stored before dates were kept match on the rest).
        """
        date = None if message_date is None else int(message_date.timestamp())
        row = await self.database.read_one(
            f"""
            SELECT {flag_columns()} FROM flags
            WHERE message_chat_id = ? AND message_id = ? AND flagged_by_id = ?
              AND (message_date IS NULL OR message_date IS ?)
            """,
            (message_chat_id, message_id, flagged_by_id, date),
        )
        return None if row is None else flag_of(row)

    async def flag_by_message(
        self, chat_id: int, message_id: int, *, message_chat_id: int | None = None
    ) -> Flag | None:
        """The newest flag of ``chat_id`` made by, or about, that message of
        ``message_chat_id`` (by default the chat itself)."""
        row = await self.database.read_one(
            f"""
            SELECT {flag_columns()} FROM (
                SELECT * FROM flags WHERE message_chat_id = :in AND message_id = :message
                UNION ALL
                SELECT * FROM flags WHERE message_chat_id = :in AND source_message_id = :message
            )
            WHERE chat_id = :chat
            -- +number: sorting the one or two hits beats walking the chat in order.
            ORDER BY +number DESC LIMIT 1
            """,
            {
                "chat": chat_id,
                "in": chat_id if message_chat_id is None else message_chat_id,
                "message": message_id,
            },
        )
        return None if row is None else flag_of(row)

    async def _locked_flag(
        self, db: aiosqlite.Connection, chat_id: int, number: int
    ) -> tuple[int, Flag]:
        rows = list(
            await db.execute_fetchall(
                f"SELECT {flag_columns()} FROM flags WHERE chat_id = ? AND number = ?",
                (chat_id, number),
            )
        )
        if not rows:
            raise FlagNotFound(chat_id, number)
        return int(rows[0]["id"]), flag_of(rows[0])

    async def _update_flag(
        self, db: aiosqlite.Connection, flag_id: int, now: str, changes: Mapping[str, Any]
    ) -> Flag:
        if not changes.keys() <= _UPDATABLE_COLUMNS:
            raise ValueError(f"not updatable: {sorted(changes.keys() - _UPDATABLE_COLUMNS)}")
        assignments = ", ".join(f"{column} = ?" for column in changes)
        rows = list(
            await db.execute_fetchall(
                f"UPDATE flags SET {assignments}, updated_at = ? WHERE id = ? "
                f"RETURNING {flag_columns()}",
                (*changes.values(), now, flag_id),
            )
        )
        return flag_of(rows[0])

    @staticmethod
    async def _record(
        db: aiosqlite.Connection,
        flag_id: int,
        now: str,
        action: str,
        old_value: str | None,
        new_value: str | None,
        note: str | None,
        by_id: int,
        by_name: str,
    ) -> None:
        await db.execute_fetchall(
            _INSERT_EVENT_SQL, (flag_id, now, action, old_value, new_value, note, by_id, by_name)
        )

    async def set_status(
        self,
        chat_id: int,
        number: int,
        status: Status,
        *,
        note: str | None = None,
        by_id: int,
        by_name: str,
        announce: bool = False,
    ) -> Flag:
        """Record a verdict; a note is kept in the history and appended to the flag's notes.

        With ``announce`` the notice to the flagger is queued in the same transaction.
        """
        status = check_status(status)
        note = note or None
        now = now_iso()
        async with self.database.transaction() as db:
            flag_id, flag = await self._locked_flag(db, chat_id, number)
            changes: dict[str, Any] = {"status": status}
            if note:
                changes["note"] = _append_note(flag.note, note)
            updated = await self._update_flag(db, flag_id, now, changes)
            await self._record(
                db, flag_id, now, "status", flag.status, status, note, by_id, by_name
            )
            if announce:
                await queue_notice(db, updated, flag_id, now, by_id=by_id, by_name=by_name)
        return updated

    async def assign(
        self,
        chat_id: int,
        number: int,
        assignee: str | None,
        *,
        by_id: int,
        by_name: str,
        may_judge: bool = True,
    ) -> Flag:
        """Give the flag to someone to check; an empty assignee unassigns.

        ``may_judge``: the assignee may give the verdict (the handler lets only the
        flagger or a chat admin assign, so it is true for every assignment it makes).
        """
        assignee = (assignee or "").strip() or None
        changes = {"assignee": assignee, "assignee_may_judge": int(may_judge and bool(assignee))}
        now = now_iso()
        async with self.database.transaction() as db:
            flag_id, flag = await self._locked_flag(db, chat_id, number)
            updated = await self._update_flag(db, flag_id, now, changes)
            await self._record(
                db, flag_id, now, "assign", flag.assignee, assignee, None, by_id, by_name
            )
        return updated

    async def add_note(
        self, chat_id: int, number: int, note: str, *, by_id: int, by_name: str
    ) -> Flag:
        if not note.strip():
            raise ValueError("an empty note")
        now = now_iso()
        async with self.database.transaction() as db:
            flag_id, flag = await self._locked_flag(db, chat_id, number)
            updated = await self._update_flag(
                db, flag_id, now, {"note": _append_note(flag.note, note)}
            )
            await self._record(
                db, flag_id, now, "note", flag.note, updated.note, note, by_id, by_name
            )
        return updated

    async def edit_text(
        self, chat_id: int, number: int, new_text: str, *, by_id: int, by_name: str
    ) -> Flag:
        """Follow an edit of the flagged Telegram message; the old text stays in history."""
        now = now_iso()
        async with self.database.transaction() as db:
            flag_id, flag = await self._locked_flag(db, chat_id, number)
            if flag.text == new_text:
                return flag
            updated = await self._update_flag(db, flag_id, now, {"text": new_text})
            await self._record(db, flag_id, now, "edit", flag.text, new_text, None, by_id, by_name)
        return updated

    async def retract(
        self, chat_id: int, number: int, reason: str | None, *, by_id: int, by_name: str
    ) -> Flag:
        """Mark the flag withdrawn; it keeps its number and stays in the log."""
        reason = reason.strip() if reason else None
        now = now_iso()
        async with self.database.transaction() as db:
            flag_id, flag = await self._locked_flag(db, chat_id, number)
            if flag.retracted:
                return flag
            updated = await self._update_flag(
                db, flag_id, now, {"retracted_at": now, "retract_reason": reason}
            )
            await self._record(db, flag_id, now, "retract", None, reason, reason, by_id, by_name)
        return updated

    async def history(self, chat_id: int, number: int) -> list[FlagEvent]:
        """Every change to the flag, oldest first."""
        rows = await self.database.read(
            """
            SELECT f.number, e.id AS event_id, e.action, e.old_value, e.new_value, e.note,
                   e.by_id, e.by_name, e.at
            FROM flags AS f LEFT JOIN flag_events AS e ON e.flag_id = f.id
            WHERE f.chat_id = ? AND f.number = ?
            ORDER BY e.id
            """,
            (chat_id, number),
        )
        if not rows:
            raise FlagNotFound(chat_id, number)
        return [event_of(row) for row in rows if row["event_id"] is not None]

    async def history_for(self, chat_id: int, numbers: Iterable[int]) -> dict[int, list[FlagEvent]]:
        """Histories of many flags in one query; unknown numbers map to empty lists."""
        wanted = sorted(set(numbers))
        histories: dict[int, list[FlagEvent]] = {number: [] for number in wanted}
        if not wanted:
            return histories
        rows = await self.database.read(
            """
            SELECT f.number, e.action, e.old_value, e.new_value, e.note, e.by_id, e.by_name, e.at
            FROM flags AS f JOIN flag_events AS e ON e.flag_id = f.id
            WHERE f.chat_id = ? AND f.number IN (SELECT value FROM json_each(?))
            ORDER BY f.number, e.id
            """,
            (chat_id, json.dumps(wanted)),
        )
        for row in rows:
            histories[int(row["number"])].append(event_of(row))
        return histories

    # -- listing, search, summary -------------------------------------------------

    @staticmethod
    def _scope(
        chat_id: int, round_name: str | None, alias: str = ""
    ) -> tuple[list[str], list[Any]]:
        prefix = f"{alias}." if alias else ""
        conditions = [f"{prefix}chat_id = ?"]
        parameters: list[Any] = [chat_id]
        if round_name is not None:
            # Unary + keeps the planner off the chat index, so that the round index
            # (a round belongs to one chat) drives the query.
            conditions[0] = "+" + conditions[0]
            conditions.append(prefix + _ROUND_FILTER)
            parameters += [chat_id, name_key(round_name)]
        return conditions, parameters

    async def list_flags(
        self,
        chat_id: int,
        *,
        status: Status | None = None,
        round_name: str | None = None,
        speaker: str | None = None,
        include_retracted: bool = True,
        limit: int = 10,
        offset: int = 0,
    ) -> Page:
        """A page of the chat's flags, newest first; speaker matches any part, any case."""
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        conditions, parameters = self._scope(chat_id, round_name)
        if status is not None:
            conditions.append("status = ?")
            parameters.append(check_status(status))
        if speaker:
            conditions.append("instr(speaker_key, ?) > 0")
            parameters.append(speaker.casefold())
        if not include_retracted:
            conditions.append("retracted_at IS NULL")
        return await self._page(conditions, parameters, limit=limit, offset=offset)

    async def _page(
        self, conditions: list[str], parameters: list[Any], *, limit: int, offset: int
    ) -> Page:
        """One page of the flags matching every condition, newest first, with the total."""
        where = " AND ".join(conditions)
        counted = await self.database.read(f"SELECT count(*) FROM flags WHERE {where}", parameters)
        total = int(counted[0][0])
        items: tuple[Flag, ...] = ()
        if offset < total and limit:
            rows = await self.database.read(
                f"SELECT {flag_columns()} FROM flags WHERE {where} "
                "ORDER BY number DESC LIMIT ? OFFSET ?",
                [*parameters, limit, offset],
            )
            items = tuple(flag_of(row) for row in rows)
        return Page(items=items, total=total, offset=offset, limit=limit)

    async def open_flags(self, chat_id: int, *, limit: int = 10, offset: int = 0) -> Page:
        """The flags still waiting for a verdict, newest first: the board and /log open."""
        return await self.list_flags(
            chat_id, status=Status.OPEN, include_retracted=False, limit=limit, offset=offset
        )

    async def search(self, chat_id: int, query: str, *, limit: int = 10) -> list[Flag]:
        """Full-text search of the chat's flags (text, speaker, notes), best first."""
        expression = fts_expression(chat_id, query)
        if expression is None or limit <= 0:
            return []
        # CROSS JOIN pins the index as the outer loop; a plan that walks the chat's
        # rows and probes the index for each one measured orders of magnitude slower.
        rows = await self.database.read(
            f"""
            SELECT {flag_columns("f")}
            FROM flags_fts CROSS JOIN flags AS f ON f.id = flags_fts.rowid
            WHERE flags_fts MATCH ? AND f.chat_id = ?
            ORDER BY bm25(flags_fts, 1.0, 1.0, 0.5), f.number DESC
            LIMIT ?
            """,
            (expression, chat_id, limit),
        )
        return [flag_of(row) for row in rows]

    async def summary(
        self, chat_id: int, round_name: str | None = None, *, open_limit: int = 20, top: int = 10
    ) -> Summary:
        """Counts by status, the oldest open flags and the most matched playbook refs."""
        conditions, parameters = self._scope(chat_id, round_name)
        where = " AND ".join(conditions)
        counts = await self.database.read(
            f"""
            SELECT status, retracted_at IS NOT NULL AS retracted, count(*) AS n
            FROM flags WHERE {where} GROUP BY 1, 2
            """,
            parameters,
        )
        by_status = dict.fromkeys(Status, 0)
        retracted = total = 0
        for row in counts:
            total += int(row["n"])
            if row["retracted"]:
                retracted += int(row["n"])
            else:
                by_status[Status(row["status"])] += int(row["n"])
        open_rows = await self.database.read(
            f"""
            SELECT {flag_columns()} FROM flags
            WHERE {where} AND status = ? AND retracted_at IS NULL
            ORDER BY number LIMIT ?
            """,
            [*parameters, Status.OPEN, open_limit],
        )
        scoped, scoped_parameters = self._scope(chat_id, round_name, alias="f")
        top_rows = await self.database.read(
            f"""
            SELECT ref.value AS ref, count(*) AS n
            FROM flags AS f, json_each(f.matches) AS ref
            WHERE {" AND ".join(scoped)} AND f.retracted_at IS NULL
            GROUP BY ref.value ORDER BY n DESC, ref.value LIMIT ?
            """,
            [*scoped_parameters, top],
        )
        return Summary(
            chat_id=chat_id,
            round_name=round_name,
            total=total,
            retracted=retracted,
            by_status=by_status,
            open_flags=tuple(flag_of(row) for row in open_rows),
            top_matches=tuple((str(row["ref"]), int(row["n"])) for row in top_rows),
        )

    async def export_flags(self, chat_id: int, round_name: str | None = None) -> list[Flag]:
        """Every flag of the chat (or round), oldest first, retracted ones included."""
        conditions, parameters = self._scope(chat_id, round_name)
        rows = await self.database.read(
            f"SELECT {flag_columns()} FROM flags WHERE {' AND '.join(conditions)} ORDER BY number",
            parameters,
        )
        return [flag_of(row) for row in rows]

    # -- privacy ------------------------------------------------------------------

    async def purge_chat(self, chat_id: int) -> int:
        """Delete the chat's flags, history and rounds; numbering carries on."""
        async with self.database.transaction() as db:
            rows = list(
                await db.execute_fetchall(
                    "SELECT count(*) FROM flags WHERE chat_id = ?", (chat_id,)
                )
            )
            await db.execute_fetchall("DELETE FROM flags WHERE chat_id = ?", (chat_id,))
            await delete_chat_points(db, chat_id)
            await delete_chat_definitions(db, chat_id)
            await db.execute_fetchall("DELETE FROM rounds WHERE chat_id = ?", (chat_id,))
            await db.execute_fetchall(
                "UPDATE chats SET board_message_id = NULL WHERE chat_id = ?", (chat_id,)
            )
        await self.database.scrub()
        return int(rows[0][0])

    async def purge_older_than(self, cutoff: datetime) -> int:
        """Delete flags (with history) created before ``cutoff`` in every chat."""
        bound = iso(cutoff)
        async with self.database.transaction() as db:
            rows = list(
                await db.execute_fetchall(
                    "SELECT count(*) FROM flags WHERE created_at < ?", (bound,)
                )
            )
            await db.execute_fetchall("DELETE FROM flags WHERE created_at < ?", (bound,))
            await delete_points_before(db, bound)
            await delete_definitions_before(db, bound)
            await db.execute_fetchall(
                """
                DELETE FROM rounds
                WHERE ended_at < ? AND NOT EXISTS (SELECT 1 FROM flags WHERE round_id = rounds.id)
                """,
                (bound,),
            )
        await self.database.scrub()
        return int(rows[0][0])

    # -- flags by a known speaker (/who) ---------------------------------------------
    # Which typed speakers name a playbook person is the playbook's business
    # (Playbook.person_for_speaker); these take the spellings it accepted.

    async def speaker_names(self, chat_id: int) -> list[str]:
        """Every distinct speaker typed in this chat's flags."""
        rows = await self.database.read(
            "SELECT DISTINCT speaker FROM flags WHERE chat_id = ? AND speaker IS NOT NULL",
            (chat_id,),
        )
        return [str(row[0]) for row in rows]

    async def flags_by_speakers(
        self, chat_id: int, speakers: Sequence[str], *, limit: int = 5
    ) -> list[Flag]:
        """The chat's newest flags whose speaker is one of ``speakers`` (any case)."""
        keys = json.dumps([speaker.casefold() for speaker in speakers])
        rows = await self.database.read(
            f"""
            SELECT {flag_columns()} FROM flags
            WHERE chat_id = ? AND speaker_key IN (SELECT value FROM json_each(?))
            ORDER BY number DESC LIMIT ?
            """,
            (chat_id, keys, limit),
        )
        return [flag_of(row) for row in rows]

    async def speaker_counts(self, chat_id: int, speakers: Sequence[str]) -> dict[str, int]:
        """How many of those speakers' flags have each status; retracted ones under
        "retracted" only, as in ``summary``."""
        keys = json.dumps([speaker.casefold() for speaker in speakers])
        rows = await self.database.read(
            """
            SELECT status, retracted_at IS NOT NULL AS retracted, count(*) AS n
            FROM flags
            WHERE chat_id = ? AND speaker_key IN (SELECT value FROM json_each(?))
            GROUP BY 1, 2
            """,
            (chat_id, keys),
        )
        counts = dict.fromkeys((*Status, "retracted"), 0)
        for row in rows:
            counts["retracted" if row["retracted"] else str(row["status"])] += int(row["n"])
        return counts

    # -- backup -------------------------------------------------------------------

    async def backup(self, dest: Path) -> None:
        """Write a consistent copy to ``dest`` while the bot keeps writing."""
        self.database.check_open()
        await backup_database(self.path, dest)

    # -- the board (bot.web) ----------------------------------------------------------
    # The Mini App shows the whole log with every filter at once; the chat's /log
    # pages have one filter each and keep using list_flags.

    async def board_flags(
        self,
        chat_id: int,
        *,
        status: str | None = None,
        retracted: bool | None = None,
        round_name: str | None = None,
        speaker: str | None = None,
        assignee: str | None = None,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """A page of the chat's flags, newest first, under every filter given.

        ``retracted`` True keeps only withdrawn flags, False only standing ones;
        ``assignee`` ignores case and a leading "@"; ``query`` goes through the
        full-text index, so it finds what /find finds.
        """
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        conditions, parameters = self._scope(chat_id, round_name)
        if status is not None:
            check_status(status)
            conditions.append("status = ?")
            parameters.append(status)
        if retracted is not None:
            conditions.append(f"retracted_at IS {'NOT ' if retracted else ''}NULL")
        if speaker:
            conditions.append("instr(speaker_key, ?) > 0")
            parameters.append(speaker.casefold())
        if assignee:
            # Telegram usernames are ASCII, which is what NOCASE folds.
            conditions.append("ltrim(assignee, '@') = ? COLLATE NOCASE")
            parameters.append(assignee.strip().lstrip("@"))
        if query is not None and query.strip():
            expression = fts_expression(chat_id, query)
            if expression is None:
                return Page(items=(), total=0, offset=offset, limit=limit)
            conditions.append("id IN (SELECT rowid FROM flags_fts WHERE flags_fts MATCH ?)")
            parameters.append(expression)
        return await self._page(conditions, parameters, limit=limit, offset=offset)

    async def log_version(self, chat_id: int) -> str:
        """Changes whenever any flag of the chat is added, changed or deleted: the
        board polls this and fetches the log again only when it moved."""
        rows = await self.database.read(
            "SELECT count(*), max(updated_at), max(number) FROM flags WHERE chat_id = ?",
            (chat_id,),
        )
        count, updated, last = rows[0]
        # Digits only, so that it goes into a query string unencoded ("+" would not).
        stamp = "".join(ch for ch in str(updated or "") if ch.isdigit())
        return f"{count}.{last or 0}.{stamp}"

    async def assignees(self, chat_id: int) -> list[str]:
        """Every distinct assignee of the chat's flags, for the board's filter."""
        rows = await self.database.read(
            "SELECT DISTINCT assignee FROM flags WHERE chat_id = ? AND assignee IS NOT NULL "
            "ORDER BY assignee COLLATE NOCASE",
            (chat_id,),
        )
        return [str(row[0]) for row in rows]

    async def chat_title(self, chat_id: int) -> str | None:
        """The title the chat had when it was enrolled, if it was enrolled by command."""
        row = await self.database.read_one("SELECT title FROM chats WHERE chat_id = ?", (chat_id,))
        return None if row is None else optional_str(row["title"])
