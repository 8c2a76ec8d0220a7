"""How the flag log looks in Telegram: confirmations, records, pages, summaries.

Pure functions, like ``render``; every piece of user text is escaped here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks, render
from bot.i18n import Html, t
from bot.playbook import AnyEntry, Lang, Playbook, as_kind
from bot.render import (
    CARD_BUDGET,
    Rendered,
    entry_button,
    esc,
    icon_of,
    short_card,
    shorten,
    title_of,
    visible_length,
)
from bot.store import VERDICTS, Flag, FlagEvent, Page, Status, Summary

STATUS_ICON: dict[str, str] = {
    Status.OPEN: "🟡",
    Status.VERIFIED: "✅",
    Status.FALSE: "❌",
    Status.MISLEADING: "⚠️",
    Status.UNVERIFIABLE: "❔",
}
RETRACTED_ICON = "↩️"


# A zone as Ukrainians name the time kept there: "19:28 за київським часом". A zone
# not listed is named by its IANA name, which its chat's admin typed.
_ZONE_TIME_UK: dict[str, str] = {
    "UTC": "за всесвітнім часом",
    "Etc/UTC": "за всесвітнім часом",
    "Europe/Kyiv": "за київським часом",
    "Europe/Kiev": "за київським часом",
    "Europe/Moscow": "за московським часом",
    "Europe/Warsaw": "за варшавським часом",
    "Europe/Berlin": "за берлінським часом",
    "Europe/Paris": "за паризьким часом",
    "Europe/Brussels": "за брюссельським часом",
    "Europe/Zurich": "за цюрихським часом",
    "Europe/Vienna": "за віденським часом",
    "Europe/London": "за лондонським часом",
    "Europe/Istanbul": "за стамбульським часом",
    "Europe/Helsinki": "за гельсінкським часом",
    "Europe/Riga": "за ризьким часом",
    "Europe/Vilnius": "за вільнюським часом",
    "Europe/Bucharest": "за бухарестським часом",
    "Asia/Riyadh": "за ер-ріядським часом",
    "Asia/Dubai": "за дубайським часом",
    "Asia/Qatar": "за катарським часом",
    "America/New_York": "за нью-йоркським часом",
}


def zone_said(where: tzinfo, lang: Lang, moment: datetime | None = None) -> str:
    """The zone a time is in, as the reader names it: "EET" (its abbreviation at that
    moment) in English, "за київським часом" in Ukrainian."""
    key = getattr(where, "key", None) or ("UTC" if where is UTC else None)
    if lang == "uk":
        if key in _ZONE_TIME_UK:
            return _ZONE_TIME_UK[key]
        return f"за часом {key}" if key else "за всесвітнім часом"
    shown = (moment or datetime.now(UTC)).astimezone(where)
    return shown.tzname() or "UTC"


def zone_name(where: tzinfo, lang: Lang) -> str:
    """The zone itself: its IANA name in English ("Europe/Kyiv"), in Ukrainian what
    its time is called ("київський час")."""
    key = getattr(where, "key", None) or "UTC"
    if lang != "uk":
        return key
    said = zone_said(where, lang).removeprefix("за ")
    # "київським часом" → "київський час", "всесвітнім часом" → "всесвітній час"
    words = [
        word[:-2] + ("ий" if word.endswith("им") else "ій") if word.endswith(("им", "ім")) else word
        for word in said.split()
    ]
    return " ".join("час" if word == "часом" else word for word in words)


def when(moment: datetime, lang: Lang, where: tzinfo = UTC, *, named: bool = True) -> str:
    """ "01 Dec 23:53 EET", "1 грудня 23:53 за київським часом": in the chat's zone,
    named (unless ``named`` is False), in the reader's language whatever the
    machine's locale."""
    shown = moment.astimezone(where)
    month = shown.month - 1
    zone = f" {zone_said(where, lang, moment)}" if named else ""
    if lang == "uk":
        return f"{shown.day} {render.MONTHS_OF_UK[month]} {shown:%H:%M}{zone}"
    return f"{shown.day:02d} {render.MONTHS[lang][month][:3]} {shown:%H:%M}{zone}"


def status_word(status: str, lang: Lang) -> str:
    """The status with its icon: the same on buttons, in replies and in summaries."""
    return f"{STATUS_ICON.get(status, '•')} {t(lang, f'status_{status}')}"


