"""Callback data for inline buttons: short, parseable, and never trusted.

Telegram allows 1-64 bytes. Buttons carry only what names the thing to show; whose
chat, whose flag and who may act are always taken from the update itself, never
from this payload.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from bot.playbook import Kind

MAX_BYTES = 64
# No chat has a billion flags: a larger flag number or log offset is forged (SQLite
# cannot even take some of them, and a Prev button built from one would not fit).
MAX_NUMBER = 10**9

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


def open_entry(kind: Kind, key: str) -> str:
    return _checked(f"o:{_KIND_CODE[kind]}:{key}")


def list_kind(kind: Kind, page: int = 0) -> str:
    return _checked(f"l:{_KIND_CODE[kind]}:{page}")


def timeline_page(page: int, year: str = "") -> str:
    return _checked(f"tl:{page}:{year}")


def set_language(lang: str) -> str:
    return _checked(f"lang:{lang}")


def flag_action(action: str, number: int, arg: str = "") -> str:
    return _checked(f"f:{action}:{number}:{arg}")


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
            if not 0 < first <= last <= MAX_NUMBER or last - first >= most:
                return []
            numbers += range(first, last + 1)
    except ValueError:
        return []
    return numbers[:most]


def log_page(offset: int, filter_code: str = "") -> str:
    return _checked(f"log:{offset}:{filter_code}")


@dataclass(frozen=True)
class OpenEntry:
    kind: Kind
    key: str


@dataclass(frozen=True)
class ListKind:
    kind: Kind
    page: int


@dataclass(frozen=True)
class SetLanguage:
    lang: str


@dataclass(frozen=True)
class FlagAction:
    action: str
    number: int
    arg: str


@dataclass(frozen=True)
class LogPage:
    offset: int
    filter_code: str


@dataclass(frozen=True)
class TimelinePage:
    page: int
    year: str


@dataclass(frozen=True)
class Purge:
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

    @classmethod
    def matches(cls, data: object) -> bool:
        """For CallbackQueryHandler(pattern=...): whether ``data`` is this kind's."""
        return isinstance(data, str) and cls.parse(data) is not None


def purge(confirmed: bool) -> str:
    return Purge(confirmed).pack()


Callback = OpenEntry | ListKind | SetLanguage | FlagAction | LogPage | TimelinePage | Purge


def parse(data: str | None) -> Callback | None:
    """The button's meaning, or None for anything malformed or forged."""
    if not data:
        return None
    if (purge_answer := Purge.parse(data)) is not None:
        return purge_answer
    head, _, rest = data.partition(":")
    try:
        if head == "o":
            code, _, key = rest.partition(":")
            if code in _CODE_KIND and key:
                return OpenEntry(_CODE_KIND[code], key)
        elif head == "l":
            code, _, page = rest.partition(":")
            if code in _CODE_KIND:
                return ListKind(_CODE_KIND[code], max(0, int(page or 0)))
        elif head == "tl":
            page, _, year = rest.partition(":")
            if (not year or (len(year) == 4 and year.isdecimal())) and int(page) <= MAX_NUMBER:
                return TimelinePage(max(0, int(page)), year)
        elif head == "lang":
            return SetLanguage(rest)
        elif head == "f":
            action, number, arg = rest.split(":", 2)
            if 0 < int(number) <= MAX_NUMBER:
                return FlagAction(action, int(number), arg)
        elif head == "log":
            offset, _, filter_code = rest.partition(":")
            if int(offset) <= MAX_NUMBER:
                return LogPage(max(0, int(offset)), filter_code)
    except ValueError:
        return None
    return None
