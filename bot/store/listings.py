"""Reading a chat's log: pages under filters, full-text search, summaries, the flags
of a known speaker, and what the board (bot.web) asks for."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from bot.store.database import Database
from bot.store.fulltext import fts_expression
from bot.store.models import (
    Flag,
    Page,
    Status,
    Summary,
    check_status,
    flag_columns,
    flag_of,
    name_key,
)

# The scope a filter applies to; values are always bound, never formatted in.
_ROUND_FILTER: Final = "round_id IN (SELECT id FROM rounds WHERE chat_id = ? AND name_key = ?)"


def scope(chat_id: int, round_name: str | None, alias: str = "") -> tuple[list[str], list[Any]]:
    """The conditions (and their values) for a chat's flags, or one round's."""
    prefix = f"{alias}." if alias else ""
    conditions = [f"{prefix}chat_id = ?"]
    parameters: list[Any] = [chat_id]
    if round_name is not None:
        # Unary + keeps the planner off the chat index, so that the round index
        # (a round belongs to one chat) drives the query.
        conditions[0] = "+" + conditions[0]
        conditions.append(prefix + _ROUND_FILTER)
        parameters += [chat_id, name_key(round_name)]
    return conditions, parameters


class Listings:
    database: Database

    # -- listing, search, summary -------------------------------------------------

    async def list_flags(
        self,
        chat_id: int,
        *,
        status: Status | None = None,
        round_name: str | None = None,
        speaker: str | None = None,
        include_retracted: bool = True,
        limit: int = 10,
        offset: int = 0,
    ) -> Page:
        """A page of the chat's flags, newest first; speaker matches any part, any case."""
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        conditions, parameters = scope(chat_id, round_name)
        if status is not None:
            conditions.append("status = ?")
            parameters.append(check_status(status))
        if speaker:
            conditions.append("instr(speaker_key, ?) > 0")
            parameters.append(speaker.casefold())
        if not include_retracted:
            conditions.append("retracted_at IS NULL")
        return await self._page(conditions, parameters, limit=limit, offset=offset)

    async def _page(
        self, conditions: list[str], parameters: list[Any], *, limit: int, offset: int
    ) -> Page:
        """One page of the flags matching every condition, newest first, with the total."""
        where = " AND ".join(conditions)
        counted = await self.database.read(f"SELECT count(*) FROM flags WHERE {where}", parameters)
        total = int(counted[0][0])
        items: tuple[Flag, ...] = ()
        if offset < total and limit:
            rows = await self.database.read(
                f"SELECT {flag_columns()} FROM flags WHERE {where} "
                "ORDER BY number DESC LIMIT ? OFFSET ?",
                [*parameters, limit, offset],
            )
            items = tuple(flag_of(row) for row in rows)
        return Page(items=items, total=total, offset=offset, limit=limit)

    async def open_flags(self, chat_id: int, *, limit: int = 10, offset: int = 0) -> Page:
        """The flags still waiting for a verdict, newest first: the board and /log open."""
        return await self.list_flags(
            chat_id, status=Status.OPEN, include_retracted=False, limit=limit, offset=offset
        )

    async def search(self, chat_id: int, query: str, *, limit: int = 10) -> list[Flag]:
        """Full-text search of the chat's flags (text, speaker, notes), best first."""
        expression = fts_expression(chat_id, query)
        if expression is None or limit <= 0:
            return []
        # CROSS JOIN pins the index as the outer loop; a plan that walks the chat's
        # rows and probes the index for each one measured orders of magnitude slower.
        rows = await self.database.read(
            f"""
            SELECT {flag_columns("f")}
            FROM flags_fts CROSS JOIN flags AS f ON f.id = flags_fts.rowid
            WHERE flags_fts MATCH ? AND f.chat_id = ?
            ORDER BY bm25(flags_fts, 1.0, 1.0, 0.5), f.number DESC
            LIMIT ?
            """,
            (expression, chat_id, limit),
        )
        return [flag_of(row) for row in rows]

    async def summary(
        self, chat_id: int, round_name: str | None = None, *, open_limit: int = 20, top: int = 10
    ) -> Summary:
        """Counts by status, the oldest open flags and the most matched playbook refs."""
        conditions, parameters = scope(chat_id, round_name)
        where = " AND ".join(conditions)
        counts = await self.database.read(
            f"""
            SELECT status, retracted_at IS NOT NULL AS retracted, count(*) AS n
            FROM flags WHERE {where} GROUP BY 1, 2
            """,
            parameters,
        )
        by_status = dict.fromkeys(Status, 0)
        retracted = total = 0
        for row in counts:
            total += int(row["n"])
            if row["retracted"]:
                retracted += int(row["n"])
            else:
                by_status[Status(row["status"])] += int(row["n"])
        open_rows = await self.database.read(
            f"""
            SELECT {flag_columns()} FROM flags
            WHERE {where} AND status = ? AND retracted_at IS NULL
            ORDER BY number LIMIT ?
            """,
            [*parameters, Status.OPEN, open_limit],
        )
        scoped, scoped_parameters = scope(chat_id, round_name, alias="f")
        top_rows = await self.database.read(
            f"""
            SELECT ref.value AS ref, count(*) AS n
            FROM flags AS f, json_each(f.matches) AS ref
            WHERE {" AND ".join(scoped)} AND f.retracted_at IS NULL
            GROUP BY ref.value ORDER BY n DESC, ref.value LIMIT ?
            """,
            [*scoped_parameters, top],
        )
        return Summary(
            chat_id=chat_id,
            round_name=round_name,
            total=total,
            retracted=retracted,
            by_status=by_status,
            open_flags=tuple(flag_of(row) for row in open_rows),
            top_matches=tuple((str(row["ref"]), int(row["n"])) for row in top_rows),
        )

    # -- flags by a known speaker (/who) ---------------------------------------------
    # Which typed speakers name a playbook person is the playbook's business
    # (Playbook.person_for_speaker); these take the spellings it accepted.

    async def speaker_names(self, chat_id: int) -> list[str]:
        """Every distinct speaker typed in this chat's flags."""
        rows = await self.database.read(
            "SELECT DISTINCT speaker FROM flags WHERE chat_id = ? AND speaker IS NOT NULL",
            (chat_id,),
        )
        return [str(row[0]) for row in rows]

    async def flags_by_speakers(
        self, chat_id: int, speakers: Sequence[str], *, limit: int = 5
    ) -> list[Flag]:
        """The chat's newest flags whose speaker is one of ``speakers`` (any case)."""
        keys = json.dumps([speaker.casefold() for speaker in speakers])
        rows = await self.database.read(
            f"""
            SELECT {flag_columns()} FROM flags
            WHERE chat_id = ? AND speaker_key IN (SELECT value FROM json_each(?))
            ORDER BY number DESC LIMIT ?
            """,
            (chat_id, keys, limit),
        )
        return [flag_of(row) for row in rows]

    async def speaker_counts(self, chat_id: int, speakers: Sequence[str]) -> dict[str, int]:
        """How many of those speakers' flags have each status; retracted ones under
        "retracted" only, as in ``summary``."""
        keys = json.dumps([speaker.casefold() for speaker in speakers])
        rows = await self.database.read(
            """
            SELECT status, retracted_at IS NOT NULL AS retracted, count(*) AS n
            FROM flags
            WHERE chat_id = ? AND speaker_key IN (SELECT value FROM json_each(?))
            GROUP BY 1, 2
            """,
            (chat_id, keys),
        )
        counts = dict.fromkeys((*Status, "retracted"), 0)
        for row in rows:
            counts["retracted" if row["retracted"] else str(row["status"])] += int(row["n"])
        return counts

    # -- the board (bot.web) ----------------------------------------------------------
    # The Mini App shows the whole log with every filter at once; the chat's /log
    # pages have one filter each and keep using list_flags.

    async def board_flags(
        self,
        chat_id: int,
        *,
        status: str | None = None,
        retracted: bool | None = None,
        round_name: str | None = None,
        speaker: str | None = None,
        assignee: str | None = None,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """A page of the chat's flags, newest first, under every filter given.

        ``retracted`` True keeps only withdrawn flags, False only standing ones;
        ``assignee`` ignores case and a leading "@"; ``query`` goes through the
        full-text index, so it finds what /find finds.
        """
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        conditions, parameters = scope(chat_id, round_name)
        if status is not None:
            check_status(status)
            conditions.append("status = ?")
            parameters.append(status)
        if retracted is not None:
            conditions.append(f"retracted_at IS {'NOT ' if retracted else ''}NULL")
        if speaker:
            conditions.append("instr(speaker_key, ?) > 0")
            parameters.append(speaker.casefold())
        if assignee:
            # Telegram usernames are ASCII, which is what NOCASE folds.
            conditions.append("ltrim(assignee, '@') = ? COLLATE NOCASE")
            parameters.append(assignee.strip().lstrip("@"))
        if query is not None and query.strip():
            expression = fts_expression(chat_id, query)
            if expression is None:
                return Page(items=(), total=0, offset=offset, limit=limit)
            conditions.append("id IN (SELECT rowid FROM flags_fts WHERE flags_fts MATCH ?)")
            parameters.append(expression)
        return await self._page(conditions, parameters, limit=limit, offset=offset)

    async def log_version(self, chat_id: int) -> str:
        """Changes whenever any flag of the chat is added, changed or deleted: the
        board polls this and fetches the log again only when it moved."""
        rows = await self.database.read(
            "SELECT count(*), max(updated_at), max(number) FROM flags WHERE chat_id = ?",
            (chat_id,),
        )
        count, updated, last = rows[0]
        # Digits only, so that it goes into a query string unencoded ("+" would not).
        stamp = "".join(ch for ch in str(updated or "") if ch.isdigit())
        return f"{count}.{last or 0}.{stamp}"

    async def assignees(self, chat_id: int) -> list[str]:
        """Every distinct assignee of the chat's flags, for the board's filter."""
        rows = await self.database.read(
            "SELECT DISTINCT assignee FROM flags WHERE chat_id = ? AND assignee IS NOT NULL "
            "ORDER BY assignee COLLATE NOCASE",
            (chat_id,),
        )
        return [str(row[0]) for row in rows]
