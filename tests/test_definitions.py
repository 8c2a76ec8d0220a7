"""The register of their definitions (principle 9): what the other side said a term
means, recorded round after round so a shift shows at once; what the team asked them
to define and is still waiting for; kept in this chat only, in exports, and gone with
a purge."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import definitions
from bot.export import definitions_to_json, to_json
from bot.services import Library
from bot.store import Store
from tests.conftest import Bot, make_settings, start_bot, stop_bot
from tests.support.cast import GROUP, OTHER_GROUP, cast
from tests.support.cast import buttons as buttons_of
from tests.support.fake_bot_api import FakeBotAPI
from tests.test_cli import cli


@pytest.fixture
def people(bot: Bot) -> dict[str, dict[str, Any]]:
    return cast(bot.api)


@pytest.fixture
async def enrolled(bot: Bot, people: dict[str, dict[str, Any]]) -> Bot:
    await bot.say(GROUP, people["bot_admin"], "/enable")
    return bot


async def test_definitions_are_listed_round_by_round_and_a_change_stands_out(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot, taras, admin = enrolled, people["flagger"], people["chat_admin"]
    await bot.say(GROUP, admin, "/round start Istanbul 2")
    [recorded] = await bot.say(
        GROUP, taras, "/define root causes (Lavrov): NATO's expansion since 1997"
    )
    assert "Recorded their definition of “Elimination of root causes”" in recorded["text"]
    assert "round “Istanbul 2”" in recorded["text"]
    assert "<b>Lavrov</b>: «NATO's expansion since 1997»" in recorded["text"]
    await bot.say(GROUP, admin, "/round end")
    await bot.say(GROUP, admin, "/round start Istanbul 3")
    # In Ukrainian, by the playbook's word: the same term.
    await bot.say(GROUP, taras, "/define першопричини (Медінський): мова та церква")

    [register] = await bot.say(GROUP, people["bystander"], "/define root causes")
    text = register["text"]
    assert "Their definitions of “Elimination of root causes” in this chat" in text
    assert text.index("Round “Istanbul 2”") < text.index("NATO's expansion since 1997")
    assert text.index("NATO's expansion") < text.index("Round “Istanbul 3”</b> · ⚠️ changed")
    assert "<b>Медінський</b>: «мова та церква»" in text
    assert "recorded by Taras" in text

    # The same words again in a third round: said to be unchanged.
    await bot.say(GROUP, admin, "/round end")
    await bot.say(GROUP, admin, "/round start Geneva")
    await bot.say(GROUP, taras, "/define root causes: мова та церква")
    [again] = await bot.say(GROUP, taras, "/define першопричини")
    assert "Round “Geneva”</b> · same as before" in again["text"]

    stored = await bot.store.definitions.of_chat(GROUP)
    assert {item.term_key for item in stored} == {"root-causes"}
    assert [item.round_name for item in stored] == ["Istanbul 2", "Istanbul 3", "Geneva"]


async def test_a_phrase_the_playbook_lacks_has_a_register_of_its_own(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot, taras = enrolled, people["flagger"]
    [recorded] = await bot.say(GROUP, taras, "/define buffer zone: a strip of 30 km")
    assert "“buffer zone”" in recorded["text"] and "round" not in recorded["text"].split("\n")[0]
    await bot.say(GROUP, taras, "/define Buffer Zones: a strip of 50 km")
    [register] = await bot.say(GROUP, taras, "/define buffer zone")
    assert "30 km" in register["text"] and "50 km" in register["text"]
    assert "Outside a round" in register["text"]
    [none] = await bot.say(GROUP, taras, "/define demilitarised corridor")
    assert "No definition of “demilitarised corridor” recorded in this chat yet" in none["text"]


async def test_a_reply_with_define_records_that_messages_text(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot, iryna, taras = enrolled, people["analyst"], people["flagger"]
    said = bot.api.send_text(GROUP, iryna, "Security guarantees mean Russia has a veto")
    await bot.feed(said)
    message_id = said["message"]["message_id"]
    [recorded] = await bot.say(
        GROUP, taras, "/define security guarantees (Peskov)", reply_to=message_id
    )
    assert "«Security guarantees mean Russia has a veto»" in recorded["text"]
    [stored] = await bot.store.definitions.of_chat(GROUP)
    assert (stored.message_id, stored.speaker, stored.recorded_by_name) == (
        message_id,
        "Peskov",
        "Taras",
    )


async def test_an_ask_waits_on_summary_until_a_definition_is_recorded(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot, taras = enrolled, people["flagger"]
    [noted] = await bot.say(GROUP, taras, "/asked Kyiv regime")
    assert 'we asked them to define “The "Kiev regime"”' in noted["text"]
    await bot.say(GROUP, taras, "/asked buffer zone")
    [summary] = await bot.say(GROUP, taras, "/summary")
    assert "❓ 2 terms asked, not yet defined" in summary["text"]
    assert '• The "Kiev regime"' in summary["text"] and "• buffer zone" in summary["text"]
    [shown] = await bot.say(GROUP, taras, "/define київський режим")
    assert "Asked" in shown["text"] and "no definition recorded since" in shown["text"]

    await bot.say(GROUP, taras, "/define kyiv regime: the government since 2014")
    [summary] = await bot.say(GROUP, taras, "/summary")
    assert "❓ 1 term asked, not yet defined" in summary["text"]
    assert "Kiev regime" not in summary["text"]
    [waiting] = await bot.say(GROUP, taras, "/asked")
    assert "buffer zone" in waiting["text"]
    await bot.say(GROUP, taras, "/define buffer zone: 30 km")
    [summary] = await bot.say(GROUP, taras, "/summary")
    assert "not yet defined" not in summary["text"]
    [none] = await bot.say(GROUP, taras, "/asked")
    assert "No term is waiting" in none["text"]


async def test_the_card_shows_their_definitions_only_in_the_chat_that_recorded_them(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot, taras, admin = enrolled, people["flagger"], people["chat_admin"]
    await bot.say(GROUP, admin, "/round start Day 1")
    await bot.say(GROUP, taras, "/define root causes: first wording")
    await bot.say(GROUP, taras, "/define root causes: corrected wording")
    await bot.say(GROUP, admin, "/round end")
    await bot.say(GROUP, admin, "/round start Day 2")
    await bot.say(GROUP, taras, "/define root causes (Lavrov): NATO since 1997")

    [card] = await bot.say(GROUP, taras, "/term root causes")
    text = card["text"]
    assert "<b>Their definitions here</b>" in text
    assert "Round “Day 1”: «corrected wording»" in text and "first wording" not in text
    assert "Round “Day 2”: <b>Lavrov</b>: «NATO since 1997»" in text

    # A card button in the group opens the same.
    [listed] = await bot.say(GROUP, taras, "/terms")
    pressed = next(data for label, data in buttons_of(listed) if "root causes" in label.lower())
    [opened] = await bot.press(GROUP, taras, listed["message_id"], pressed)
    assert "Their definitions here" in opened["text"]

    # Never in a private chat, nor in another team's group.
    [private] = await bot.say(taras["id"], taras, "/term root causes")
    assert (
        "Elimination of root causes" in private["text"]
        and "Their definitions" not in private["text"]
    )
    await bot.say(OTHER_GROUP, people["bot_admin"], "/enable")
    [other] = await bot.say(OTHER_GROUP, taras, "/term root causes")
    assert (
        "Elimination of root causes" in other["text"] and "Their definitions" not in other["text"]
    )
    [elsewhere] = await bot.say(OTHER_GROUP, taras, "/define root causes")
    assert (
        "No definition of “Elimination of root causes” recorded in this chat yet"
        in elsewhere["text"]
    )


async def test_definitions_are_in_every_export(enrolled: Bot, people: dict[str, Any]) -> None:
    bot, taras, admin = enrolled, people["flagger"], people["chat_admin"]
    await bot.say(GROUP, admin, "/round start Istanbul")
    await bot.say(GROUP, taras, '/define root causes (Lavrov): =HYPERLINK("x") # *not bold*')
    await bot.say(GROUP, taras, "/asked Kyiv regime")
    # No flag at all: the register alone is still worth an export.
    files = await bot.say(GROUP, admin, "/export")
    assert len(files) == 3 and "Export of 0 flags" in files[0]["caption"]
    md = next(d for d in bot.api.documents if d["filename"].endswith(".md"))
    text = md["content"].decode("utf-8")
    assert "# Their definitions" in text
    assert "## root causes (in the playbook: Elimination of root causes)" in text
    assert '> \\=HYPERLINK("x") \\# \\*not bold\\*' in text and "**Lavrov**" in text
    assert "## Asked to define" in text and "- Kyiv regime" in text
    [csv_file] = [d for d in bot.api.documents if d["filename"].startswith("definitions-")]
    rows = csv_file["content"].decode("utf-8-sig").splitlines()
    assert rows[0].startswith("entry,time (UTC)")
    assert "definition" in rows[1] and "'=HYPERLINK" in rows[1] and "Istanbul" in rows[1]
    assert rows[2].startswith("asked,") and "Kyiv regime" in rows[2]

    exported = await definitions.for_export(bot.store, GROUP, "istanbul")
    document = json.loads(
        to_json([], {}, definitions=definitions_to_json(exported.definitions, exported.asks))
    )
    [item] = document["definitions"]
    assert (item["playbook_term"], item["speaker"], item["round"]) == (
        "root-causes",
        "Lavrov",
        "Istanbul",
    )
    assert [a["term"] for a in document["definition_asks"]] == ["Kyiv regime"]
    assert (await definitions.for_export(bot.store, GROUP, "Geneva")).definitions == []


async def test_a_ukrainian_groups_export_keeps_the_register_in_ukrainian(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    """The register is part of what the team hands its lead: in the group's language,
    with the card's title, not its id."""
    bot, taras, admin = enrolled, people["flagger"], people["chat_admin"]
    await bot.say(GROUP, admin, "/settings language uk")
    await bot.say(GROUP, taras, "/define першопричини (Лавров): розширення НАТО")
    await bot.say(GROUP, taras, "/asked київський режим")
    await bot.say(GROUP, admin, "/export")
    md = next(d for d in bot.api.documents if d["filename"].endswith(".md"))
    text = md["content"].decode("utf-8")
    assert "# Їхні визначення" in text
    assert "(у порадникові: Ліквідація першопричин)" in text
    assert "- Хто записав: " in text and "## Просили визначити" in text and "поза раундом" in text
    english = ("Their definitions", "Recorded by", "Asked to define", "no round", "root-causes")
    assert not [words for words in english if words in text]
    [csv_file] = [d for d in bot.api.documents if d["filename"].startswith("definitions-")]
    rows = csv_file["content"].decode("utf-8-sig").splitlines()
    assert rows[0].startswith("запис,всесвітній час,місцевий час,раунд,термін")
    assert rows[1].startswith("визначення,") and rows[2].startswith("просили визначити,")


