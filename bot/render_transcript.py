"""A checked transcript's findings, a page at a time, with a flag button each (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.i18n import t
from bot.playbook import Lang, Playbook, as_kind
from bot.render import CARD_BUDGET, Rendered, esc, icon_of, shorten, title_of, visible_length
from bot.render_log import seen_before_line
from bot.store import Flag
from bot.transcript import Checked, Finding

PAGE = 5
QUOTE = 400


def pages(checked: Checked) -> int:
    return max(1, -(-len(checked.findings) // PAGE))


def place(finding: Finding, lang: Lang) -> str:
    """ "line 12", "paragraph 3" or "at 00:01:05", as the reader reads it."""
    statement = finding.statement
    return t(lang, f"check_at_{statement.place}", at=statement.at)


def _entry_names(finding: Finding, playbook: Playbook, lang: Lang) -> list[str]:
    names = []
    for ref in finding.matches:
        kind_name, _, key = ref.partition(":")
        kind = as_kind(kind_name)
        entry = playbook.get(kind, key) if kind is not None else None
        if entry is not None:
            names.append(f"{icon_of(entry)} <b>{esc(title_of(entry, lang))}</b>")
    return names


def _item(
    number: int,
    finding: Finding,
    playbook: Playbook,
    lang: Lang,
    *,
    quote: int,
    seen: Flag | None,
    flagged: int | None,
    where: tzinfo,
) -> str:
    statement = finding.statement
    head = f"<b>{number}.</b> {esc(place(finding, lang))}"
    if statement.speaker:
        head += f" · <b>{esc(shorten(statement.speaker, 60))}</b>"
    lines = [head, f"<blockquote>{esc(shorten(statement.text, quote))}</blockquote>"]
    lines.append("→ " + " · ".join(_entry_names(finding, playbook, lang)))
    if flagged is not None:
        lines.append(t(lang, "check_flagged_here", number=flagged))
    elif seen is not None:
        lines.append(seen_before_line(seen, lang, where))
    return "\n".join(lines)


def page(
    checked: Checked,
    number: int,
    playbook: Playbook,
    lang: Lang,
    *,
    check_id: str,
    flaggable: bool,
    seen: Mapping[int, Flag],
    flagged: Mapping[int, int],
    found: int = 0,
    where: tzinfo = UTC,
) -> Rendered:
    """Page ``number`` (from 0) of the findings: each with its place, speaker, the
    statement and the entries it matched; in a group that keeps a log, a button a
    finding that flags it, and Previous/Next when there are more. ``found``: how many
    statements matched in all, when more than the findings kept; ``seen``: the earlier
    flags that say the same, their days read in the chat's zone ``where``."""
    total_pages = pages(checked)
    number = min(max(number, 0), total_pages - 1)
    first = number * PAGE
    shown = checked.findings[first : first + PAGE]
    title = t(
        lang,
        "check_title",
        name=shorten(checked.file_name, 60),
        count=max(found, len(checked.findings)),
        total=checked.statements,
    )
    head = [title]
    if total_pages > 1:
        head.append(t(lang, "check_page", page=number + 1, pages=total_pages))
    footer = []
    if found > len(checked.findings):
        footer.append(t(lang, "check_kept_first", limit=len(checked.findings)))
    footer.append(t(lang, "check_flag_hint" if flaggable else "check_private_hint"))
    quote = QUOTE
    while True:
        items = [
            _item(
                first + offset + 1,
                finding,
                playbook,
                lang,
                quote=quote,
                seen=seen.get(first + offset),
                flagged=flagged.get(first + offset),
                where=where,
            )
            for offset, finding in enumerate(shown)
        ]
        text = "\n".join(head) + "\n\n" + "\n\n".join(items) + "\n\n" + "\n".join(footer)
        if visible_length(text) <= CARD_BUDGET or quote <= 40:
            break
        quote //= 2
    rows: list[list[InlineKeyboardButton]] = []
    if flaggable:
        rows.append(
            [
                InlineKeyboardButton(
                    t(lang, "check_flag_button", number=first + offset + 1),
                    callback_data=callbacks.transcript_flag(check_id, first + offset),
                )
                for offset in range(len(shown))
            ]
        )
    nav = []
    if number > 0:
        nav.append(
            InlineKeyboardButton(
                t(lang, "prev"), callback_data=callbacks.transcript_page(check_id, number - 1)
            )
        )
    if number + 1 < total_pages:
        nav.append(
            InlineKeyboardButton(
                t(lang, "next"), callback_data=callbacks.transcript_page(check_id, number + 1)
            )
        )
    if nav:
        rows.append(nav)
    return Rendered(text, InlineKeyboardMarkup(rows) if rows else None)
