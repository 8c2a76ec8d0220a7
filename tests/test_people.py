"""Who is who at the table: /who, its card, and this chat's flags by that speaker."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN_ID, COMMAND_MENUS, Bot
from tests.support.cast import buttons

GROUP = -1001000000071
ALICE = 301
OLENA = 302
TARAS = 303


@pytest.fixture
async def group(bot: Bot) -> Bot:
    bot.api.chat(GROUP, "supergroup", "Delegation")
    [reply] = await bot.say(GROUP, bot.api.user(ADMIN_ID, "Admin", "admin"), "/enable")
    assert "now keeps a flag log" in reply["text"]
    return bot


async def test_who_shows_the_persons_card_with_what_the_sources_report(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [card] = await bot.say(ALICE, alice, "/who Lavrov")
    text = card["text"]
    assert "<b>Sergei Lavrov</b>" in text
    assert "Russian Foreign Minister" in text
    assert "Side: <b>Russia</b>" in text
    assert "Сергій Лавров" in text and "Сергей Лавров" in text
    assert "real situation on the ground" in text
    assert "Magyar Nemzet, July 7" in text
    labels = [label for label, _ in buttons(card)]
    assert "📕 Legitimate territorial interests" in labels
    assert labels[-1] == "◀ All people"


@pytest.mark.parametrize(
    "typed", ["Лавров", "Сергій Лавров", "Сергей Лавров", "sergei lavrov", "Lavrob"]
)
async def test_who_finds_a_person_by_any_alias_language_or_a_typo(bot: Bot, typed: str) -> None:
    olena = bot.api.user(OLENA, "Олена", language_code="uk")
    [card] = await bot.say(OLENA, olena, f"/who {typed}")
    assert "<b>Сергій Лавров</b>" in card["text"]
    assert "міністр закордонних справ Росії" in card["text"]


async def test_who_without_a_name_lists_everyone(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [listing] = await bot.say(ALICE, alice, "/who")
    assert "People at and around the table" in listing["text"]
    assert any("Vladimir Medinsky" in label for label, _ in buttons(listing))


async def test_who_an_unknown_name_says_so_and_offers_the_list(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [reply] = await bot.say(ALICE, alice, "/who qwzx")
    assert "qwzx" in reply["text"]
    assert buttons(reply)


async def test_search_and_plain_text_find_people(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [card] = await bot.say(ALICE, alice, "/search Kendall Taylor")
    assert "<b>Andrea Kendall-Taylor</b>" in card["text"]
    [card] = await bot.say(ALICE, alice, "Эрдоган")
    assert "<b>Recep Tayyip Erdogan</b>" in card["text"]


async def test_inline_mode_finds_a_person_by_the_russian_name(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    mark = bot.api.mark()
    await bot.feed(bot.api.inline_query(alice, "Песков"))
    call = await bot.api.wait_for("answerInlineQuery", since=mark)
    assert call.params["results"][0]["title"] == "👤 Dmitry Peskov"


async def test_a_claim_card_links_to_the_person_who_made_it(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [card] = await bot.say(ALICE, alice, "/claim law prohibits negotiations")
    assert "👤 Andrey Rudenko" in [label for label, _ in buttons(card)]


async def test_who_in_an_enrolled_group_adds_this_chats_flags_by_any_alias(group: Bot) -> None:
    bot = group
    taras = bot.api.user(TARAS, "Taras", "taras")
    for typed in (
        "/flag Лавров: первопричины надо устранить",
        "/flag Lavrov: the real situation on the ground",
        "/flag Sergei Lavrov: sphere of influence",
        "/flag Peskov: people should choose",
        "/flag Lavrov: we are always ready for talks",
    ):
        [confirmation] = await bot.say(GROUP, taras, typed)
        assert "flagged" in confirmation["text"]
    [done] = await bot.say(GROUP, taras, "/verify 2 false contradicts the record")
    assert "False" in done["text"]

    [card] = await bot.say(GROUP, taras, "/who Лавров")
    text = card["text"]
    assert "<b>Sergei Lavrov</b>" in text
    assert "This chat's flags by Sergei Lavrov: 4" in text
    assert "False 1" in text and "Open 3" in text
    assert "#5" in text and "#1" in text and "#4" not in text  # #4 is Peskov's
    label, data = buttons(card)[0]
    assert label == "🚩 /log speaker Lavrov"
    [page] = await bot.press(GROUP, taras, card["message_id"], data)
    assert "#5" in page["text"] and "#2" in page["text"]


async def test_who_in_a_group_without_flags_by_that_person_says_so(group: Bot) -> None:
    bot = group
    taras = bot.api.user(TARAS, "Taras", "taras")
    [card] = await bot.say(GROUP, taras, "/who Medinsky")
    assert "No flags by Vladimir Medinsky in this chat yet" in card["text"]


async def test_who_in_a_group_that_keeps_no_log_shows_only_the_card(bot: Bot) -> None:
    bot.api.chat(GROUP, "supergroup", "Not enrolled")
    taras = bot.api.user(TARAS, "Taras", "taras")
    [card] = await bot.say(GROUP, taras, "/who Lavrov")
    assert "<b>Sergei Lavrov</b>" in card["text"]
    assert "flags" not in card["text"].split("Sources")[-1]


async def test_a_flag_confirmation_names_the_known_speaker(group: Bot) -> None:
    bot = group
    taras = bot.api.user(TARAS, "Taras", "taras")
    [confirmation] = await bot.say(GROUP, taras, "/flag МИД: нет предусловий, кроме доброй воли")
    assert "Known speaker:</b> 👤 Russian Foreign Ministry" in confirmation["text"]
    [confirmation] = await bot.say(GROUP, taras, "/flag Someone: an unknown voice")
    assert "Known speaker" not in confirmation["text"]


async def test_who_with_long_flags_still_fits_one_message_in_both_languages(group: Bot) -> None:
    bot = group
    taras = bot.api.user(TARAS, "Taras", "taras")
    olena = bot.api.user(OLENA, "Олена", language_code="uk")
    await bot.say(GROUP, taras, "/round start " + "Стамбул " * 12)
    for n in range(7):
        await bot.say(GROUP, taras, f"/flag Путин: {'первопричины ' * 300}{n}")
    for who in (taras, olena):
        [card] = await bot.say(GROUP, who, "/who Путин")
        assert "7" in card["text"]  # the fake Bot API refuses anything Telegram would


async def test_who_and_timeline_are_in_the_command_menus_and_help(bot: Bot) -> None:
    await bot.api.wait_for("setMyCommands", count=COMMAND_MENUS)  # set while polling starts
    private = {c["command"] for c in bot.api.commands({"type": "all_private_chats"})}
    groups = {c["command"] for c in bot.api.commands({"type": "all_group_chats"}, "uk")}
    assert {"who", "timeline"} <= private and {"who", "timeline"} <= groups
    alice = bot.api.user(ALICE, "Alice")
    [help_text] = await bot.say(ALICE, alice, "/help")
    assert "/who" in help_text["text"] and "/timeline" in help_text["text"]


@pytest.mark.parametrize(
    ("typed", "name", "role"),
    [
        # English, Ukrainian and Russian, as a delegate types them
        ("Donald Trump", "Donald Trump", "U.S. President (2025)"),
        ("Трамп", "Donald Trump", "U.S. President (2025)"),
        ("Дональд Трамп", "Donald Trump", "U.S. President (2025)"),
        ("Joe Biden", "Joe Biden", "U.S. President (2022)"),
        ("Байден", "Joe Biden", "U.S. President (2022)"),
        ("Джо Байден", "Joe Biden", "U.S. President (2022)"),
        ("Halyna Luhova", "Halyna Luhova", "Head of the Kherson City Military Administration"),
        ("Galina Luhova", "Halyna Luhova", "Head of the Kherson City Military Administration"),
        ("Галина Лугова", "Halyna Luhova", "Head of the Kherson City Military Administration"),
        ("Лугова", "Halyna Luhova", "Head of the Kherson City Military Administration"),
        ("Lenin", "Vladimir Lenin", "Soviet leader"),
        ("Володимир Ленін", "Vladimir Lenin", "Soviet leader"),
        ("Ленин", "Vladimir Lenin", "Soviet leader"),
    ],
)
async def test_who_finds_the_people_the_sources_name_in_three_languages(
    bot: Bot, typed: str, name: str, role: str
) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [card] = await bot.say(ALICE, alice, f"/who {typed}")
    assert f"<b>{name}</b>" in card["text"]
    assert role in card["text"]


async def test_new_people_cards_say_only_what_the_sources_report(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [trump] = await bot.say(ALICE, alice, "/who Trump")
    assert "3 July 2025" in trump["text"] and "the well-known root causes" in trump["text"]
    labels = [label for label, _ in buttons(trump)]
    assert "📅 03.07.2025 Phone call with Trump, 3 July 2025" in labels
    [lenin] = await bot.say(ALICE, alice, "/who Lenin")
    assert "Side: <b>History: cited from the past, at no table</b>" in lenin["text"]
    assert "The Right of Nations to Self-Determination" in lenin["text"]
    olena = bot.api.user(OLENA, "Олена", language_code="uk")
    [luhova] = await bot.say(OLENA, olena, "/who Лугова")
    assert "<b>Галина Лугова</b>" in luhova["text"]
    assert "очільниця Херсонської міської військової адміністрації" in luhova["text"]
    assert "військової адміністрації, для The Washington Post" in luhova["text"]


async def test_kendall_taylors_card_gives_her_whole_role_and_no_invented_day(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [card] = await bot.say(ALICE, alice, "/who Kendall-Taylor")
    text = card["text"]
    assert "director of the Transatlantic Security Program" in text
    assert "reported 29 March 2022 — On Moscow's aims in talks" in text
    assert "\n29 March 2022 —" not in text


async def test_lavrovs_sputnik_statement_shows_the_day_without_a_year(bot: Bot) -> None:
    alice = bot.api.user(ALICE, "Alice")
    [card] = await bot.say(ALICE, alice, "/who Lavrov")
    assert "29 December — Defined Russia's" in card["text"]
    assert "July 2025 — Defined" not in card["text"]
