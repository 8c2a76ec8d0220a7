"""Cards, lists and keyboards as pure functions. All HTML escaping happens here.

Everything is shaped for a phone: the title and a one-line summary first, details
below (long ones folded into expandable quotes), buttons to related entries last.
Telegram refuses messages over 4096 characters, so every card is fitted to that.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.i18n import t
from bot.playbook import (
    AnyEntry,
    Claim,
    Event,
    Kind,
    Lang,
    Person,
    Playbook,
    Principle,
    Statement,
    Tactic,
    Term,
    has_year,
)
from bot.search import Hit

MAX_MESSAGE = 4096
# Leave room for Telegram counting in UTF-16 units and for a caller's prefix.
CARD_BUDGET = 3800
# Text longer than this goes into an expandable quote so the card opens short.
EXPAND_OVER = 280
LIST_PAGE = 10


KIND_ICON: dict[Kind, str] = {
    "principle": "🧭",
    "term": "📕",
    "tactic": "♟",
    "claim": "⚠️",
    "person": "👤",
    "event": "📅",
}

MONTHS: dict[Lang, tuple[str, ...]] = {
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
    "uk": (
        "січень", "лютий", "березень", "квітень", "травень", "червень", "липень",
        "серпень", "вересень", "жовтень", "листопад", "грудень",
    ),
}  # fmt: skip
# "29 березня": a day takes the month in the genitive.
MONTHS_OF_UK = (
    "січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня",
    "вересня", "жовтня", "листопада", "грудня",
)  # fmt: skip


def date_text(date: str, lang: Lang) -> str:
    """A partial ISO date as people say it: "2014", "March 2022", "29 March 2022", and
    "29 December" for a day the source gives without its year ("--12-29")."""
    if not has_year(date):
        month, day = (int(part) for part in date[2:].split("-"))
        months = MONTHS_OF_UK if lang == "uk" else MONTHS[lang]
        return f"{day} {months[month - 1]}"
    parts = date.split("-")
    if len(parts) == 1:
        return f"{parts[0]} рік" if lang == "uk" else parts[0]
    month = int(parts[1]) - 1
    if len(parts) == 2:
        return f"{MONTHS[lang][month]} {parts[0]}" + (" року" if lang == "uk" else "")
    day = int(parts[2])
    if lang == "uk":
        return f"{day} {MONTHS_OF_UK[month]} {parts[0]} року"
    return f"{day} {MONTHS[lang][month]} {parts[0]}"


def short_date(date: str) -> str:
    """ "29.03.2022", "03.2022", "2014", "29.12" (no year given): for buttons, where room
    is short."""
    return ".".join(reversed(date.lstrip("-").split("-")))


@dataclass(frozen=True)
class Rendered:
    text: str
    keyboard: InlineKeyboardMarkup | None = None


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_TAG = re.compile(r"<[^>]*(?:>|$)")


def visible_length(html_text: str) -> int:
    """Length as Telegram counts it: after tags and entities are parsed, in UTF-16."""
    return utf16_len(html.unescape(_TAG.sub("", html_text)))


def shorten(text: str, limit: int) -> str:
    """Cut plain text to ``limit`` characters at a word boundary, marking the cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"


# Ukraine's own terms (security guarantees) must never look like the Kremlin's.
UKRAINE_TERM_ICON = "🛡"


def icon_of(entry: AnyEntry) -> str:
    if isinstance(entry, Term) and entry.ukrainian_side:
        return UKRAINE_TERM_ICON
    return KIND_ICON[entry.kind]


def title_of(entry: AnyEntry, lang: Lang) -> str:
    if isinstance(entry, Principle):
        return f"{entry.number}. {entry.title(lang)}"
    return entry.title(lang)


def button_label(entry: AnyEntry, lang: Lang) -> str:
    if isinstance(entry, Event):
        return f"{KIND_ICON[entry.kind]} {short_date(entry.date)} {shorten(entry.title(lang), 34)}"
    return f"{icon_of(entry)} {shorten(title_of(entry, lang), 40)}"


def event_date(event: Event, lang: Lang) -> str:
    """When an event was, as it starts its line: a month named first is capitalised
    ("Лютий 2022 року"), as the content's own dates are."""
    said = event.when(lang) if event.when is not None else date_text(event.date, lang)
    return said[:1].upper() + said[1:]


