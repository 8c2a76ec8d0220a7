"""The bot's database: :class:`Store`, every operation on users, chats and flags.

Each concern is a module of its own, and Store is all of them over one
:class:`~bot.store.database.Database`:

- :mod:`~bot.store.chats`: users' languages, chats, their settings and live lists.
- :mod:`~bot.store.rounds`: rounds of talks.
- :mod:`~bot.store.flags`: new flags (a group commit), changes and their history.
- :mod:`~bot.store.listings`: pages, full-text search, summaries, the board's queries.
- :mod:`~bot.store.exports`: a whole log at once; a copy of the file.
- :mod:`~bot.store.purge`: deleting what privacy asks to delete.
- :mod:`~bot.store.outbox`: what the bot still has to say (``store.outbox``).
- :mod:`~bot.store.points`: talking points and their history (``store.points``).
- :mod:`~bot.store.definitions`: the register of their definitions (``store.definitions``).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Self

from bot.store.chats import Chats
from bot.store.database import Database
from bot.store.definitions import DefinitionsStore
from bot.store.exports import Exports
from bot.store.flags import Flags
from bot.store.listings import Listings
from bot.store.outbox import Outbox
from bot.store.points import PointsStore
from bot.store.purge import Purge
from bot.store.rounds import Rounds


class Store(Chats, Rounds, Flags, Listings, Exports, Purge):
    """The bot's database. Create with ``await Store.open(path)``."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.outbox = Outbox(database)
        self.points = PointsStore(database)
        self.definitions = DefinitionsStore(database)
        self._new_flags = []
        self._flag_writer = None

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
        await self._finish_writes()
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
