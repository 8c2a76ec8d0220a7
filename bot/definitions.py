"""The register of their definitions: the one service every entry in it goes through.

Principle 9: ask the other side to define every term they use, and keep what they
said, round after round, because the definitions shift. A definition is of a
playbook term (found by search, so "першопричини" and "root causes" are one term) or
of any phrase of their own. Nothing is ever changed: a correction is a new entry,
and the rounds show the change. An ask ("/asked root causes") stays open until a
definition of that term is recorded after it.

Any member records (``access.COMMAND_ROLES``); each operation checks the text and
the rule and returns what it stored, or a :class:`Refusal` that says why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Final

from bot import search, text_rules
from bot.access import COMMAND_ROLES, Role
from bot.folding import normalize
from bot.playbook import Term
from bot.points import AdminCheck, Refusal
from bot.search import SearchIndex
from bot.store import Definition, DefinitionAsk, Store
from bot.store.models import name_key

# What they said a term means is as long as a verdict's note may be.
MAX_DEFINITION_CHARS: Final = text_rules.LIMITS[text_rules.Kind.NOTE]
MAX_TERM_CHARS: Final = 100
MAX_SPEAKER_CHARS: Final = 80
# "root causes (Lavrov)": who said it, in brackets after the term.
_SPEAKER: Final = re.compile(r"^(?P<term>.*?)\s*\((?P<speaker>[^()]*)\)\s*$", re.DOTALL)


@dataclass(frozen=True)
class Typed:
    """What followed /define: the term, who said it, and what they said it means
    (None: no colon, so nothing to record; empty: a colon with nothing after it)."""

    phrase: str
    speaker: str | None
    text: str | None


@dataclass(frozen=True)
class Subject:
    """The term a definition is of: a playbook term, or a phrase of their own."""

    term: Term | None
    phrase: str

    @property
    def term_key(self) -> str | None:
        return self.term.id if self.term is not None else None

    @property
    def key(self) -> str:
        return subject_key(self.term_key, self.phrase)


def subject_key(term_key: str | None, phrase: str) -> str:
    """One key for every spelling of a term: the playbook's id, or the phrase folded as
    the search folds it (so "the Root Causes" and "root cause" are one phrase)."""
    if term_key is not None:
        return f"term:{term_key}"
    return "phrase:" + (search.fold(phrase) or normalize(phrase) or phrase.casefold())


def _bad(text: str) -> bool:
    """Text the log's rules refuse whatever its length: a lone surrogate, a NUL, a bidi
    control that would make it read as something else."""
    checked = text_rules.check(text, text_rules.Kind.NOTE)
    return (
        isinstance(checked, text_rules.Refused)
        and checked.problem is not text_rules.Problem.TOO_LONG
    )


def parse(arguments: str) -> Typed | Refusal:
    """``root causes (Lavrov): NATO back to 1997`` → the term, the speaker, the text."""
    head, colon, tail = arguments.partition(":")
    speaker: str | None = None
    found = _SPEAKER.match(head.strip())
    if found is not None:
        head, speaker = found["term"], found["speaker"]
    return named(head, speaker, tail.strip() if colon else None)


def named(term: str, speaker: str | None, text: str | None = None) -> Typed | Refusal:
    """The term and who said it as the register keeps them (the board sends them as
    fields, /define in one line), or why they cannot be kept."""
    phrase = " ".join(term.split())
    speaker = (speaker or "").strip() or None
    if not phrase:
        return Refusal("define_usage")
    if _bad(phrase) or (speaker is not None and _bad(speaker)):
        return Refusal("define_bad_text")
    if len(phrase) > MAX_TERM_CHARS:
        return Refusal("define_term_too_long", {"limit": MAX_TERM_CHARS})
    if speaker is not None and len(speaker) > MAX_SPEAKER_CHARS:
        return Refusal("define_speaker_too_long", {"limit": MAX_SPEAKER_CHARS})
    return Typed(phrase, speaker, text)


def check_text(text: str) -> str | Refusal:
    """The definition as it will be kept, or why it cannot be. Markup is kept as typed:
    every renderer shows it as text."""
    text = text.strip()
    if not text:
        return Refusal("define_empty")
    if _bad(text):
        return Refusal("define_bad_text")
    if len(text) > MAX_DEFINITION_CHARS:
        return Refusal("define_too_long", {"limit": MAX_DEFINITION_CHARS, "length": len(text)})
    return text


def subject(index: SearchIndex, phrase: str) -> Subject:
    """The playbook term a phrase names, when the search opens one; else the phrase."""
    opened = index.answer(phrase, kinds=("term",)).opens
    return Subject(opened if isinstance(opened, Term) else None, phrase)


async def may(command: str, is_admin: AdminCheck) -> bool:
    """Whether the actor may use ``command``, as COMMAND_ROLES says."""
    return COMMAND_ROLES[command] is Role.MEMBER or await is_admin()


async def record(
    store: Store,
    chat_id: int,
    about: Subject,
    text: str,
    *,
    speaker: str | None,
    by_id: int,
    by_name: str,
    is_admin: AdminCheck,
    message_id: int | None = None,
) -> Definition | Refusal:
    if not await may("define", is_admin):
        return Refusal("admins_only")
    checked = check_text(text)
    if isinstance(checked, Refusal):
        return checked
    return await store.definitions.add(
        chat_id,
        term_key=about.term_key,
        phrase=about.phrase,
        text=checked,
        speaker=speaker,
        by_id=by_id,
        by_name=by_name,
        message_id=message_id,
    )


async def ask(
    store: Store, chat_id: int, about: Subject, *, by_id: int, by_name: str, is_admin: AdminCheck
) -> DefinitionAsk | Refusal:
    if not await may("asked", is_admin):
        return Refusal("admins_only")
    return await store.definitions.ask(
        chat_id, term_key=about.term_key, phrase=about.phrase, by_id=by_id, by_name=by_name
    )


@dataclass(frozen=True)
class Register:
    """Every definition of one term in a chat, oldest first, and the ask still open."""

    subject: Subject
    definitions: list[Definition]
    open_ask: DefinitionAsk | None


def _open_asks(
    asks: Sequence[DefinitionAsk], definitions: Sequence[Definition]
) -> dict[str, DefinitionAsk]:
    """By subject key: the latest ask with no definition recorded since."""
    latest: dict[str, DefinitionAsk] = {}
    for asked in asks:
        latest[subject_key(asked.term_key, asked.phrase)] = asked
    for definition in definitions:
        key = subject_key(definition.term_key, definition.phrase)
        waiting = latest.get(key)
        if waiting is not None and definition.created_at >= waiting.created_at:
            del latest[key]
    return latest


async def register_of(store: Store, chat_id: int, about: Subject) -> Register:
    if about.term_key is not None:
        found = await store.definitions.of_term(chat_id, about.term_key)
    else:
        found = [
            d
            for d in await store.definitions.of_chat(chat_id)
            if subject_key(d.term_key, d.phrase) == about.key
        ]
    asks = [
        a for a in await store.definitions.asks_of_chat(chat_id)
        if subject_key(a.term_key, a.phrase) == about.key
    ]  # fmt: skip
    return Register(about, found, _open_asks(asks, found).get(about.key))


async def open_asks(store: Store, chat_id: int) -> list[DefinitionAsk]:
    """The terms asked and not yet defined, the longest waiting first."""
    asks = await store.definitions.asks_of_chat(chat_id)
    if not asks:
        return []
    waiting = _open_asks(asks, await store.definitions.of_chat(chat_id))
    return sorted(waiting.values(), key=lambda asked: asked.id)


def latest_per_round(definitions: Sequence[Definition]) -> list[Definition]:
    """The last word of each round, rounds in the order they came."""
    latest: dict[tuple[int | None, str | None], Definition] = {}
    for definition in definitions:
        where = (definition.round_id, definition.round_name)
        latest.pop(where, None)
        latest[where] = definition
    return sorted(latest.values(), key=lambda d: d.id)


@dataclass(frozen=True)
class RoundOfDefinitions:
    """What was recorded of one term in one round, oldest first: the last is the
    round's word. ``changed`` says whether that word differs from the round before's
    (None for the first round it was defined in), as ``/define term`` marks it."""

    round_id: int | None
    round_name: str | None
    definitions: list[Definition]
    changed: bool | None

    @property
    def latest(self) -> Definition:
        return self.definitions[-1]


def by_round(definitions: Sequence[Definition]) -> list[RoundOfDefinitions]:
    """A term's definitions, oldest first, as the rounds they came in."""
    rounds: list[RoundOfDefinitions] = []
    for (round_id, round_name), group in groupby(definitions, lambda d: (d.round_id, d.round_name)):
        items = list(group)
        changed = None if not rounds else items[-1].text != rounds[-1].latest.text
        rounds.append(RoundOfDefinitions(round_id, round_name, items, changed))
    return rounds


