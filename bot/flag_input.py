"""What people type about the flag log, read one way wherever they type it: who said a
statement (``Lavrov: …``), a verdict word in either language, a flag number.

The chat's commands, its buttons and the board all read their input through here, so
"#12" is a flag number, and "Лавров: …" names a speaker, in every one of them.
"""

from __future__ import annotations

import re
from typing import Final

from bot.i18n import t
from bot.playbook import LANGUAGES, Lang
from bot.store.models import Status

# No chat has a billion flags: a larger flag number or log offset is forged (SQLite
# cannot even take some of them, and a Prev button built from one would not fit).
MAX_FLAG_NUMBER: Final = 10**9

# "Lavrov: ..." names the speaker: a short name before a colon, not a URL.
_SPEAKER = re.compile(r"^(?P<speaker>[^\n:/]{1,48}?)\s*:\s+(?P<text>\S.*)$", re.DOTALL)
# A speaker and nothing they said: "/flag Lavrov:" is a statement still to type.
_SPEAKER_ONLY = re.compile(r"^(?P<speaker>[^\n:/]{1,48}?)\s*:\s*$")
MAX_SPEAKER_WORDS: Final = 5

# What people type for a verdict besides each status's own word in either language.
_SYNONYMS: Final[dict[str, Status]] = {
    "true": Status.VERIFIED,
    "ok": Status.VERIFIED,
    "confirmed": Status.VERIFIED,
    "lie": Status.FALSE,
    "fake": Status.FALSE,
    "unverified": Status.UNVERIFIABLE,
    "unknown": Status.UNVERIFIABLE,
    "reopen": Status.OPEN,
    "підтверджено": Status.VERIFIED,
    "брехня": Status.FALSE,
    # The Ukrainian words before "На перевірці" and "Неможливо перевірити", still
    # taken so nobody's habit breaks.
    "відкрито": Status.OPEN,
    "відкрита": Status.OPEN,
    "неперевірне": Status.UNVERIFIABLE,
    "неперевірено": Status.UNVERIFIABLE,
}
_STATUS_WORDS: Final[dict[str, Status]] = {
    **_SYNONYMS,
    **{status.value: status for status in Status},
    **{t(lang, f"status_{status}").casefold(): status for status in Status for lang in LANGUAGES},
}


def split_speaker(text: str) -> tuple[str | None, str]:
    """``"Lavrov: the talks failed"`` → ("Lavrov", "the talks failed");
    ``"Lavrov:"`` → ("Lavrov", ""), nothing said yet; without a speaker, (None, text)."""
    match = _SPEAKER.match(text) or _SPEAKER_ONLY.match(text)
    if match is None:
        return None, text
    speaker = match["speaker"].strip()
    if not speaker or len(speaker.split()) > MAX_SPEAKER_WORDS:
        return None, text
    return speaker, (match.groupdict().get("text") or "").strip()


def parse_status(word: str) -> Status | None:
    """A verdict as typed: its own word in English or Ukrainian, or a synonym."""
    return _STATUS_WORDS.get(" ".join(word.casefold().split()))


# Longest first, so "неможливо перевірити" is read before any one-word status.
_BY_LENGTH: Final = sorted(_STATUS_WORDS, key=lambda words: -len(words.split()))


def split_status(typed: str) -> tuple[Status | None, str]:
    """ "на перевірці said twice" → (OPEN, "said twice"): the verdict, one word or
    several, and the note after it; (None, typed) when it starts with no verdict."""
    words = typed.split()
    for phrase in _BY_LENGTH:
        size = len(phrase.split())
        if " ".join(words[:size]).casefold() == phrase:
            rest = typed.split(maxsplit=size)
            return _STATUS_WORDS[phrase], rest[size] if len(rest) > size else ""
    return None, typed


def verdict_choices(lang: Lang) -> str:
    """The verdicts /verify takes, in the reader's language: each status's own word."""
    return ", ".join(t(lang, f"status_{status}").casefold() for status in Status)


def parse_number(word: str | None) -> int | None:
    """``"12"`` or ``"#12"`` → 12; None for anything that cannot be a flag number."""
    if word is None:
        return None
    cleaned = word.removeprefix("#")
    if not cleaned.isdecimal() or len(cleaned) > len(str(MAX_FLAG_NUMBER)):
        return None
    number = int(cleaned)
    return number if 0 < number <= MAX_FLAG_NUMBER else None