def statement_line(statement: Statement, playbook: Playbook, lang: Lang) -> str:
    """One thing a person said or did: when, what, and which article reports it. An
    acronym (EDM) is spelt out as its publication's name; in Ukrainian the source
    follows the statement as its own sentence, so that no bracket holds another."""
    source = playbook.sources.get(statement.source)
    if source is None:
        where = statement.source
    elif source.short and not source.short.isupper():
        where = source.short
    else:
        where = source.publication.split(" (")[0]
    if attribution := statement.attribution_in(lang):
        where += f": {attribution}" if lang == "en" else f"; {attribution}"
    if lang == "uk":
        when = (
            reported_date_uk(statement.date)
            if statement.reported
            else date_text(statement.date, lang)
        )
        said = statement.said(lang).rstrip()
        end = "" if said.endswith((".", "!", "?", "»", "…")) else "."
        return f"{when[:1].upper()}{when[1:]}. {said}{end} {t(lang, 'said_source')}: {where}."
    when = date_text(statement.date, lang)
    if statement.reported:
        when = t(lang, "reported_on", date=when)
    return f"{when} — {statement.said(lang)} ({where})"


# "в липні": a month without a day takes the locative.
MONTHS_IN_UK = (
    "січні", "лютому", "березні", "квітні", "травні", "червні", "липні", "серпні",
    "вересні", "жовтні", "листопаді", "грудні",
)  # fmt: skip


def reported_date_uk(date: str) -> str:
    """When a source reported it, as a Ukrainian says it: "повідомлено 3 липня 2025
    року", "повідомлено в липні 2025 року", "повідомлено 2022 року"."""
    parts = date.split("-")
    if len(parts) == 2:
        said = f"в {MONTHS_IN_UK[int(parts[1]) - 1]} {parts[0]} року"
    elif len(parts) == 1:
        said = f"{parts[0]} року"
    else:
        said = date_text(date, "uk")
    return t("uk", "reported_on", date=said)


def entry_button(entry: AnyEntry, lang: Lang) -> InlineKeyboardButton:
    key = str(entry.number) if isinstance(entry, Principle) else entry.id
    return InlineKeyboardButton(
        button_label(entry, lang), callback_data=callbacks.open_entry(entry.kind, key)
    )


def _sections(entry: AnyEntry, lang: Lang) -> list[tuple[str, str]]:
    """The card's body as (label key, plain text) pairs, in reading order."""
    if isinstance(entry, Principle):
        return [("field_guidance", entry.guidance(lang)), ("field_why", entry.why(lang))]
    if isinstance(entry, Term):
        ours = entry.ukrainian_side
        phrase = ("field_ukraine_phrase", entry.phrase(lang))
        if not ours:
            phrase = ("field_kremlin_phrase", entry.phrase(lang))
        if entry.reported_by is not None:
            # A report's words for Moscow's position, not Moscow's own: say whose.
            phrase = ("field_reported_phrase", f"{entry.phrase(lang)}\n— {entry.reported_by(lang)}")
        return [
            phrase,
            ("field_meaning", entry.meaning(lang)),
            ("field_moscow_instead" if ours else "field_used_for", entry.used_for(lang)),
            ("field_answer", entry.answer(lang)),
        ]
    if isinstance(entry, Tactic):
        parts = [("field_recognise", entry.recognise(lang)), ("field_counter", entry.counter(lang))]
        if entry.example is not None:
            parts.append(("field_example", entry.example(lang)))
        return parts
    if isinstance(entry, Claim):
        return [
            ("field_quote", f"{entry.quote(lang)}\n— {entry.speaker(lang)}, {entry.said_on(lang)}"),
            ("field_facts", entry.facts(lang)),
        ]
    raise TypeError(f"unknown entry kind: {entry!r}")


def _person_sections(person: Person, playbook: Playbook, lang: Lang) -> list[tuple[str, str]]:
    names = " · ".join(dict.fromkeys([person.title.en, person.title.uk, person.name_ru]))
    record = "\n".join(statement_line(s, playbook, lang) for s in person.statements)
    return [
        ("field_role", person.role(lang)),
        ("field_names", names),
        ("field_record", record),
    ]


def _event_sections(event: Event, playbook: Playbook, lang: Lang) -> list[tuple[str, str]]:
    when = event_date(event, lang)
    if event.place is not None:
        when += f" · {event.place(lang)}"
    parts = [("field_when", when), ("field_what", event.what(lang))]
    people = [p for p in (playbook.get("person", key) for key in event.people) if p is not None]
    if people:
        parts.append(("field_people", ", ".join(p.title(lang) for p in people)))
    return parts


