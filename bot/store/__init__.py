"""Persistent state in one SQLite file; the only package that speaks SQL.

- :mod:`~bot.store.database`: connections, transactions, checkpoints (one writer).
- :mod:`~bot.store.schema`: the migrations that make the schema.
- :mod:`~bot.store.models`: the rows as frozen dataclasses; statuses.
- :mod:`~bot.store.fulltext`: how a chat's flags are indexed and searched.
- :mod:`~bot.store.store`: :class:`Store`, every operation on users, chats and flags,
  one module per concern: chats, rounds, flags (and their history), listings (and
  full text), exports, purge, and the outbox.
- :mod:`~bot.store.points`: talking points and their history (bot.points changes them).
- :mod:`~bot.store.definitions`: the register of their definitions (bot.definitions).
- :mod:`~bot.store.backup`: consistent copies while the bot runs.
"""

from bot.store.backup import backup_database
from bot.store.database import WAL_BACKSTOP_PAGES, Database
from bot.store.definitions import Definition, DefinitionAsk
from bot.store.errors import FlagNotFound, LogsApart, StoreError
from bot.store.flags import MAX_FLAG_BATCH
from bot.store.fulltext import fts_expression, register_functions, search_terms
from bot.store.models import (
    STATUSES,
    VERDICTS,
    Flag,
    FlagEvent,
    LiveList,
    Page,
    Round,
    Status,
    Summary,
    Updated,
)
from bot.store.points import Point, PointEvent, PointNotFound
from bot.store.schema import MIGRATIONS
from bot.store.store import Store

__all__ = [
    "MAX_FLAG_BATCH",
    "MIGRATIONS",
    "STATUSES",
    "VERDICTS",
    "WAL_BACKSTOP_PAGES",
    "Database",
    "Definition",
    "DefinitionAsk",
    "Flag",
    "FlagEvent",
    "FlagNotFound",
    "LiveList",
    "LogsApart",
    "Page",
    "Point",
    "PointEvent",
    "PointNotFound",
    "Round",
    "Status",
    "Store",
    "StoreError",
    "Summary",
    "Updated",
    "backup_database",
    "fts_expression",
    "register_functions",
    "search_terms",
]
