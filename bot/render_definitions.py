"""How the register of their definitions looks in Telegram. Pure functions; every
piece of user text is escaped here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, tzinfo
from itertools import groupby
from typing import Final

from bot.definitions import Register, Subject, latest_per_round
from bot.i18n import t
from bot.playbook import Lang, Playbook, Term
from bot.render import CARD_BUDGET, Rendered, card, esc, shorten, visible_length
from bot.render_log import when
from bot.store import Definition, DefinitionAsk

# Room under a term's card for "Their definitions here".
CARD_ROOM: Final = 1100
REGISTER_BUDGET: Final = 3800
# How much of each definition a list starts with; cut further until it fits.
FIRST_LIMIT: Final = 600
SMALLEST_LIMIT: Final = 80


def subject_name(term_key: str | None, phrase: str, playbook: Playbook, lang: Lang) -> str:
    """The playbook's name of the term in the reader's language, else the phrase typed."""
    term = playbook.get("term", term_key) if term_key is not None else None
    return term.title(lang) if term is not None else phrase


def _name(about: Subject, lang: Lang) -> str:
    return about.term.title(lang) if about.term is not None else about.phrase


def _round_name(definition: Definition | DefinitionAsk, lang: Lang) -> str:
    if definition.round_name:
        return t(lang, "define_round", name=shorten(definition.round_name, 60))
    return t(lang, "define_no_round")


def _said(definition: Definition, limit: int) -> str:
    speaker = f"<b>{esc(shorten(definition.speaker, 60))}</b>: " if definition.speaker else ""
    return f"{speaker}«{esc(shorten(definition.text, limit))}»"


def recorded(definition: Definition, about: Subject, lang: Lang) -> Rendered:
    """The confirmation of a new definition."""
    name = shorten(_name(about, lang), 100)
    key = "define_recorded_round" if definition.round_name else "define_recorded"
    text = t(lang, key, term=name, round=shorten(definition.round_name or "", 60))
    said = _said(definition, 300)
    hint = t(lang, "define_recorded_hint", phrase=shorten(about.phrase, 100))
    return Rendered(f"{text}\n{said}\n<i>{hint}</i>")


def asked(about: Subject, lang: Lang) -> Rendered:
    return Rendered(t(lang, "define_asked", term=shorten(_name(about, lang), 100)))


def _register_text(register: Register, lang: Lang, where: tzinfo, limit: int, skip: int) -> str:
    about = register.subject
    lines = [t(lang, "define_register_title", term=shorten(_name(about, lang), 100))]
    shown = register.definitions[skip:]
    if skip:
        lines.append(t(lang, "define_register_earlier", count=skip))
    previous: str | None = None
    if skip:
        before = latest_per_round(register.definitions[:skip])
        previous = before[-1].text if before else None
    for _, group in groupby(shown, key=lambda d: (d.round_id, d.round_name)):
        items = list(group)
        heading = f"\n<b>{_round_name(items[0], lang)}</b>"
        latest = items[-1].text
        if previous is not None:
            change = "define_changed" if latest != previous else "define_unchanged"
            heading += f" · {t(lang, change)}"
        lines.append(heading)
        for item in items:
            by = t(lang, "define_by", name=shorten(item.recorded_by_name, 40))
            stamp = esc(when(item.created_at, lang, where))
            lines.append(f"• {_said(item, limit)}\n  <i>{stamp} · {by}</i>")
        previous = latest
    return "\n".join(lines)


def register(register: Register, lang: Lang, where: tzinfo = UTC) -> Rendered:
    """Every definition of a term in this chat, round by round, each round marked as
    changed or not from the one before: principle 9 at a glance."""
    about = register.subject
    pending = ""
    if register.open_ask is not None:
        asked_at = when(register.open_ask.created_at, lang, where)
        pending = "\n\n" + t(
            lang,
            "define_still_asked",
            when=asked_at,
            name=shorten(register.open_ask.asked_by_name, 40),
        )
    if not register.definitions:
        name = shorten(_name(about, lang), 100)
        text = t(lang, "define_none", term=name, phrase=shorten(about.phrase, 100))
        return Rendered(text + pending)
    limit, skip = FIRST_LIMIT, 0
    while True:
        text = _register_text(register, lang, where, limit, skip) + pending
        if visible_length(text) <= REGISTER_BUDGET:
            return Rendered(text)
        if limit > SMALLEST_LIMIT:
            limit = max(int(limit * 0.7), SMALLEST_LIMIT)
        else:
            # Still too long: the oldest go (all of them are in /export).
            skip += 1


def card_with_definitions(
    term: Term,
    playbook: Playbook,
    definitions: Sequence[Definition],
    lang: Lang,
    where: tzinfo = UTC,
) -> Rendered:
    """A term's card in a chat that recorded their definitions: the latest per round."""
    base = card(term, playbook, lang, budget=CARD_BUDGET - CARD_ROOM)
    lines = [f"<b>{esc(t(lang, 'define_card_title'))}</b>"]
    for item in definitions:
        line = f"• {_round_name(item, lang)}: {_said(item, 200)}"
        if sum(len(shown) + 1 for shown in lines) + len(line) > CARD_ROOM - 100:
            lines.append(t(lang, "define_card_more", phrase=shorten(term.title(lang), 60)))
            break
        lines.append(line)
    lines.append(f"<i>{t(lang, 'define_card_hint', phrase=shorten(term.title(lang), 60))}</i>")
    return Rendered(f"{base.text}\n\n" + "\n".join(lines), base.keyboard)


def open_asks(asks: Sequence[DefinitionAsk], playbook: Playbook, lang: Lang) -> str:
    """For /summary: the terms asked and still undefined, as lines to append."""
    if not asks:
        return ""
    lines = [f"<b>{esc(t(lang, 'define_asked_title', count=len(asks)))}</b>"]
    for item in asks[:15]:
        name = shorten(subject_name(item.term_key, item.phrase, playbook, lang), 80)
        lines.append(f"• {esc(name)} — <i>{_round_name(item, lang)}</i>")
    if len(asks) > 15:
        lines.append(t(lang, "define_asked_more", count=len(asks) - 15))
    return "\n".join(lines)


def with_open_asks(
    summary: Rendered, asks: Sequence[DefinitionAsk], playbook: Playbook, lang: Lang
) -> Rendered:
    """/summary with the terms asked and still undefined under it; the summary's last
    lines (its open flags) give way when both do not fit one message."""
    block = open_asks(asks, playbook, lang)
    if not block:
        return summary
    lines = summary.text.split("\n")
    while len(lines) > 1 and visible_length("\n".join(lines) + "\n\n" + block) > REGISTER_BUDGET:
        lines.pop()
    return Rendered("\n".join(lines) + "\n\n" + block, summary.keyboard)
