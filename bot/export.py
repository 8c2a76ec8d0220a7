"""Render a chat's flag log as CSV, Markdown or JSON bytes. Pure functions, no I/O.

Each is in its reader's language (the chat's): headings, status words, history,
dates, and playbook cards by their titles. Markdown is for reading: times in the
chat's zone, named. CSV and JSON are for machines and spreadsheets too, so beside
the words they keep what a script compares across chats and languages as codes:
times in UTC (ISO 8601, with the local time and its offset beside), the status code
(``false``, in CSV's "status code" column and JSON's ``status``), the history's
actions and values, playbook ids (JSON's ``matches``), chat, user and message ids.
The ``lang`` column (CSV) or key (JSON) says which language the words are in.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from bot import render, render_log
from bot.definitions import Exported as DefinitionsExport
from bot.definitions import subject_key
from bot.i18n import t
from bot.playbook import Lang, Playbook, as_kind
from bot.points import Exported as PointsExport
from bot.render import title_of
from bot.store import Definition, DefinitionAsk, Flag, FlagEvent, Point, PointEvent, Status

Histories = Mapping[int, Sequence[FlagEvent]]
# A playbook reference ("term:root-causes") → its card's title in the reader's language.
Titles = Mapping[str, str]

_CSV_COLUMNS = (
    "number",
    "time_utc",
    "time_local",
    "round",
    "speaker",
    "text",
    "flagged_by",
    "status",
    "assignee",
    "matches",
    "seen_before",
    "note",
    "retracted",
    "link",
    "history",
    "status_code",
    "lang",
)


def csv_header(lang: Lang) -> tuple[str, ...]:
    return tuple(t(lang, f"csv_{column}") for column in _CSV_COLUMNS)


CSV_HEADER = csv_header("en")


def card_titles(flags: Sequence[Flag], playbook: Playbook, lang: Lang) -> dict[str, str]:
    """The titles of the cards the flags matched, for a reader of ``lang``; a card no
    longer in the playbook keeps its id."""
    titles = {}
    for flag in flags:
        for ref in flag.matches:
            kind_name, _, key = ref.partition(":")
            kind = as_kind(kind_name)
            entry = playbook.get(kind, key) if kind is not None else None
            if entry is not None:
                titles[ref] = title_of(entry, lang)
    return titles


# Control characters other than tab and line breaks break spreadsheets and viewers.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A cell starting with one of these is run as a formula by spreadsheet apps.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _short_utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _local_iso(moment: datetime, where: tzinfo) -> str:
    """ "2025-03-04T07:06:07+02:00": the local time, with the offset that makes it exact."""
    return moment.astimezone(where).isoformat(timespec="seconds")


def _short_local(moment: datetime, where: tzinfo, lang: Lang = "en") -> str:
    """ "2025-03-04 07:06 EET", "4 березня 2025, 07:06": for reading; in Ukrainian the
    zone is named once, in the report's heading."""
    shown = moment.astimezone(where)
    if lang == "uk":
        return f"{shown.day} {render.MONTHS_OF_UK[shown.month - 1]} {shown.year}, {shown:%H:%M}"
    return f"{shown:%Y-%m-%d %H:%M} {shown.tzname() or 'UTC'}"


def message_link(flag: Flag) -> str:
    """The flag's source link, or a t.me link to its message in a supergroup."""
    if flag.source_link:
        return flag.source_link
    message = flag.source_message_id or flag.message_id
    # The chat the message is in: a flag kept from before a supergroup migration
    # points into the old group, which has no links.
    chat = str(flag.message_chat_id)
    # Only supergroups and channels (ids -100…) have public t.me/c/ message links.
    if message and chat.startswith("-100") and len(chat) > 4:
        return f"https://t.me/c/{chat[4:]}/{message}"
    return ""


def _retracted(flag: Flag) -> str:
    if flag.retracted_at is None:
        return ""
    return f"{_utc(flag.retracted_at)} {flag.retract_reason or ''}".strip()


_EVENTS = frozenset({"created", "status", "assign", "note", "edit", "retract"})


def _value(event: FlagEvent, value: str | None, lang: Lang) -> str:
    if value and event.action == "status" and value in render_log.STATUS_ICON:
        return t(lang, f"status_{value}")
    return value or "—"


def _change(event: FlagEvent, lang: Lang) -> str:
    if lang == "en" and event.action == "created":
        return "created"
    said = event.action
    if lang != "en" and event.action in _EVENTS:
        said = t(lang, f"event_{event.action}")
    if event.action in ("status", "assign", "edit"):
        old, new = _value(event, event.old_value, lang), _value(event, event.new_value, lang)
        return f"{said}: {old} → {new}"
    return said


