"""A person's card with this chat's flags by that speaker (pure, like ``render``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks, render_log
from bot.i18n import t
from bot.playbook import Lang, Person, Playbook
from bot.render import CARD_BUDGET, Rendered, card, esc
from bot.store import Flag

# The flags part: a heading, counts and five lines of at most ~160 characters each.
FLAGS_ROOM = 1200
LATEST = 5
# Callback data is 64 bytes; the /log speaker filter matches by substring, so a cut
# name still finds the flags.
_SPEAKER_BYTES = 40


def _cut_utf8(text: str, limit: int) -> str:
    return text.encode()[:limit].decode(errors="ignore")


def person_with_flags(
    person: Person,
    playbook: Playbook,
    lang: Lang,
    counts: Mapping[str, int],
    latest: Sequence[Flag],
    log_name: str | None,
) -> Rendered:
    """The card, then how many of this chat's flags that person said, by verdict, the
    latest few, and a button to all of them (``/log speaker``)."""
    base = card(person, playbook, lang, budget=CARD_BUDGET - FLAGS_ROOM)
    name = person.title(lang)
    total = sum(counts.values())
    if total == 0:
        block = t(lang, "who_flags_none", name=name)
    else:
        shown = [
            f"{esc(render_log.status_word(status, lang))} {n}"
            for status, n in counts.items()
            if n and status != "retracted"
        ]
        if counts.get("retracted"):
            shown.append(f"{render_log.RETRACTED_ICON} {counts['retracted']}")
        lines = [t(lang, "who_flags", name=name, total=total), " · ".join(shown)]
        lines.append(f"<b>{esc(t(lang, 'who_flags_latest'))}</b>")
        lines += [render_log.line(flag, lang, text_limit=110) for flag in latest[:LATEST]]
        block = "\n".join(lines)
    rows = [list(row) for row in (base.keyboard.inline_keyboard if base.keyboard else ())]
    if log_name:
        code = "s" + _cut_utf8(log_name, _SPEAKER_BYTES)
        # A button label is plain text, not HTML: the typed name goes in as it is.
        label = f"🚩 {t(lang, 'log_speaker_command')} {log_name}"
        button = InlineKeyboardButton(label, callback_data=callbacks.log_page(0, code))
        rows.insert(0, [button])
    return Rendered(f"{base.text}\n\n{block}", InlineKeyboardMarkup(rows))
