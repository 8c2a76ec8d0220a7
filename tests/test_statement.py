"""The statement after a round, drafted from the record: what a press officer gets
the moment the round ends, in either language, as a message and as files to edit."""

from __future__ import annotations

import html
import io
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import statement
from bot.playbook import Lang
from bot.services import Library
from bot.store import Flag, Round, Status
from tests.conftest import Bot, assert_valid_message
from tests.support.cast import GROUP, cast
from tests.support.cast import buttons as buttons_of

FALSE_CLAIM = "Ukraine has adopted a law that prohibits negotiations with Russia"
MISLEADING = "the Kiev regime refuses all talks"
STILL_OPEN = "we must first eliminate the root causes"


@pytest.fixture
def people(bot: Bot) -> dict[str, dict[str, Any]]:
    return cast(bot.api)


@pytest.fixture
async def round_with_flags(bot: Bot, people: dict[str, Any]) -> Bot:
    """Istanbul 3: #1 judged false (a known claim), #2 misleading (a note only), #3
    still open, and one talking point."""
    flagger, admin = people["flagger"], people["chat_admin"]
    await bot.say(GROUP, people["bot_admin"], "/enable")
    await bot.say(GROUP, admin, "/round start Istanbul 3")
    await bot.say(GROUP, flagger, f"/flag Rudenko: {FALSE_CLAIM}")
    await bot.say(GROUP, flagger, f"/flag Peskov: {MISLEADING}")
    await bot.say(GROUP, flagger, f"/flag Lavrov: {STILL_OPEN}")
    await bot.say(GROUP, flagger, "/verify 1 false")
    await bot.say(GROUP, flagger, "/verify 2 misleading the delegations met in Istanbul in May")
    await bot.say(GROUP, people["bystander"], "/points add Ukraine came to talk; Moscow did not")
    return bot


def visible(message: dict[str, Any]) -> str:
    """What the reader sees: the HTML's text."""
    return html.unescape(re.sub(r"<[^>]+>", "", message["text"]))


def drafts(answers: list[dict[str, Any]]) -> str:
    return "\n".join(visible(answer) for answer in answers if "text" in answer)


def documents(bot: Bot) -> dict[str, bytes]:
    return {doc["filename"]: doc["content"] for doc in bot.api.documents}


async def test_the_draft_has_the_false_and_misleading_statements_and_not_the_open_one(
    round_with_flags: Bot, people: dict[str, Any]
) -> None:
    bot = round_with_flags
    answers = await bot.say(GROUP, people["chat_admin"], "/statement")
    text = drafts(answers)
    assert text.startswith("DRAFT, to edit before release.")
    assert "📝 Statement after round “Istanbul 3”" in text
    assert "Our points\n1. Ukraine came to talk; Moscow did not" in text
    assert f"❌ False\n{FALSE_CLAIM}\nSaid by Rudenko" in text
    assert "(flag #1)" in text
    assert "The facts: Ukraine ruled out negotiating with President Putin personally" in text
    assert "Source: VOA Polygraph, “Russian Falsehoods About Negotiating With Ukraine”" in text
    assert f"⚠️ Misleading\n{MISLEADING}\nSaid by Peskov" in text
    assert "Our check: the delegations met in Istanbul in May" in text
    # The open flag is left out, never called false; the editor is told so.
    assert STILL_OPEN not in text
    assert "Left out: 1 statement still being checked (#3)" in text
    # The loaded terms they used, from any standing flag, with the playbook's answer.
    assert "Loaded terms they used" in text
    assert "Kyiv regime" in text or "Kiev regime" in text
    assert "Used in flag #3." in text and "Used in flag #2." in text
    assert "Sources\n• VOA Polygraph" in text


async def test_the_draft_gives_the_definitions_they_gave_in_the_round(
    round_with_flags: Bot, people: dict[str, Any]
) -> None:
    """Principle 9 meets principle 10: what they said a term means, in this round, goes
    beside what the playbook says it means; another round's definition does not."""
    bot, flagger, admin = round_with_flags, people["flagger"], people["chat_admin"]
    await bot.say(GROUP, flagger, "/define root causes (Lavrov): NATO back to its 1997 lines")
    await bot.say(GROUP, flagger, "/define denazification: a change of government in Kyiv")
    await bot.say(GROUP, admin, "/round end")
    await bot.say(GROUP, admin, "/round start Istanbul 4")
    await bot.say(GROUP, flagger, "/define root causes: whatever suits Moscow this week")
    text = drafts(await bot.say(GROUP, admin, "/statement Istanbul 3"))
    assert "Their definition in this round (Lavrov): “NATO back to its 1997 lines”" in text
    # Defined but never flagged: still a term they used, with no flags to cite.
    assert "Their definition in this round: “a change of government in Kyiv”" in text
    assert "whatever suits Moscow" not in text