def _history_line(event: FlagEvent, where: tzinfo | None = None, lang: Lang = "en") -> str:
    """In UTC without a zone (CSV, under its "time (UTC)" column), or in ``where``."""
    stamp = _short_utc(event.at) if where is None else _short_local(event.at, where, lang)
    line = f"{stamp} {_change(event, lang)}"
    if event.by_name:
        line += f" ({event.by_name})"
    if event.note and event.action != "retract":
        line += f": {event.note}"
    elif event.action == "retract" and event.new_value:
        line += f": {event.new_value}"
    return line


# -- CSV ----------------------------------------------------------------------------


def _cell(value: str | None) -> str:
    """Plain text a spreadsheet shows as typed: no control bytes, never a formula."""
    text = _CONTROL.sub("", value or "")
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(
    flags: Sequence[Flag],
    histories: Histories,
    where: tzinfo = UTC,
    *,
    lang: Lang = "en",
    titles: Titles | None = None,
) -> bytes:
    """One row per flag; UTF-8 with a BOM so Excel picks the right encoding."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(csv_header(lang))
    named = titles or {}
    for flag in flags:
        history = "\n".join(
            _history_line(event, lang=lang) for event in histories.get(flag.number, ())
        )
        writer.writerow(
            (
                flag.number,
                _utc(flag.created_at),
                _local_iso(flag.created_at, where),
                _cell(flag.round_name),
                _cell(flag.speaker),
                _cell(flag.text),
                _cell(flag.flagged_by_name),
                _label(flag.status, lang),
                _cell(flag.assignee),
                _cell("; ".join(named.get(ref, ref) for ref in flag.matches)),
                "" if flag.seen_before is None else f"#{flag.seen_before}",
                _cell(flag.note),
                _cell(_retracted(flag)),
                _cell(message_link(flag)),
                _cell(history),
                flag.status,
                lang,
            )
        )
    return buffer.getvalue().encode("utf-8-sig")


# -- Markdown -----------------------------------------------------------------------

# Everything CommonMark or GFM could read as markup inside a line; a backslash
# makes any ASCII punctuation literal.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|~&#!])")
_LINE_START_MARKER = re.compile(r"^(\s*)([+\-=>])")
_ORDERED_LIST_MARKER = re.compile(r"^(\s*\d+)([.)])")


def md_escape(text: str) -> str:
    """Text that renders as itself in Markdown; lines are kept, indentation dropped."""
    lines = []
    for raw in _CONTROL.sub("", text).splitlines() or [""]:
        # Four leading spaces would start a code block.
        line = _MARKDOWN_INLINE.sub(r"\\\1", raw.strip())
        line = _LINE_START_MARKER.sub(r"\1\\\2", line)
        line = _ORDERED_LIST_MARKER.sub(r"\1\\\2", line)
        lines.append(line)
    return "\n".join(lines)


def _inline(text: str) -> str:
    """Escaped and kept on one line, for list items and headings."""
    return " ".join(line for line in md_escape(text).split("\n") if line)


def _link(url: str) -> str:
    if re.fullmatch(r"https?://[^\s<>]+", url):
        return f"<{url}>"
    return _inline(url)


def _label(status: str, lang: Lang) -> str:
    """The word the bot says for ``status`` in ``lang``, as on its buttons."""
    return t(lang, f"status_{status}")


def _flag_section(
    flag: Flag, history: Sequence[FlagEvent], where: tzinfo, lang: Lang, titles: Titles
) -> list[str]:
    if flag.retracted:
        was = f"{t(lang, 'md_retracted_was')} {_label(flag.status, lang)}"
        state = f"{t(lang, 'flag_retracted')} ({was})"
    else:
        state = _label(flag.status, lang)
    byline = [_short_local(flag.created_at, where, lang)]
    if flag.round_name:
        byline.append(_inline(flag.round_name))
    if flag.speaker:
        byline.append(f"**{_inline(flag.speaker)}**")
    lines = [f"## #{flag.number} · {state}", "", " · ".join(byline), ""]
    lines += [f"> {line}" if line else ">" for line in md_escape(flag.text).split("\n")]
    lines.append("")
    lines.append(f"- {t(lang, 'flag_by')}: {_inline(flag.flagged_by_name)}")
    if flag.assignee:
        lines.append(f"- {t(lang, 'flag_assignee')}: {_inline(flag.assignee)}")
    if flag.matches:
        cards = ", ".join(_inline(titles.get(ref, ref)) for ref in flag.matches)
        lines.append(f"- {t(lang, 'md_playbook')}: {cards}")
    if flag.seen_before is not None:
        lines.append(f"- {t(lang, 'seen_before')}: \\#{flag.seen_before}")
    if flag.note:
        lines.append(f"- {t(lang, 'md_notes')}:")
        lines += [f"  - {_inline(note)}" for note in flag.note.splitlines() if note.strip()]
    if flag.retracted_at is not None:
        reason = f" — {_inline(flag.retract_reason)}" if flag.retract_reason else ""
        stamp = _short_local(flag.retracted_at, where, lang)
        lines.append(f"- {t(lang, 'flag_retracted')}: {stamp}{reason}")
    link = message_link(flag)
    if link:
        lines.append(f"- {t(lang, 'md_link')}: {_link(link)}")
    if history:
        lines.append(f"- {t(lang, 'flag_history')}:")
        lines += [f"  - {_inline(_history_line(event, where, lang))}" for event in history]
    lines.append("")
    return lines


def to_markdown(
    flags: Sequence[Flag],
    histories: Histories,
    *,
    chat_title: str | None,
    round_name: str | None,
    where: tzinfo = UTC,
    lang: Lang = "en",
    titles: Titles | None = None,
) -> bytes:
    """A phone-readable report: heading, counts by status, then one short section per
    flag, with times in the chat's zone (``where``), in the reader's language."""
    counts = dict.fromkeys(Status, 0)
    retracted = 0
    for flag in flags:
        if flag.retracted:
            retracted += 1
        else:
            counts[flag.status] = counts.get(flag.status, 0) + 1
    title = _inline(chat_title) if chat_title else t(lang, "md_this_chat")
    if round_name:
        covers = f"{t(lang, 'flag_round')}: {_inline(round_name)}"
    else:
        covers = t(lang, "md_all_rounds")
    zone = f"{t(lang, 'md_times')}: {render_log.zone_name(where, lang)}"
    total = t(lang, "summary_total", count=len(flags))
    lines = [f"# {t(lang, 'log_title')}: {title}", "", f"{covers} · {total} · {zone}", ""]
    lines += [f"- {_label(status, lang)}: {count}" for status, count in counts.items()]
    lines += [f"- {t(lang, 'flag_retracted')}: {retracted}", ""]
    if not flags:
        lines += [t(lang, "md_no_flags"), ""]
    for flag in flags:
        lines.append("---")
        lines.append("")
        lines += _flag_section(flag, histories.get(flag.number, ()), where, lang, titles or {})
    return "\n".join(lines).encode("utf-8")


# -- JSON ---------------------------------------------------------------------------


def _event_json(event: FlagEvent) -> dict[str, Any]:
    return {
        "at": _utc(event.at),
        "action": event.action,
        "old_value": event.old_value,
        "new_value": event.new_value,
        "note": event.note,
        "by": {"id": event.by_id, "name": event.by_name},
    }


def _flag_json(
    flag: Flag, history: Sequence[FlagEvent], where: tzinfo, lang: Lang, titles: Titles
) -> dict[str, Any]:
    return {
        "chat_id": flag.chat_id,
        "number": flag.number,
        "created_at": _utc(flag.created_at),
        "created_at_local": _local_iso(flag.created_at, where),
        "round": flag.round_name,
        "speaker": flag.speaker,
        "text": flag.text,
        "flagged_by": {"id": flag.flagged_by_id, "name": flag.flagged_by_name},
        "status": flag.status,
        "status_label": _label(flag.status, lang),
        "assignee": flag.assignee,
        "matches": list(flag.matches),
        "match_titles": [titles.get(ref, ref) for ref in flag.matches],
        "seen_before": flag.seen_before,
        "note": flag.note,
        "retracted_at": None if flag.retracted_at is None else _utc(flag.retracted_at),
        "retract_reason": flag.retract_reason,
        "message_id": flag.message_id,
        "source_message_id": flag.source_message_id,
        "source_author": flag.source_author,
        "link": message_link(flag) or None,
        "history": [_event_json(event) for event in history],
    }


def to_json(
    flags: Sequence[Flag],
    histories: Histories,
    where: tzinfo = UTC,
    *,
    points: Sequence[Mapping[str, Any]] = (),
    definitions: Mapping[str, Any] | None = None,
    lang: Lang = "en",
    titles: Titles | None = None,
) -> bytes:
    """Every field and the full history, for machines; UTF-8, not ASCII-escaped. The
    codes stay codes; ``lang`` names the language of the words beside them
    (``status_label``, ``match_titles``). ``points``: the talking points
    (:func:`points_to_json`), when there are any; ``definitions``: the register of
    their definitions (:func:`definitions_to_json`)."""
    document: dict[str, Any] = {
        "format": "playbook-bot/flags",
        "version": 1,
        "lang": lang,
        "time_zone": getattr(where, "key", None) or "UTC",
        "flags": [
            _flag_json(flag, histories.get(flag.number, ()), where, lang, titles or {})
            for flag in flags
        ],
    }
    if points:
        document["points"] = [dict(point) for point in points]
    if definitions:
        document.update(definitions)
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


# -- talking points (bot.points) ----------------------------------------------------
# Kept apart from the flags' formats: appended to the Markdown report and added to the
# JSON document; CSV stays one row per flag, which a point is not.


def _point_change(event: PointEvent, lang: Lang) -> str:
    said = t(lang, f"md_point_{event.action}") if event.action in _POINT_EVENTS else event.action
    if event.action == "edit":
        return f"{said}: {event.old_value or '—'} → {event.new_value or '—'}"
    if event.action == "move":
        return f"{said}: {event.old_value} → {event.new_value}"
    return said


_POINT_EVENTS = frozenset({"created", "edit", "move", "remove"})


def points_to_markdown(
    points: Sequence[Point],
    histories: Mapping[int, Sequence[PointEvent]],
    round_names: Mapping[int, str],
    where: tzinfo = UTC,
    lang: Lang = "en",
) -> bytes:
    """The talking points as a section to append to :func:`to_markdown`'s report, in
    the same language."""
    if not points:
        return b""
    lines = ["---", "", f"# {t(lang, 'md_points')}", ""]
    for point in points:
        scope = round_names.get(point.round_id, "") if point.round_id is not None else ""
        heading = (
            f"## {t(lang, 'md_point')} · {_inline(scope) if scope else t(lang, 'md_next_round')}"
        )
        removed = f" · {t(lang, 'md_point_removed')}" if point.removed else ""
        lines += [heading + removed, ""]
        lines += [f"> {line}" if line else ">" for line in md_escape(point.text).split("\n")]
        lines += ["", f"- {t(lang, 'md_proposed_by')}: {_inline(point.proposed_by_name)}"]
        history = histories.get(point.id, ())
        if history:
            lines.append(f"- {t(lang, 'flag_history')}:")
            for event in history:
                line = f"{_short_local(event.at, where, lang)} {_point_change(event, lang)}"
                if event.by_name:
                    line += f" ({event.by_name})"
                lines.append(f"  - {_inline(line)}")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def points_to_json(
    points: Sequence[Point],
    histories: Mapping[int, Sequence[PointEvent]],
    round_names: Mapping[int, str],
) -> list[dict[str, Any]]:
    """The talking points for the JSON document's "points" list."""
    return [
        {
            "id": point.id,
            "round": round_names.get(point.round_id) if point.round_id is not None else None,
            "position": point.position,
            "text": point.text,
            "proposed_by": {"id": point.proposed_by_id, "name": point.proposed_by_name},
            "created_at": _utc(point.created_at),
            "removed_at": None if point.removed_at is None else _utc(point.removed_at),
            "history": [
                {
                    "at": _utc(event.at),
                    "action": event.action,
                    "old_value": event.old_value,
                    "new_value": event.new_value,
                    "by": {"id": event.by_id, "name": event.by_name},
                }
                for event in histories.get(point.id, ())
            ],
        }
        for point in points
    ]


