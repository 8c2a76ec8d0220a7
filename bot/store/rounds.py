"""Rounds of talks: a chat's open round names the flags made during it."""

from __future__ import annotations

from typing import Final

from bot.store.database import Database
from bot.store.models import Round, name_key, now_iso, round_of

_ROUND_COLUMNS: Final = "id, chat_id, name, started_at, started_by, ended_at, ended_by"


class Rounds:
    database: Database

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
