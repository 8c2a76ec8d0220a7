"""The timeline of the talks as a delegate reads it: in order, by year, by words, linked."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.callbacks import timeline_page
from tests.conftest import Bot
from tests.support.cast import buttons

ALICE = 401
OLENA = 402


YEAR = re.compile(r"<b>[^<]*?\b((?:19|20)\d\d)\b")


def years(text: str) -> list[int]:
    """The year of each event line on a timeline page, in the order shown."""
    return [int(y) for y in YEAR.findall(text)]


async def test_timeline_pages_through_every_event_in_date_order(bot: Bot, library: Any) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [page] = await bot.say(ALICE, alice, "/timeline")
    total = len(library.playbook.events)
    assert f"Timeline of the talks</b> · 1–8 of {total}" in page["text"]
    assert "Failed peace talks of 2014" in page["text"]
    seen = years(page["text"])
    event_buttons = [label for label, data in buttons(page) if data.startswith("o:e:")]
    assert len(event_buttons) == 8
    while ("Next ▶", timeline_page(len(seen) // 8)) in buttons(page):
        [page] = await bot.press(ALICE, alice, page["message_id"], timeline_page(len(seen) // 8))
        seen += years(page["text"])
    assert len(seen) == total
    assert seen == sorted(seen)
    assert seen[0] == 1914 and seen[-1] == 2025  # Lenin's text of 1914, cited by EDM
    assert "flexibility" in page["text"]  # the last event, Rubio in July 2025


async def test_timeline_of_one_year(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [page] = await bot.say(ALICE, alice, "/timeline 2025")
    assert "Timeline of the talks</b> · 2025" in page["text"]
    assert set(years(page["text"])) == {2025}
    assert "16 May 2025" in page["text"] and "2 June 2025" in page["text"]
    [page] = await bot.say(ALICE, alice, "/timeline 2022")
    assert "29 March 2022" in page["text"] and "Istanbul" in page["text"]
    [empty] = await bot.say(ALICE, alice, "/timeline 1999")
    assert "No events in 1999" in empty["text"]


async def test_timeline_by_words_lists_the_matching_events_in_order(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [found] = await bot.say(ALICE, alice, "/timeline Istanbul")
    text = found["text"]
    assert "Istanbul talks of 29 March 2022" in text
    assert "Kyiv on Russia's offer at Istanbul" in text
    assert text.index("29 March 2022") < text.index("June 2025")


async def test_an_event_card_links_to_its_people_and_entries_and_back(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [card] = await bot.say(ALICE, alice, "/timeline Istanbul talks of 29 March 2022")
    assert "<b>Istanbul talks of 29 March 2022</b>" in card["text"]
    assert "29 March 2022 · Istanbul" in card["text"]
    labels = [label for label, _ in buttons(card)]
    assert "👤 Recep Tayyip Erdogan" in labels and "👤 Vladimir Medinsky" in labels
    assert "📕 Scaling back" in labels
    person = dict(buttons(card))["👤 Vladimir Medinsky"]
    [medinsky] = await bot.press(ALICE, alice, card["message_id"], person)
    assert "<b>Vladimir Medinsky</b>" in medinsky["text"]
    assert any(label.startswith("📅 29.03.2022") for label, _ in buttons(medinsky))
    [back] = await bot.press(ALICE, alice, card["message_id"], buttons(medinsky)[-1][1])
    assert "People at and around the table" in back["text"]


async def test_the_timeline_reads_in_ukrainian(bot: Bot) -> None:
    olena = bot.api.user(OLENA, "Олена", language_code="uk")
    [page] = await bot.say(OLENA, olena, "/timeline 2022")
    assert "Хронологія переговорів" in page["text"]
    assert "29 березня 2022 року" in page["text"]
    # Istanbul saw talks in 2022 and in 2025: the bot offers both rather than guess.
    [found] = await bot.say(OLENA, olena, "/timeline Стамбул")
    assert "Переговори в Стамбулі 29 березня 2022 року" in found["text"]
    assert "2025" in found["text"]
    [data] = [data for label, data in buttons(found) if "29.03.2022" in label]
    [card] = await bot.press(OLENA, olena, found["message_id"], data)
    assert "<b>Переговори в Стамбулі 29 березня 2022 року</b>" in card["text"]
    assert "Особи" in card["text"] and "Ердоган" in card["text"]
    assert ("◀ Хронологія", timeline_page(0)) in buttons(card)


@pytest.mark.parametrize(
    "typed", ["Normandy format", "Normandi formt", "нормандский формат", "Мінський процес"]
)
async def test_search_finds_events_by_name_typo_ukrainian_and_russian(bot: Bot, typed: str) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [card] = await bot.say(ALICE, alice, f"/search {typed}")
    assert "The Minsk process and the Normandy format" in card["text"]


async def test_a_forged_timeline_button_gets_a_polite_alert(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [page] = await bot.say(ALICE, alice, "/timeline")
    update = bot.api.press_button(ALICE, alice, page["message_id"], "tl:x:", require_button=False)
    assert await bot.feed(update) == []
    answer = await bot.api.wait_for("answerCallbackQuery")
    assert answer.params.get("show_alert") in (True, "true")
