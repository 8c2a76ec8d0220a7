"""Lookup as a team member on a phone uses it: commands, typos, languages, buttons, inline."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.callbacks import list_kind, open_entry
from bot.services import Library
from tests.conftest import COMMAND_MENUS, Bot, make_settings, start_bot, stop_bot
from tests.support.cast import buttons
from tests.support.fake_bot_api import FakeBotAPI

ALICE = 101
OLENA = 102


async def test_start_welcomes_and_offers_every_list(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [reply] = await bot.say(ALICE, alice, "/start")
    assert "Playbook" in reply["text"]
    labels = [text for text, _ in buttons(reply)]
    assert labels[:4] == ["Principles", "Terms", "Tactics", "Claims"]


async def test_term_with_a_typo_opens_the_card(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [reply] = await bot.say(ALICE, alice, "/term root cuases")
    assert "<b>Elimination of root causes</b>" in reply["text"]
    assert "Our answer" in reply["text"]
    assert ("◀ All terms", "l:t:0") in buttons(reply)


async def test_russian_phrase_heard_at_the_table_finds_the_term(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [reply] = await bot.say(ALICE, alice, "устранение первопричин")
    assert "Elimination of root causes" in reply["text"]


async def test_ukrainian_user_gets_ukrainian_card_and_interface(bot: Bot) -> None:
    olena = bot.api.user(OLENA, "Олена", language_code="uk")
    [reply] = await bot.say(OLENA, olena, "першопричини")
    assert "Ліквідація першопричин" in reply["text"]
    assert "Наша відповідь" in reply["text"]
    assert ("◀ Усі терміни", "l:t:0") in buttons(reply)


async def test_a_number_opens_that_principle(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [reply] = await bot.say(ALICE, alice, "8")
    assert reply["text"].startswith("🧭 <b>8. ")
    [reply] = await bot.say(ALICE, alice, "/principle 3")
    assert "<b>3. " in reply["text"]


async def test_principle_out_of_range_says_how_many_there_are(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [reply] = await bot.say(ALICE, alice, "/principle 11")
    assert "/principle 1 to /principle 10" in reply["text"]


async def test_nonsense_offers_a_way_forward_not_a_dead_end(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [reply] = await bot.say(ALICE, alice, "qwzx plorb")
    assert "Nothing in the playbook matches" in reply["text"]
    assert len(buttons(reply)) == 4


async def test_near_miss_suggests_the_closest_entries(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [reply] = await bot.say(ALICE, alice, "/claim security")
    assert buttons(reply), reply


async def test_related_button_replaces_the_card_and_back_shows_the_list(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [card] = await bot.say(ALICE, alice, "/term root causes")
    related = [(text, data) for text, data in buttons(card) if data.startswith("o:")]
    assert related, "a term card links to related entries"
    text, data = related[0]
    [edited] = await bot.press(ALICE, alice, card["message_id"], data)
    assert edited["message_id"] == card["message_id"]
    assert text.split(" ", 1)[1].rstrip("…") in edited["text"]
    [listing] = await bot.press(ALICE, alice, card["message_id"], buttons(edited)[-1][1])
    assert "1." in listing["text"]


async def test_lists_show_every_entry_with_a_button(bot: Bot, library) -> None:  # type: ignore[no-untyped-def]
    alice = bot.api.user(ALICE, "Alice")
    [principles] = await bot.say(ALICE, alice, "/principles")
    assert [text for text, _ in buttons(principles)] == [str(n) for n in range(1, 11)]
    [terms] = await bot.say(ALICE, alice, "/terms")
    assert len(buttons(terms)) >= min(len(library.playbook.terms), 10)


async def test_empty_lookup_shows_the_list(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [reply] = await bot.say(ALICE, alice, "/claim")
    assert "Moscow's known claims, with the facts" in reply["text"]


async def test_deep_link_opens_the_card(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [reply] = await bot.say(ALICE, alice, "/start term-root-causes")
    assert "Elimination of root causes" in reply["text"]


async def test_language_switch_is_remembered_across_restarts(
    api: FakeBotAPI, tmp_path: Path, library
) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(api, tmp_path)
    alice = api.user(ALICE, "Alice", language_code="en")
    first = await start_bot(api, settings, library)
    [reply] = await first.say(ALICE, alice, "/lang uk")
    assert "українською" in reply["text"]
    await stop_bot(first)
    # Telegram still counts the first run's message against Alice's chat; a restart
    # takes longer than this in real life.
    await asyncio.sleep(1.1)

    second = await start_bot(api, settings, library)
    [reply] = await second.say(ALICE, alice, "/help")
    assert "Пошук у порадникові" in reply["text"]
    [reply] = await second.say(ALICE, alice, "/lang")
    assert [data for _, data in buttons(reply)] == ["lang:en", "lang:uk"]
    [done] = await second.press(ALICE, alice, reply["message_id"], "lang:en")
    assert "English" in done["text"]
    await stop_bot(second)
    assert api.rejections == []


async def test_groups_stay_quiet_except_for_commands_addressed_to_the_bot(bot: Bot) -> None:
    group = bot.api.chat(-100555, "supergroup", "Delegation")
    alice = bot.api.user(ALICE, "Alice")
    assert await bot.say(group, alice, "root causes again, as expected") == []
    assert await bot.say(group, alice, "/term@SomeOtherBot root causes") == []
    assert await bot.say(group, alice, "/nosuchcommand") == []
    [reply] = await bot.say(group, alice, "/term@PlaybookTestBot root causes")
    assert "Elimination of root causes" in reply["text"]
    [reply] = await bot.say(group, alice, "/nosuchcommand@PlaybookTestBot")
    assert "/help" in reply["text"]


async def test_unknown_command_in_private_points_to_help(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [reply] = await bot.say(ALICE, alice, "/frobnicate")
    assert "/help" in reply["text"]


async def test_stale_or_forged_button_gets_a_polite_alert(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [card] = await bot.say(ALICE, alice, "/term root causes")
    update = bot.api.press_button(
        ALICE, alice, card["message_id"], open_entry("term", "no-such-term"), require_button=False
    )
    assert await bot.feed(update) == []
    answer = await bot.api.wait_for("answerCallbackQuery")
    assert answer.params.get("show_alert") in (True, "true")
    assert "no longer" in answer.params["text"]


async def test_inline_mode_returns_ranked_cards(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    mark = bot.api.mark()
    await bot.feed(bot.api.inline_query(alice, "root causes"))
    call = await bot.api.wait_for("answerInlineQuery", since=mark)
    assert call.ok, call.description
    results = call.params["results"]
    assert results[0]["title"].endswith("Elimination of root causes")
    assert "Our answer" in results[0]["input_message_content"]["message_text"]


async def test_empty_inline_query_shows_the_principles(bot: Bot) -> None:
    olena = bot.api.user(OLENA, "Олена", language_code="uk")
    mark = bot.api.mark()
    await bot.feed(bot.api.inline_query(olena, ""))
    call = await bot.api.wait_for("answerInlineQuery", since=mark)
    assert len(call.params["results"]) == 10
    assert call.params["results"][0]["title"].startswith("🧭 1.")


async def test_inline_miss_offers_a_button_to_the_bot(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    mark = bot.api.mark()
    await bot.feed(bot.api.inline_query(alice, "zzqqxx"))
    call = await bot.api.wait_for("answerInlineQuery", since=mark)
    assert call.params["results"] == []
    assert call.params["button"]["start_parameter"] == "inline"


async def test_command_menus_are_registered_per_scope_and_language(bot: Bot) -> None:
    await bot.api.wait_for("setMyCommands", count=COMMAND_MENUS)  # set while polling starts
    private = bot.api.commands({"type": "all_private_chats"})
    groups_uk = bot.api.commands({"type": "all_group_chats"}, "uk")
    assert {c["command"] for c in private} >= {"start", "help", "term", "search", "lang"}
    assert {c["command"] for c in groups_uk} >= {"flag", "verify", "log", "export"}
    assert any("Позначити" in c["description"] for c in groups_uk)
    # The bot answers Telegram in Russian or Belarusian in Ukrainian: so does the menu.
    for code in ("ru", "be"):
        assert bot.api.commands({"type": "all_group_chats"}, code) == groups_uk
    assert bot.api.commands({"type": "all_private_chats"}, "ru") == bot.api.commands(
        {"type": "all_private_chats"}, "uk"
    )


async def test_a_ukrainian_speaking_bot_shows_its_ukrainian_menu_to_everyone_but_english(
    api: FakeBotAPI, tmp_path: Path, library: Library
) -> None:
    settings = make_settings(api, tmp_path, default_language="uk")
    running = await start_bot(api, settings, library)
    await api.wait_for("setMyCommands", count=4)
    await stop_bot(running)
    default_menu = api.commands({"type": "all_group_chats"})
    assert any("Позначити" in c["description"] for c in default_menu)
    english = api.commands({"type": "all_group_chats"}, "en")
    assert any(c["description"].startswith("Flag") for c in english), english
    assert api.commands({"type": "all_group_chats"}, "uk") == []  # the default serves it


async def test_a_ukrainian_card_cites_its_sources_in_ukrainian(bot: Bot) -> None:
    olena = bot.api.user(OLENA, "Олена", language_code="uk")
    [card] = await bot.say(OLENA, olena, "першопричини")
    sources = card["text"].split("Джерела", 1)[1]
    assert "«Як вести переговори з Москвою: досвід українського дипломата», липень 2025" in sources
    assert "Президент Росії, 3 липня" in sources
    assert "How to Negotiate" not in sources


async def test_security_guarantees_read_as_ukraines_request_not_a_kremlin_term(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [card] = await bot.say(ALICE, alice, "/term security guarantees")
    assert "Ukraine's term, not the Kremlin's" in card["text"]
    assert "<b>Ukraine asks for</b>\nan enhanced analogue of Article 5" in card["text"]
    assert "Moscow says" not in card["text"] and "Heard as" not in card["text"]


# Whose verdict each claim card shows: VOA's own word where VOA gives one, else ours.
VERDICTS = {
    "law-prohibits-negotiations": ("VOA: <b>“misleading”</b>", "VOA: <b>«оманливий»</b>"),
    "always-ready-for-talks": ("VOA: <b>“misleading”</b>", "VOA: <b>«оманливий»</b>"),
    "war-unleashed-2014": (
        "VOA: <b>“falsely blamed Ukraine”</b>",
        "VOA: <b>«неправдиво звинуватив Україну»</b>",
    ),
    "people-should-choose": ("Our reading: <b>", "Наша оцінка: <b>"),
    "no-preconditions-but-goodwill": ("Our reading: <b>Lacks context</b>", "Наша оцінка: <b>"),
    "free-expression-of-will": ("Our reading: <b>", "Наша оцінка: <b>"),
    "friendly-relations-basis": ("Our reading: <b>", "Наша оцінка: <b>"),
}


async def test_every_claim_card_says_whose_verdict_it_shows(bot: Bot, library: Any) -> None:
    assert set(VERDICTS) == {claim.id for claim in library.playbook.claims}
    alice = bot.api.user(ALICE, "Alice")
    olena = bot.api.user(OLENA, "Олена", language_code="uk")
    for user, chat, lang in ((alice, ALICE, 0), (olena, OLENA, 1)):
        [listing] = await bot.say(chat, user, "/claims")
        heading = "Moscow's known claims, with the facts" if lang == 0 else "Відомі заяви Москви"
        assert heading in listing["text"]
        assert "false claims" not in listing["text"]
        for claim_id, shown in VERDICTS.items():
            data = open_entry("claim", claim_id)
            assert data in [d for _, d in buttons(listing)]
            [card] = await bot.press(chat, user, listing["message_id"], data)
            whose = card["text"].split("\n")[1]
            assert shown[lang] in whose, (claim_id, whose)
            assert "Verdict:" not in whose
            [listing] = await bot.press(chat, user, card["message_id"], list_kind("claim"))


async def test_ukraines_own_terms_are_listed_apart_from_the_kremlins(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [terms] = await bot.say(ALICE, alice, "/terms")
    kremlin, ours = terms["text"].split("🛡 <b>Ukraine's own terms, not the Kremlin's</b>")
    assert "The Kremlin's loaded terms" in kremlin and "Security guarantees" not in kremlin
    assert "Security guarantees (Ukraine's request)" in ours
    labels = [label for label, _ in buttons(terms)]
    assert "🛡 Security guarantees (Ukraine's request)" in labels
    assert not any(label.startswith("📕 Security") for label in labels)
    [card] = await bot.say(ALICE, alice, "/term security guarantees")
    assert card["text"].startswith("🛡 <b>Security guarantees")
    [found] = await bot.say(ALICE, alice, "/search guarantees root causes")
    assert "📕 <b>Security" not in found["text"]
