"""Flags and their history: a new flag, every change to one, and what it went through.

A flag is one INSERT whose triggers do the rest (its number, its first history row,
its full-text entry, its confirmation in the outbox); flags added concurrently share
a commit. A change is one transaction that updates the flag and appends its history
row, whose triggers queue what the group is to hear (bot.store.outbox).
"""

from __future__ import annotations

import asyncio
import functools
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

import aiosqlite

from bot.store.database import Database
from bot.store.errors import FlagNotFound, StoreError
from bot.store.fulltext import Term, stem_terms
from bot.store.models import (
    FLAG_COLUMNS,
    Flag,
    FlagEvent,
    Status,
    Updated,
    check_status,
    event_of,
    flag_columns,
    flag_of,
    iso,
    now_iso,
    optional_int,
    optional_str,
)

_UPDATABLE_COLUMNS: Final = frozenset(
    {
        "status",
        "assignee",
        "assignee_may_judge",
        "note",
        "text",
        "matches",
        "retracted_at",
        "retract_reason",
        "seen_before",
        "seen_key",
    }
)
# How many earlier flags "seen before" compares a statement with, from each index.
SEEN_CANDIDATES: Final = 16
# The rarest words of a statement that look up earlier flags in the full-text index.
SEEN_WORDS: Final = 3
# A statement's first playbook entries that look up earlier flags (mentions gives three).
SEEN_REFS: Final = 3


# What a new flag's INSERT leaves to SQLite (id, number, round) or to later changes.
_DECIDED_LATER: Final = frozenset(
    {
        "id",
        "number",
        "updated_at",
        "round_id",
        "round_name",
        "confirmation_chat_id",
        "confirmation_message_id",
        "status",
        "assignee",
        "assignee_may_judge",
        "retracted_at",
        "retract_reason",
    }
)
# The columns a new flag's INSERT sets, chat_id and created_at first (?1 and ?2).
_NEW_FLAG_FIELDS: Final = (
    *(column for column in FLAG_COLUMNS if column not in _DECIDED_LATER),
    "speaker_key",
    "seen_key",
)
MAX_FLAG_BATCH: Final = 64
# What SQLite decides for a new flag; the caller already knows everything else.
_ADDED_COLUMNS: Final = "id, number, round_id, round_name"


@functools.cache
def _add_flags_sql(count: int) -> str:
    """One INSERT for ``count`` new flags, numbered from each chat's counter.

    The numbered rows are materialized before the first insert, so every read of
    a counter precedes the trigger that raises it, and flags of the same chat in
    one batch take consecutive numbers in arrival order.
    """
    fields = ", ".join(_NEW_FLAG_FIELDS)
    if count == 1:
        # A lone flag skips the batch machinery, which costs it a third more time.
        # ?1 is chat_id and ?2 created_at, the first two of _NEW_FLAG_FIELDS.
        values = ", ".join(f"?{index}" for index in range(1, len(_NEW_FLAG_FIELDS) + 1))
        return f"""
            INSERT INTO flags ({fields}, number, updated_at, round_id, round_name)
            VALUES (
                {values},
                coalesce((SELECT last_flag_number FROM chats WHERE chat_id = ?1), 0) + 1,
                ?2,
                (SELECT id FROM rounds WHERE chat_id = ?1 AND ended_at IS NULL),
                (SELECT name FROM rounds WHERE chat_id = ?1 AND ended_at IS NULL)
            )
            RETURNING {_ADDED_COLUMNS}
        """
    row = f"({', '.join('?' * (len(_NEW_FLAG_FIELDS) + 1))})"
    return f"""
        INSERT INTO flags (
            {fields}, number, updated_at, round_id, round_name
        )
        WITH batch (position, {fields}) AS MATERIALIZED (
            VALUES {", ".join([row] * count)}
        ),
        numbered AS MATERIALIZED (
            SELECT batch.*,
                   coalesce(chats.last_flag_number, 0)
                   + row_number() OVER (PARTITION BY batch.chat_id ORDER BY position) AS number
            FROM batch LEFT JOIN chats ON chats.chat_id = batch.chat_id
        )
        SELECT {fields}, number, created_at,
            (SELECT id FROM rounds
             WHERE rounds.chat_id = numbered.chat_id AND ended_at IS NULL),
            (SELECT name FROM rounds
             WHERE rounds.chat_id = numbered.chat_id AND ended_at IS NULL)
        FROM numbered ORDER BY position
        RETURNING {_ADDED_COLUMNS}
    """


