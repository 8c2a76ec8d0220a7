"""What the store hands out: rows as frozen dataclasses, and the rules of their values."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final


class Status(StrEnum):
    """Where a flag stands; the value is what the database, exports and buttons carry."""

    OPEN = "open"
    VERIFIED = "verified"
    FALSE = "false"
    MISLEADING = "misleading"
    UNVERIFIABLE = "unverifiable"


# Every status in order, for what iterates them without the type (bench/ among them).
STATUSES: Final[tuple[Status, ...]] = tuple(Status)
# The statuses a verdict can give, in the order the buttons show them.
VERDICTS: Final[tuple[Status, ...]] = tuple(s for s in Status if s is not Status.OPEN)


@dataclass(frozen=True, slots=True)
class Round:
    id: int
    chat_id: int
    name: str
    started_at: datetime
    started_by_id: int | None
    ended_at: datetime | None
    ended_by_id: int | None

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True, slots=True)
class Flag:
    chat_id: int
    number: int
    created_at: datetime
    updated_at: datetime
    round_id: int | None
    round_name: str | None
    text: str
    speaker: str | None
    flagged_by_id: int
    flagged_by_name: str
    # The chat the flag's Telegram messages were sent in: its own chat_id, or the
    # group it was flagged in before that group became a supergroup.
    message_chat_id: int
    message_id: int | None
    message_date: datetime | None
    source_message_id: int | None
    # The forum topic the /flag came from; its confirmation goes there.
    thread_id: int | None
    # The flagger's language, for what the bot announces about the flag; None for a
    # flag made outside a chat, which nobody is told about.
    announce_lang: str | None
    source_link: str | None
    source_author: str | None
    confirmation_chat_id: int | None
    confirmation_message_id: int | None
    status: Status
    assignee: str | None
    # Whether the assignee may give the verdict: only when the flagger or a chat admin
    # made the assignment (access.Role.FLAGGER).
    assignee_may_judge: bool
    note: str | None
    matches: tuple[str, ...]
    retracted_at: datetime | None
    retract_reason: str | None
    # The earlier flag of this chat that said the same claim ("seen before").
    seen_before: int | None = None

    @property
    def retracted(self) -> bool:
        return self.retracted_at is not None


@dataclass(frozen=True, slots=True)
class LiveList:
    """A chat's live list of open flags: the message /board posts and the bot keeps
    editing. ("Board" is the analysts' board, the Mini App; the schema's columns for
    this message, board_message_id and the like, keep their old name.)"""

    message_id: int
    lang: str | None
    thread_id: int | None


@dataclass(frozen=True, slots=True)
class Updated:
    """A flag after a change was asked of it; ``changed`` False when it already was so,
    and then nothing was stored, recorded or announced."""

    flag: Flag
    changed: bool


@dataclass(frozen=True, slots=True)
class FlagEvent:
    number: int
    action: str
    old_value: str | None
    new_value: str | None
    note: str | None
    by_id: int | None
    by_name: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Summary:
    chat_id: int
    round_name: str | None
    total: int
    retracted: int
    # Retracted flags are counted in ``retracted`` only, not under their status.
    by_status: Mapping[Status, int]
    open_flags: tuple[Flag, ...]
    top_matches: tuple[tuple[str, int], ...]

    @property
    def open_count(self) -> int:
        return self.by_status.get(Status.OPEN, 0)


@dataclass(frozen=True, slots=True)
class Page:
    items: tuple[Flag, ...]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


FLAG_COLUMNS: Final = (
    "id",
    "chat_id",
    "number",
    "created_at",
    "updated_at",
    "round_id",
    "round_name",
    "text",
    "speaker",
    "flagged_by_id",
    "flagged_by_name",
    "message_chat_id",
    "message_id",
    "message_date",
    "source_message_id",
    "thread_id",
    "announce_lang",
    "source_link",
    "source_author",
    "confirmation_chat_id",
    "confirmation_message_id",
    "status",
    "assignee",
    "assignee_may_judge",
    "note",
    "matches",
    "retracted_at",
    "retract_reason",
    "seen_before",
)


def flag_columns(alias: str = "") -> str:
    """The columns :func:`flag_of` reads, for a SELECT (of table ``alias``)."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + column for column in FLAG_COLUMNS)


def now_iso() -> str:
    return iso(datetime.now(UTC))


def iso(moment: datetime) -> str:
    """Fixed-width UTC text, so comparing strings compares times."""
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _time(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def _optional_time(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))


def _optional_epoch(value: Any) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(int(value), UTC)


def optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def flag_of(row: sqlite3.Row) -> Flag:
    return Flag(
        chat_id=int(row["chat_id"]),
        number=int(row["number"]),
        created_at=_time(row["created_at"]),
        updated_at=_time(row["updated_at"]),
        round_id=optional_int(row["round_id"]),
        round_name=optional_str(row["round_name"]),
        text=str(row["text"]),
        speaker=optional_str(row["speaker"]),
        flagged_by_id=int(row["flagged_by_id"]),
        flagged_by_name=str(row["flagged_by_name"]),
        # A row written without it (by hand, or a bulk import) is of its own chat.
        message_chat_id=int(row["message_chat_id"] or row["chat_id"]),
        message_id=optional_int(row["message_id"]),
        message_date=_optional_epoch(row["message_date"]),
        source_message_id=optional_int(row["source_message_id"]),
        thread_id=optional_int(row["thread_id"]),
        announce_lang=optional_str(row["announce_lang"]),
        source_link=optional_str(row["source_link"]),
        source_author=optional_str(row["source_author"]),
        confirmation_chat_id=optional_int(row["confirmation_chat_id"]),
        confirmation_message_id=optional_int(row["confirmation_message_id"]),
        status=Status(row["status"]),
        assignee=optional_str(row["assignee"]),
        assignee_may_judge=bool(row["assignee_may_judge"]),
        note=optional_str(row["note"]),
        matches=tuple(str(ref) for ref in json.loads(row["matches"])),
        retracted_at=_optional_time(row["retracted_at"]),
        retract_reason=optional_str(row["retract_reason"]),
        seen_before=optional_int(row["seen_before"]),
    )


def round_of(row: sqlite3.Row) -> Round:
    return Round(
        id=int(row["id"]),
        chat_id=int(row["chat_id"]),
        name=str(row["name"]),
        started_at=_time(row["started_at"]),
        started_by_id=optional_int(row["started_by"]),
        ended_at=_optional_time(row["ended_at"]),
        ended_by_id=optional_int(row["ended_by"]),
    )


def event_of(row: sqlite3.Row) -> FlagEvent:
    return FlagEvent(
        number=int(row["number"]),
        action=str(row["action"]),
        old_value=optional_str(row["old_value"]),
        new_value=optional_str(row["new_value"]),
        note=optional_str(row["note"]),
        by_id=optional_int(row["by_id"]),
        by_name=optional_str(row["by_name"]),
        at=_time(row["at"]),
    )


def name_key(name: str) -> str:
    return name.strip().casefold()


def check_status(status: str) -> Status:
    """``status`` as a Status; ValueError, naming the choices, for anything else."""
    try:
        return Status(status)
    except ValueError:
        choices = ", ".join(Status)
        raise ValueError(f"unknown status {status!r}; expected one of {choices}") from None