@dataclass(frozen=True)
class TermRecord:
    """One term of the chat's register: its rounds, and the ask still open, if any."""

    term_key: str | None
    # As it was last typed: the phrase a reader recognises when the playbook lacks it.
    phrase: str
    rounds: list[RoundOfDefinitions]
    open_ask: DefinitionAsk | None


async def whole_register(store: Store, chat_id: int) -> list[TermRecord]:
    """Every term the chat defined or asked about, the most recently touched first."""
    definitions = await store.definitions.of_chat(chat_id)
    asks = await store.definitions.asks_of_chat(chat_id)
    waiting = _open_asks(asks, definitions)
    defined: dict[str, list[Definition]] = {}
    for definition in definitions:
        defined.setdefault(subject_key(definition.term_key, definition.phrase), []).append(
            definition
        )
    records: list[tuple[datetime, TermRecord]] = []
    for key, found in defined.items():
        latest, asked = found[-1], waiting.get(key)
        touched = max(latest.created_at, asked.created_at) if asked else latest.created_at
        record = TermRecord(latest.term_key, latest.phrase, by_round(found), asked)
        records.append((touched, record))
    for key, asked in waiting.items():
        if key not in defined:
            records.append((asked.created_at, TermRecord(asked.term_key, asked.phrase, [], asked)))
    records.sort(key=lambda pair: pair[0], reverse=True)
    return [record for _, record in records]


async def for_card(store: Store, chat_id: int, term: Term) -> list[Definition]:
    """What a term's card in this chat shows under "Their definitions here"."""
    return latest_per_round(await store.definitions.of_term(chat_id, term.id))


@dataclass(frozen=True)
class Exported:
    """The definitions and asks an export covers."""

    definitions: list[Definition]
    asks: list[DefinitionAsk]


async def for_export(store: Store, chat_id: int, round_name: str | None) -> Exported:
    """The chat's register, or that of the rounds of that name (as /export scopes flags)."""
    definitions = await store.definitions.of_chat(chat_id)
    asks = await store.definitions.asks_of_chat(chat_id)
    if round_name is not None:
        wanted = name_key(round_name)
        definitions = [d for d in definitions if name_key(d.round_name or "") == wanted]
        asks = [a for a in asks if name_key(a.round_name or "") == wanted]
    return Exported(definitions, asks)