_INSERT_EVENT_SQL: Final = """
    INSERT INTO flag_events (flag_id, at, action, old_value, new_value, note, by_id, by_name)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""


def _append_note(existing: str | None, note: str) -> str:
    return note if not existing else f"{existing}\n{note}"


def _same_assignee(current: str | None, wanted: str | None) -> bool:
    """Telegram usernames ignore case, and "@" is how people happen to type them."""
    if current is None or wanted is None:
        return current is wanted
    return current.lstrip("@").casefold() == wanted.lstrip("@").casefold()


@dataclass(frozen=True, slots=True)
class Candidate:
    """An earlier flag a new statement may repeat, as much of it as the matcher reads:
    its text, its playbook matches and what the matcher read in it when it was logged
    (``seen_key``, bot.sameness.stored; None for a flag logged before that)."""

    number: int
    text: str
    matches: tuple[str, ...]
    seen_key: str | None
    row: sqlite3.Row = field(repr=False, compare=False)

    def flag(self) -> Flag:
        """The whole flag, made only for the one that matched."""
        return flag_of(self.row)


@dataclass(slots=True)
class _NewFlag:
    values: tuple[Any, ...]
    known: dict[str, Any]
    done: asyncio.Future[Flag]


def _settle(future: asyncio.Future[Flag], outcome: Flag | BaseException) -> None:
    if future.done():
        return
    if isinstance(outcome, asyncio.CancelledError):
        future.cancel()
    elif isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


class Flags:
    database: Database
    # The group commit's queue and its writer task (see _write_new_flags).
    _new_flags: list[_NewFlag]
    _flag_writer: asyncio.Task[None] | None

    async def _finish_writes(self) -> None:
        """Requests already accepted are written, not dropped."""
        if self._flag_writer is not None:
            with suppress(Exception):
                await asyncio.shield(self._flag_writer)

    # -- flags --------------------------------------------------------------------

    async def add_flag(
        self,
        chat_id: int,
        *,
        text: str,
        speaker: str | None,
        flagged_by_id: int,
        flagged_by_name: str,
        message_id: int | None,
        message_chat_id: int | None = None,
        message_date: datetime | None = None,
        source_message_id: int | None = None,
        thread_id: int | None = None,
        announce_lang: str | None = None,
        source_link: str | None = None,
        source_author: str | None = None,
        matches: Sequence[str] = (),
        note: str | None = None,
        seen_before: int | None = None,
        seen_key: str | None = None,
    ) -> Flag:
        """Log a statement under the chat's next number; committed on return.

        ``message_chat_id`` and ``message_id`` name the /flag command's Telegram
        message (its chat defaults to ``chat_id``), ``message_date`` when it was sent:
        together with the flagger they recognise the same command sent again.
        With ``announce_lang`` the confirmation is queued in the outbox by the same
        INSERT (in ``thread_id``, the forum topic, if any). ``seen_before`` is the
        number of the earlier flag that said the same, ``seen_key`` what the matcher
        read in this one (bot.sameness).
        """
        if isinstance(matches, str):
            raise TypeError("matches must be a sequence of refs, not one string")
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        self.database.check_open()
        now = datetime.now(UTC)
        refs = tuple(dict.fromkeys(matches))
        if message_chat_id is None:
            message_chat_id = chat_id
        if message_date is not None:
            # Telegram dates are whole seconds; so is what is stored.
            message_date = datetime.fromtimestamp(int(message_date.timestamp()), UTC)
        # The row as stored, but for what the INSERT decides: number and round.
        known = {
            "chat_id": chat_id,
            "created_at": now,
            "updated_at": now,
            "text": text,
            "speaker": speaker,
            "flagged_by_id": flagged_by_id,
            "flagged_by_name": flagged_by_name,
            "message_chat_id": message_chat_id,
            "message_id": message_id,
            "message_date": message_date,
            "source_message_id": source_message_id,
            "thread_id": thread_id,
            "announce_lang": announce_lang,
            "source_link": source_link,
            "source_author": source_author,
            "confirmation_chat_id": None,
            "confirmation_message_id": None,
            "status": Status.OPEN,
            "assignee": None,
            "assignee_may_judge": False,
            "note": note or None,
            "matches": refs,
            "retracted_at": None,
            "retract_reason": None,
            "seen_before": seen_before,
        }
        # The same, as SQLite keeps it.
        stored = {
            **known,
            "created_at": iso(now),
            "message_date": None if message_date is None else int(message_date.timestamp()),
            "matches": json.dumps(refs, ensure_ascii=False),
            "speaker_key": None if speaker is None else speaker.casefold(),
            "seen_key": seen_key,
        }
        values = tuple(stored[column] for column in _NEW_FLAG_FIELDS)
        request = _NewFlag(values, known, asyncio.get_running_loop().create_future())
        self._new_flags.append(request)
        if self._flag_writer is None:
            self._flag_writer = asyncio.create_task(self._write_new_flags())
        return await request.done

    async def _write_new_flags(self) -> None:
        """Group commit: flags requested while one INSERT runs go in the next one.

        A lone caller pays one statement, as before; many concurrent callers share
        each commit, which is what keeps sustained throughput up.
        """
        try:
            while self._new_flags:
                batch = self._new_flags[:MAX_FLAG_BATCH]
                del self._new_flags[:MAX_FLAG_BATCH]
                # A caller that gave up before its row was sent gets no row.
                batch = [request for request in batch if not request.done.cancelled()]
                if batch:
                    await self._insert_flags(batch)
        except BaseException as exc:
            # Nobody is left to write the queue: no caller may wait forever.
            for request in self._new_flags:
                _settle(request.done, exc)
            self._new_flags.clear()
            raise
        finally:
            self._flag_writer = None

    async def _insert_flags(self, batch: list[_NewFlag]) -> None:
        parameters: list[Any] = []
        if len(batch) == 1:
            parameters += batch[0].values
        else:
            for position, request in enumerate(batch):
                parameters += (position, *request.values)
        try:
            rows = await self.database.write(_add_flags_sql(len(batch)), parameters)
        except Exception as exc:
            # Any error, not only the database's (a text SQLite cannot encode raises
            # UnicodeEncodeError): it is the caller's whose row caused it, never its
            # neighbours', nor theirs still queued behind it.
            if len(batch) == 1:
                _settle(batch[0].done, exc)
                return
            for request in batch:
                await self._insert_flags([request])
            return
        except BaseException as exc:
            for request in batch:
                _settle(request.done, exc)
            raise
        if len(rows) != len(batch):
            error = StoreError(f"inserted {len(rows)} flags for {len(batch)} requests")
            for request in batch:
                _settle(request.done, error)
            return
        # RETURNING has no defined order, but ids follow insertion, which is batch order.
        rows.sort(key=lambda row: int(row["id"]))
        for request, row in zip(batch, rows, strict=True):
            added = Flag(
                number=int(row["number"]),
                round_id=optional_int(row["round_id"]),
                round_name=optional_str(row["round_name"]),
                **request.known,
            )
            _settle(request.done, added)

    async def get_flag(self, chat_id: int, number: int) -> Flag | None:
        row = await self.database.read_one(
            f"SELECT {flag_columns()} FROM flags WHERE chat_id = ? AND number = ?",
            (chat_id, number),
        )
        return None if row is None else flag_of(row)

    async def seen_candidates(
        self,
        chat_id: int,
        words: Sequence[str],
        refs: Sequence[str],
        *,
        before: int | None = None,
    ) -> list[Candidate]:
        """The chat's flags (numbered below ``before``) a statement may repeat, not
        withdrawn: those whose text the full-text index ranks best for any of
        ``words`` in any form, and the first to match any of ``refs`` (playbook
        entries). At most SEEN_CANDIDATES of each, read through indexes: never the
        chat's whole log."""
        terms = await self._rarer_half(stem_terms(chat_id, words))
        parameters: dict[str, Any] = {
            "chat": chat_id,
            "most": SEEN_CANDIDATES,
            "before": before,
            "words": "text : (" + " OR ".join(term.fts() for term in terms) + ")",
        }
        # Each source its own SELECT, so each reads only as far as its LIMIT: one
        # ranked full-text lookup, and per playbook entry its first flags in order.
        sources = []
        if terms:
            sources.append(
                "SELECT * FROM (SELECT rowid AS id FROM flags_fts "
                "WHERE flags_fts MATCH :words ORDER BY rank LIMIT :most)"
            )
        for index, ref in enumerate(refs[:SEEN_REFS]):
            parameters[f"ref{index}"] = ref
            sources.append(
                "SELECT * FROM (SELECT flag_id AS id FROM flag_refs "
                f"WHERE chat_id = :chat AND ref = :ref{index} ORDER BY flag_id LIMIT :most)"
            )
        if not sources:
            return []
        rows = await self.database.read(
            f"""
            WITH candidates (id) AS ({" UNION ".join(sources)})
            SELECT {flag_columns("flags")}, seen_key
            -- CROSS JOIN: the few candidates first, each flag by its id, never a walk
            -- through the chat's flags checking each against them.
            FROM candidates CROSS JOIN flags ON flags.id = candidates.id
            WHERE chat_id = :chat AND retracted_at IS NULL
              AND (:before IS NULL OR number < :before)
            ORDER BY number
            """,
            parameters,
        )
        return [
            Candidate(
                number=int(row["number"]),
                text=str(row["text"]),
                matches=tuple(json.loads(row["matches"])),
                seen_key=optional_str(row["seen_key"]),
                row=row,
            )
            for row in rows
        ]

    async def _rarer_half(self, terms: Sequence[Term]) -> list[Term]:
        """The rarest of ``terms`` in the chat's flags, those in none left out: asking
        the index for the common words too would rank thousands of flags to find no
        other."""
        if not terms:
            return []
        counts = await self._counts(terms)
        # Words no flag has yet (the new ones in a reworded claim) find nothing: the
        # rarest are chosen among the others.
        counted = sorted(
            (flags, position)
            for position, term in enumerate(terms)
            if (flags := counts[term.fts()])
        )
        # A statement that says the same as another shares half its words, so it has
        # one of the rarer half (and one); the three rarest at most, as each more word
        # asked costs the index a walk through its flags.
        keep = min(SEEN_WORDS, len(terms) - (len(terms) + 1) // 2 + 1)
        return [terms[position] for _, position in counted[:keep]]

    async def _counts(self, terms: Sequence[Term]) -> dict[str, int]:
        """How many flags have each term, by its FTS form: counted afresh for every
        statement (about 0.5 ms of CPU on a 10,000-flag chat), as a count kept from
        before the word's first flag would hide that flag from the next statement
        that says the same."""
        ranges = json.dumps([[term.text, term.upper_bound()] for term in terms])
        rows = await self.database.read(
            """
            SELECT ranges.key AS position,
                   (SELECT coalesce(sum(doc), 0) FROM flags_fts_vocab
                    WHERE col = 'text'
                      AND term >= ranges.value ->> 0 AND term < ranges.value ->> 1
                   ) AS flags
            FROM json_each(?) AS ranges
            """,
            (ranges,),
        )
        return {terms[int(row["position"])].fts(): int(row["flags"]) for row in rows}

    async def repeated_by(self, chat_id: int, number: int) -> list[int]:
        """The numbers of the chat's flags, not withdrawn, that repeat flag ``number``
        (seen before), in order."""
        rows = await self.database.read(
            """
            SELECT number FROM flags
            WHERE chat_id = ? AND seen_before = ? AND retracted_at IS NULL
            ORDER BY number
            """,
            (chat_id, number),
        )
        return [int(row["number"]) for row in rows]

    async def flags_numbered(self, chat_id: int, numbers: Iterable[int]) -> dict[int, Flag]:
        """The chat's flags with those numbers, by number; a number it lacks is left out."""
        wanted = sorted(set(numbers))
        if not wanted:
            return {}
        rows = await self.database.read(
            f"""
            SELECT {flag_columns()} FROM flags
            WHERE chat_id = ? AND number IN (SELECT value FROM json_each(?))
            """,
            (chat_id, json.dumps(wanted)),
        )
        return {flag.number: flag for flag in map(flag_of, rows)}

    async def flag_from_command(
        self,
        message_chat_id: int,
        message_id: int,
        *,
        flagged_by_id: int,
        message_date: datetime | None,
    ) -> Flag | None:
        """The flag that /flag command created, if it created one.

        The same message id in the same chat from the same sender at the same second
        is the same command sent again; any of them differing is a new statement
        (flags stored before dates were kept match on the rest).
        """
        date = None if message_date is None else int(message_date.timestamp())
        row = await self.database.read_one(
            f"""
            SELECT {flag_columns()} FROM flags
            WHERE message_chat_id = ? AND message_id = ? AND flagged_by_id = ?
              AND (message_date IS NULL OR message_date IS ?)
            """,
            (message_chat_id, message_id, flagged_by_id, date),
        )
        return None if row is None else flag_of(row)

    async def flag_by_message(self, chat_id: int, message_id: int) -> Flag | None:
        """The newest flag of ``chat_id`` made by, or about, that message of the chat."""
        row = await self.database.read_one(
            f"""
            SELECT {flag_columns()} FROM (
                SELECT * FROM flags WHERE message_chat_id = :chat AND message_id = :message
                UNION ALL
                SELECT * FROM flags WHERE message_chat_id = :chat AND source_message_id = :message
            )
            WHERE chat_id = :chat
            -- +number: sorting the one or two hits beats walking the chat in order.
            ORDER BY +number DESC LIMIT 1
            """,
            {"chat": chat_id, "message": message_id},
        )
        return None if row is None else flag_of(row)

    async def _locked_flag(
        self, db: aiosqlite.Connection, chat_id: int, number: int
    ) -> tuple[int, Flag]:
        rows = list(
            await db.execute_fetchall(
                f"SELECT {flag_columns()} FROM flags WHERE chat_id = ? AND number = ?",
                (chat_id, number),
            )
        )
        if not rows:
            raise FlagNotFound(chat_id, number)
        return int(rows[0]["id"]), flag_of(rows[0])

    async def _update_flag(
        self, db: aiosqlite.Connection, flag_id: int, now: str, changes: Mapping[str, Any]
    ) -> Flag:
        if not changes.keys() <= _UPDATABLE_COLUMNS:
            raise ValueError(f"not updatable: {sorted(changes.keys() - _UPDATABLE_COLUMNS)}")
        assignments = ", ".join(f"{column} = ?" for column in changes)
        rows = list(
            await db.execute_fetchall(
                f"UPDATE flags SET {assignments}, updated_at = ? WHERE id = ? "
                f"RETURNING {flag_columns()}",
                (*changes.values(), now, flag_id),
            )
        )
        return flag_of(rows[0])

    @staticmethod
    async def _record(
        db: aiosqlite.Connection,
        flag_id: int,
        now: str,
        action: str,
        old_value: str | None,
        new_value: str | None,
        note: str | None,
        by_id: int,
        by_name: str,
    ) -> None:
        await db.execute_fetchall(
            _INSERT_EVENT_SQL, (flag_id, now, action, old_value, new_value, note, by_id, by_name)
        )

    async def set_status(
        self,
        chat_id: int,
        number: int,
        status: Status,
        *,
        note: str | None = None,
        by_id: int,
        by_name: str,
    ) -> Updated:
        """Record a verdict; a note is kept in the history and appended to the flag's
        notes. The notice to the flagger is queued by the history's trigger."""
        status = check_status(status)
        note = note or None
        now = now_iso()
        async with self.database.transaction() as db:
            flag_id, flag = await self._locked_flag(db, chat_id, number)
            if flag.status == status:
                return Updated(flag, changed=False)
            changes: dict[str, Any] = {"status": status}
            if note:
                changes["note"] = _append_note(flag.note, note)
            updated = await self._update_flag(db, flag_id, now, changes)
            await self._record(
                db, flag_id, now, "status", flag.status, status, note, by_id, by_name
            )
        return Updated(updated, changed=True)

    async def assign(
        self, chat_id: int, number: int, assignee: str | None, *, by_id: int, by_name: str
    ) -> Updated:
        """Give the flag to someone to check; an empty assignee unassigns. Only the
        flagger or a chat admin may assign (bot.access), so the assignee may also give
        the verdict. The group hears of it by the history's trigger."""
        assignee = (assignee or "").strip() or None
        now = now_iso()
        async with self.database.transaction() as db:
            flag_id, flag = await self._locked_flag(db, chat_id, number)
            if _same_assignee(flag.assignee, assignee) and flag.assignee_may_judge == bool(
                assignee
            ):
                return Updated(flag, changed=False)
            changes = {"assignee": assignee, "assignee_may_judge": int(bool(assignee))}
            updated = await self._update_flag(db, flag_id, now, changes)
            await self._record(
                db, flag_id, now, "assign", flag.assignee, assignee, None, by_id, by_name
            )
        return Updated(updated, changed=True)

    async def add_note(
        self, chat_id: int, number: int, note: str, *, by_id: int, by_name: str
    ) -> Updated:
        if not note.strip():
            raise ValueError("an empty note")
        now = now_iso()
        async with self.database.transaction() as db:
            flag_id, flag = await self._locked_flag(db, chat_id, number)
            updated = await self._update_flag(
                db, flag_id, now, {"note": _append_note(flag.note, note)}
            )
            await self._record(
                db, flag_id, now, "note", flag.note, updated.note, note, by_id, by_name
            )
        return Updated(updated, changed=True)

    async def edit_text(
        self,
        chat_id: int,
        number: int,
        new_text: str,
        *,
        by_id: int,
        by_name: str,
        matches: Sequence[str] | None = None,
        seen_before: int | None = None,
        seen_key: str | None = None,
    ) -> Updated:
        """Follow an edit of the flagged Telegram message; the old text stays in history.
        ``matches`` are the playbook entries the new text mentions (None keeps the
        old), ``seen_before`` the earlier flag it repeats, if any, ``seen_key`` what
        the matcher read in it."""
        now = now_iso()
        async with self.database.transaction() as db:
            flag_id, flag = await self._locked_flag(db, chat_id, number)
            if flag.text == new_text:
                return Updated(flag, changed=False)
            changes: dict[str, Any] = {
                "text": new_text,
                "seen_before": seen_before,
                "seen_key": seen_key,
            }
            if matches is not None:
                changes["matches"] = json.dumps(tuple(dict.fromkeys(matches)), ensure_ascii=False)
            updated = await self._update_flag(db, flag_id, now, changes)
            await self._record(db, flag_id, now, "edit", flag.text, new_text, None, by_id, by_name)
        return Updated(updated, changed=True)

    async def retract(
        self, chat_id: int, number: int, reason: str | None, *, by_id: int, by_name: str
    ) -> Updated:
        """Mark the flag withdrawn; it keeps its number and stays in the log."""
        reason = reason.strip() if reason else None
        now = now_iso()
        async with self.database.transaction() as db:
            flag_id, flag = await self._locked_flag(db, chat_id, number)
            if flag.retracted:
                return Updated(flag, changed=False)
            updated = await self._update_flag(
                db, flag_id, now, {"retracted_at": now, "retract_reason": reason}
            )
            await self._record(db, flag_id, now, "retract", None, reason, reason, by_id, by_name)
        return Updated(updated, changed=True)

    async def history(self, chat_id: int, number: int) -> list[FlagEvent]:
        """Every change to the flag, oldest first."""
        rows = await self.database.read(
            """
            SELECT f.number, e.id AS event_id, e.action, e.old_value, e.new_value, e.note,
                   e.by_id, e.by_name, e.at
            FROM flags AS f LEFT JOIN flag_events AS e ON e.flag_id = f.id
            WHERE f.chat_id = ? AND f.number = ?
            ORDER BY e.id
            """,
            (chat_id, number),
        )
        if not rows:
            raise FlagNotFound(chat_id, number)
        return [event_of(row) for row in rows if row["event_id"] is not None]

    async def history_for(self, chat_id: int, numbers: Iterable[int]) -> dict[int, list[FlagEvent]]:
        """Histories of many flags in one query; unknown numbers map to empty lists."""
        wanted = sorted(set(numbers))
        histories: dict[int, list[FlagEvent]] = {number: [] for number in wanted}
        if not wanted:
            return histories
        rows = await self.database.read(
            """
            SELECT f.number, e.action, e.old_value, e.new_value, e.note, e.by_id, e.by_name, e.at
            FROM flags AS f JOIN flag_events AS e ON e.flag_id = f.id
            WHERE f.chat_id = ? AND f.number IN (SELECT value FROM json_each(?))
            ORDER BY f.number, e.id
            """,
            (chat_id, json.dumps(wanted)),
        )
        for row in rows:
            histories[int(row["number"])].append(event_of(row))
        return histories
