"""Persistent state in one SQLite file; the only module that speaks SQL.

One write connection, serialised by a lock, and one read connection; in WAL mode
readers never wait for the writer. Every write is committed before its method
returns, so a confirmation sent afterwards never announces a row that a crash
could lose to anything short of a power cut (``synchronous=NORMAL``). A flag is
one INSERT whose triggers do the rest; flags added concurrently share a commit.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import sqlite3
import unicodedata
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

import aiosqlite

STATUSES: Final[tuple[str, ...]] = ("open", "verified", "false", "misleading", "unverifiable")

BUSY_TIMEOUT_MS: Final = 5_000
MMAP_BYTES: Final = 1 << 30
# Checkpoints (copying the WAL back into the file, with two fsyncs) run on a
# connection of their own, off the writer's path: inline, every 1,000 pages, they
# cost each flag about a third of its time, more in a big file. Pausing between
# them lets a page rewritten many times be copied once. The writer still
# checkpoints itself once the WAL reaches WAL_BACKSTOP_PAGES (80 MiB), which
# bounds the WAL and lets it restart from its beginning under sustained load; by
# then the background has copied all but the last pause's worth.
WAL_BACKSTOP_PAGES: Final = 20_000
CHECKPOINT_PAUSE_S: Final = 0.2

_STATUS_LIST = ", ".join(f"'{status}'" for status in STATUSES)

# Ordered and append-only: a released database has run every script up to its
# PRAGMA user_version, so changing an old script would fork the schema.
MIGRATIONS: Final[tuple[str, ...]] = (
    f"""
    CREATE TABLE users (
        user_id INTEGER PRIMARY KEY,
        language TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );

    CREATE TABLE chats (
        chat_id INTEGER PRIMARY KEY,
        title TEXT,
        enrolled INTEGER NOT NULL DEFAULT 0 CHECK (enrolled IN (0, 1)),
        enrolled_by INTEGER,
        enrolled_at TEXT,
        disabled_by INTEGER,
        disabled_at TEXT,
        watch INTEGER NOT NULL DEFAULT 0 CHECK (watch IN (0, 1)),
        board_message_id INTEGER,
        -- Only ever grows, so a purged or retracted number is never handed out again.
        last_flag_number INTEGER NOT NULL DEFAULT 0,
        migrated_from INTEGER
    );

    CREATE TABLE rounds (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
        name TEXT NOT NULL,
        -- casefold() of name: SQLite's NOCASE folds ASCII only, names are often Cyrillic.
        name_key TEXT NOT NULL,
        started_at TEXT NOT NULL,
        started_by INTEGER,
        ended_at TEXT,
        ended_by INTEGER
    );
    CREATE UNIQUE INDEX rounds_one_open ON rounds (chat_id) WHERE ended_at IS NULL;
    CREATE INDEX rounds_by_name ON rounds (chat_id, name_key);

    CREATE TABLE flags (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
        number INTEGER NOT NULL CHECK (number > 0),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        round_id INTEGER REFERENCES rounds (id),
        round_name TEXT,
        text TEXT NOT NULL,
        speaker TEXT,
        speaker_key TEXT,
        flagged_by_id INTEGER NOT NULL,
        flagged_by_name TEXT NOT NULL,
        message_id INTEGER,
        source_message_id INTEGER,
        source_link TEXT,
        source_author TEXT,
        confirmation_message_id INTEGER,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ({_STATUS_LIST})),
        assignee TEXT,
        note TEXT,
        matches TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(matches)),
        retracted_at TEXT,
        retract_reason TEXT,
        UNIQUE (chat_id, number)
    );
    -- speaker_key and retracted_at ride along so that counting a chat's flags by
    -- speaker or liveness reads this index alone, not a scattered row per flag.
    CREATE INDEX flags_by_status
        ON flags (chat_id, status, number, speaker_key, retracted_at);
    -- Leads with round_id for the foreign-key check when a round is deleted;
    -- chat_id makes the chat-scoped round filter an index-only count.
    CREATE INDEX flags_by_round ON flags (round_id, number, chat_id);
    CREATE INDEX flags_by_message ON flags (chat_id, message_id)
        WHERE message_id IS NOT NULL;
    CREATE INDEX flags_by_source_message ON flags (chat_id, source_message_id)
        WHERE source_message_id IS NOT NULL;
    CREATE INDEX flags_by_time ON flags (created_at);

    CREATE TABLE flag_events (
        id INTEGER PRIMARY KEY,
        flag_id INTEGER NOT NULL REFERENCES flags (id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT,
        note TEXT,
        by_id INTEGER,
        by_name TEXT
    );
    CREATE INDEX flag_events_by_flag ON flag_events (flag_id, id);

    -- Search terms carry their chat ("n1001234567890xgrain", made by the
    -- search_terms_v1() function the store registers), so a term's doclist, and
    -- the statistics bm25 gathers from it, cover one chat rather than all of
    -- them: with plain words, bm25 walked every chat's matches for a common word.
    -- The view is the external content, so 'rebuild' and 'integrity-check' work.
    CREATE VIEW flags_search AS
        SELECT id,
               search_terms_v1(chat_id, text) AS text,
               search_terms_v1(chat_id, speaker) AS speaker,
               search_terms_v1(chat_id, note) AS note
        FROM flags;
    CREATE VIRTUAL TABLE flags_fts USING fts5 (
        text, speaker, note,
        content = 'flags_search', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 0'
    );

    -- add_flag is one INSERT; these keep the counter, the history and the index in
    -- the same statement, hence the same implicit transaction.
    CREATE TRIGGER flags_after_insert AFTER INSERT ON flags BEGIN
        INSERT INTO chats (chat_id, last_flag_number) VALUES (new.chat_id, new.number)
            ON CONFLICT (chat_id) DO UPDATE
            SET last_flag_number = max(last_flag_number, excluded.last_flag_number);
        INSERT INTO flag_events (flag_id, at, action, new_value, note, by_id, by_name)
            VALUES (new.id, new.created_at, 'created', new.status, new.note,
                    new.flagged_by_id, new.flagged_by_name);
        INSERT INTO flags_fts (rowid, text, speaker, note)
            VALUES (new.id, search_terms_v1(new.chat_id, new.text),
                    search_terms_v1(new.chat_id, new.speaker),
                    search_terms_v1(new.chat_id, new.note));
    END;

    CREATE TRIGGER flags_after_delete AFTER DELETE ON flags BEGIN
        INSERT INTO flags_fts (flags_fts, rowid, text, speaker, note)
            VALUES ('delete', old.id, search_terms_v1(old.chat_id, old.text),
                    search_terms_v1(old.chat_id, old.speaker),
                    search_terms_v1(old.chat_id, old.note));
    END;

    CREATE TRIGGER flags_after_update AFTER UPDATE OF chat_id, text, speaker, note ON flags
    BEGIN
        INSERT INTO flags_fts (flags_fts, rowid, text, speaker, note)
            VALUES ('delete', old.id, search_terms_v1(old.chat_id, old.text),
                    search_terms_v1(old.chat_id, old.speaker),
                    search_terms_v1(old.chat_id, old.note));
        INSERT INTO flags_fts (rowid, text, speaker, note)
            VALUES (new.id, search_terms_v1(new.chat_id, new.text),
                    search_terms_v1(new.chat_id, new.speaker),
                    search_terms_v1(new.chat_id, new.note));
    END;
    """,
)

_FLAG_COLUMNS: Final = (
    "id",
    "chat_id",
    "number",
    "created_at",
    "updated_at",
    "round_id",
    "round_name",
    "text",
    "speaker",
    "flagged_by_id",
    "flagged_by_name",
    "message_id",
    "source_message_id",
    "source_link",
    "source_author",
    "confirmation_message_id",
    "status",
    "assignee",
    "note",
    "matches",
    "retracted_at",
    "retract_reason",
)
_UPDATABLE_COLUMNS: Final = frozenset(
    {"status", "assignee", "note", "text", "retracted_at", "retract_reason"}
)


def _columns(alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + column for column in _FLAG_COLUMNS)


_NEW_FLAG_FIELDS: Final = (
    "chat_id",
    "created_at",
    "text",
    "speaker",
    "speaker_key",
    "flagged_by_id",
    "flagged_by_name",
    "message_id",
    "source_message_id",
    "source_link",
    "source_author",
    "note",
    "matches",
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


class StoreError(Exception):
    """The database could not do what was asked; the message says why, for a log."""


class FlagNotFound(StoreError):
    """No flag with that number in that chat."""

    def __init__(self, chat_id: int, number: int) -> None:
        super().__init__(f"no flag #{number} in chat {chat_id}")
        self.chat_id = chat_id
        self.number = number


@dataclass(frozen=True, slots=True)
class Round:
    id: int
    chat_id: int
    name: str
    started_at: datetime
    started_by_id: int | None
    ended_at: datetime | None
    ended_by_id: int | None

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True, slots=True)
class Flag:
    chat_id: int
    number: int
    created_at: datetime
    updated_at: datetime
    round_id: int | None
    round_name: str | None
    text: str
    speaker: str | None
    flagged_by_id: int
    flagged_by_name: str
    message_id: int | None
    source_message_id: int | None
    source_link: str | None
    source_author: str | None
    confirmation_message_id: int | None
    status: str
    assignee: str | None
    note: str | None
    matches: tuple[str, ...]
    retracted_at: datetime | None
    retract_reason: str | None

    @property
    def retracted(self) -> bool:
        return self.retracted_at is not None


@dataclass(frozen=True, slots=True)
class FlagEvent:
    number: int
    action: str
    old_value: str | None
    new_value: str | None
    note: str | None
    by_id: int | None
    by_name: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Summary:
    chat_id: int
    round_name: str | None
    total: int
    retracted: int
    # Retracted flags are counted in ``retracted`` only, not under their status.
    by_status: Mapping[str, int]
    open_flags: tuple[Flag, ...]
    top_matches: tuple[tuple[str, int], ...]

    @property
    def open_count(self) -> int:
        return self.by_status.get("open", 0)


@dataclass(frozen=True, slots=True)
class Page:
    items: tuple[Flag, ...]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


def _now() -> str:
    return _iso(datetime.now(UTC))


def _iso(moment: datetime) -> str:
    """Fixed-width UTC text, so comparing strings compares times."""
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _time(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def _optional_time(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _flag(row: sqlite3.Row) -> Flag:
    return Flag(
        chat_id=int(row["chat_id"]),
        number=int(row["number"]),
        created_at=_time(row["created_at"]),
        updated_at=_time(row["updated_at"]),
        round_id=_optional_int(row["round_id"]),
        round_name=_optional_str(row["round_name"]),
        text=str(row["text"]),
        speaker=_optional_str(row["speaker"]),
        flagged_by_id=int(row["flagged_by_id"]),
        flagged_by_name=str(row["flagged_by_name"]),
        message_id=_optional_int(row["message_id"]),
        source_message_id=_optional_int(row["source_message_id"]),
        source_link=_optional_str(row["source_link"]),
        source_author=_optional_str(row["source_author"]),
        confirmation_message_id=_optional_int(row["confirmation_message_id"]),
        status=str(row["status"]),
        assignee=_optional_str(row["assignee"]),
        note=_optional_str(row["note"]),
        matches=tuple(str(ref) for ref in json.loads(row["matches"])),
        retracted_at=_optional_time(row["retracted_at"]),
        retract_reason=_optional_str(row["retract_reason"]),
    )


def _round(row: sqlite3.Row) -> Round:
    return Round(
        id=int(row["id"]),
        chat_id=int(row["chat_id"]),
        name=str(row["name"]),
        started_at=_time(row["started_at"]),
        started_by_id=_optional_int(row["started_by"]),
        ended_at=_optional_time(row["ended_at"]),
        ended_by_id=_optional_int(row["ended_by"]),
    )


def _event(row: sqlite3.Row) -> FlagEvent:
    return FlagEvent(
        number=int(row["number"]),
        action=str(row["action"]),
        old_value=_optional_str(row["old_value"]),
        new_value=_optional_str(row["new_value"]),
        note=_optional_str(row["note"]),
        by_id=_optional_int(row["by_id"]),
        by_name=_optional_str(row["by_name"]),
        at=_time(row["at"]),
    )


def _key(name: str) -> str:
    return name.strip().casefold()


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")


def _append_note(existing: str | None, note: str) -> str:
    return note if not existing else f"{existing}\n{note}"


_WORD = re.compile(r"[^\W_]+")
_COMBINING_ACCENT = re.compile("[\u0300-\u036f]")
_MAX_QUERY_WORDS: Final = 16
_MIN_PREFIX_LENGTH: Final = 2


def _words(text: str) -> list[str]:
    """Lowercase words without accents, so "Café" finds "cafe" and "Ёлка" finds "елка"."""
    plain = _COMBINING_ACCENT.sub("", unicodedata.normalize("NFD", text))
    return _WORD.findall(plain.casefold())


def _chat_key(chat_id: int) -> str:
    # Digits then "x": no chat's key is a prefix of another's term.
    return f"{'n' if chat_id < 0 else 'p'}{abs(chat_id)}x"


def search_terms(chat_id: int | None, text: str | None) -> str | None:
    """The index terms of ``text`` in ``chat_id``'s own namespace.

    Registered as SQL ``search_terms_v1``: the triggers must re-derive exactly the
    terms they once indexed in order to delete them, so any change to this
    function needs a new SQL name and a migration that rebuilds ``flags_fts``.
    """
    if chat_id is None or not text:
        return None
    key = _chat_key(int(chat_id))
    return " ".join(key + word for word in _words(str(text)))


def register_functions(connection: sqlite3.Connection) -> None:
    """Give a plain sqlite3 connection what the schema's triggers call."""
    connection.create_function("search_terms_v1", 2, search_terms, deterministic=True)


def fts_expression(chat_id: int, query: str) -> str | None:
    """Turn free text into a safe FTS5 query within one chat, or None if no words.

    Words are reduced to letters and digits and quoted, so FTS5 syntax in user
    input (``AND``, ``NEAR``, ``*``, ``"``, parentheses, column filters) is never
    syntax. The last word also matches as a prefix, for half-typed queries.
    """
    words = _words(query)[:_MAX_QUERY_WORDS]
    if not words:
        return None
    key = _chat_key(chat_id)
    phrases = [f'"{key}{word}"' for word in words]
    if len(words[-1]) >= _MIN_PREFIX_LENGTH:
        phrases[-1] += "*"
    return " AND ".join(phrases)


def _describe(exc: BaseException) -> str:
    """A one-line reason an operator can act on, with SQLite's own words after it."""
    name = getattr(exc, "sqlite_errorname", "")
    reasons = {
        "SQLITE_FULL": "the disk is full",
        "SQLITE_CORRUPT": "the database file is corrupt",
        "SQLITE_NOTADB": "the file is not a SQLite database (corrupt or wrong file)",
        "SQLITE_READONLY": "the database is read-only",
        "SQLITE_CANTOPEN": "the database file cannot be opened (missing or read-only folder?)",
        "SQLITE_BUSY": "the database is locked by another process",
        "SQLITE_IOERR": "a disk I/O error occurred",
        "SQLITE_PERM": "permission denied",
    }
    for prefix, reason in reasons.items():
        if name.startswith(prefix):
            return f"{reason} ({exc})"
    return str(exc) or type(exc).__name__


async def _connect(path: Path, *, writer: bool) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    try:
        connection.row_factory = sqlite3.Row
        await connection.create_function("search_terms_v1", 2, search_terms, deterministic=True)
        # busy_timeout first, so that switching to WAL waits for other processes.
        await connection.execute_fetchall(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if writer:
            rows = list(await connection.execute_fetchall("PRAGMA journal_mode = WAL"))
            mode = str(rows[0][0]).lower()
            if mode != "wal":
                raise StoreError(f"cannot use WAL journaling on {path} (got {mode})")
            await connection.execute_fetchall(f"PRAGMA wal_autocheckpoint = {WAL_BACKSTOP_PAGES}")
        for pragma in (
            "synchronous = NORMAL",
            "foreign_keys = ON",
            # Purged flags are zeroed on disk, not just unlinked.
            "secure_delete = ON",
            "temp_store = MEMORY",
            "cache_size = -32000",
        ):
            await connection.execute_fetchall(f"PRAGMA {pragma}")
        # Reads straight from the OS page cache: a chat's flags are scattered over
        # the file, and copying each page through read() dominated list/search tails.
        await connection.execute_fetchall(f"PRAGMA mmap_size = {MMAP_BYTES}")
        if not writer:
            await connection.execute_fetchall("PRAGMA query_only = ON")
        # Reading the schema fails on a file that is damaged past its header.
        await connection.execute_fetchall("SELECT count(*) FROM sqlite_schema")
    except BaseException:
        await connection.close()
        raise
    return connection


async def _migrate(connection: aiosqlite.Connection, path: Path) -> None:
    while True:
        rows = list(await connection.execute_fetchall("PRAGMA user_version"))
        version = int(rows[0][0])
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{path} has schema version {version}, newer than this bot knows "
                f"({len(MIGRATIONS)}); upgrade the bot"
            )
        if version == len(MIGRATIONS):
            return
        script = MIGRATIONS[version]
        try:
            await connection.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version + 1};\nCOMMIT;"
            )
        except sqlite3.Error:
            await connection.rollback()
            # Another process opening the same file may have applied it first.
            rows = list(await connection.execute_fetchall("PRAGMA user_version"))
            if int(rows[0][0]) <= version:
                raise


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

    def __init__(
        self,
        path: Path,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        checkpointer: aiosqlite.Connection,
    ) -> None:
        self._path = path
        self._writer = writer
        self._reader = reader
        self._checkpointer = checkpointer
        self._wal_grew = asyncio.Event()
        self._checkpoints = asyncio.create_task(self._checkpoint_behind_writer())
        # One statement or transaction at a time on the write connection: an
        # autocommit statement issued while another task's BEGIN is open would
        # silently join (and share the fate of) that transaction.
        self._write_lock = asyncio.Lock()
        self._new_flags: list[_NewFlag] = []
        self._flag_writer: asyncio.Task[None] | None = None
        self._closed = False

    @classmethod
    async def open(cls, path: Path) -> Store:
        """Open (creating if needed) and migrate the database at ``path``."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {path}: {exc}") from exc
        opened: list[aiosqlite.Connection] = []
        try:
            opened.append(await _connect(path, writer=True))
            await _migrate(opened[0], path)
            opened.append(await _connect(path, writer=False))
            opened.append(await _connect(path, writer=False))
        except BaseException as exc:
            for connection in reversed(opened):
                await connection.close()
            if isinstance(exc, (sqlite3.Error, OSError)):
                raise StoreError(f"cannot open {path}: {_describe(exc)}") from exc
            raise
        writer, reader, checkpointer = opened
        return cls(path, writer, reader, checkpointer)

    @property
    def path(self) -> Path:
        return self._path

    async def close(self) -> None:
        if self._closed:
            return
        if self._flag_writer is not None:
            # Requests already accepted are written, not dropped.
            with suppress(Exception):
                await asyncio.shield(self._flag_writer)
        self._closed = True
        self._checkpoints.cancel()
        with suppress(asyncio.CancelledError):
            await self._checkpoints
        async with self._write_lock:
            # Keeps planner statistics fresh; the limit bounds ANALYZE on a big file.
            with suppress(sqlite3.Error):
                await self._writer.execute_fetchall("PRAGMA analysis_limit = 400")
                await self._writer.execute_fetchall("PRAGMA optimize")
            await self._checkpointer.close()
            await self._reader.close()
            # The last connection out checkpoints the rest and removes the WAL.
            await self._writer.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # -- plumbing -----------------------------------------------------------------

    async def _checkpoint_behind_writer(self) -> None:
        """Copy committed pages from the WAL into the file while the writer goes on.

        PASSIVE never blocks the writer or the readers; what it cannot copy yet
        stays in the WAL, committed, for the next round.
        """
        while True:
            await self._wal_grew.wait()
            self._wal_grew.clear()
            with suppress(sqlite3.Error):
                await self._checkpointer.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
            await asyncio.sleep(CHECKPOINT_PAUSE_S)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed")

    async def _read(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()
    ) -> list[sqlite3.Row]:
        self._check_open()
        try:
            return list(await self._reader.execute_fetchall(sql, parameters))
        except sqlite3.Error as exc:
            raise StoreError(_describe(exc)) from exc

    async def _read_one(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()
    ) -> sqlite3.Row | None:
        rows = await self._read(sql, parameters)
        return rows[0] if rows else None

    async def _write(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()
    ) -> list[sqlite3.Row]:
        """Run one statement in autocommit mode: atomic and committed on return."""
        self._check_open()
        async with self._write_lock:
            try:
                return list(await self._writer.execute_fetchall(sql, parameters))
            except sqlite3.Error as exc:
                raise StoreError(_describe(exc)) from exc
            finally:
                self._wal_grew.set()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back whole on any error."""
        self._check_open()
        async with self._write_lock:
            try:
                await self._writer.execute_fetchall("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(_describe(exc)) from exc
            try:
                yield self._writer
                await self._writer.commit()
                self._wal_grew.set()
            except BaseException as exc:
                with suppress(sqlite3.Error):
                    await self._writer.rollback()
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(_describe(exc)) from exc
                raise

    # -- users --------------------------------------------------------------------

    async def get_language(self, user_id: int) -> str | None:
        row = await self._read_one("SELECT language FROM users WHERE user_id = ?", (user_id,))
        return None if row is None else str(row["language"])

    async def set_language(self, user_id: int, lang: str) -> None:
        await self._write(
            """
            INSERT INTO users (user_id, language, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE
            SET language = excluded.language, updated_at = excluded.updated_at
            """,
            (user_id, lang, _now()),
        )

    # -- chats --------------------------------------------------------------------

    async def is_enrolled(self, chat_id: int) -> bool:
        row = await self._read_one("SELECT enrolled FROM chats WHERE chat_id = ?", (chat_id,))
        return row is not None and bool(row["enrolled"])

    async def enroll(self, chat_id: int, title: str | None, by_user_id: int) -> None:
        await self._write(
            """
            INSERT INTO chats (chat_id, title, enrolled, enrolled_by, enrolled_at)
            VALUES (?, ?, 1, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE
            SET title = coalesce(excluded.title, title), enrolled = 1,
                enrolled_by = excluded.enrolled_by, enrolled_at = excluded.enrolled_at
            """,
            (chat_id, title, by_user_id, _now()),
        )

    async def disable(self, chat_id: int, by_user_id: int) -> None:
        """Stop serving the chat; its flags and rounds stay."""
        await self._write(
            """
            INSERT INTO chats (chat_id, enrolled, disabled_by, disabled_at) VALUES (?, 0, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE
            SET enrolled = 0, disabled_by = excluded.disabled_by,
                disabled_at = excluded.disabled_at
            """,
            (chat_id, by_user_id, _now()),
        )

    async def enrolled_chats(self) -> list[int]:
        rows = await self._read("SELECT chat_id FROM chats WHERE enrolled = 1 ORDER BY chat_id")
        return [int(row["chat_id"]) for row in rows]

    async def get_watch(self, chat_id: int) -> bool:
        row = await self._read_one("SELECT watch FROM chats WHERE chat_id = ?", (chat_id,))
        return row is not None and bool(row["watch"])

    async def set_watch(self, chat_id: int, on: bool) -> None:
        await self._write(
            """
            INSERT INTO chats (chat_id, watch) VALUES (?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET watch = excluded.watch
            """,
            (chat_id, int(on)),
        )

    async def get_board(self, chat_id: int) -> int | None:
        row = await self._read_one(
            "SELECT board_message_id FROM chats WHERE chat_id = ?", (chat_id,)
        )
        return None if row is None else _optional_int(row["board_message_id"])

    async def set_board(self, chat_id: int, message_id: int | None) -> None:
        await self._write(
            """
            INSERT INTO chats (chat_id, board_message_id) VALUES (?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET board_message_id = excluded.board_message_id
            """,
            (chat_id, message_id),
        )

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """Move everything of a group to its new supergroup id, numbers unchanged.

        A new chat that already has flags or rounds of its own cannot be merged
        without renumbering, so that raises StoreError and changes nothing.
        """
        if old_id == new_id:
            return
        async with self._transaction() as db:
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
                UPDATE chats SET chat_id = ?, migrated_from = ?, last_flag_number = ?
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
        now = _now()
        async with self._transaction() as db:
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
                    (chat_id, name, _key(name), now, by_user_id),
                )
            )
        return _round(rows[0])

    async def end_round(self, chat_id: int, by_user_id: int) -> Round | None:
        rows = await self._write(
            f"""
            UPDATE rounds SET ended_at = ?, ended_by = ?
            WHERE chat_id = ? AND ended_at IS NULL
            RETURNING {_ROUND_COLUMNS}
            """,
            (_now(), by_user_id, chat_id),
        )
        return _round(rows[0]) if rows else None

    async def current_round(self, chat_id: int) -> Round | None:
        row = await self._read_one(
            f"SELECT {_ROUND_COLUMNS} FROM rounds WHERE chat_id = ? AND ended_at IS NULL",
            (chat_id,),
        )
        return None if row is None else _round(row)

    async def rounds(self, chat_id: int) -> list[Round]:
        """The chat's rounds, oldest first."""
        rows = await self._read(
            f"SELECT {_ROUND_COLUMNS} FROM rounds WHERE chat_id = ? ORDER BY id", (chat_id,)
        )
        return [_round(row) for row in rows]

    async def find_round(self, chat_id: int, name: str) -> Round | None:
        """The latest round of that name, ignoring case."""
        row = await self._read_one(
            f"""
            SELECT {_ROUND_COLUMNS} FROM rounds WHERE chat_id = ? AND name_key = ?
            ORDER BY id DESC LIMIT 1
            """,
            (chat_id, _key(name)),
        )
        return None if row is None else _round(row)

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
        source_message_id: int | None = None,
        source_link: str | None = None,
        source_author: str | None = None,
        matches: Sequence[str] = (),
        note: str | None = None,
    ) -> Flag:
        """Log a statement under the chat's next number; committed on return."""
        if isinstance(matches, str):
            raise TypeError("matches must be a sequence of refs, not one string")
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        self._check_open()
        now = datetime.now(UTC)
        refs = tuple(dict.fromkeys(matches))
        values = (
            chat_id,
            _iso(now),
            text,
            speaker,
            None if speaker is None else speaker.casefold(),
            flagged_by_id,
            flagged_by_name,
            message_id,
            source_message_id,
            source_link,
            source_author,
            note or None,
            json.dumps(refs, ensure_ascii=False),
        )
        # The row as stored, but for what the INSERT decides: number and round.
        known = {
            "chat_id": chat_id,
            "created_at": now,
            "updated_at": now,
            "text": text,
            "speaker": speaker,
            "flagged_by_id": flagged_by_id,
            "flagged_by_name": flagged_by_name,
            "message_id": message_id,
            "source_message_id": source_message_id,
            "source_link": source_link,
            "source_author": source_author,
            "confirmation_message_id": None,
            "status": STATUSES[0],
            "assignee": None,
            "note": note or None,
            "matches": refs,
            "retracted_at": None,
            "retract_reason": None,
        }
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
            rows = await self._write(_add_flags_sql(len(batch)), parameters)
        except StoreError as exc:
            if len(batch) == 1:
                _settle(batch[0].done, exc)
                return
            # One bad row must not fail its neighbours: retry them one by one.
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
                round_id=_optional_int(row["round_id"]),
                round_name=_optional_str(row["round_name"]),
                **request.known,
            )
            _settle(request.done, added)

    async def get_flag(self, chat_id: int, number: int) -> Flag | None:
        row = await self._read_one(
            f"SELECT {_columns()} FROM flags WHERE chat_id = ? AND number = ?",
            (chat_id, number),
        )
        return None if row is None else _flag(row)

    async def set_confirmation(self, chat_id: int, number: int, message_id: int) -> None:
        """Remember the bot's confirmation message for the flag."""
        rows = await self._write(
            """
            UPDATE flags SET confirmation_message_id = ?
            WHERE chat_id = ? AND number = ? RETURNING id
            """,
            (message_id, chat_id, number),
        )
        if not rows:
            raise FlagNotFound(chat_id, number)

    async def flag_from_command(self, chat_id: int, message_id: int) -> Flag | None:
        """The flag that message (a /flag command) created, if it created one."""
        row = await self._read_one(
            f"SELECT {_columns()} FROM flags WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return None if row is None else _flag(row)

    async def flag_by_message(self, chat_id: int, message_id: int) -> Flag | None:
        """The newest flag made by, or about, that message."""
        row = await self._read_one(
            f"""
            SELECT {_columns()} FROM (
                SELECT * FROM flags WHERE chat_id = :chat AND message_id = :message
                UNION ALL
                SELECT * FROM flags WHERE chat_id = :chat AND source_message_id = :message
            )
            -- +number: sorting the one or two hits beats walking the chat in order.
            ORDER BY +number DESC LIMIT 1
            """,
            {"chat": chat_id, "message": message_id},
        )
        return None if row is None else _flag(row)

    async def _locked_flag(
        self, db: aiosqlite.Connection, chat_id: int, number: int
    ) -> tuple[int, Flag]:
        rows = list(
            await db.execute_fetchall(
                f"SELECT {_columns()} FROM flags WHERE chat_id = ? AND number = ?",
                (chat_id, number),
            )
        )
        if not rows:
            raise FlagNotFound(chat_id, number)
        return int(rows[0]["id"]), _flag(rows[0])

    async def _update_flag(
        self, db: aiosqlite.Connection, flag_id: int, now: str, changes: Mapping[str, Any]
    ) -> Flag:
        if not changes.keys() <= _UPDATABLE_COLUMNS:
            raise ValueError(f"not updatable: {sorted(changes.keys() - _UPDATABLE_COLUMNS)}")
        assignments = ", ".join(f"{column} = ?" for column in changes)
        rows = list(
            await db.execute_fetchall(
                f"UPDATE flags SET {assignments}, updated_at = ? WHERE id = ? "
                f"RETURNING {_columns()}",
                (*changes.values(), now, flag_id),
            )
        )
        return _flag(rows[0])

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
        status: str,
        *,
        note: str | None = None,
        by_id: int,
        by_name: str,
    ) -> Flag:
        """Record a verdict; a note is kept in the history and appended to the flag's notes."""
        _check_status(status)
        note = note or None
        now = _now()
        async with self._transaction() as db:
            flag_id, flag = await self._locked_flag(db, chat_id, number)
            changes: dict[str, Any] = {"status": status}
            if note:
                changes["note"] = _append_note(flag.note, note)
            updated = await self._update_flag(db, flag_id, now, changes)
            await self._record(
                db, flag_id, now, "status", flag.status, status, note, by_id, by_name
            )
        return updated

    async def assign(
        self, chat_id: int, number: int, assignee: str | None, *, by_id: int, by_name: str
    ) -> Flag:
        """Give the flag to someone to check; an empty assignee unassigns."""
        assignee = (assignee or "").strip() or None
        now = _now()
        async with self._transaction() as db:
            flag_id, flag = await self._locked_flag(db, chat_id, number)
            updated = await self._update_flag(db, flag_id, now, {"assignee": assignee})
            await self._record(
                db, flag_id, now, "assign", flag.assignee, assignee, None, by_id, by_name
            )
        return updated

    async def add_note(
        self, chat_id: int, number: int, note: str, *, by_id: int, by_name: str
    ) -> Flag:
        if not note.strip():
            raise ValueError("an empty note")
        now = _now()
        async with self._transaction() as db:
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
        now = _now()
        async with self._transaction() as db:
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
        now = _now()
        async with self._transaction() as db:
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
        rows = await self._read(
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
        return [_event(row) for row in rows if row["event_id"] is not None]

    async def history_for(self, chat_id: int, numbers: Iterable[int]) -> dict[int, list[FlagEvent]]:
        """Histories of many flags in one query; unknown numbers map to empty lists."""
        wanted = sorted(set(numbers))
        histories: dict[int, list[FlagEvent]] = {number: [] for number in wanted}
        if not wanted:
            return histories
        rows = await self._read(
            """
            SELECT f.number, e.action, e.old_value, e.new_value, e.note, e.by_id, e.by_name, e.at
            FROM flags AS f JOIN flag_events AS e ON e.flag_id = f.id
            WHERE f.chat_id = ? AND f.number IN (SELECT value FROM json_each(?))
            ORDER BY f.number, e.id
            """,
            (chat_id, json.dumps(wanted)),
        )
        for row in rows:
            histories[int(row["number"])].append(_event(row))
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
            parameters += [chat_id, _key(round_name)]
        return conditions, parameters

    async def list_flags(
        self,
        chat_id: int,
        *,
        status: str | None = None,
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
            _check_status(status)
            conditions.append("status = ?")
            parameters.append(status)
        if speaker:
            conditions.append("instr(speaker_key, ?) > 0")
            parameters.append(speaker.casefold())
        if not include_retracted:
            conditions.append("retracted_at IS NULL")
        where = " AND ".join(conditions)
        counted = await self._read(f"SELECT count(*) FROM flags WHERE {where}", parameters)
        total = int(counted[0][0])
        items: tuple[Flag, ...] = ()
        if offset < total and limit:
            rows = await self._read(
                f"SELECT {_columns()} FROM flags WHERE {where} "
                "ORDER BY number DESC LIMIT ? OFFSET ?",
                [*parameters, limit, offset],
            )
            items = tuple(_flag(row) for row in rows)
        return Page(items=items, total=total, offset=offset, limit=limit)

    async def search(self, chat_id: int, query: str, *, limit: int = 10) -> list[Flag]:
        """Full-text search of the chat's flags (text, speaker, notes), best first."""
        expression = fts_expression(chat_id, query)
        if expression is None or limit <= 0:
            return []
        # CROSS JOIN pins the index as the outer loop; a plan that walks the chat's
        # rows and probes the index for each one measured orders of magnitude slower.
        rows = await self._read(
            f"""
            SELECT {_columns("f")}
            FROM flags_fts CROSS JOIN flags AS f ON f.id = flags_fts.rowid
            WHERE flags_fts MATCH ? AND f.chat_id = ?
            ORDER BY bm25(flags_fts, 1.0, 1.0, 0.5), f.number DESC
            LIMIT ?
            """,
            (expression, chat_id, limit),
        )
        return [_flag(row) for row in rows]

    async def summary(
        self, chat_id: int, round_name: str | None = None, *, open_limit: int = 20, top: int = 10
    ) -> Summary:
        """Counts by status, the oldest open flags and the most matched playbook refs."""
        conditions, parameters = self._scope(chat_id, round_name)
        where = " AND ".join(conditions)
        counts = await self._read(
            f"""
            SELECT status, retracted_at IS NOT NULL AS retracted, count(*) AS n
            FROM flags WHERE {where} GROUP BY 1, 2
            """,
            parameters,
        )
        by_status = dict.fromkeys(STATUSES, 0)
        retracted = total = 0
        for row in counts:
            total += int(row["n"])
            if row["retracted"]:
                retracted += int(row["n"])
            else:
                by_status[str(row["status"])] += int(row["n"])
        open_rows = await self._read(
            f"""
            SELECT {_columns()} FROM flags
            WHERE {where} AND status = 'open' AND retracted_at IS NULL
            ORDER BY number LIMIT ?
            """,
            [*parameters, open_limit],
        )
        scoped, scoped_parameters = self._scope(chat_id, round_name, alias="f")
        top_rows = await self._read(
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
            open_flags=tuple(_flag(row) for row in open_rows),
            top_matches=tuple((str(row["ref"]), int(row["n"])) for row in top_rows),
        )

    async def export_flags(self, chat_id: int, round_name: str | None = None) -> list[Flag]:
        """Every flag of the chat (or round), oldest first, retracted ones included."""
        conditions, parameters = self._scope(chat_id, round_name)
        rows = await self._read(
            f"SELECT {_columns()} FROM flags WHERE {' AND '.join(conditions)} ORDER BY number",
            parameters,
        )
        return [_flag(row) for row in rows]

    # -- privacy ------------------------------------------------------------------

    async def _scrub(self) -> None:
        """Push zeroed pages into the main file and empty the WAL, which held old copies."""
        async with self._write_lock:
            with suppress(sqlite3.Error):
                await self._writer.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")

    async def purge_chat(self, chat_id: int) -> int:
        """Delete the chat's flags, history and rounds; numbering carries on."""
        async with self._transaction() as db:
            rows = list(
                await db.execute_fetchall(
                    "SELECT count(*) FROM flags WHERE chat_id = ?", (chat_id,)
                )
            )
            await db.execute_fetchall("DELETE FROM flags WHERE chat_id = ?", (chat_id,))
            await db.execute_fetchall("DELETE FROM rounds WHERE chat_id = ?", (chat_id,))
            await db.execute_fetchall(
                "UPDATE chats SET board_message_id = NULL WHERE chat_id = ?", (chat_id,)
            )
        await self._scrub()
        return int(rows[0][0])

    async def purge_older_than(self, cutoff: datetime) -> int:
        """Delete flags (with history) created before ``cutoff`` in every chat."""
        bound = _iso(cutoff)
        async with self._transaction() as db:
            rows = list(
                await db.execute_fetchall(
                    "SELECT count(*) FROM flags WHERE created_at < ?", (bound,)
                )
            )
            await db.execute_fetchall("DELETE FROM flags WHERE created_at < ?", (bound,))
            await db.execute_fetchall(
                """
                DELETE FROM rounds
                WHERE ended_at < ? AND NOT EXISTS (SELECT 1 FROM flags WHERE round_id = rounds.id)
                """,
                (bound,),
            )
        await self._scrub()
        return int(rows[0][0])

    # -- backup -------------------------------------------------------------------

    async def backup(self, dest: Path) -> None:
        """Write a consistent copy to ``dest`` while the bot keeps writing."""
        self._check_open()
        await backup_database(self._path, dest)

    # -- flags by a known speaker (/who) ---------------------------------------------
    # Which typed speakers name a playbook person is the playbook's business
    # (Playbook.person_for_speaker); these take the spellings it accepted.

    async def speaker_names(self, chat_id: int) -> list[str]:
        """Every distinct speaker typed in this chat's flags."""
        rows = await self._read(
            "SELECT DISTINCT speaker FROM flags WHERE chat_id = ? AND speaker IS NOT NULL",
            (chat_id,),
        )
        return [str(row[0]) for row in rows]

    async def flags_by_speakers(
        self, chat_id: int, speakers: Sequence[str], *, limit: int = 5
    ) -> list[Flag]:
        """The chat's newest flags whose speaker is one of ``speakers`` (any case)."""
        keys = json.dumps([speaker.casefold() for speaker in speakers])
        rows = await self._read(
            f"""
            SELECT {_columns()} FROM flags
            WHERE chat_id = ? AND speaker_key IN (SELECT value FROM json_each(?))
            ORDER BY number DESC LIMIT ?
            """,
            (chat_id, keys, limit),
        )
        return [_flag(row) for row in rows]

    async def speaker_counts(self, chat_id: int, speakers: Sequence[str]) -> dict[str, int]:
        """How many of those speakers' flags have each status; retracted ones under
        "retracted" only, as in ``summary``."""
        keys = json.dumps([speaker.casefold() for speaker in speakers])
        rows = await self._read(
            """
            SELECT status, retracted_at IS NOT NULL AS retracted, count(*) AS n
            FROM flags
            WHERE chat_id = ? AND speaker_key IN (SELECT value FROM json_each(?))
            GROUP BY 1, 2
            """,
            (chat_id, keys),
        )
        counts = dict.fromkeys((*STATUSES, "retracted"), 0)
        for row in rows:
            counts["retracted" if row["retracted"] else str(row["status"])] += int(row["n"])
        return counts


def _backup(source_path: Path, dest: Path) -> None:
    """Copy through a ``.partial`` file, renamed into place only once checked."""
    if not source_path.is_file():
        raise StoreError(f"no database at {source_path}")
    if dest.resolve() == source_path.resolve():
        raise StoreError("the backup must not overwrite the database itself")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for {dest}: {exc}") from exc
    partial = dest.with_name(dest.name + ".partial")
    try:
        # mode=rw: never create an empty database where the real one is missing.
        source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=rw", uri=True)
        try:
            source.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            partial.unlink(missing_ok=True)
            target = sqlite3.connect(partial)
            try:
                # One step copies one read snapshot, so concurrent writes cannot tear it.
                source.backup(target, pages=-1)
                # A single self-contained file, no -wal beside it.
                target.execute("PRAGMA journal_mode = DELETE")
                verdict = target.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                target.close()
        finally:
            source.close()
        if verdict != "ok":
            raise StoreError(f"the backup failed its check: {verdict}")
        os.replace(partial, dest)
    except (sqlite3.Error, OSError) as exc:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        raise StoreError(f"backup of {source_path} to {dest} failed: {_describe(exc)}") from exc
    except BaseException:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        raise


async def backup_database(src: Path, dest: Path) -> None:
    """Copy a live database with SQLite's backup API; safe while the bot runs."""
    await asyncio.to_thread(_backup, Path(src), Path(dest))
