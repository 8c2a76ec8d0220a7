"""Seen before: a statement flagged again, in other words, shows the earlier flag.

Through the real Application and the fake Bot API: the confirmation, /show and the
button that opens the earlier flag; a different claim with the same words shows
nothing; a verdict given later shows on the flags that repeat it; a Ukrainian
group reads it in Ukrainian; another chat's log is never looked at; a restart keeps
the link; an edit of the statement follows it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from bot import export
from bot.callbacks import show_flag
from bot.config import Settings
from bot.services import Library
from tests.conftest import Bot, make_settings, start_bot, stop_bot
from tests.support.board_setup import running_board
from tests.support.cast import GROUP, OTHER_GROUP, cast
from tests.support.cast import callback_data as buttons
from tests.support.fake_bot_api import FakeBotAPI


@pytest.fixture
def people(bot: Bot) -> dict[str, dict[str, Any]]:
    return cast(bot.api)


@pytest.fixture
async def enrolled(bot: Bot, people: dict[str, dict[str, Any]]) -> Bot:
    await bot.say(GROUP, people["bot_admin"], "/enable")
    return bot


async def test_a_reworded_claim_shows_the_flag_that_said_it_first(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    await bot.say(GROUP, people["flagger"], "/round start Istanbul II")
    await bot.say(
        GROUP,
        people["flagger"],
        "/flag Rudenko: Ukraine has adopted a law that prohibits negotiations with Russia",
    )
    await bot.say(GROUP, people["chat_admin"], "/verify 1 false the law bans talks with Putin")
    await bot.say(GROUP, people["flagger"], "/round end")
    await bot.say(GROUP, people["flagger"], "/round start Geneva")

    [reply] = await bot.say(
        GROUP, people["analyst"], "/flag Lavrov: Ukraine passed a law forbidding negotiations"
    )

    assert "#2 flagged" in reply["text"]
    assert "Seen before:</b> #1 ❌ False" in reply["text"]
    assert "Istanbul II" in reply["text"]
    assert "the law bans talks with Putin" in reply["text"]
    assert show_flag(1) in buttons(reply)
    [opened] = await bot.press(GROUP, people["bystander"], reply["message_id"], show_flag(1))
    assert "#1" in opened["text"] and "Rudenko" in opened["text"]
    assert "Ukraine has adopted a law" in opened["text"]
    [stored] = [flag for flag in await bot.flags(GROUP) if flag.number == 2]
    assert stored.seen_before == 1


async def test_a_claim_the_playbook_does_not_know_is_found_by_its_words_minutes_later(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    # Nothing in the playbook says this: only the words of the first flag can find
    # it, and they were in no flag when it was looked up itself.
    bot = enrolled
    await bot.say(
        GROUP, people["flagger"], "/flag Ushakov: the grain corridor closes on Friday at noon"
    )
    [again] = await bot.say(
        GROUP, people["analyst"], "/flag Peskov: on Friday at noon the grain corridor closes"
    )
    assert "Seen before:</b> #1" in again["text"]
    [third] = await bot.say(
        GROUP, people["analyst"], "/flag the grain corridor reopens on Friday at noon"
    )
    assert "Seen before" not in third["text"]


async def test_the_same_words_saying_another_claim_show_nothing(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    await bot.say(GROUP, people["flagger"], "/flag Russia is always ready for talks")
    [refuses] = await bot.say(GROUP, people["flagger"], "/flag Russia refuses talks")
    assert "Seen before" not in refuses["text"]
    assert not any(data.startswith("f:s:") for data in buttons(refuses))
    # Not ready is what refusing says, not what being ready says.
    [not_ready] = await bot.say(GROUP, people["flagger"], "/flag Russia is not ready for talks")
    assert "Seen before:</b> #2" in not_ready["text"]
    [nato] = await bot.say(GROUP, people["flagger"], "/flag NATO must return to its 1991 borders")
    assert "Seen before" not in nato["text"]
    [other_year] = await bot.say(
        GROUP, people["flagger"], "/flag NATO must return to its 1997 borders"
    )
    assert "Seen before" not in other_year["text"]
    [repeat] = await bot.say(
        GROUP, people["flagger"], "/flag Lavrov: NATO has to go back to the 1991 borders"
    )
    assert "Seen before:</b> #4" in repeat["text"]


async def test_a_verdict_on_the_earlier_flag_shows_on_the_later_ones(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    await bot.say(
        GROUP, people["flagger"], "/flag Peskov: people themselves should choose their future"
    )
    [second] = await bot.say(
        GROUP, people["analyst"], "/flag Putin: people should choose their own future"
    )
    assert "Seen before:</b> #1 🟡 Open" in second["text"]

    [notice] = await bot.say(
        GROUP, people["flagger"], "/verify 1 misleading they voted at gunpoint"
    )
    assert "Verdict for #1" in notice["text"]
    assert "1 later flag repeats it: #2" in notice["text"]

    [shown] = await bot.say(GROUP, people["analyst"], "/show 2")
    assert "Seen before:</b> #1 ⚠️ Misleading" in shown["text"]
    assert "they voted at gunpoint" in shown["text"]
    assert show_flag(1) in buttons(shown)


async def test_a_claim_in_ukrainian_finds_it_said_in_english(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    await bot.say(GROUP, people["flagger"], "/flag Kyiv unleashed this war back in 2014")
    [reply] = await bot.say(
        GROUP, people["analyst"], "/flag Мединський: Київ розв'язав цю війну ще у 2014 році"
    )
    assert "Seen before:</b> #1" in reply["text"]


async def test_a_ukrainian_group_reads_it_in_ukrainian(bot: Bot) -> None:
    api = bot.api
    api.chat(GROUP, "supergroup", "Делегація")
    olena = api.user(300, "Олена", "olena", "uk")
    api.set_chat_member(GROUP, 300, "administrator")
    admins = bot.services.settings.admin_ids
    assert admins, "the test settings name a bot admin"
    admin = api.user(next(iter(admins)), "Адмін", "admin", "uk")
    await bot.say(GROUP, admin, "/enable")
    await bot.say(GROUP, olena, "/settings language uk")
    await bot.say(GROUP, olena, "/flag Лавров: НАТО має повернутися до кордонів 1991 року")
    await bot.say(GROUP, olena, "/verify 1 неправда")

    [reply] = await bot.say(
        GROUP, olena, "/flag Мединський: НАТО повинно повернутись до кордонів 1991 року"
    )

    assert "Уже звучало:</b> #1 ❌ Неправда" in reply["text"]
    assert "Відкрити #1" in str(reply["reply_markup"])
    assert "Seen before" not in reply["text"]


async def test_another_chats_flags_are_never_matched(enrolled: Bot, people: dict[str, Any]) -> None:
    bot = enrolled
    await bot.say(OTHER_GROUP, people["bot_admin"], "/enable")
    await bot.say(OTHER_GROUP, people["flagger"], "/flag the Kiev regime started the war in 2014")
    [reply] = await bot.say(
        GROUP, people["flagger"], "/flag the Kiev regime started the war in 2014"
    )
    assert "#1 flagged" in reply["text"]
    assert "Seen before" not in reply["text"]
    # Forged: a button naming a number opens this chat's flag of that number, or none.
    forged = bot.api.press_button(
        GROUP, people["flagger"], reply["message_id"], show_flag(7), require_button=False
    )
    [opened] = await bot.feed(forged)
    assert "#7" in opened["text"] and "Kiev regime" not in opened["text"]


async def test_an_edit_that_changes_the_claim_follows_it(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    await bot.say(GROUP, people["flagger"], "/flag we have no preconditions except goodwill")
    said = bot.api.send_text(GROUP, people["analyst"], "Lavrov: the talks will be held in Minsk")
    await bot.feed(said)
    await bot.say(GROUP, people["flagger"], "/flag", reply_to=said["message"]["message_id"])
    assert (await bot.flags(GROUP))[1].seen_before is None

    edit = "Lavrov: there are no preconditions, Ukraine only has to show goodwill"
    await bot.feed(bot.api.edit_text(GROUP, people["analyst"], said["message"]["message_id"], edit))

    assert (await bot.flags(GROUP))[1].seen_before == 1
    [shown] = await bot.say(GROUP, people["flagger"], "/show 2")
    assert "Seen before:</b> #1" in shown["text"]


async def test_the_link_survives_a_restart(api: FakeBotAPI, tmp_path: Path, library: Any) -> None:
    settings: Settings = make_settings(api, tmp_path, allowed_chats=frozenset({GROUP}))
    api.chat(GROUP, "supergroup", "Delegation")
    taras = api.user(201, "Taras", "taras")
    first = await start_bot(api, settings, library)
    await first.say(GROUP, taras, "/flag Zakharova: no preconditions except goodwill")
    await first.say(
        GROUP, taras, "/flag Rudenko: we have no preconditions except Ukraine's goodwill"
    )
    await stop_bot(first)

    second = await start_bot(api, settings, library)
    await second.say(GROUP, taras, "/verify 1 false")
    [shown] = await second.say(GROUP, taras, "/show 2")
    assert "Seen before:</b> #1 ❌ False" in shown["text"]
    await stop_bot(second)
    assert api.rejections == []


async def test_exports_carry_the_number_it_repeats(enrolled: Bot, people: dict[str, Any]) -> None:
    bot = enrolled
    peskov = "/flag Peskov: people themselves should choose their future"
    await bot.say(GROUP, people["flagger"], peskov)
    await bot.say(GROUP, people["flagger"], "/flag Putin: people should choose their own future")
    await bot.say(GROUP, people["chat_admin"], "/export")
    csv_file, markdown = bot.api.documents[:2]
    rows = list(csv.reader(io.StringIO(csv_file["content"].decode("utf-8-sig"))))
    column = rows[0].index("seen before")
    assert [row[column] for row in rows[1:]] == ["", "#1"]
    assert "- Seen before: \\#1" in markdown["content"].decode("utf-8")
    exported = json.loads(export.to_json(await bot.flags(GROUP), {}))
    assert [flag["seen_before"] for flag in exported["flags"]] == [None, 1]


async def test_the_boards_record_shows_it_with_the_earlier_verdict(
    api: FakeBotAPI, tmp_path: Path, library: Library
) -> None:
    async with running_board(api, tmp_path, library) as board:
        await board.flag("flagger", "Lavrov: the war Kiev unleashed in 2014")
        await board.flag("flagger", "Medinsky: Kyiv unleashed the war in 2014")
        await board.visitor("flagger").post("/api/flags/1/verdict", {"status": "false"})
        record = await board.visitor("bystander").get("/api/flags/2")
        assert record.status == 200, record.body
        earlier = record.body["seen_before"]
        assert earlier["number"] == 1
        assert earlier["line"].startswith("#1 ❌ ")
        first = await board.visitor("bystander").get("/api/flags/1")
        assert first.body["seen_before"] is None
