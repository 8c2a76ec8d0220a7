"""What the board's JSON API says: pure functions from store rows to JSON.

Statements and names go out as plain strings; the page puts them into the document
as text (``textContent``), so nothing here escapes or formats markup. Labels come
from ``bot.i18n`` so the board says what the chat says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from bot.definitions import TermRecord, subject_key
from bot.i18n import t
from bot.playbook import Lang, Playbook, Term
from bot.render import KIND_ICON, title_of
from bot.render_definitions import subject_name
from bot.render_log import STATUS_ICON, day_said, matched_entries, status_label
from bot.store import Definition, DefinitionAsk, Flag, FlagEvent, Page, Status

JSON = dict[str, Any]

# The labels the page shows next to a flag's fields, in the chat's own words.
_FIELD_LABELS = (
    "flag_by",
    "flag_assignee",
    "flag_note",
    "flag_matches",
    "flag_history",
    "flag_retracted",
    "seen_before",
)


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def flag_json(flag: Flag) -> JSON:
    return {
        "number": flag.number,
        "text": flag.text,
        "speaker": flag.speaker,
        "status": flag.status,
        "retracted": flag.retracted,
        "retract_reason": flag.retract_reason,
        "round": flag.round_name,
        "flagged_by": flag.flagged_by_name,
        "assignee": flag.assignee,
        "note": flag.note,
        "created_at": _time(flag.created_at),
        "updated_at": _time(flag.updated_at),
        # Only Telegram's own message links: a stored link is never a script URL.
        "link": flag.source_link
        if flag.source_link and flag.source_link.startswith("https://t.me/")
        else None,
        "matches": len(flag.matches),
    }


def page_json(page: Page, version: str) -> JSON:
    return {
        "version": version,
        "total": page.total,
        "offset": page.offset,
        "items": [flag_json(flag) for flag in page.items],
    }


def event_json(event: FlagEvent) -> JSON:
    return {
        "action": event.action,
        "old": event.old_value,
        "new": event.new_value,
        "note": event.note,
        "by": event.by_name,
        "at": _time(event.at),
    }


def seen_before_json(earlier: Flag, lang: Lang, where: tzinfo = UTC) -> JSON:
    """The earlier flag a flag repeats, as the chat's line says it ("#12 ❌ False,
    2 Jun, Istanbul II") and the note of its verdict."""
    parts = [
        f"#{earlier.number} {status_label(earlier, lang)}",
        day_said(earlier.created_at, lang, where),
    ]
    if earlier.round_name:
        parts.append(earlier.round_name)
    judged = earlier.note and earlier.status is not Status.OPEN
    return {
        "number": earlier.number,
        "line": ", ".join(parts),
        "note": earlier.note.splitlines()[-1] if earlier.note and judged else None,
    }


def record_json(
    flag: Flag,
    history: Sequence[FlagEvent],
    playbook: Playbook,
    lang: Lang,
    *,
    can_judge: bool,
    can_change: bool,
    earlier: Flag | None = None,
    where: tzinfo = UTC,
    defined: Mapping[str, Sequence[Definition]] | None = None,
) -> JSON:
    """One flag's full record: the flag, its history, the playbook cards it matched
    (a term's card with ``defined``, by term id: their definitions of it here, the latest
    per round) and the earlier flag it repeats (seen before), as that one stands now."""
    cards = [
        {
            "kind": entry.kind,
            "id": entry.id,
            "icon": KIND_ICON[entry.kind],
            "title": title_of(entry, lang),
            "summary": entry.summary(lang),
            "definitions": [
                {"round": item.round_name, **_definition_json(item)}
                for item in ((defined or {}).get(entry.id, []) if isinstance(entry, Term) else [])
            ],
        }
        for entry in matched_entries(flag, playbook)
    ]
    return {
        "flag": flag_json(flag),
        "history": [event_json(event) for event in history],
        "cards": cards,
        "seen_before": None if earlier is None else seen_before_json(earlier, lang, where),
        "can_judge": can_judge,
        # Assign and withdraw: the flagger's or a chat admin's.
        "can_change": can_change,
    }


def labels_json(lang: Lang) -> JSON:
    """Statuses and field labels in the user's language, as the chat words them."""
    return {
        "statuses": [
            {"id": status, "label": t(lang, f"status_{status}"), "icon": STATUS_ICON[status]}
            for status in Status
        ],
        "fields": {key: t(lang, key) for key in _FIELD_LABELS},
    }


def _definition_json(definition: Definition) -> JSON:
    return {
        "id": definition.id,
        "text": definition.text,
        "speaker": definition.speaker,
        "by": definition.recorded_by_name,
        "at": _time(definition.created_at),
    }


def _ask_json(asked: DefinitionAsk, name: str) -> JSON:
    return {
        "term": name,
        "round": asked.round_name,
        "by": asked.asked_by_name,
        "at": _time(asked.created_at),
    }


def register_json(
    records: Sequence[TermRecord], playbook: Playbook, lang: Lang, *, can_add: bool
) -> JSON:
    """The register of their definitions: each term defined, round by round with each
    round's change from the one before, and the terms asked and not yet defined."""
    terms, asked = [], []
    for record in records:
        key = subject_key(record.term_key, record.phrase)
        name = subject_name(record.term_key, record.phrase, playbook, lang)
        if record.open_ask is not None:
            asked.append({"key": key, **_ask_json(record.open_ask, name)})
        if not record.rounds:
            continue
        terms.append(
            {
                "key": key,
                "term": name,
                "playbook": record.term_key is not None,
                "rounds": [
                    {
                        "round": shown.round_name,
                        "change": {None: "first", True: "changed", False: "same"}[shown.changed],
                        "definitions": [_definition_json(d) for d in shown.definitions],
                    }
                    for shown in record.rounds
                ],
            }
        )
    asked.sort(key=lambda item: str(item["at"]))  # the longest waiting first, as /asked
    return {"can_add": can_add, "asked": asked, "terms": terms}
