"""Callback data for inline buttons: short, parseable, and never trusted.

Telegram allows 1-64 bytes. Each kind of button is a small class that packs its
payload and parses it back, and its handler matches through that class
(``CallbackQueryHandler(pattern=Verdict.matches)``), so a format is written in one
place. Buttons carry only what names the thing to show; whose chat, whose flag and
who may act are always taken from the update itself, never from this payload.

Buttons stay in chats for months: a parser keeps reading every format this bot has
ever sent (see Purge).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Self

from bot.flag_input import MAX_FLAG_NUMBER
from bot.playbook import Kind

MAX_BYTES = 64

_KIND_CODE: dict[Kind, str] = {
    "principle": "p",
    "term": "t",
    "tactic": "k",
    "claim": "c",
    "person": "w",
    "event": "e",
}
_CODE_KIND: dict[str, Kind] = {code: kind for kind, code in _KIND_CODE.items()}


def _checked(data: str) -> str:
    if not 0 < len(data.encode()) <= MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def _number(text: str) -> int | None:
    """A page, offset or flag number as a button carries it (below zero reads as 0);
    None for anything forged."""
    try:
        value = int(text)
    except ValueError:
        return None
    return max(0, value) if value <= MAX_FLAG_NUMBER else None


class Payload:
    """One kind of button: ``PREFIX`` starts its data; ``parse`` reads it back or says
    None for anything malformed, forged or of another kind."""

    PREFIX: ClassVar[str]

    def pack(self) -> str:
        raise NotImplementedError

    @classmethod
    def parse(cls, data: str) -> Self | None:
        raise NotImplementedError

    @classmethod
    def matches(cls, data: object) -> bool:
        """For ``CallbackQueryHandler(pattern=...)``: whether ``data`` is this kind's."""
        return isinstance(data, str) and cls.parse(data) is not None

    @classmethod
    def _rest(cls, data: str) -> str | None:
        return data[len(cls.PREFIX) :] if data.startswith(cls.PREFIX) else None

    @classmethod
    def _fields(cls, data: str) -> tuple[str, str]:
        """The two fields after PREFIX, "a:b"; empty ones (which no kind accepts as its
        first) when ``data`` is another kind's."""
        first, _, second = (cls._rest(data) or "").partition(":")
        return first, second


@dataclass(frozen=True)
class OpenEntry(Payload):
    kind: Kind
    key: str

    PREFIX: ClassVar[str] = "o:"

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{_KIND_CODE[self.kind]}:{self.key}")

    @classmethod
    def parse(cls, data: str) -> OpenEntry | None:
        code, key = cls._fields(data)
        return cls(_CODE_KIND[code], key) if code in _CODE_KIND and key else None


@dataclass(frozen=True)
class ListKind(Payload):
    kind: Kind
    page: int = 0

    PREFIX: ClassVar[str] = "l:"

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{_KIND_CODE[self.kind]}:{self.page}")

    @classmethod
    def parse(cls, data: str) -> ListKind | None:
        code, page = cls._fields(data)
        number = _number(page or "0")
        return cls(_CODE_KIND[code], number) if code in _CODE_KIND and number is not None else None


@dataclass(frozen=True)
class TimelinePage(Payload):
    page: int
    year: str = ""

    PREFIX: ClassVar[str] = "tl:"

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{self.page}:{self.year}")

    @classmethod
    def parse(cls, data: str) -> TimelinePage | None:
        page, year = cls._fields(data)
        number = _number(page)
        if number is None or not (not year or (len(year) == 4 and year.isdecimal())):
            return None
        return cls(number, year)


@dataclass(frozen=True)
class SetLanguage(Payload):
    lang: str

    PREFIX: ClassVar[str] = "lang:"

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{self.lang}")

    @classmethod
    def parse(cls, data: str) -> SetLanguage | None:
        rest = cls._rest(data)
        return None if rest is None else cls(rest)


@dataclass(frozen=True)
class Verdict(Payload):
    """A verdict button under a confirmation or record: "f:v:12:false"."""

    number: int
    status: str

    PREFIX: ClassVar[str] = "f:v:"

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{self.number}:{self.status}")

    @classmethod
    def parse(cls, data: str) -> Verdict | None:
        number, status = cls._fields(data)
        value = _number(number)
        return cls(value, status) if value and status else None


