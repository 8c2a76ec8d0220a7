"""Talking points: the team's prepared lines for a round, kept apart from the flag log.

A point belongs to a round, or waits for the next one (``round_id`` NULL) and joins
it when it starts (a trigger in the schema). Points are numbered as listed: by
``position`` among the live points of their round. Every change is in the point's
history; a removed point keeps its row (``removed_at``) until purge or retention.
Only :mod:`bot.points` changes them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

import aiosqlite

from bot.store.database import Database
from bot.store.errors import StoreError
from bot.store.models import now_iso, optional_int, optional_str

_COLUMNS: Final = (
    "id, chat_id, round_id, position, text, proposed_by_id, proposed_by_name, "
    "created_at, updated_at, removed_at"
)
# A round's points, or the ones waiting for the next round: `round_id IS ?` matches NULL.
_SCOPE: Final = "chat_id = ? AND round_id IS ?"


class PointNotFound(StoreError):
    def __init__(self, chat_id: int, point_id: int) -> None:
        super().__init__(f"no talking point {point_id} in chat {chat_id}")
        self.chat_id = chat_id
        self.point_id = point_id


@dataclass(frozen=True, slots=True)
class Point:
    id: int
    chat_id: int
    # None: no round was open; it joins the next one.
    round_id: int | None
    position: int
    text: str
    proposed_by_id: int
    proposed_by_name: str
    created_at: datetime
    updated_at: datetime
    removed_at: datetime | None

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


@dataclass(frozen=True, slots=True)
class PointEvent:
    point_id: int
    action: str
    old_value: str | None
    new_value: str | None
    by_id: int | None
    by_name: str | None
    at: datetime


def _point_of(row: sqlite3.Row) -> Point:
    removed = optional_str(row["removed_at"])
    return Point(
        id=int(row["id"]),
        chat_id=int(row["chat_id"]),
        round_id=optional_int(row["round_id"]),
        position=int(row["position"]),
        text=str(row["text"]),
        proposed_by_id=int(row["proposed_by_id"]),
        proposed_by_name=str(row["proposed_by_name"]),
        created_at=datetime.fromisoformat(str(row["created_at"])),
        updated_at=datetime.fromisoformat(str(row["updated_at"])),
        removed_at=None if removed is None else datetime.fromisoformat(removed),
    )


async def _record(
    db: aiosqlite.Connection,
    point_id: int,
    at: str,
    action: str,
    old_value: str | None,
    new_value: str | None,
    by_id: int,
    by_name: str,
) -> None:
    await db.execute_fetchall(
        "INSERT INTO point_events (point_id, at, action, old_value, new_value, by_id, by_name) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (point_id, at, action, old_value, new_value, by_id, by_name),
    )


async def _locked(db: aiosqlite.Connection, chat_id: int, point_id: int) -> Point:
    rows = list(
        await db.execute_fetchall(
            f"SELECT {_COLUMNS} FROM points WHERE chat_id = ? AND id = ? AND removed_at IS NULL",
            (chat_id, point_id),
        )
    )
    if not rows:
        raise PointNotFound(chat_id, point_id)
    return _point_of(rows[0])


async def delete_chat_points(db: aiosqlite.Connection, chat_id: int) -> None:
    """Within the caller's purge transaction: every point of the chat, with history."""
    await db.execute_fetchall("DELETE FROM points WHERE chat_id = ?", (chat_id,))


async def adopt_chat_points(
    db: aiosqlite.Connection, from_id: int, to_id: int, open_round: int | None
) -> None:
    """Within the caller's migration transaction: ``from_id``'s points (a chat with no
    rounds, so all waiting for the next round) become ``to_id``'s, after its own; with
    ``to_id``'s round open they join it, as they would have, had they been added there."""
    await db.execute_fetchall(
        """
        UPDATE points SET chat_id = :to, round_id = :open,
            position = position + coalesce((SELECT max(position) FROM points
                       WHERE chat_id = :to AND round_id IS :open), 0)
        WHERE chat_id = :from
        """,
        {"from": from_id, "to": to_id, "open": open_round},
    )


async def delete_points_before(db: aiosqlite.Connection, bound: str) -> None:
    """Within the caller's retention transaction: points proposed before ``bound``."""
    await db.execute_fetchall("DELETE FROM points WHERE created_at < ?", (bound,))


class PointsStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def open_round_id(self, chat_id: int) -> int | None:
        row = await self._database.read_one(
            "SELECT id FROM rounds WHERE chat_id = ? AND ended_at IS NULL", (chat_id,)
        )
        return None if row is None else int(row["id"])

    async def add(self, chat_id: int, text: str, *, by_id: int, by_name: str) -> Point:
        """A new point at the end of the open round's list, or of the next round's."""
        now = now_iso()
        async with self._database.transaction() as db:
            # A chat listed in ALLOWED_CHATS may have no row yet.
            await db.execute_fetchall(
                "INSERT INTO chats (chat_id) VALUES (?) ON CONFLICT (chat_id) DO NOTHING",
                (chat_id,),
            )
            rows = list(
                await db.execute_fetchall(
                    f"""
                    INSERT INTO points (chat_id, round_id, position, text, proposed_by_id,
                        proposed_by_name, created_at, updated_at)
                    SELECT :chat, open.id,
                        coalesce((SELECT max(position) FROM points
                                  WHERE chat_id = :chat AND round_id IS open.id), 0) + 1,
                        :text, :by_id, :by_name, :now, :now
                    FROM (SELECT (SELECT id FROM rounds
                                  WHERE chat_id = :chat AND ended_at IS NULL) AS id) AS open
                    RETURNING {_COLUMNS}
                    """,
                    {"chat": chat_id, "text": text, "by_id": by_id, "by_name": by_name, "now": now},
                )
            )
            added = _point_of(rows[0])
            await _record(db, added.id, now, "created", None, text, by_id, by_name)
        return added

    async def listed(self, chat_id: int, round_id: int | None) -> list[Point]:
        """The live points of a round (None: those waiting for the next), in order."""
        rows = await self._database.read(
            f"SELECT {_COLUMNS} FROM points WHERE {_SCOPE} AND removed_at IS NULL "
            "ORDER BY position, id",
            (chat_id, round_id),
        )
        return [_point_of(row) for row in rows]

    async def edit(
        self, chat_id: int, point_id: int, text: str, *, by_id: int, by_name: str
    ) -> Point:
        now = now_iso()
        async with self._database.transaction() as db:
            point = await _locked(db, chat_id, point_id)
            if point.text == text:
                return point
            rows = list(
                await db.execute_fetchall(
                    f"UPDATE points SET text = ?, updated_at = ? WHERE id = ? RETURNING {_COLUMNS}",
                    (text, now, point.id),
                )
            )
            await _record(db, point.id, now, "edit", point.text, text, by_id, by_name)
        return _point_of(rows[0])

    async def remove(self, chat_id: int, point_id: int, *, by_id: int, by_name: str) -> Point:
        """Take the point off the list; it stays in the history and the exports."""
        now = now_iso()
        async with self._database.transaction() as db:
            point = await _locked(db, chat_id, point_id)
            rows = list(
                await db.execute_fetchall(
                    f"UPDATE points SET removed_at = ?, updated_at = ? WHERE id = ? "
                    f"RETURNING {_COLUMNS}",
                    (now, now, point.id),
                )
            )
            await _record(db, point.id, now, "remove", point.text, None, by_id, by_name)
        return _point_of(rows[0])

    async def move(
        self, chat_id: int, point_id: int, to: int, *, by_id: int, by_name: str
    ) -> list[Point]:
        """Put the point at place ``to`` (1-based, clamped) of its list; the new list."""
        now = now_iso()
        async with self._database.transaction() as db:
            point = await _locked(db, chat_id, point_id)
            rows = list(
                await db.execute_fetchall(
                    f"SELECT {_COLUMNS} FROM points WHERE {_SCOPE} AND removed_at IS NULL "
                    "ORDER BY position, id",
                    (chat_id, point.round_id),
                )
            )
            ordered = [_point_of(row) for row in rows]
            was = next(index for index, item in enumerate(ordered) if item.id == point.id)
            place = min(max(to, 1), len(ordered)) - 1
            ordered.insert(place, ordered.pop(was))
            for position, item in enumerate(ordered, start=1):
                if item.position != position:
                    await db.execute_fetchall(
                        "UPDATE points SET position = ?, updated_at = ? WHERE id = ?",
                        (position, now, item.id),
                    )
            if place != was:
                await _record(
                    db, point.id, now, "move", str(was + 1), str(place + 1), by_id, by_name
                )
        return [replace(item, position=place) for place, item in enumerate(ordered, start=1)]

    async def for_export(self, chat_id: int, round_id: int | None = None) -> list[Point]:
        """Every point of the chat (or of one round), removed ones included, in order."""
        if round_id is None:
            rows = await self._database.read(
                f"SELECT {_COLUMNS} FROM points WHERE chat_id = ? "
                "ORDER BY round_id IS NULL, round_id, position, id",
                (chat_id,),
            )
        else:
            rows = await self._database.read(
                f"SELECT {_COLUMNS} FROM points WHERE chat_id = ? AND round_id = ? "
                "ORDER BY position, id",
                (chat_id, round_id),
            )
        return [_point_of(row) for row in rows]

    async def history_for(self, chat_id: int, ids: Iterable[int]) -> dict[int, list[PointEvent]]:
        wanted = sorted(set(ids))
        histories: dict[int, list[PointEvent]] = {point_id: [] for point_id in wanted}
        if not wanted:
            return histories
        rows = await self._database.read(
            """
            SELECT e.point_id, e.action, e.old_value, e.new_value, e.by_id, e.by_name, e.at
            FROM points AS p JOIN point_events AS e ON e.point_id = p.id
            WHERE p.chat_id = ? AND p.id IN (SELECT value FROM json_each(?))
            ORDER BY e.id
            """,
            (chat_id, json.dumps(wanted)),
        )
        for row in rows:
            histories[int(row["point_id"])].append(
                PointEvent(
                    point_id=int(row["point_id"]),
                    action=str(row["action"]),
                    old_value=optional_str(row["old_value"]),
                    new_value=optional_str(row["new_value"]),
                    by_id=optional_int(row["by_id"]),
                    by_name=optional_str(row["by_name"]),
                    at=datetime.fromisoformat(str(row["at"])),
                )
            )
        return histories