# -- the register of their definitions (bot.definitions) ------------------------------
# A definition is not a flag: its own CSV file (one row per definition or ask), its own
# section of the Markdown report, its own lists in the JSON document.

_DEFINITIONS_CSV_COLUMNS = (
    "entry",
    "time_utc",
    "time_local",
    "round",
    "term",
    "playbook_term",
    "speaker",
    "definition",
    "recorded_by",
)


def definitions_csv_header(lang: Lang) -> tuple[str, ...]:
    return tuple(t(lang, f"csv_{column}") for column in _DEFINITIONS_CSV_COLUMNS)


DEFINITIONS_CSV_HEADER = definitions_csv_header("en")


def definitions_to_csv(
    definitions: Sequence[Definition],
    asks: Sequence[DefinitionAsk],
    where: tzinfo = UTC,
    lang: Lang = "en",
) -> bytes:
    """One row per definition, then one per ask; UTF-8 with a BOM, as the flags' CSV.
    The playbook term stays its id, a code a script can join on, as in the JSON."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(definitions_csv_header(lang))
    for item in definitions:
        writer.writerow(
            (
                t(lang, "csv_entry_definition"),
                _utc(item.created_at),
                _local_iso(item.created_at, where),
                _cell(item.round_name),
                _cell(item.phrase),
                _cell(item.term_key),
                _cell(item.speaker),
                _cell(item.text),
                _cell(item.recorded_by_name),
            )
        )
    for asked in asks:
        writer.writerow(
            (
                t(lang, "csv_entry_asked"),
                _utc(asked.created_at),
                _local_iso(asked.created_at, where),
                _cell(asked.round_name),
                _cell(asked.phrase),
                _cell(asked.term_key),
                "",
                "",
                _cell(asked.asked_by_name),
            )
        )
    return buffer.getvalue().encode("utf-8-sig")


def _term_title(term_key: str, playbook: Playbook | None, lang: Lang) -> str:
    """The playbook term's title for the reader; its id where the term is gone."""
    kind = as_kind("term")
    entry = playbook.get(kind, term_key) if playbook is not None and kind is not None else None
    return title_of(entry, lang) if entry is not None else term_key