async def test_definitions_and_asks_go_with_a_purge_and_with_retention(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot, taras, admin = enrolled, people["flagger"], people["chat_admin"]
    await bot.say(GROUP, admin, "/round start Istanbul")
    await bot.say(GROUP, taras, "/define root causes: kept until retention")
    await bot.say(GROUP, taras, "/asked Kyiv regime")
    store = bot.store
    await store.purge_older_than(datetime.now(UTC) - timedelta(days=1))
    assert len(await store.definitions.of_chat(GROUP)) == 1
    assert len(await store.definitions.asks_of_chat(GROUP)) == 1
    await store.purge_older_than(datetime.now(UTC) + timedelta(seconds=1))
    assert await store.definitions.of_chat(GROUP) == []
    assert await store.definitions.asks_of_chat(GROUP) == []

    await bot.say(GROUP, taras, "/define root causes: gone with the purge")
    await bot.say(GROUP, taras, "/asked buffer zone")
    await bot.say(GROUP, taras, "/points add gone too")
    # The question says all that goes, not only the flags.
    [question] = await bot.say(GROUP, admin, "/purge")
    assert "(0 flags, with history and rounds), its talking points" in question["text"]
    assert "register of their definitions and of the terms asked?" in question["text"]
    [done] = await bot.press(GROUP, admin, question["message_id"], buttons_of(question)[0][1])
    assert "with its rounds, talking points and register of their definitions" in done["text"]
    assert await store.points.for_export(GROUP) == []
    assert await store.definitions.of_chat(GROUP) == []
    assert await store.definitions.asks_of_chat(GROUP) == []
    [register] = await bot.say(GROUP, taras, "/define root causes")
    assert "No definition" in register["text"]


async def test_a_restart_keeps_definitions_and_asks(
    api: FakeBotAPI, tmp_path: Path, library: Library
) -> None:
    settings = make_settings(api, tmp_path, allowed_chats=frozenset({GROUP}))
    people = cast(api)
    taras = people["flagger"]
    first = await start_bot(api, settings, library)
    await first.say(GROUP, taras, "/round start Day 1")
    await first.say(GROUP, taras, "/define root causes (Lavrov): NATO since 1997")
    await first.say(GROUP, taras, "/asked Kyiv regime")
    await stop_bot(first)

    second = await start_bot(api, settings, library)
    [register] = await second.say(GROUP, taras, "/define root causes")
    assert "Round “Day 1”" in register["text"] and "NATO since 1997" in register["text"]
    [summary] = await second.say(GROUP, taras, "/summary")
    assert "Kiev regime" in summary["text"]
    await stop_bot(second)
    assert api.rejections == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/define", "Usage: /define &lt;term&gt;"),
        ("/define : what", "Usage: /define &lt;term&gt;"),
        ("/define root causes:   ", "There is no definition to record"),
        ("/define root causes: nul\x00byte", "a character I cannot keep"),
        ("/define root causes: NATO\u202eseveR", "a character I cannot keep"),
        ("/define root causes: " + "x" * 5000, "at most 2000 characters; this one has 5000"),
        ("/define " + "long " * 40 + ": x", "A term can be at most 100 characters"),
    ],
)
async def test_bad_definitions_are_refused_with_the_reason(
    enrolled: Bot, people: dict[str, Any], command: str, expected: str
) -> None:
    [refusal] = await enrolled.say(GROUP, people["flagger"], command)
    assert expected in refusal["text"]
    assert await enrolled.store.definitions.of_chat(GROUP) == []