@dataclass(frozen=True)
class Pick(Payload):
    """A number under a merged confirmation: opens that flag's verdict buttons."""

    number: int

    PREFIX: ClassVar[str] = "f:p:"

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{self.number}:")

    @classmethod
    def parse(cls, data: str) -> Pick | None:
        value = _number(cls._fields(data)[0])
        return cls(value) if value else None


@dataclass(frozen=True)
class ShowFlag(Payload):
    """ "Open #12" under a flag seen before: that flag's record, as /show 12."""

    number: int

    PREFIX: ClassVar[str] = "f:s:"

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{self.number}")

    @classmethod
    def parse(cls, data: str) -> ShowFlag | None:
        rest = cls._rest(data)
        value = _number(rest) if rest and rest.isdecimal() else None
        return cls(value) if value else None


@dataclass(frozen=True)
class BackToPicks(Payload):
    """ "All numbers" after a Pick: brings back the buttons of every flag it covered."""

    number: int
    numbers: tuple[int, ...]

    PREFIX: ClassVar[str] = "f:b:"

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{self.number}:{pack_numbers(self.numbers)}")

    @classmethod
    def parse(cls, data: str) -> BackToPicks | None:
        number, packed = cls._fields(data)
        value, numbers = _number(number), unpack_numbers(packed)
        return cls(value, tuple(numbers)) if value and numbers else None


@dataclass(frozen=True)
class LogPage(Payload):
    offset: int
    filter_code: str = ""

    PREFIX: ClassVar[str] = "log:"

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{self.offset}:{self.filter_code}")

    @classmethod
    def parse(cls, data: str) -> LogPage | None:
        offset, filter_code = cls._fields(data)
        value = _number(offset)
        return None if value is None else cls(value, filter_code)


@dataclass(frozen=True)
class Purge(Payload):
    """The answer to "delete this chat's whole log?"."""

    confirmed: bool

    PREFIX: ClassVar[str] = "purge:"
    # Buttons sent before this class borrowed a flag action with a made-up number.
    OLD_PREFIX: ClassVar[str] = "f:purge:1:"

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{'yes' if self.confirmed else 'no'}")

    @classmethod
    def parse(cls, data: str) -> Purge | None:
        for prefix in (cls.PREFIX, cls.OLD_PREFIX):
            if data.startswith(prefix) and data[len(prefix) :] in ("yes", "no"):
                return cls(data[len(prefix) :] == "yes")
        return None


@dataclass(frozen=True)
class PointAction(Payload):
    """A button under /points: edit ("e"), move up ("u") or remove ("r") a talking
    point, named by its id (which is scoped to the chat the button is in)."""

    action: str
    point_id: int

    PREFIX: ClassVar[str] = "pt:"
    ACTIONS: ClassVar[tuple[str, ...]] = ("e", "u", "r")

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{self.action}:{self.point_id}")

    @classmethod
    def parse(cls, data: str) -> PointAction | None:
        action, point_id = cls._fields(data)
        value = _number(point_id)
        return cls(action, value) if action in cls.ACTIONS and value else None


@dataclass(frozen=True)
class StatementDraft(Payload):
    """ "Draft the statement" for a round, in a language: under /round end, and under a
    draft for the other language."""

    round_id: int
    lang: str

    PREFIX: ClassVar[str] = "st:"

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{self.round_id}:{self.lang}")

    @classmethod
    def parse(cls, data: str) -> StatementDraft | None:
        round_id, lang = cls._fields(data)
        value = _number(round_id)
        return cls(value, lang) if value and lang in ("en", "uk") else None


_CHECK_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")


@dataclass(frozen=True)
class TranscriptFlag(Payload):
    """Under a checked transcript: flag its finding ``index`` (from 0); the check's
    result is kept in memory under ``check_id`` (bot.handlers.transcript)."""

    check_id: str
    index: int

    PREFIX: ClassVar[str] = "tr:f:"

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{self.check_id}:{self.index}")

    @classmethod
    def parse(cls, data: str) -> TranscriptFlag | None:
        check_id, index = cls._fields(data)
        value = _number(index) if index else None
        if value is None or not _CHECK_ID.fullmatch(check_id):
            return None
        return cls(check_id, value)


