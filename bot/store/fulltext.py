"""Full-text search terms: each chat's words in a namespace of its own.

SQL triggers call :func:`search_terms` (as ``search_terms_v1``) to index a flag, so
every connection to the file must register it.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import aiosqlite

_WORD = re.compile(r"[^\W_]+")
_COMBINING_ACCENT = re.compile("[\u0300-\u036f]")
_MAX_QUERY_WORDS: Final = 16
_MIN_PREFIX_LENGTH: Final = 2


def _words(text: str) -> list[str]:
    """Lowercase words without accents, so "Café" finds "cafe" and "Ёлка" finds "елка"."""
    plain = _COMBINING_ACCENT.sub("", unicodedata.normalize("NFD", text))
    return _WORD.findall(plain.casefold())


def _chat_key(chat_id: int) -> str:
    # Digits then "x": no chat's key is a prefix of another's term.
    return f"{'n' if chat_id < 0 else 'p'}{abs(chat_id)}x"


def search_terms(chat_id: int | None, text: str | None) -> str | None:
    """The index terms of ``text`` in ``chat_id``'s own namespace.

    Registered as SQL ``search_terms_v1``: the triggers must re-derive exactly the
    terms they once indexed in order to delete them, so any change to this
    function needs a new SQL name and a migration that rebuilds ``flags_fts``.
    """
    if chat_id is None or not text:
        return None
    key = _chat_key(int(chat_id))
    return " ".join(key + word for word in _words(str(text)))


def register_functions(connection: sqlite3.Connection) -> None:
    """Give a plain sqlite3 connection what the schema's triggers call."""
    connection.create_function("search_terms_v1", 2, search_terms, deterministic=True)


def fts_expression(chat_id: int, query: str) -> str | None:
    """Turn free text into a safe FTS5 query within one chat, or None if no words.

    Words are reduced to letters and digits and quoted, so FTS5 syntax in user
    input (``AND``, ``NEAR``, ``*``, ``"``, parentheses, column filters) is never
    syntax. The last word also matches as a prefix, for half-typed queries.
    """
    words = _words(query)[:_MAX_QUERY_WORDS]
    if not words:
        return None
    key = _chat_key(chat_id)
    phrases = [f'"{key}{word}"' for word in words]
    if len(words[-1]) >= _MIN_PREFIX_LENGTH:
        phrases[-1] += "*"
    return " AND ".join(phrases)


# A word's first letters stand for all its forms in a lookup of similar statements.
_STEM_LETTERS: Final = 5


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a lookup as the index has it: a whole term, or the first letters
    of every term that starts with them (``prefix``)."""

    text: str
    prefix: bool

    def fts(self) -> str:
        return f'"{self.text}"' + ("*" if self.prefix else "")

    def upper_bound(self) -> str:
        """The first term after every one this stands for (for a range of terms)."""
        if not self.prefix:
            return self.text + "\x00"
        return self.text[:-1] + chr(ord(self.text[-1]) + 1)


def stem_terms(chat_id: int, words: Sequence[str]) -> list[Term]:
    """``words`` as the chat's index terms, each by its first letters so that other
    forms count ("negotiations", "negotiating"; "переговори", "переговорів")."""
    key = _chat_key(chat_id)
    terms: dict[Term, None] = {}
    for typed in words:
        for word in _words(typed):
            long = len(word) > _STEM_LETTERS
            terms[Term(key + word[:_STEM_LETTERS], long)] = None
    return list(terms)


async def register_async(connection: aiosqlite.Connection) -> None:
    await connection.create_function("search_terms_v1", 2, search_terms, deterministic=True)
