"""How talking points and the statement's buttons look in Telegram. Pure functions;
every piece of user text is escaped here."""

from __future__ import annotations

from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.i18n import t
from bot.playbook import Lang
from bot.points import Listing
from bot.render import Rendered, esc, shorten

# A list is an overview: each point cut to this, the whole kept well under 4,096.
POINT_CHARS: Final = 300
LIST_BUDGET: Final = 3500
# Rows of buttons under the list; points further down are changed by number.
BUTTON_ROWS: Final = 20


def points_list(listing: Listing, lang: Lang) -> Rendered:
    """The points being prepared, numbered, with buttons to edit, move up or remove."""
    if listing.round is not None:
        lines = [t(lang, "points_title", name=listing.round.name)]
    else:
        lines = [t(lang, "points_title_next")]
    if not listing.points:
        return Rendered("\n".join([*lines, t(lang, "points_empty")]))
    shown = 0
    for number, point in enumerate(listing.points, 1):
        by = esc(shorten(point.proposed_by_name, 40))
        line = f"{number}. {esc(shorten(point.text, POINT_CHARS))} <i>— {by}</i>"
        if sum(len(item) + 1 for item in lines) + len(line) > LIST_BUDGET:
            break
        lines.append(line)
        shown = number
    if shown < len(listing.points):
        lines.append(t(lang, "points_more", count=len(listing.points) - shown))
    lines += ["", f"<i>{t(lang, 'points_hint')}</i>"]
    rows = []
    for number, point in enumerate(listing.points[: min(shown, BUTTON_ROWS)], 1):
        row = [
            InlineKeyboardButton(f"✏️ {number}", callback_data=callbacks.point_action("e", point.id))
        ]
        if number > 1:
            row.append(
                InlineKeyboardButton(
                    f"⬆️ {number}", callback_data=callbacks.point_action("u", point.id)
                )
            )
        row.append(
            InlineKeyboardButton(f"🗑 {number}", callback_data=callbacks.point_action("r", point.id))
        )
        rows.append(row)
    return Rendered("\n".join(lines), InlineKeyboardMarkup(rows))


def draft_button(round_id: int, lang: Lang) -> InlineKeyboardMarkup:
    """ "Draft the statement" of a round that just ended, in the reader's language."""
    button = InlineKeyboardButton(
        t(lang, "statement_button"), callback_data=callbacks.statement_draft(round_id, lang)
    )
    return InlineKeyboardMarkup([[button]])


def other_language_button(round_id: int, lang: Lang) -> InlineKeyboardMarkup:
    """Under a draft: the same draft in the other language."""
    other: Lang = "uk" if lang == "en" else "en"
    button = InlineKeyboardButton(
        t(lang, f"statement_in_{other}"), callback_data=callbacks.statement_draft(round_id, other)
    )
    return InlineKeyboardMarkup([[button]])
