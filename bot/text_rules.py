"""What text the flag log accepts, stated once for the chat and the board.

Every text that reaches the log (a statement, a note, a reason, an evidence link, an
assignee's name) passes :func:`check` first, which returns it trimmed or says why it
is refused. The refusals are the text the store cannot keep or that would mislead a
reader of the log:

- a lone surrogate (half of an emoji, or anything else not encodable as UTF-8):
  SQLite cannot store it, and Telegram refuses to show it;
- a NUL character, which cuts the text short in many readers of the database;
- a bidi control character (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C),
  which shows the text differently from what it says: ``…/\u202etxt.exe`` reads as
  ``…/exe.txt``;
- text longer than its kind allows.

Pure: no I/O, so the handlers, the board's API and the tests read the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from bot.i18n import Html, t
from bot.playbook import Lang


class Kind(StrEnum):
    """What a text is for: each kind has its length limit and its name in a refusal."""

    STATEMENT = "statement"
    NOTE = "note"
    REASON = "reason"
    LINK = "link"
    NAME = "name"
    ROUND = "round"
    POINT = "point"


LIMITS: Final[dict[Kind, int]] = {
    # As long as a Telegram message can be: anything said in the chat can be flagged.
    Kind.STATEMENT: 4096,
    Kind.NOTE: 2000,
    Kind.REASON: 2000,
    Kind.LINK: 500,
    # Names are cut to fit where they are shown (an assignee to 64, a round to 80).
    Kind.NAME: 200,
    Kind.ROUND: 200,
    # A talking point is a line to say at a press conference, not a speech.
    Kind.POINT: 1000,
}


class Problem(StrEnum):
    UNREADABLE = "unreadable"
    NUL = "nul"
    BIDI = "bidi"
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class Refused:
    """Why a text was refused: ``kind`` names it, ``limit`` is its kind's length limit."""

    problem: Problem
    kind: Kind
    limit: int


BIDI_CONTROLS: Final = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
_BIDI: Final = re.compile(f"[{''.join(sorted(BIDI_CONTROLS))}]")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def is_unicode(text: str) -> bool:
    """Whether ``text`` can be encoded as UTF-8 (holds no lone surrogate)."""
    return _SURROGATE.search(text) is None


def check(text: str, kind: Kind) -> str | Refused:
    """``text`` trimmed of surrounding white space, or why the log refuses it.

    Empty text is not refused here: whether a text may be empty is the caller's to say.
    """
    if not is_unicode(text):
        return Refused(Problem.UNREADABLE, kind, LIMITS[kind])
    if "\x00" in text:
        return Refused(Problem.NUL, kind, LIMITS[kind])
    if _BIDI.search(text) is not None:
        return Refused(Problem.BIDI, kind, LIMITS[kind])
    text = text.strip()
    if len(text) > LIMITS[kind]:
        return Refused(Problem.TOO_LONG, kind, LIMITS[kind])
    return text


def explain(refused: Refused, lang: Lang) -> str:
    """The refusal as the reader is told it: what was refused, why, and what to do."""
    what = Html(t(lang, f"text_kind_{refused.kind}"))
    return t(lang, f"text_{refused.problem}", what=what, limit=refused.limit)
