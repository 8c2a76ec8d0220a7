"""The register of their definitions: what the other side said a term means, and the
terms the team asked them to define, kept apart from the flag log.

Rows are only ever added (a correction is a new definition, a second ask a new ask);
purge and retention delete them. Each row carries the round open when it was made,
by id and by name. Only :mod:`bot.definitions` writes them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import aiosqlite

from bot.store.database import Database
from bot.store.models import now_iso, optional_int, optional_str

_DEFINITION_COLUMNS: Final = (
    "id, chat_id, term_key, phrase, text, speaker, round_id, round_name, "
    "recorded_by_id, recorded_by_name, message_id, created_at"
)
_ASK_COLUMNS: Final = (
    "id, chat_id, term_key, phrase, round_id, round_name, asked_by_id, asked_by_name, created_at"
)
# The round open in the chat, read inside the INSERT so no round can start between.
_OPEN_ROUND: Final = "(SELECT {column} FROM rounds WHERE chat_id = :chat AND ended_at IS NULL)"


@dataclass(frozen=True, slots=True)
class Definition:
    id: int
    chat_id: int
    # The playbook term's key; None for a phrase of their own the playbook lacks.
    term_key: str | None
    phrase: str
    text: str
    speaker: str | None
    round_id: int | None
    round_name: str | None
    recorded_by_id: int
    recorded_by_name: str
    message_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DefinitionAsk:
    id: int
    chat_id: int
    term_key: str | None
    phrase: str
    round_id: int | None
    round_name: str | None
    asked_by_id: int
    asked_by_name: str
    created_at: datetime


def _definition_of(row: sqlite3.Row) -> Definition:
    return Definition(
        id=int(row["id"]),
        chat_id=int(row["chat_id"]),
        term_key=optional_str(row["term_key"]),
        phrase=str(row["phrase"]),
        text=str(row["text"]),
        speaker=optional_str(row["speaker"]),
        round_id=optional_int(row["round_id"]),
        round_name=optional_str(row["round_name"]),
        recorded_by_id=int(row["recorded_by_id"]),
        recorded_by_name=str(row["recorded_by_name"]),
        message_id=optional_int(row["message_id"]),
        created_at=datetime.fromisoformat(str(row["created_at"])),
    )


def _ask_of(row: sqlite3.Row) -> DefinitionAsk:
    return DefinitionAsk(
        id=int(row["id"]),
        chat_id=int(row["chat_id"]),
        term_key=optional_str(row["term_key"]),
        phrase=str(row["phrase"]),
        round_id=optional_int(row["round_id"]),
        round_name=optional_str(row["round_name"]),
        asked_by_id=int(row["asked_by_id"]),
        asked_by_name=str(row["asked_by_name"]),
        created_at=datetime.fromisoformat(str(row["created_at"])),
    )


async def delete_chat_definitions(db: aiosqlite.Connection, chat_id: int) -> None:
    """Within the caller's purge transaction: the chat's whole register."""
    await db.execute_fetchall("DELETE FROM definitions WHERE chat_id = ?", (chat_id,))
    await db.execute_fetchall("DELETE FROM definition_asks WHERE chat_id = ?", (chat_id,))


async def adopt_chat_definitions(db: aiosqlite.Connection, from_id: int, to_id: int) -> None:
    """Within the caller's migration transaction: ``from_id``'s register (a chat with no
    rounds) becomes ``to_id``'s. What was recorded while ``to_id`` had a round open joins
    that round, as it would have, had it been recorded there."""
    for table in ("definitions", "definition_asks"):
        await db.execute_fetchall(
            f"""
            UPDATE {table} SET chat_id = :to,
                round_id = (SELECT id FROM rounds WHERE chat_id = :to
                            AND started_at <= {table}.created_at
                            AND (ended_at IS NULL OR ended_at > {table}.created_at)),
                round_name = (SELECT name FROM rounds WHERE chat_id = :to
                              AND started_at <= {table}.created_at
                              AND (ended_at IS NULL OR ended_at > {table}.created_at))
            WHERE chat_id = :from
            """,
            {"from": from_id, "to": to_id},
        )


async def delete_definitions_before(db: aiosqlite.Connection, bound: str) -> None:
    """Within the caller's retention transaction: definitions and asks made before ``bound``."""
    await db.execute_fetchall("DELETE FROM definitions WHERE created_at < ?", (bound,))
    await db.execute_fetchall("DELETE FROM definition_asks WHERE created_at < ?", (bound,))


class DefinitionsStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(
        self,
        chat_id: int,
        *,
        term_key: str | None,
        phrase: str,
        text: str,
        speaker: str | None,
        by_id: int,
        by_name: str,
        message_id: int | None = None,
    ) -> Definition:
        """A new definition, in the round open now (if any)."""
        async with self._database.transaction() as db:
            # A chat listed in ALLOWED_CHATS may have no row yet.
            await db.execute_fetchall(
                "INSERT INTO chats (chat_id) VALUES (?) ON CONFLICT (chat_id) DO NOTHING",
                (chat_id,),
            )
            rows = list(
                await db.execute_fetchall(
                    f"""
                    INSERT INTO definitions (chat_id, term_key, phrase, text, speaker, round_id,
                        round_name, recorded_by_id, recorded_by_name, message_id, created_at)
                    VALUES (:chat, :term, :phrase, :text, :speaker,
                        {_OPEN_ROUND.format(column="id")}, {_OPEN_ROUND.format(column="name")},
                        :by_id, :by_name, :message, :now)
                    RETURNING {_DEFINITION_COLUMNS}
                    """,
                    {
                        "chat": chat_id,
                        "term": term_key,
                        "phrase": phrase,
                        "text": text,
                        "speaker": speaker,
                        "by_id": by_id,
                        "by_name": by_name,
                        "message": message_id,
                        "now": now_iso(),
                    },
                )
            )
        return _definition_of(rows[0])

    async def ask(
        self, chat_id: int, *, term_key: str | None, phrase: str, by_id: int, by_name: str
    ) -> DefinitionAsk:
        """Note that the team asked them to define a term, in the round open now."""
        async with self._database.transaction() as db:
            await db.execute_fetchall(
                "INSERT INTO chats (chat_id) VALUES (?) ON CONFLICT (chat_id) DO NOTHING",
                (chat_id,),
            )
            rows = list(
                await db.execute_fetchall(
                    f"""
                    INSERT INTO definition_asks (chat_id, term_key, phrase, round_id,
                        round_name, asked_by_id, asked_by_name, created_at)
                    VALUES (:chat, :term, :phrase,
                        {_OPEN_ROUND.format(column="id")}, {_OPEN_ROUND.format(column="name")},
                        :by_id, :by_name, :now)
                    RETURNING {_ASK_COLUMNS}
                    """,
                    {
                        "chat": chat_id,
                        "term": term_key,
                        "phrase": phrase,
                        "by_id": by_id,
                        "by_name": by_name,
                        "now": now_iso(),
                    },
                )
            )
        return _ask_of(rows[0])

    async def of_term(self, chat_id: int, term_key: str) -> list[Definition]:
        """The chat's definitions of one playbook term, oldest first."""
        rows = await self._database.read(
            f"SELECT {_DEFINITION_COLUMNS} FROM definitions "
            "WHERE chat_id = ? AND term_key = ? ORDER BY id",
            (chat_id, term_key),
        )
        return [_definition_of(row) for row in rows]

    async def of_chat(self, chat_id: int) -> list[Definition]:
        """Every definition the chat recorded, oldest first."""
        rows = await self._database.read(
            f"SELECT {_DEFINITION_COLUMNS} FROM definitions WHERE chat_id = ? ORDER BY id",
            (chat_id,),
        )
        return [_definition_of(row) for row in rows]

    async def asks_of_chat(self, chat_id: int) -> list[DefinitionAsk]:
        """Every ask the chat recorded, oldest first."""
        rows = await self._database.read(
            f"SELECT {_ASK_COLUMNS} FROM definition_asks WHERE chat_id = ? ORDER BY id",
            (chat_id,),
        )
        return [_ask_of(row) for row in rows]