def verdict_of(claim: Claim, playbook: Playbook, lang: Lang) -> str:
    """Whose verdict a claim card shows, and the verdict: the source's own word ("VOA:
    “misleading”") or the playbook's reading ("Our reading: Lacks context")."""
    if claim.verdict_by is None or claim.verdict_words is None:
        verdict = t(lang, f"verdict_{claim.verdict}")
        return f"{esc(t(lang, 'verdict_ours'))}: <b>{esc(verdict)}</b>"
    source = playbook.sources.get(claim.verdict_by)
    whose = (source.short or source.publication) if source is not None else claim.verdict_by
    words = claim.verdict_words(lang)
    quoted = f"«{words}»" if lang == "uk" else f"“{words}”"
    return f"{esc(whose)}: <b>{esc(quoted)}</b>"


def _heading(entry: AnyEntry, playbook: Playbook, lang: Lang) -> str:
    kind_label = t(lang, f"kind_{entry.kind}")
    if isinstance(entry, Term) and entry.ukrainian_side:
        kind_label = t(lang, "kind_term_ukraine")
    line = f"{icon_of(entry)} <b>{esc(title_of(entry, lang))}</b>\n<i>{esc(kind_label)}</i>"
    if isinstance(entry, Claim):
        line += f" · {verdict_of(entry, playbook, lang)}"
    if isinstance(entry, Person):
        line += f" · {esc(t(lang, 'field_side'))}: <b>{esc(t(lang, f'side_{entry.side}'))}</b>"
    return line


def _sources(entry: AnyEntry, playbook: Playbook, lang: Lang) -> str:
    lines = []
    for citation in entry.sources:
        source = playbook.sources.get(citation.source)
        if source is None:
            continue
        title = source.title_in(lang)
        quoted = f"«{title}»" if lang == "uk" else f"“{title}”"
        where = f"{source.publication}, {quoted}, {source.date_in(lang)}"
        if source.short and source.short not in source.publication:
            # The cards call it by its acronym ("EDM writes…"): say once what it stands for.
            where = f"{source.short} — {where}"
        if attribution := citation.attribution_in(lang):
            where += f" — {attribution}"
        lines.append(f"• {where}")
    return "\n".join(lines)


def _heard_as(entry: AnyEntry) -> str:
    """The Russian a delegate hears at the table; only terms and claims are said there."""
    if not isinstance(entry, Term | Claim) or (isinstance(entry, Term) and entry.ukrainian_side):
        return ""
    heard = entry.aliases.ru[:3]
    return " · ".join(f"«{alias}»" for alias in heard)


def card(entry: AnyEntry, playbook: Playbook, lang: Lang, budget: int = CARD_BUDGET) -> Rendered:
    """The full card of an entry, fitted to one Telegram message (``budget`` leaves room
    for what a caller adds below it)."""
    if isinstance(entry, Person):
        sections = _person_sections(entry, playbook, lang)
    elif isinstance(entry, Event):
        sections = _event_sections(entry, playbook, lang)
    else:
        sections = _sections(entry, lang)
    sources = _sources(entry, playbook, lang)
    heard = _heard_as(entry)
    heading = _heading(entry, playbook, lang)
    limit = max((len(text) for _, text in sections), default=0)
    while True:
        text = _card_text(entry, lang, heading, sections, sources, heard, limit)
        if visible_length(text) <= budget or limit <= 80:
            break
        limit = int(limit * 0.85)
    return Rendered(text, card_keyboard(entry, playbook, lang))


def _card_text(
    entry: AnyEntry,
    lang: Lang,
    heading: str,
    sections: Sequence[tuple[str, str]],
    sources: str,
    heard: str,
    limit: int,
) -> str:
    parts = [heading, esc(shorten(entry.summary(lang), limit))]
    for label_key, body in sections:
        body = shorten(body, limit)
        label = f"<b>{esc(t(lang, label_key))}</b>"
        if len(body) > EXPAND_OVER:
            parts.append(f"{label}\n<blockquote expandable>{esc(body)}</blockquote>")
        else:
            parts.append(f"{label}\n{esc(body)}")
    if heard:
        parts.append(f"<b>{esc(t(lang, 'field_heard_as'))}</b>: {esc(heard)}")
    if sources:
        parts.append(f"<b>{esc(t(lang, 'field_sources'))}</b>\n<i>{esc(shorten(sources, 600))}</i>")
    return "\n\n".join(parts)