def status_label(flag: Flag, lang: Lang) -> str:
    if flag.retracted_at is not None:
        return f"{RETRACTED_ICON} {t(lang, 'flag_retracted')}"
    return status_word(flag.status, lang)


def mention(user_id: int, name: str) -> str:
    """A name that notifies its owner, as Telegram HTML."""
    return f'<a href="tg://user?id={int(user_id)}">{esc(shorten(name, 64))}</a>'


def matched_entries(flag: Flag, playbook: Playbook) -> list[AnyEntry]:
    found = []
    for ref in flag.matches:
        kind_name, _, key = ref.partition(":")
        kind = as_kind(kind_name)
        entry = playbook.get(kind, key) if kind is not None else None
        if entry is not None:
            found.append(entry)
    return found


def verdict_keyboard_rows(
    number: int, lang: Lang, *, named: bool = False
) -> list[list[InlineKeyboardButton]]:
    """The verdict buttons for flag ``number``; ``named``, each says the number too
    (under a message about several flags)."""
    verdicts = [
        InlineKeyboardButton(
            t(lang, "verdict_button", number=number, status=status_word(status, lang))
            if named
            else status_word(status, lang),
            callback_data=callbacks.verdict(number, status),
        )
        for status in VERDICTS
    ]
    return [verdicts[:2], verdicts[2:]]


def verdict_keyboard(
    flag: Flag, lang: Lang, extra: Sequence[AnyEntry] = (), earlier: Flag | None = None
) -> InlineKeyboardMarkup:
    rows = verdict_keyboard_rows(flag.number, lang)
    if earlier is not None:
        label = t(lang, "seen_before_open", number=earlier.number)
        opens = callbacks.show_flag(earlier.number)
        rows.append([InlineKeyboardButton(label, callback_data=opens)])
    rows += [[entry_button(entry, lang)] for entry in extra[:4]]
    return InlineKeyboardMarkup(rows)


def day_said(moment: datetime, lang: Lang, where: tzinfo = UTC) -> str:
    """ "2 Jun", "2 червня": the day, in the chat's zone."""
    shown = moment.astimezone(where)
    if lang == "uk":
        return f"{shown.day} {render.MONTHS_OF_UK[shown.month - 1]}"
    return f"{shown.day} {render.MONTHS[lang][shown.month - 1][:3]}"


def seen_before_line(earlier: Flag, lang: Lang, where: tzinfo = UTC) -> str:
    """ "🔁 Seen before: #12 ❌ False, 2 Jun, Istanbul II" and the note of its verdict:
    the earlier flag as it stands now, so a verdict given since shows here too."""
    parts = [f"#{earlier.number} {esc(status_label(earlier, lang))}"]
    parts.append(esc(day_said(earlier.created_at, lang, where)))
    if earlier.round_name:
        parts.append(esc(shorten(earlier.round_name, 40)))
    said = f"🔁 <b>{esc(t(lang, 'seen_before'))}:</b> " + ", ".join(parts)
    if earlier.note and earlier.status is not Status.OPEN:
        note = shorten(earlier.note.splitlines()[-1], 200)
        said += f"\n<i>{esc(note)}</i>"
    return said


def _speaker_line(flag: Flag, lang: Lang) -> str:
    speaker = flag.speaker or flag.source_author
    return f"<b>{esc(t(lang, 'flag_speaker'))}:</b> {esc(shorten(speaker, 80))}" if speaker else ""


def confirmation(
    flag: Flag,
    playbook: Playbook,
    lang: Lang,
    earlier: Flag | None = None,
    where: tzinfo = UTC,
) -> Rendered:
    """The reply to /flag: the number, what was recorded, the earlier flag that said
    the same, if any, and the playbook's matches."""
    entries = matched_entries(flag, playbook)
    lines = [t(lang, "flagged", number=flag.number)]
    quote_budget = 1500
    lines.append(f"<blockquote>{esc(shorten(flag.text, quote_budget))}</blockquote>")
    person = render.known_speaker(flag.speaker or flag.source_author, playbook, lang)
    for line in (_speaker_line(flag, lang), person, _round_line(flag, lang)):
        if line:
            lines.append(line)
    if earlier is not None:
        lines.append(seen_before_line(earlier, lang, where))
    if entries:
        lines.append("")
        lines.append(f"<b>{esc(t(lang, 'flag_matches'))}</b>")
        lines += [short_card(entry, lang) for entry in entries[:3]]
    return Rendered("\n".join(lines), verdict_keyboard(flag, lang, entries, earlier))