@dataclass(frozen=True)
class TranscriptPage(Payload):
    """Previous and Next under a checked transcript's findings."""

    check_id: str
    page: int

    PREFIX: ClassVar[str] = "tr:p:"

    def pack(self) -> str:
        return _checked(f"{self.PREFIX}{self.check_id}:{self.page}")

    @classmethod
    def parse(cls, data: str) -> TranscriptPage | None:
        check_id, page = cls._fields(data)
        value = _number(page) if page else None
        if value is None or not _CHECK_ID.fullmatch(check_id):
            return None
        return cls(check_id, value)


KINDS: tuple[type[Payload], ...] = (
    OpenEntry,
    ListKind,
    TimelinePage,
    SetLanguage,
    Verdict,
    Pick,
    ShowFlag,
    BackToPicks,
    LogPage,
    Purge,
    PointAction,
    StatementDraft,
    TranscriptFlag,
    TranscriptPage,
)


def any_of(*kinds: type[Payload]) -> Callable[[object], bool]:
    """A ``pattern`` for a handler of several kinds."""
    return lambda data: any(kind.matches(data) for kind in kinds)


def parse(data: str | None) -> Payload | None:
    """The button's meaning, or None for anything malformed or forged."""
    if not data:
        return None
    for kind in KINDS:
        parsed = kind.parse(data)
        if parsed is not None:
            return parsed
    return None


def pack_numbers(numbers: Sequence[int], limit: int = 40) -> str:
    """Flag numbers as short ranges, ``"21-27.30"``; past ``limit`` bytes, one range."""
    ordered = sorted(set(numbers))
    ranges: list[str] = []
    start = previous = ordered[0]
    for number in [*ordered[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        ranges.append(str(start) if start == previous else f"{start}-{previous}")
        if number is not None:
            start = previous = number
    packed = ".".join(ranges)
    return packed if len(packed) <= limit else f"{ordered[0]}-{ordered[-1]}"


def unpack_numbers(packed: str, most: int = 100) -> list[int]:
    """The numbers :func:`pack_numbers` packed; [] for anything malformed or too many."""
    numbers: list[int] = []
    try:
        for part in packed.split("."):
            low, _, high = part.partition("-")
            first, last = int(low), int(high or low)
            if not 0 < first <= last <= MAX_FLAG_NUMBER or last - first >= most:
                return []
            numbers += range(first, last + 1)
    except ValueError:
        return []
    return numbers[:most]


# Builders for the places that only make buttons.
def open_entry(kind: Kind, key: str) -> str:
    return OpenEntry(kind, key).pack()


def list_kind(kind: Kind, page: int = 0) -> str:
    return ListKind(kind, page).pack()


def timeline_page(page: int, year: str = "") -> str:
    return TimelinePage(page, year).pack()


def set_language(lang: str) -> str:
    return SetLanguage(lang).pack()


def verdict(number: int, status: str) -> str:
    return Verdict(number, status).pack()


def pick(number: int) -> str:
    return Pick(number).pack()


def show_flag(number: int) -> str:
    return ShowFlag(number).pack()


def back_to_picks(number: int, numbers: Sequence[int]) -> str:
    return BackToPicks(number, tuple(numbers)).pack()


def log_page(offset: int, filter_code: str = "") -> str:
    return LogPage(offset, filter_code).pack()


def purge(confirmed: bool) -> str:
    return Purge(confirmed).pack()


def point_action(action: str, point_id: int) -> str:
    return PointAction(action, point_id).pack()


def statement_draft(round_id: int, lang: str) -> str:
    return StatementDraft(round_id, lang).pack()


def transcript_flag(check_id: str, index: int) -> str:
    return TranscriptFlag(check_id, index).pack()


def transcript_page(check_id: str, page: int) -> str:
    return TranscriptPage(check_id, page).pack()