def card_keyboard(entry: AnyEntry, playbook: Playbook, lang: Lang) -> InlineKeyboardMarkup:
    # People and events link to more: who took part, what they said it about.
    related = playbook.linked(entry)[: 12 if isinstance(entry, Person | Event) else 8]
    rows = [[entry_button(r, lang)] for r in related]
    back = (
        callbacks.timeline_page(0) if isinstance(entry, Event) else callbacks.list_kind(entry.kind)
    )
    rows.append([InlineKeyboardButton(t(lang, f"back_{entry.kind}"), callback_data=back)])
    return InlineKeyboardMarkup(rows)


def known_speaker(speaker: str | None, playbook: Playbook, lang: Lang) -> str:
    """ "Known speaker: Sergei Lavrov, Russian Foreign Minister" when a flag's speaker
    names someone in the playbook, however typed; else nothing."""
    person = playbook.person_for_speaker(speaker)
    if person is None:
        return ""
    who = f"{KIND_ICON['person']} {person.title(lang)}, {person.role(lang)}"
    return f"<b>{esc(t(lang, 'flag_person'))}:</b> {esc(shorten(who, 120))}"


def short_card(entry: AnyEntry, lang: Lang) -> str:
    """Two lines naming an entry, for flag confirmations and term watch."""
    return (
        f"{icon_of(entry)} <b>{esc(title_of(entry, lang))}</b> — "
        f"{esc(shorten(entry.summary(lang), 200))}"
    )


TIMELINE_PAGE = 8


def _timeline_lines(events: Sequence[Event], lang: Lang) -> list[str]:
    lines = []
    for event in events:
        when = esc(event_date(event, lang))
        place = f" · {esc(event.place(lang))}" if event.place is not None else ""
        summary = esc(shorten(event.summary(lang), 120))
        lines.append(f"<b>{when}</b>{place}\n{esc(event.title(lang))} — <i>{summary}</i>")
    return lines


def timeline(playbook: Playbook, lang: Lang, page: int = 0, year: str = "") -> Rendered:
    """The events in date order, a page at a time, a button each; optionally one year."""
    events = [e for e in playbook.events if e.order.startswith(year) or e.date.startswith(year)]
    heading = f"{KIND_ICON['event']} <b>{esc(t(lang, 'list_event'))}</b>"
    if year:
        heading += f" · {esc(year)}"
    if not events:
        return Rendered(f"{heading}\n\n{t(lang, 'timeline_none', year=year)}")
    pages = -(-len(events) // TIMELINE_PAGE)
    page = min(max(page, 0), pages - 1)
    first = page * TIMELINE_PAGE
    shown = events[first : first + TIMELINE_PAGE]
    counter = t(lang, "log_page", first=first + 1, last=first + len(shown), total=len(events))
    lines = [f"{heading} · {counter}", *_timeline_lines(shown, lang)]
    rows = [[entry_button(e, lang)] for e in shown]
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                t(lang, "prev"), callback_data=callbacks.timeline_page(page - 1, year)
            )
        )
    if page < pages - 1:
        nav.append(
            InlineKeyboardButton(
                t(lang, "next"), callback_data=callbacks.timeline_page(page + 1, year)
            )
        )
    if nav:
        rows.append(nav)
    return Rendered("\n\n".join(lines), InlineKeyboardMarkup(rows))


def timeline_matches(query: str, events: Sequence[Event], lang: Lang) -> Rendered:
    """The events a search found (the first ten), in date order, a button each."""
    ordered = sorted(events[:10], key=lambda e: e.date)
    lines = [t(lang, "search_results", query=shorten(query, 100)), *_timeline_lines(ordered, lang)]
    rows = [[entry_button(e, lang)] for e in ordered]
    rows.append(
        [InlineKeyboardButton(t(lang, "back_event"), callback_data=callbacks.timeline_page(0))]
    )
    return Rendered("\n\n".join(lines), InlineKeyboardMarkup(rows))