# A merged confirmation lists at most this many flags: one number button each, and
# Telegram shows at most 100 buttons under a message.
MERGED_MAX = 40
_PICKS_PER_ROW = 5


def merged_confirmation(
    flags: Sequence[Flag],
    playbook: Playbook,
    lang: Lang,
    earlier: Mapping[int, Flag] | None = None,
    where: tzinfo = UTC,
) -> tuple[Rendered, int]:
    """One message confirming several flags that arrived faster than the group's
    budget lets the bot answer each; returns it and how many of ``flags`` it covers
    (the rest wait for the next one). Each flag gets a line with its matches and a
    number button that opens its verdict buttons. ``earlier`` holds the flags they
    repeat (seen before), by number."""
    earlier = earlier or {}

    def seen(flag: Flag) -> Flag | None:
        return None if flag.seen_before is None else earlier.get(flag.seen_before)

    if len(flags) == 1:
        return confirmation(flags[0], playbook, lang, seen(flags[0]), where), 1
    lines: list[str] = []
    used = 0
    for flag in flags[:MERGED_MAX]:
        entry_titles = ", ".join(
            f"{icon_of(entry)} {esc(shorten(title_of(entry, lang), 40))}"
            for entry in matched_entries(flag, playbook)[:2]
        )
        item = line(flag, lang, 100) + (f"\n   ↳ {entry_titles}" if entry_titles else "")
        repeated = seen(flag)
        if repeated is not None:
            item += f"\n   ↳ {seen_before_line(repeated, lang, where).splitlines()[0]}"
        if lines and used + visible_length(item) > CARD_BUDGET - 200:
            break
        lines.append(item)
        used += visible_length(item) + 1
    covered = flags[: len(lines)]
    heading = t(lang, "flagged_many", numbers=numbers_said([flag.number for flag in covered]))
    text = "\n".join([heading, *lines, "", f"<i>{esc(t(lang, 'flagged_pick'))}</i>"])
    return Rendered(text, pick_keyboard([flag.number for flag in covered])), len(covered)


def numbers_said(numbers: Sequence[int]) -> str:
    """Flag numbers as a reader scans them: "#21–#25, #27". A merged message may skip
    numbers that went to another topic or were said in another language."""
    ordered = sorted(set(numbers))
    runs: list[list[int]] = []
    for number in ordered:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"#{run[0]}" if len(run) == 1 else f"#{run[0]}–#{run[-1]}" for run in runs)


def pick_keyboard(numbers: Sequence[int]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(f"#{number}", callback_data=callbacks.pick(number))
        for number in numbers
    ]
    return InlineKeyboardMarkup(
        [buttons[i : i + _PICKS_PER_ROW] for i in range(0, len(buttons), _PICKS_PER_ROW)]
    )


def picked_keyboard(number: int, numbers: Sequence[int], lang: Lang) -> InlineKeyboardMarkup:
    """A merged confirmation's buttons once #number was tapped: its verdicts, and back."""
    back = InlineKeyboardButton(
        t(lang, "button_back_to_list"),
        callback_data=callbacks.back_to_picks(number, numbers),
    )
    rows = list(verdict_keyboard_rows(number, lang, named=True))
    return InlineKeyboardMarkup([*rows, [back]])


def merged_notices(notices: Sequence[tuple[Flag, str, str]], lang: Lang) -> Rendered:
    """Several verdicts at once: (flag, status, who gave it) each, the flaggers named."""
    lines = [t(lang, "verdicts_many")]
    for flag, status, by in notices:
        flagger = Html(mention(flag.flagged_by_id, flag.flagged_by_name))
        label = status_word(status, lang)
        lines.append(
            t(lang, "verdict_line", number=flag.number, status=label, by=by, flagger=flagger)
        )
    return Rendered(_clip("\n".join(lines)))


def _round_line(flag: Flag, lang: Lang) -> str:
    if not flag.round_name:
        return ""
    return f"<b>{esc(t(lang, 'flag_round'))}:</b> {esc(shorten(flag.round_name, 60))}"


