"""Consistent copies of a live database, with SQLite's online backup API."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from contextlib import suppress
from pathlib import Path

from bot.store.database import BUSY_TIMEOUT_MS, describe_error
from bot.store.errors import StoreError


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
        raise StoreError(
            f"backup of {source_path} to {dest} failed: {describe_error(exc)}"
        ) from exc
    except BaseException:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        raise


async def backup_database(src: Path, dest: Path) -> None:
    """Copy a live database with SQLite's backup API; safe while the bot runs."""
    await asyncio.to_thread(_backup, Path(src), Path(dest))
