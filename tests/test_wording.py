"""What people read matches what the bot does: each refusal says why and what next,
in the reader's language, with one word for each status."""

from __future__ import annotations

from typing import Any

import pytest

from bot.callbacks import log_page, verdict
from tests.conftest import Bot
from tests.support.cast import GROUP, OTHER_GROUP, buttons, callback_data, cast


@pytest.fixture
async def people(bot: Bot) -> dict[str, dict[str, Any]]:
    people = cast(bot.api)
    await bot.say(GROUP, people["bot_admin"], "/enable")
    return people


async def ukrainian(bot: Bot, person: dict[str, Any]) -> dict[str, Any]:
    await bot.say(person["id"], person, "/lang uk")
    return person


async def test_reading_a_chat_without_a_log_does_not_say_nothing_was_stored(
    bot: Bot, people: dict[str, Any]
) -> None:
    [flagged] = await bot.say(OTHER_GROUP, people["flagger"], "/flag something")
    assert "nothing was stored" in flagged["text"]
    for command in ("/log", "/find root", "/board", "/summary", "/show 1"):
        [reply] = await bot.say(OTHER_GROUP, people["flagger"], command)
        assert "keeps no flag log" in reply["text"], command
        assert "nothing was stored" not in reply["text"], command
        assert "/enable" in reply["text"] and str(OTHER_GROUP) in reply["text"]


async def test_an_old_verdict_or_page_button_is_not_called_a_missing_entry(
    bot: Bot, people: dict[str, Any]
) -> None:
    [confirmation] = await bot.say(GROUP, people["flagger"], "/flag said once")
    forged = bot.api.press_button(
        GROUP,
        people["flagger"],
        confirmation["message_id"],
        verdict(1, "maybe"),
        require_button=False,
    )
    assert await bot.feed(forged) == []
    answer = await bot.api.wait_for("answerCallbackQuery")
    assert "out of date" in answer.params["text"]
    assert "playbook" not in answer.params["text"]

    await bot.say(GROUP, people["bot_admin"], "/disable")
    old_page = bot.api.press_button(
        GROUP, people["flagger"], confirmation["message_id"], log_page(10), require_button=False
    )
    mark = bot.api.mark()
    assert await bot.feed(old_page) == []
    answer = await bot.api.wait_for("answerCallbackQuery", since=mark)
    assert "no longer keeps a flag log" in answer.params["text"]


async def test_verify_without_a_verdict_lists_the_choices_in_the_readers_language(
    bot: Bot, people: dict[str, Any]
) -> None:
    await bot.say(GROUP, people["flagger"], "/flag щось сказали")
    reader = await ukrainian(bot, people["flagger"])
    [asked] = await bot.say(GROUP, reader, "/verify 1")
    assert "Який вердикт для #1?" in asked["text"]
    assert "відкрито, правда, неправда, маніпуляція, неперевірне" in asked["text"]
    [wrong] = await bot.say(GROUP, reader, "/verify 1 можливо")
    assert "неправда" in wrong["text"] and "false" not in wrong["text"]
    [done] = await bot.say(GROUP, reader, "/verify 1 неперевірне")
    assert "Статус #1: <b>Неперевірне</b>" in done["text"]


async def test_one_word_per_status_on_buttons_replies_and_history(
    bot: Bot, people: dict[str, Any]
) -> None:
    reader = await ukrainian(bot, people["flagger"])
    [confirmation] = await bot.say(GROUP, reader, "/flag щось сказали")
    texts = [text for text, _ in buttons(confirmation)]
    assert texts[:4] == ["✅ Правда", "❌ Неправда", "⚠️ Маніпуляція", "❔ Неперевірне"]
    assert verdict(1, "verified") in callback_data(confirmation)
    [done] = await bot.press(GROUP, reader, confirmation["message_id"], verdict(1, "verified"))
    assert "Статус #1: <b>Правда</b>" in done["text"]
    [record] = await bot.say(GROUP, reader, "/show 1")
    assert "✅ Правда" in record["text"]
    assert "вердикт → Правда (Taras)" in record["text"]
    assert "Підтверджено" not in record["text"] and "status" not in record["text"]


async def test_the_flagger_is_told_of_a_verdict_in_their_own_language(
    bot: Bot, people: dict[str, Any]
) -> None:
    await bot.say(GROUP, people["flagger"], "/flag the talks failed because of Kyiv")
    judge = await ukrainian(bot, people["chat_admin"])
    [notice] = await bot.say(GROUP, judge, "/verify 1 неправда")
    assert "your flag #1 is now <b>False</b> (by Oksana)" in notice["text"]
    # Taras switches to Ukrainian after flagging: the next notice follows him.
    await ukrainian(bot, people["flagger"])
    [notice] = await bot.say(GROUP, people["bot_admin"], "/verify 1 misleading")
    assert "вашу позначку #1 оцінено: <b>Маніпуляція</b>" in notice["text"]


async def test_an_empty_export_says_so_and_sends_no_files(bot: Bot, people: dict[str, Any]) -> None:
    [reply] = await bot.say(GROUP, people["chat_admin"], "/export")
    assert "nothing to export" in reply["text"] and "/flag" in reply["text"]
    assert bot.api.documents == []
    await bot.say(GROUP, people["flagger"], "/round start Geneva")
    [reply] = await bot.say(GROUP, people["chat_admin"], "/export Geneva")
    assert "Round “Geneva” has no flags" in reply["text"]
    assert bot.api.documents == []


async def test_disable_in_a_configured_chat_says_it_cannot(
    api: Any, tmp_path: Any, library: Any
) -> None:
    from tests.conftest import make_settings, start_bot, stop_bot

    settings = make_settings(api, tmp_path, allowed_chats=frozenset({GROUP}))
    running = await start_bot(api, settings, library)
    try:
        people = cast(api)
        [reply] = await running.say(GROUP, people["chat_admin"], "/disable")
        assert "ALLOWED_CHATS" in reply["text"] and "cannot turn it off" in reply["text"]
        [flagged] = await running.say(GROUP, people["flagger"], "/flag still logged")
        assert "#1 flagged" in flagged["text"]
    finally:
        await stop_bot(running)
