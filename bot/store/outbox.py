"""The outbox: what the bot still has to tell a chat, kept until Telegram has it.

Rows are written in the same transaction as the change they announce, and only by
the schema's triggers (bot.store.schema, migrations 3 and 8): a new flag queues its
confirmation, a verdict in its history queues the flagger's notice, an assignment
queues the group's, and any change the live list shows queues its refresh. So no
code path can change the log and forget to say so, and a change that changed
nothing (no history row) says nothing. Rows are deleted once delivered. The sender
(``bot.sender``) reads a chat's rows when it has room to send, so whatever piles up
meanwhile goes out merged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.store.database import Database
from bot.store.models import Flag, flag_columns, flag_of

OutboxKind = Literal["confirmation", "notice", "assignment", "board"]


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    chat_id: int
    kind: OutboxKind
    # The flag a confirmation or notice is about, as it is now; None for the board.
    flag: Flag | None
    detail: Mapping[str, Any]


class Outbox:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def pending(self, chat_id: int) -> list[OutboxItem]:
        """The chat's undelivered items, oldest first."""
        rows = await self._database.read(
            f"""
            SELECT o.id AS outbox_id, o.chat_id AS outbox_chat_id, o.kind, o.detail,
                   {flag_columns("f")}
            FROM outbox AS o LEFT JOIN flags AS f ON f.id = o.flag_id
            WHERE o.chat_id = ? ORDER BY o.id
            """,
            (chat_id,),
        )
        return [
            OutboxItem(
                id=int(row["outbox_id"]),
                chat_id=int(row["outbox_chat_id"]),
                kind=row["kind"],
                flag=None if row["id"] is None else flag_of(row),
                detail=json.loads(row["detail"]),
            )
            for row in rows
        ]

    async def chats(self) -> list[int]:
        """Chats with something undelivered, e.g. after a restart."""
        rows = await self._database.read("SELECT DISTINCT chat_id FROM outbox ORDER BY chat_id")
        return [int(row["chat_id"]) for row in rows]

    async def delivered(
        self,
        items: Sequence[OutboxItem],
        *,
        confirmation: tuple[int, int] | None = None,
    ) -> None:
        """Telegram has these; ``confirmation`` is the (chat, message id) that confirmed
        the flags among them, which their verdict notices will reply to."""
        ids = json.dumps([item.id for item in items])
        async with self._database.transaction() as db:
            if confirmation is not None:
                await db.execute_fetchall(
                    """
                    UPDATE flags SET confirmation_chat_id = ?, confirmation_message_id = ?
                    WHERE id IN (SELECT flag_id FROM outbox
                                 WHERE id IN (SELECT value FROM json_each(?))
                                   AND kind = 'confirmation')
                    """,
                    (*confirmation, ids),
                )
            await db.execute_fetchall(
                "DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))", (ids,)
            )

    async def drop_chat(self, chat_id: int) -> int:
        """Forget what was still to be said in a chat the bot can no longer write to."""
        rows = await self._database.write(
            "DELETE FROM outbox WHERE chat_id = ? RETURNING id", (chat_id,)
        )
        return len(rows)
