"""Connection plumbing: one writer, readers beside it, checkpoints behind it.

Nothing here knows what a flag is. One write connection, serialised by a lock, and
one read connection; in WAL mode readers never wait for the writer. Every write is
committed before its method returns, so a message sent afterwards never announces a
row that a crash could lose to anything short of a power cut (``synchronous=NORMAL``).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any, Final

import aiosqlite

from bot.store.errors import StoreError
from bot.store.fulltext import register_async
from bot.store.schema import migrate

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

Parameters = Sequence[Any] | Mapping[str, Any]


def describe_error(exc: BaseException) -> str:
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
        await register_async(connection)
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


class Database:
    """The file's connections. Create with ``await Database.open(path)``."""

    def __init__(
        self,
        path: Path,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        checkpointer: aiosqlite.Connection,
    ) -> None:
        self.path = path
        self.writer = writer
        self._reader = reader
        self._checkpointer = checkpointer
        self._wal_grew = asyncio.Event()
        self.checkpoints = asyncio.create_task(self._checkpoint_behind_writer())
        # One statement or transaction at a time on the write connection: an
        # autocommit statement issued while another task's BEGIN is open would
        # silently join (and share the fate of) that transaction.
        self._write_lock = asyncio.Lock()
        self.closed = False

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating if needed) and migrate the database at ``path``."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {path}: {exc}") from exc
        opened: list[aiosqlite.Connection] = []
        try:
            opened.append(await _connect(path, writer=True))
            await migrate(opened[0], path)
            opened.append(await _connect(path, writer=False))
            opened.append(await _connect(path, writer=False))
        except BaseException as exc:
            for connection in reversed(opened):
                await connection.close()
            if isinstance(exc, StoreError):
                raise
            if isinstance(exc, (sqlite3.Error, OSError)):
                raise StoreError(f"cannot open {path}: {describe_error(exc)}") from exc
            raise
        writer, reader, checkpointer = opened
        return cls(path, writer, reader, checkpointer)

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.checkpoints.cancel()
        with suppress(asyncio.CancelledError):
            await self.checkpoints
        async with self._write_lock:
            # Keeps planner statistics fresh; the limit bounds ANALYZE on a big file.
            with suppress(sqlite3.Error):
                await self.writer.execute_fetchall("PRAGMA analysis_limit = 400")
                await self.writer.execute_fetchall("PRAGMA optimize")
            await self._checkpointer.close()
            await self._reader.close()
            # The last connection out checkpoints the rest and removes the WAL.
            await self.writer.close()

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

    def check_open(self) -> None:
        if self.closed:
            raise StoreError("the store is closed")

    async def read(self, sql: str, parameters: Parameters = ()) -> list[sqlite3.Row]:
        self.check_open()
        try:
            return list(await self._reader.execute_fetchall(sql, parameters))
        except sqlite3.Error as exc:
            raise StoreError(describe_error(exc)) from exc

    async def read_one(self, sql: str, parameters: Parameters = ()) -> sqlite3.Row | None:
        rows = await self.read(sql, parameters)
        return rows[0] if rows else None

    async def write(self, sql: str, parameters: Parameters = ()) -> list[sqlite3.Row]:
        """Run one statement in autocommit mode: atomic and committed on return."""
        self.check_open()
        async with self._write_lock:
            try:
                return list(await self.writer.execute_fetchall(sql, parameters))
            except sqlite3.Error as exc:
                raise StoreError(describe_error(exc)) from exc
            finally:
                self._wal_grew.set()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back whole on any error."""
        self.check_open()
        async with self._write_lock:
            try:
                await self.writer.execute_fetchall("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(describe_error(exc)) from exc
            try:
                yield self.writer
                await self.writer.commit()
                self._wal_grew.set()
            except BaseException as exc:
                with suppress(sqlite3.Error):
                    await self.writer.rollback()
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(describe_error(exc)) from exc
                raise

    async def scrub(self) -> None:
        """Push zeroed pages into the main file and empty the WAL, which held old copies."""
        async with self._write_lock:
            with suppress(sqlite3.Error):
                await self.writer.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
