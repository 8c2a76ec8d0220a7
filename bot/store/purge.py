"""Privacy: deleting a chat's log (and talking points), or every flag older than the
retention period.
Deleted rows are zeroed on disk (secure_delete) and pushed out of the WAL."""

from __future__ import annotations

from datetime import datetime

from bot.store.database import Database
from bot.store.definitions import delete_chat_definitions, delete_definitions_before
from bot.store.models import iso
from bot.store.points import delete_chat_points, delete_points_before


class Purge:
    database: Database

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