async def test_a_lone_surrogate_is_refused_at_the_service(enrolled: Bot) -> None:
    """Telegram's UTF-8 cannot carry one, but anything else that calls the service can."""

    async def never_asked() -> bool:
        raise AssertionError("recording needs no admin")

    about = definitions.Subject(None, "root causes")
    refusal = await definitions.record(
        enrolled.store, GROUP, about, "NATO \ud800", speaker=None, by_id=1, by_name="x",
        is_admin=never_asked,
    )  # fmt: skip
    assert refusal == definitions.Refusal("define_bad_text")
    assert definitions.parse("root \udc00 causes: x") == definitions.Refusal("define_bad_text")
    assert await enrolled.store.definitions.of_chat(GROUP) == []


async def test_markup_in_a_definition_is_shown_as_text(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    typed = '<b>bold</b> & <a href="tg://user?id=1">x</a>'
    await enrolled.say(GROUP, people["flagger"], f"/define <i>root</i> (<b>Lavrov</b>): {typed}")
    [register] = await enrolled.say(GROUP, people["flagger"], "/define <i>root</i>")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href=" in register["text"]
    assert "<b>&lt;b&gt;Lavrov&lt;/b&gt;</b>" in register["text"]


async def test_definitions_need_a_chat_that_keeps_a_log(bot: Bot, people: dict[str, Any]) -> None:
    [refusal] = await bot.say(GROUP, people["flagger"], "/define root causes: x")
    assert "no flag log" in refusal["text"]
    [private] = await bot.say(people["flagger"]["id"], people["flagger"], "/define root causes")
    assert "group" in private["text"]


async def test_a_long_register_fits_one_message(enrolled: Bot, people: dict[str, Any]) -> None:
    """Eight rounds of five long definitions: the newest rounds stay, the oldest give way to
    a line saying /export has them; the card stays within one message too."""
    bot, taras, store = enrolled, people["flagger"], enrolled.store
    for day in range(1, 9):
        await store.start_round(GROUP, f"Day {day}", 1)
        for version in range(5):
            await store.definitions.add(
                GROUP, term_key="root-causes", phrase="root causes",
                text=f"{day}.{version} " + "y" * 1900, speaker=None, by_id=1, by_name="T",
            )  # fmt: skip
        await store.end_round(GROUP, 1)
    [register] = await bot.say(GROUP, taras, "/define root causes")
    assert "Round “Day 8”" in register["text"] and "left out here; /export has" in register["text"]
    [card] = await bot.say(GROUP, taras, "/term root causes")
    assert "Their definitions here" in card["text"] and "more in /define" in card["text"]


def test_the_syntax_reads_the_term_the_speaker_and_the_text() -> None:
    parsed = definitions.parse("root causes (Lavrov): NATO: since 1997")
    assert parsed == definitions.Typed("root causes", "Lavrov", "NATO: since 1997")
    assert definitions.parse("  root   causes ") == definitions.Typed("root causes", None, None)
    assert definitions.parse("root causes ():") == definitions.Typed("root causes", None, "")


async def test_the_command_line_exports_definitions(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with await Store.open(path) as store:
        await store.start_round(GROUP, "Day 1", 1)
        await store.definitions.add(
            GROUP, term_key="root-causes", phrase="root causes", text="NATO since 1997",
            speaker="Lavrov", by_id=1, by_name="Taras",
        )  # fmt: skip
        await store.definitions.ask(
            GROUP, term_key=None, phrase="buffer zone", by_id=1, by_name="T"
        )
    env = {"DATABASE_PATH": str(path)}
    done = cli("export", "--chat", str(GROUP), "--format", "json", env=env)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert [d["text"] for d in document["definitions"]] == ["NATO since 1997"]
    assert [a["term"] for a in document["definition_asks"]] == ["buffer zone"]
    done = cli("export", "--chat", str(GROUP), "--format", "md", env=env)
    assert "# Their definitions" in done.stdout and "> NATO since 1997" in done.stdout


async def test_the_register_speaks_ukrainian(enrolled: Bot, people: dict[str, Any]) -> None:
    bot, taras, admin = enrolled, people["flagger"], people["chat_admin"]
    # A group speaks one language, its own: set by its admins, whoever writes there.
    await bot.say(GROUP, admin, "/settings language uk")
    await bot.say(GROUP, admin, "/round start Стамбул")
    [recorded] = await bot.say(GROUP, taras, "/define першопричини (Лавров): розширення НАТО")
    assert "Записано їхнє визначення терміна «Ліквідація першопричин»" in recorded["text"]
    assert "у раунді «Стамбул»" in recorded["text"]
    for term in ("київський режим", "буферна зона"):
        await bot.say(GROUP, taras, f"/asked {term}")
    [summary] = await bot.say(GROUP, taras, "/summary")
    assert "❓ 2 терміни: просили визначити, визначення ще немає" in summary["text"]
    [register] = await bot.say(GROUP, taras, "/define root causes")
    assert "Їхні визначення терміна «Ліквідація першопричин» у цьому чаті" in register["text"]
    assert "Раунд «Стамбул»" in register["text"] and "автор запису: Taras" in register["text"]


async def test_a_supergroup_with_points_and_definitions_of_its_own_takes_the_groups_log(
    bot: Bot, people: dict[str, Any]
) -> None:
    """The supergroup was enrolled and used before the bot saw the migration (the team
    carried on there); both registers and both lists of points survive the move."""
    old_group, new_group = -4000002, -1004000002
    admin, taras = people["bot_admin"], people["flagger"]
    bot.api.chat(old_group, "group", "Delegation")
    await bot.say(old_group, admin, "/enable")
    await bot.say(old_group, admin, "/round start Istanbul")
    await bot.say(old_group, taras, "/flag said in the old group")
    await bot.say(old_group, taras, "/points add the old group's point")
    await bot.say(old_group, taras, "/define root causes: said in the old group")
    bot.api.chat(new_group, "supergroup", "Delegation")
    await bot.say(new_group, admin, "/enable")
    await bot.say(new_group, taras, "/points add the supergroup's point")
    await bot.say(new_group, taras, "/define root causes: said in the supergroup")
    await bot.say(new_group, taras, "/asked Kyiv regime")

    for update in bot.api.migrate_chat(old_group, new_group, taras):
        await bot.feed(update)

    [flag] = await bot.flags(new_group)
    assert flag.text == "said in the old group"
    # Recorded in the supergroup while the group's round was open: in that round now.
    [listed] = await bot.say(new_group, taras, "/points")
    assert "1. the old group's point" in listed["text"]
    assert "2. the supergroup's point" in listed["text"]
    stored = await bot.store.definitions.of_chat(new_group)
    assert [(d.text, d.round_name) for d in stored] == [
        ("said in the old group", "Istanbul"),
        ("said in the supergroup", "Istanbul"),
    ]
    [asked] = await bot.store.definitions.asks_of_chat(new_group)
    assert asked.round_name == "Istanbul"
    assert await bot.store.definitions.of_chat(old_group) == []
    [reply] = await bot.say(new_group, taras, "/flag said after the move")
    assert "#2 flagged" in reply["text"]


async def test_a_supergroup_with_a_log_of_its_own_keeps_both_and_nothing_crashes(
    bot: Bot, people: dict[str, Any]
) -> None:
    """Two flag logs cannot be merged without renumbering flags the team has cited by
    number: each stays as it is, and the bot goes on serving both."""
    old_group, new_group = -4000003, -1004000003
    admin, taras = people["bot_admin"], people["flagger"]
    bot.api.chat(old_group, "group", "Delegation")
    await bot.say(old_group, admin, "/enable")
    await bot.say(old_group, taras, "/flag said in the old group")
    bot.api.chat(new_group, "supergroup", "Delegation")
    await bot.say(new_group, admin, "/enable")
    await bot.say(new_group, taras, "/flag said in the supergroup")

    for update in bot.api.migrate_chat(old_group, new_group, taras):
        await bot.feed(update)

    assert [f.text for f in await bot.flags(old_group)] == ["said in the old group"]
    assert [f.text for f in await bot.flags(new_group)] == ["said in the supergroup"]
    [reply] = await bot.say(new_group, taras, "/flag said after the move")
    assert "#2 flagged" in reply["text"]