def line(flag: Flag, lang: Lang, text_limit: int = 140, where: tzinfo | None = None) -> str:
    """One flag in a list: number, status, speaker and the start of the statement; with
    ``where``, when it was flagged in that zone."""
    icon = RETRACTED_ICON if flag.retracted_at is not None else STATUS_ICON.get(flag.status, "•")
    speaker = flag.speaker or flag.source_author
    who = f"<b>{esc(shorten(speaker, 40))}:</b> " if speaker else ""
    text = esc(shorten(flag.text, text_limit))
    if flag.retracted_at is not None:
        text = f"<s>{text}</s>"
    round_part = f" · <i>{esc(shorten(flag.round_name, 30))}</i>" if flag.round_name else ""
    time_part = f" · <i>{esc(when(flag.created_at, lang, where))}</i>" if where else ""
    return f"{icon} <b>#{flag.number}</b> {who}{text}{round_part}{time_part}"


def record(
    flag: Flag,
    history: Sequence[FlagEvent],
    playbook: Playbook,
    lang: Lang,
    where: tzinfo = UTC,
    earlier: Flag | None = None,
) -> Rendered:
    """/show: the full record of one flag, with its history and the earlier flag that
    said the same (as that flag stands now), fitted to one message."""
    head = [
        f"🚩 <b>#{flag.number}</b> · {esc(status_label(flag, lang))}",
        f"<blockquote expandable>{esc(shorten(flag.text, 2000))}</blockquote>",
    ]
    details = [
        _speaker_line(flag, lang),
        f"<b>{esc(t(lang, 'flag_by'))}:</b> {esc(shorten(flag.flagged_by_name, 64))}, "
        f"{when(flag.created_at, lang, where)}",
        _round_line(flag, lang),
    ]
    if flag.assignee:
        details.append(f"<b>{esc(t(lang, 'flag_assignee'))}:</b> {esc(shorten(flag.assignee, 64))}")
    if flag.note:
        details.append(f"<b>{esc(t(lang, 'flag_note'))}:</b> {esc(shorten(flag.note, 500))}")
    if flag.retract_reason:
        details.append(
            f"<b>{esc(t(lang, 'flag_retracted'))}:</b> {esc(shorten(flag.retract_reason, 300))}"
        )
    if flag.source_link and flag.source_link.startswith("https://t.me/"):
        details.append(f'<a href="{esc(flag.source_link)}">{esc(t(lang, "flag_link"))}</a>')
    if earlier is not None:
        details.append(seen_before_line(earlier, lang, where))
    entries = matched_entries(flag, playbook)
    if entries:
        details.append(
            f"<b>{esc(t(lang, 'flag_matches'))}</b> "
            + ", ".join(esc(e.title(lang)) for e in entries)
        )
    events = [_event_line(event, lang, where) for event in history]
    text = _fit("\n".join(head + [d for d in details if d]), events, lang)
    return Rendered(text, verdict_keyboard(flag, lang, entries, earlier))


_EVENTS = frozenset({"created", "status", "assign", "note", "edit", "retract"})


def _event_line(event: FlagEvent, lang: Lang, where: tzinfo) -> str:
    """One change in the reader's language; a status by its word, not the stored code."""
    change = t(lang, f"event_{event.action}") if event.action in _EVENTS else event.action
    value = event.new_value
    if value and event.action in ("created", "status") and value in STATUS_ICON:
        value = t(lang, f"status_{value}")
    if value and event.action not in ("created", "retract", "note"):
        change += f" → {value}"
    who = f" ({event.by_name})" if event.by_name else ""
    note = f": {event.note}" if event.note else ""
    return f"{when(event.at, lang, where)} {change}{who}{note}"


def _fit(body: str, events: Sequence[str], lang: Lang) -> str:
    """Append as much history as fits, newest kept, so the record is never rejected."""
    kept: list[str] = []
    for event in reversed(events):
        candidate = [shorten(event, 200), *kept]
        block = "\n".join(esc(e) for e in candidate)
        if visible_length(body) + visible_length(block) + 40 > CARD_BUDGET:
            break
        kept = candidate
    if not kept:
        return body
    skipped = len(events) - len(kept)
    prefix = f"… +{skipped}\n" if skipped else ""
    history = esc(prefix) + "\n".join(esc(e) for e in kept)
    label = esc(t(lang, "flag_history"))
    return f"{body}\n\n<b>{label}</b>\n<blockquote expandable>{history}</blockquote>"


