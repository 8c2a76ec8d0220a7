"""Everything of a chat or a round at once, for /export and the board's export, and
a consistent copy of the whole file."""

from __future__ import annotations

from pathlib import Path

from bot.store.backup import backup_database
from bot.store.database import Database
from bot.store.listings import scope
from bot.store.models import Flag, flag_columns, flag_of


class Exports:
    database: Database

    async def export_flags(self, chat_id: int, round_name: str | None = None) -> list[Flag]:
        """Every flag of the chat (or round), oldest first, retracted ones included."""
        conditions, parameters = scope(chat_id, round_name)
        rows = await self.database.read(
            f"SELECT {flag_columns()} FROM flags WHERE {' AND '.join(conditions)} ORDER BY number",
            parameters,
        )
        return [flag_of(row) for row in rows]

    # -- backup -------------------------------------------------------------------

    async def backup(self, dest: Path) -> None:
        """Write a consistent copy to ``dest`` while the bot keeps writing."""
        self.database.check_open()
        await backup_database(self.database.path, dest)