def definitions_to_markdown(
    definitions: Sequence[Definition],
    asks: Sequence[DefinitionAsk],
    where: tzinfo = UTC,
    lang: Lang = "en",
    playbook: Playbook | None = None,
) -> bytes:
    """The register as a section to append to :func:`to_markdown`'s report, in the same
    language: each term, its definitions in the order recorded, with round, speaker and
    recorder."""
    if not definitions and not asks:
        return b""
    lines = ["---", "", f"# {t(lang, 'md_definitions')}", ""]
    by_term: dict[str, list[Definition]] = {}
    for item in definitions:
        by_term.setdefault(subject_key(item.term_key, item.phrase), []).append(item)
    no_round = t(lang, "md_no_round")
    for group in by_term.values():
        term, term_key = group[-1].phrase, group[-1].term_key
        in_playbook = (
            f" ({t(lang, 'md_definition_term')}: {_inline(_term_title(term_key, playbook, lang))})"
            if term_key
            else ""
        )
        lines += [f"## {_inline(term)}{in_playbook}", ""]
        for item in group:
            scope = _inline(item.round_name or no_round)
            byline = [_short_local(item.created_at, where, lang), scope]
            if item.speaker:
                byline.append(f"**{_inline(item.speaker)}**")
            lines += [" · ".join(byline), ""]
            lines += [f"> {line}" if line else ">" for line in md_escape(item.text).split("\n")]
            lines += ["", f"- {t(lang, 'md_recorded_by')}: {_inline(item.recorded_by_name)}", ""]
    if asks:
        lines += [f"## {t(lang, 'md_asked_to_define')}", ""]
        for asked in asks:
            scope = _inline(asked.round_name or no_round)
            stamp = _short_local(asked.created_at, where, lang)
            lines.append(
                f"- {_inline(asked.phrase)} · {stamp} · {scope} ({_inline(asked.asked_by_name)})"
            )
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def definitions_to_json(
    definitions: Sequence[Definition], asks: Sequence[DefinitionAsk]
) -> dict[str, list[dict[str, Any]]]:
    """The register for the JSON document: its "definitions" and "definition_asks"."""
    return {
        "definitions": [
            {
                "id": item.id,
                "term": item.phrase,
                "playbook_term": item.term_key,
                "round": item.round_name,
                "speaker": item.speaker,
                "text": item.text,
                "recorded_by": {"id": item.recorded_by_id, "name": item.recorded_by_name},
                "message_id": item.message_id,
                "created_at": _utc(item.created_at),
            }
            for item in definitions
        ],
        "definition_asks": [
            {
                "id": asked.id,
                "term": asked.phrase,
                "playbook_term": asked.term_key,
                "round": asked.round_name,
                "asked_by": {"id": asked.asked_by_id, "name": asked.asked_by_name},
                "created_at": _utc(asked.created_at),
            }
            for asked in asks
        ],
    }


# -- the whole Markdown report ---------------------------------------------------------


def markdown_report(
    flags: Sequence[Flag],
    histories: Histories,
    points: PointsExport,
    register: DefinitionsExport,
    *,
    chat_title: str | None,
    round_name: str | None,
    where: tzinfo,
    lang: Lang,
    playbook: Playbook,
) -> bytes:
    """What /export, the board and the command line hand over as Markdown: the flags,
    then the talking points, then the register of their definitions, in one language."""
    titles = card_titles(flags, playbook, lang)
    return (
        to_markdown(
            flags,
            histories,
            chat_title=chat_title,
            round_name=round_name,
            where=where,
            lang=lang,
            titles=titles,
        )
        + points_to_markdown(points.points, points.histories, points.round_names, where, lang)
        + definitions_to_markdown(register.definitions, register.asks, where, lang, playbook)
    )