def log_page(
    page: Page, lang: Lang, filter_code: str, heading: str = "", where: tzinfo = UTC
) -> Rendered:
    """A page of the log, newest first, with Prev/Next buttons that keep the filter."""
    title = f"🗂 <b>{esc(t(lang, 'log_title'))}</b>"
    if heading:
        title += f" · {esc(shorten(heading, 60))}"
    if page.total == 0:
        return Rendered(
            f"{title}\n\n{esc(t(lang, 'log_none_match' if filter_code else 'log_empty'))}"
        )
    first, last = page.offset + 1, page.offset + len(page.items)
    lines = [title, t(lang, "log_page", first=first, last=last, total=page.total), ""]
    lines += [line(flag, lang, where=where) for flag in page.items]
    nav = []
    if page.offset > 0:
        previous = max(0, page.offset - page.limit)
        nav.append(
            InlineKeyboardButton(
                t(lang, "prev"), callback_data=callbacks.log_page(previous, filter_code)
            )
        )
    if last < page.total:
        nav.append(
            InlineKeyboardButton(
                t(lang, "next"), callback_data=callbacks.log_page(last, filter_code)
            )
        )
    keyboard = InlineKeyboardMarkup([nav]) if nav else None
    return Rendered(_clip("\n".join(lines)), keyboard)


def _clip(text: str) -> str:
    """Lists are built from short lines; drop whole lines until the message fits."""
    lines = text.split("\n")
    while visible_length("\n".join(lines)) > CARD_BUDGET and len(lines) > 1:
        lines.pop()
    return "\n".join(lines)


def search_results(query: str, flags: Sequence[Flag], lang: Lang, where: tzinfo = UTC) -> Rendered:
    if not flags:
        return Rendered(t(lang, "find_none", query=shorten(query, 100)))
    lines = [f"🔎 <b>{esc(shorten(query, 100))}</b>", ""]
    lines += [line(flag, lang, where=where) for flag in flags]
    return Rendered(_clip("\n".join(lines)))


def summary(data: Summary, playbook: Playbook, lang: Lang, where: tzinfo = UTC) -> Rendered:
    """/summary: ready to brief the lead for the statement after the round."""
    title = f"📋 <b>{esc(t(lang, 'summary_title'))}</b>"
    if data.round_name:
        title += f" · {esc(shorten(data.round_name, 60))}"
    lines = [title, esc(t(lang, "summary_total", count=data.total))]
    counts = [
        f"{esc(status_word(status, lang))}: {data.by_status.get(status, 0)}" for status in Status
    ]
    if data.retracted:
        counts.append(f"{RETRACTED_ICON} {esc(t(lang, 'flag_retracted'))}: {data.retracted}")
    lines.append("\n".join(counts))
    if data.top_matches:
        lines.append(f"\n<b>{esc(t(lang, 'summary_matched'))}</b>")
        for ref, count in data.top_matches[:8]:
            kind_name, _, key = ref.partition(":")
            kind = as_kind(kind_name)
            entry = playbook.get(kind, key) if kind is not None else None
            name = entry.title(lang) if entry is not None else ref
            lines.append(f"• {esc(name)} × {count}")
    if data.open_flags:
        lines.append(f"\n<b>{esc(t(lang, 'summary_open'))}</b>")
        lines += [line(flag, lang, 100, where) for flag in data.open_flags]
    return Rendered(_clip("\n".join(lines)))


def live_list(
    open_flags: Sequence[Flag], total_open: int, lang: Lang, where: tzinfo = UTC
) -> Rendered:
    """The live list of open flags: one message, edited as flags arrive and get verdicts."""
    lines = [f"📌 <b>{esc(t(lang, 'board_title'))}</b>", ""]
    if not open_flags:
        lines.append(esc(t(lang, "board_empty")))
    lines += [line(flag, lang, 90, where) for flag in open_flags]
    if total_open > len(open_flags):
        lines.append(esc(t(lang, "board_more", count=total_open - len(open_flags))))
    return Rendered(_clip("\n".join(lines)))