def entry_list(kind: Kind, playbook: Playbook, lang: Lang, page: int = 0) -> Rendered:
    """A numbered list of one kind, a button per entry, paged for long lists."""
    if kind == "event":
        return timeline(playbook, lang, page)
    # Ukraine's own terms come last, under their own heading: never among the Kremlin's.
    entries = sorted(playbook.of_kind(kind), key=lambda e: _list_group(e) != kind)
    # ... and on the same page as the Kremlin's, so no one misses them.
    size = LIST_PAGE + sum(1 for e in entries if _list_group(e) != kind)
    pages = max(1, -(-len(entries) // size))
    page = min(max(page, 0), pages - 1)
    first = page * size
    shown = entries[first : first + size]
    lines: list[str] = []
    group = ""
    for position, entry in enumerate(shown, start=first):
        if _list_group(entry) != group:
            group = _list_group(entry)
            icon = UKRAINE_TERM_ICON if group == "term_ukraine" else KIND_ICON[kind]
            heading = f"{icon} <b>{esc(t(lang, f'list_{group}'))}</b>"
            lines += [*([""] if lines else []), heading, ""]
        in_group = sum(1 for other in entries[:position] if _list_group(other) == group) + 1
        number = entry.number if isinstance(entry, Principle) else in_group
        summary = esc(shorten(entry.summary(lang), 120))
        lines.append(f"<b>{number}.</b> {esc(entry.title(lang))}\n<i>{summary}</i>")
    lines += ["", esc(t(lang, "list_pick"))]
    if kind == "principle":
        buttons = [
            InlineKeyboardButton(
                str(e.number), callback_data=callbacks.open_entry(kind, str(e.number))
            )
            for e in shown
            if isinstance(e, Principle)
        ]
        rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    else:
        rows = [[entry_button(e, lang)] for e in shown]
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(t(lang, "prev"), callback_data=callbacks.list_kind(kind, page - 1))
        )
    if page < pages - 1:
        nav.append(
            InlineKeyboardButton(t(lang, "next"), callback_data=callbacks.list_kind(kind, page + 1))
        )
    if nav:
        rows.append(nav)
    return Rendered("\n".join(lines), InlineKeyboardMarkup(rows))


def _list_group(entry: AnyEntry) -> str:
    """Which heading of a list an entry stands under."""
    if isinstance(entry, Term) and entry.ukrainian_side:
        return "term_ukraine"
    return entry.kind


def lists_keyboard(lang: Lang) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "button_principles"), callback_data=callbacks.list_kind("principle")
                ),
                InlineKeyboardButton(
                    t(lang, "button_terms"), callback_data=callbacks.list_kind("term")
                ),
            ],
            [
                InlineKeyboardButton(
                    t(lang, "button_tactics"), callback_data=callbacks.list_kind("tactic")
                ),
                InlineKeyboardButton(
                    t(lang, "button_claims"), callback_data=callbacks.list_kind("claim")
                ),
            ],
        ]
    )


def welcome(lang: Lang) -> Rendered:
    keyboard = lists_keyboard(lang).inline_keyboard
    rows = [list(row) for row in keyboard]
    rows.append([InlineKeyboardButton(t(lang, "button_inline"), switch_inline_query="")])
    return Rendered(t(lang, "welcome"), InlineKeyboardMarkup(rows))


def miss(query: str, suggestions: Sequence[Hit], lang: Lang) -> Rendered:
    """A search that found no confident answer: never a bare "not found"."""
    shown = shorten(query, 100)
    if suggestions:
        rows = [[entry_button(hit.entry, lang)] for hit in suggestions[:6]]
        return Rendered(t(lang, "did_you_mean", query=shown), InlineKeyboardMarkup(rows))
    text = f"{t(lang, 'no_match', query=shown)}\n{t(lang, 'try_lists')}"
    return Rendered(text, lists_keyboard(lang))


def results(query: str, hits: Sequence[Hit], lang: Lang) -> Rendered:
    """Several good answers to one query: a short list with a button each."""
    lines = [t(lang, "search_results", query=shorten(query, 100)), ""]
    lines += [short_card(hit.entry, lang) for hit in hits]
    rows = [[entry_button(hit.entry, lang)] for hit in hits]
    return Rendered("\n\n".join(lines), InlineKeyboardMarkup(rows))


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("English", callback_data=callbacks.set_language("en")),
                InlineKeyboardButton("Українська", callback_data=callbacks.set_language("uk")),
            ]
        ]
    )


def plain(rendered: Rendered) -> str:
    """The message as a person reads it, for the command line: no tags, buttons listed."""
    text = html.unescape(_TAG.sub("", rendered.text))
    if rendered.keyboard is not None:
        labels = [button.text for row in rendered.keyboard.inline_keyboard for button in row]
        text += "\n\n" + "  ".join(f"[{label}]" for label in labels)
    return text