async def test_the_files_hold_the_same_text_as_the_message(
    round_with_flags: Bot, people: dict[str, Any]
) -> None:
    bot = round_with_flags
    answers = await bot.say(GROUP, people["chat_admin"], "/statement")
    shown = [line for line in drafts(answers).splitlines() if line.strip()]
    files = documents(bot)
    assert set(files) == {"statement-istanbul-3-en.md", "statement-istanbul-3-en.docx"}
    word = Document(io.BytesIO(files["statement-istanbul-3-en.docx"]))
    assert [p.text for p in word.paragraphs] == [line.removeprefix("📝 ") for line in shown]
    markdown = files["statement-istanbul-3-en.md"].decode("utf-8")
    assert "# Statement after round “Istanbul 3”" in markdown
    assert "### ❌ False" in markdown and f"> {FALSE_CLAIM}" in markdown
    assert "*DRAFT, to edit before release." in markdown


async def test_the_other_language_is_a_button_away(
    round_with_flags: Bot, people: dict[str, Any]
) -> None:
    bot, admin = round_with_flags, people["chat_admin"]
    answers = await bot.say(GROUP, admin, "/statement Istanbul 3")
    last = [answer for answer in answers if "text" in answer][-1]
    [(label, data)] = buttons_of(last)
    assert label == "🇺🇦 In Ukrainian"
    ukrainian = drafts(await bot.press(GROUP, admin, last["message_id"], data))
    assert ukrainian.startswith("ЧЕРНЕТКА, відредагуйте перед оприлюдненням.")
    assert "Заява за підсумками раунду «Istanbul 3»" in ukrainian
    assert "Наші тези\n1. Ukraine came to talk; Moscow did not" in ukrainian
    assert f"❌ Неправда\n{FALSE_CLAIM}\nХто сказав: Rudenko" in ukrainian
    assert "Факти: Україна виключила переговори особисто з президентом Путіним" in ukrainian
    assert "⚠️ Маніпуляція" in ukrainian
    assert "Не включено: 1 заява ще на перевірці (#3)" in ukrainian
    assert STILL_OPEN not in ukrainian
    assert "statement-istanbul-3-uk.docx" in documents(bot)


async def test_round_end_offers_the_draft_to_chat_admins(
    round_with_flags: Bot, people: dict[str, Any]
) -> None:
    bot = round_with_flags
    [ended] = await bot.say(GROUP, people["flagger"], "/round end")
    assert "Round “Istanbul 3” ended" in ended["text"]
    [(label, data)] = buttons_of(ended)
    assert label == "📝 Draft the statement" and len(data.encode()) <= 64
    await bot.press(GROUP, people["bystander"], ended["message_id"], data)
    assert "only chat admins" in bot.api.calls[-1].params["text"]
    assert bot.api.documents == []
    answers = await bot.press(GROUP, people["chat_admin"], ended["message_id"], data)
    text = drafts(answers)
    assert "Statement after round “Istanbul 3”" in text
    assert re.search(r"\d\d \w{3} \d\d:\d\d UTC to \d\d \w{3} \d\d:\d\d UTC", text)


async def test_a_member_who_is_not_an_admin_is_refused(
    round_with_flags: Bot, people: dict[str, Any]
) -> None:
    [refusal] = await round_with_flags.say(GROUP, people["flagger"], "/statement")
    assert "only chat admins" in refusal["text"] and "Ask" in refusal["text"]
    assert round_with_flags.api.documents == []


