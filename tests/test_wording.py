"""What people read matches what the bot does: each refusal says why and what next,
in the reader's language, with one word for each status."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot import render
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
        assert "/enable" in reply["text"] and "the bot's administrator" in reply["text"]
        assert str(OTHER_GROUP) not in reply["text"] and "ALLOWED_CHATS" not in reply["text"]


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


async def ukrainian_group(bot: Bot, people: dict[str, Any]) -> None:
    await bot.say(GROUP, people["chat_admin"], "/settings language uk")


async def test_verify_without_a_verdict_lists_the_choices_in_the_groups_language(
    bot: Bot, people: dict[str, Any]
) -> None:
    await ukrainian_group(bot, people)
    await bot.say(GROUP, people["flagger"], "/flag щось сказали")
    reader = people["flagger"]
    [asked] = await bot.say(GROUP, reader, "/verify 1")
    assert "Який вердикт для #1?" in asked["text"]
    assert "на перевірці, правда, неправда, маніпуляція, неможливо перевірити" in asked["text"]
    [wrong] = await bot.say(GROUP, reader, "/verify 1 можливо")
    assert "неправда" in wrong["text"] and "false" not in wrong["text"]
    [done] = await bot.say(GROUP, reader, "/verify 1 неможливо перевірити бо немає запису")
    assert "Вердикт для #1: <b>Неможливо перевірити</b>" in done["text"]
    assert "Примітка: <i>бо немає запису</i>" in done["text"]
    [missing] = await bot.say(GROUP, reader, "/verify")
    assert "/verify 12 неправда" in missing["text"] and "false" not in missing["text"]


async def test_the_old_ukrainian_verdict_words_still_work(bot: Bot, people: dict[str, Any]) -> None:
    await ukrainian_group(bot, people)
    await bot.say(GROUP, people["flagger"], "/flag щось сказали")
    [done] = await bot.say(GROUP, people["flagger"], "/verify 1 неперевірне")
    assert "Вердикт для #1: <b>Неможливо перевірити</b>" in done["text"]
    [done] = await bot.say(GROUP, people["flagger"], "/verify 1 відкрито")
    assert "Вердикт для #1: <b>На перевірці</b>" in done["text"]


async def test_one_word_per_status_on_buttons_replies_and_history(
    bot: Bot, people: dict[str, Any]
) -> None:
    await ukrainian_group(bot, people)
    reader = people["flagger"]
    [confirmation] = await bot.say(GROUP, reader, "/flag щось сказали")
    texts = [text for text, _ in buttons(confirmation)]
    assert texts[:4] == ["✅ Правда", "❌ Неправда", "⚠️ Маніпуляція", "❔ Неможливо перевірити"]
    assert verdict(1, "verified") in callback_data(confirmation)
    [done] = await bot.press(GROUP, reader, confirmation["message_id"], verdict(1, "verified"))
    assert "Вердикт для #1: <b>Правда</b>" in done["text"]
    [record] = await bot.say(GROUP, reader, "/show 1")
    assert "✅ Правда" in record["text"]
    assert "вердикт → Правда (Taras)" in record["text"]
    assert "Підтверджено" not in record["text"] and "status" not in record["text"]
    [page] = await bot.say(GROUP, reader, "/log на перевірці")
    assert "Журнал позначок</b> · На перевірці" in page["text"]
    [same] = await bot.say(GROUP, reader, "/log відкриті")
    assert same["text"] == page["text"]


async def test_the_flagger_is_named_with_the_verdict_and_who_gave_it(
    bot: Bot, people: dict[str, Any]
) -> None:
    await ukrainian_group(bot, people)
    await bot.say(GROUP, people["flagger"], "/flag переговори зірвав Київ")
    [notice] = await bot.say(GROUP, people["chat_admin"], "/verify 1 неправда див. запис")
    assert notice["text"].startswith("Вердикт для #1: <b>Неправда</b>")
    assert "Автор вердикту: Oksana" in notice["text"]
    assert 'хто позначив: <a href="tg://user?id=201">Taras</a>' in notice["text"]
    assert "Taras," not in notice["text"], "named, not addressed"
    assert "Примітка: <i>див. запис</i>" in notice["text"]


async def test_a_group_reads_one_language_whoever_writes(bot: Bot, people: dict[str, Any]) -> None:
    await ukrainian_group(bot, people)
    english = people["flagger"]
    await bot.say(english["id"], english, "/lang en")
    [confirmation] = await bot.say(GROUP, english, "/flag the talks failed because of Kyiv")
    assert "#1 позначено" in confirmation["text"]
    [said] = await bot.say(GROUP, english, "/lang en")
    assert "/settings language" in said["text"] and "Вашу мову змінено" in said["text"]
    [refused] = await bot.say(GROUP, english, "/settings language en")
    assert "адміністратори чату" in refused["text"]
    [switched] = await bot.say(GROUP, people["chat_admin"], "/settings language en")
    assert switched["text"] == "This group now reads the bot in English, whoever writes."
    [shown] = await bot.say(GROUP, people["bystander"], "/settings")
    assert "Language of the group: English" in shown["text"]


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
        assert "ALLOWED_CHATS" not in reply["text"] and "cannot switch it off" in reply["text"]
        assert "Ask the bot's administrator" in reply["text"]
        [flagged] = await running.say(GROUP, people["flagger"], "/flag still logged")
        assert "#1 flagged" in flagged["text"]
    finally:
        await stop_bot(running)


async def test_ukrainian_cards_say_dates_and_sources_as_a_ukrainian_writes(bot: Bot) -> None:
    reader = bot.api.user(501, "Остап", "ostap", "uk")
    [none] = await bot.say(501, reader, "/timeline 1990")
    assert "Подій за 1990 рік немає." in none["text"]
    [page] = await bot.say(501, reader, "/timeline 2022")
    assert "<b>Лютий 2022 року</b>" in page["text"] and "<b>лютий" not in page["text"]
    [card] = await bot.say(501, reader, "/who Лавров")
    text = card["text"]
    assert "Повідомлено 7 липня 2025 року. Заявив, що" in text
    assert "повідомлено:" not in text and "— Заявив" not in text
    assert "Джерело: Eurasia Daily Monitor; Sputnik" in text and "(EDM:" not in text
    assert not re.search(r"\([^()]*\(", text), "no bracket inside another"
    assert render.reported_date_uk("2025-07") == "повідомлено в липні 2025 року"
    assert render.reported_date_uk("2022") == "повідомлено 2022 року"


async def test_refusals_name_whom_to_ask_never_a_setting(bot: Bot) -> None:
    people = cast(bot.api)
    reader = bot.api.user(502, "Остап", "ostap", "uk")
    for who, command in ((reader, "/enable"), (people["flagger"], "/enable"), (reader, "/flag x")):
        [refused] = await bot.say(GROUP, who, command)
        assert "ADMIN_IDS" not in refused["text"] and "ALLOWED_CHATS" not in refused["text"]
        assert str(GROUP) not in refused["text"] and " id" not in refused["text"]
    [help_text] = await bot.say(502, reader, "/help")
    assert "ADMIN_IDS" not in help_text["text"] and "Адміністратори бота:" in help_text["text"]


async def test_a_card_that_cites_edm_says_what_it_stands_for(bot: Bot) -> None:
    reader = bot.api.user(503, "Остап", "ostap", "uk")
    [card] = await bot.say(503, reader, "/term першопричини")
    assert (
        "EDM — Eurasia Daily Monitor (Jamestown Foundation), «Як вести переговори з "
        in (card["text"])
    )
    assert "Відповідайте Статутом ООН" not in card["text"]
    assert "цілісність народів" not in card["text"]