async def test_an_empty_round_has_nothing_to_draft_yet(bot: Bot, people: dict[str, Any]) -> None:
    admin = people["chat_admin"]
    await bot.say(GROUP, people["bot_admin"], "/enable")
    [none] = await bot.say(GROUP, admin, "/statement")
    assert "no rounds yet" in none["text"]
    await bot.say(GROUP, admin, "/round start Geneva")
    [empty] = await bot.say(GROUP, admin, "/statement")
    assert "Round “Geneva” has nothing to draft yet" in empty["text"]
    await bot.say(GROUP, people["flagger"], f"/flag {STILL_OPEN}")
    [still] = await bot.say(GROUP, admin, "/statement Geneva")
    assert "nothing to draft yet" in still["text"]
    assert "Left out: 1 statement still being checked (#1)" in still["text"]
    [unknown] = await bot.say(GROUP, admin, "/statement Yalta")
    assert "There is no round “Yalta”" in unknown["text"]
    assert bot.api.documents == []


async def test_a_hostile_note_is_shown_as_text_and_a_long_draft_is_split(
    bot: Bot, people: dict[str, Any]
) -> None:
    """Notes come from the chat and the board: markup and 10,000 characters of it."""
    admin = people["chat_admin"]
    await bot.say(GROUP, people["bot_admin"], "/enable")
    await bot.say(GROUP, admin, "/round start Long")
    hostile = '<b>bold</b> & <a href="tg://user?id=1">x</a> *md* # ' + "слово " * 1660
    for number in range(1, 3):
        await bot.say(GROUP, people["flagger"], f"/flag they said thing {number}")
        await bot.store.set_status(
            GROUP, number, Status.FALSE, note=hostile, by_id=admin["id"], by_name="Oksana"
        )
    answers = await bot.say(GROUP, admin, "/statement")
    messages = [answer for answer in answers if "text" in answer]
    assert len(messages) > 3, "each 10,000-character note takes more than one message"
    # The files, what the press officer edits, come before a long message.
    assert [("caption" in answer) for answer in answers[:3]] == [True, True, False]
    text = drafts(answers)
    assert text.count('<b>bold</b> & <a href="tg://user?id=1">x</a> *md*') == 2
    assert "&lt;b&gt;bold" in messages[1]["text"] or "&lt;b&gt;bold" in messages[0]["text"]
    # The split keeps every word: nothing is lost between the parts.
    assert text.count("слово") == 2 * 1660
    word = Document(io.BytesIO(documents(bot)["statement-long-en.docx"]))
    assert sum(p.text.count("слово") for p in word.paragraphs) == 2 * 1660


# -- the draft itself, without Telegram ---------------------------------------------------

AT = datetime(2026, 5, 16, 9, 30, tzinfo=UTC)
ROUND = Round(1, GROUP, "Istanbul <3>", AT, 1, AT + timedelta(hours=6), 1)


def said(number: int, text: str, status: Status, note: str | None = None) -> Flag:
    return Flag(
        chat_id=GROUP, number=number, created_at=AT, updated_at=AT, round_id=1,
        round_name=ROUND.name, text=text, speaker="Lavrov", flagged_by_id=1,
        flagged_by_name="Taras", message_chat_id=GROUP, message_id=number, message_date=None,
        source_message_id=None, thread_id=None, announce_lang="en", source_link=None,
        source_author=None, confirmation_chat_id=None, confirmation_message_id=None,
        status=status, assignee=None, assignee_may_judge=False, note=note,
        matches=("term:root-causes",), retracted_at=None, retract_reason=None,
    )  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(
    text=st.text(min_size=1, max_size=5000),
    note=st.text(max_size=5000),
    lang=st.sampled_from(("en", "uk")),
)
def test_any_draft_splits_into_valid_messages_that_keep_every_line(
    library: Library, text: str, note: str, lang: Lang
) -> None:
    flags = [
        said(1, text, Status.FALSE, note or None),
        said(2, text, Status.OPEN),
        said(3, "retracted", Status.FALSE),
    ]
    flags[2] = replace(flags[2], retracted_at=AT)
    made = statement.draft(ROUND, flags, [], library.playbook, lang, UTC)
    parts = statement.to_messages(made)
    for part in parts:
        assert_valid_message(part)
    shown = html.unescape(re.sub(r"<[^>]+>", "", "\n".join(parts))).replace("📝", "", 1)
    # Every non-blank character of the draft is in the messages, in order (the
    # message adds only the title's icon).
    assert "".join(shown.split()) == "".join("".join(made.lines()).split())
    assert [block.kind for block in made.blocks].count("claim") == 1
    assert made.left_out == (2,)
    assert "retracted" not in made.lines()
