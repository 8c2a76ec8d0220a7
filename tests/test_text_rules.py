"""Bad text stops at the door: what the flag log refuses, and how each way in says so.

The rules are bot.text_rules; these stories send refused text through every way text
reaches the log (the chat's commands, a reply-flag, an edit, the board's fields) and
check that the sender is told why and that the log is unchanged.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot import text_rules
from bot.services import Library
from bot.text_rules import Kind, Problem, Refused
from tests.conftest import Bot
from tests.support.board_client import Visitor
from tests.support.board_setup import OUTSIDE_GROUP, Board, running_board
from tests.support.cast import GROUP, cast
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.logged import every_record, troubles

SURROGATE = "Lavrov: \ud800 root causes"
NUL = "Lavrov: root\x00 causes"
# What the board's tester sent: ``…/\u202etxt.exe`` shows as ``…/exe.txt``.
SPOOFED_LINK = "https://example.org/\u202etxt.exe"


# -- the rules ------------------------------------------------------------------------


@pytest.mark.parametrize("control", sorted(text_rules.BIDI_CONTROLS))
def test_every_bidi_control_is_refused_in_every_kind(control: str) -> None:
    for kind in Kind:
        assert text_rules.check(f"a{control}b", kind) == Refused(
            Problem.BIDI, kind, text_rules.LIMITS[kind]
        )


def test_what_the_log_refuses_and_what_it_keeps() -> None:
    statement = Kind.STATEMENT
    assert text_rules.check("  Lavrov: root causes 🇺🇦 👨‍👩‍👧 \u200b ї  ", statement) == (
        "Lavrov: root causes 🇺🇦 👨‍👩‍👧 \u200b ї"
    )
    assert text_rules.check("", statement) == ""
    assert isinstance(text_rules.check(SURROGATE, statement), Refused)
    assert text_rules.check("\udfff", statement) == Refused(Problem.UNREADABLE, statement, 4096)
    assert text_rules.check(NUL, statement) == Refused(Problem.NUL, statement, 4096)
    assert text_rules.check("x" * 4096, statement) == "x" * 4096
    assert text_rules.check("x" * 4097, statement) == Refused(Problem.TOO_LONG, statement, 4096)
    assert text_rules.check("x" * 2001, Kind.NOTE) == Refused(Problem.TOO_LONG, Kind.NOTE, 2000)
    # The surrounding spaces do not count towards the limit.
    assert text_rules.check(f"  {'x' * 2000}  ", Kind.NOTE) == "x" * 2000


def test_a_refusal_says_what_and_why_in_the_readers_language() -> None:
    refused = text_rules.check(SPOOFED_LINK, Kind.LINK)
    assert isinstance(refused, Refused)
    assert text_rules.explain(refused, "en").startswith(
        "The link holds invisible text-direction characters"
    )
    assert text_rules.explain(refused, "uk").startswith("Посилання містить невидимі символи")
    too_long = text_rules.check("x" * 201, Kind.NAME)
    assert isinstance(too_long, Refused)
    assert "longer than 200 characters" in text_rules.explain(too_long, "en")


# -- the chat --------------------------------------------------------------------------


@pytest.fixture
def people(bot: Bot) -> dict[str, dict[str, Any]]:
    return cast(bot.api)


@pytest.fixture
async def enrolled(bot: Bot, people: dict[str, dict[str, Any]]) -> Bot:
    [reply] = await bot.say(GROUP, people["bot_admin"], "/enable")
    assert "now keeps a flag log" in reply["text"]
    [flagged] = await bot.say(GROUP, people["flagger"], "/flag Lavrov: the first statement")
    assert "#1 flagged" in flagged["text"]
    return bot


async def history(bot: Bot) -> list[str]:
    return [event.action for event in await bot.store.history(GROUP, 1)]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (f"/flag {NUL}", "The statement holds a NUL character"),
        ("/flag Lavrov: the \u202eroot causes", "The statement holds invisible text-direction"),
        ("/flag Lav\u202erov: root causes", "The statement holds invisible text-direction"),
        (f"/flag {SURROGATE}", "Your message holds broken characters"),
        ("/verify 1 false see\x00 this", "The note holds a NUL character"),
        ("/verify 1 false \u2066note\u2069", "The note holds invisible text-direction"),
        (f"/verify 1 false {'n' * 2001}", "The note is longer than 2000 characters"),
        ("/assign 1 @ana\u202elyst", "The name holds invisible text-direction"),
        (f"/assign 1 {'a' * 201}", "The name is longer than 200 characters"),
        ("/unflag 1 mis\x00heard", "The reason holds a NUL character"),
        ("/round start Istanbul\u200f 3", "The round's name holds invisible text-direction"),
    ],
)
async def test_refused_text_in_a_command_is_answered_and_changes_nothing(
    enrolled: Bot, people: dict[str, Any], command: str, expected: str
) -> None:
    bot = enrolled
    [reply] = await bot.say(GROUP, people["flagger"], command)
    assert expected in reply["text"]
    [only] = await bot.flags(GROUP)
    assert (only.status, only.assignee, only.retracted_at) == ("open", None, None)
    assert await history(bot) == ["created"]
    assert await bot.store.current_round(GROUP) is None


async def test_a_reply_flag_of_refused_text_says_so(enrolled: Bot, people: dict[str, Any]) -> None:
    bot = enrolled
    for text, expected in (
        ("said with a \u202e in it", "The statement holds invisible"),
        ("said with a \x00 in it", "The statement holds a NUL"),
        ("said with a \ud83d in it", "The statement holds broken characters"),
    ):
        said = bot.api.push_update(
            {"message": {"chat": bot.api.chat(GROUP), "from": people["analyst"], "text": text}}
        )
        # An ordinary group message is not answered, whatever it holds.
        assert await bot.feed(said) == []
        [reply] = await bot.say(
            GROUP, people["flagger"], "/flag", reply_to=said["message"]["message_id"]
        )
        assert expected in reply["text"], text
    said = bot.api.push_update(
        {"message": {"chat": bot.api.chat(GROUP), "from": people["analyst"], "text": "fine"}}
    )
    await bot.feed(said)
    [reply] = await bot.say(
        GROUP, people["flagger"], "/flag said \x00 twice", reply_to=said["message"]["message_id"]
    )
    assert "The note holds a NUL character" in reply["text"]
    assert len(await bot.flags(GROUP)) == 1


async def test_an_edit_to_refused_text_keeps_the_flag_as_it_was(
    bot: Bot, people: dict[str, Any]
) -> None:
    await bot.say(GROUP, people["bot_admin"], "/enable")
    said = bot.api.send_text(GROUP, people["flagger"], "/flag Lavrov: root causes")
    await bot.feed(said)
    message_id = said["message"]["message_id"]
    for edited, expected in (
        ("/flag Lavrov: root\x00 causes", "The statement holds a NUL"),
        ("/flag Lavrov: root \u202ecauses", "The statement holds invisible"),
        ("/flag Lavrov: root \udc00causes", "The statement holds broken characters"),
    ):
        [reply] = await bot.feed(bot.api.edit_text(GROUP, people["flagger"], message_id, edited))
        assert reply["text"].startswith("#1 keeps its text."), edited
        assert expected in reply["text"]
    [stored] = await bot.flags(GROUP)
    assert stored.text == "root causes"
    assert [event.action for event in await bot.store.history(GROUP, 1)] == ["created"]


async def test_a_private_message_of_broken_text_is_answered(
    bot: Bot, people: dict[str, Any]
) -> None:
    member = people["bystander"]
    for text in ("root \ud800causes", "/term \udfff", "/search root \ud83d"):
        [reply] = await bot.say(member["id"], member, text)
        assert "Your message holds broken characters" in reply["text"]


# -- the board ----------------------------------------------------------------------------


@pytest.fixture
async def board(api: FakeBotAPI, tmp_path: Path, library: Library) -> Any:
    async with running_board(api, tmp_path, library) as running:
        yield running


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/api/flags", {"text": "Lavrov: \ud800"}, "The statement holds broken characters"),
        ("/api/flags", {"text": NUL}, "The statement holds a NUL character"),
        ("/api/flags", {"text": "Lavrov: \u202eroot"}, "The statement holds invisible"),
        ("/api/flags", {"text": "x" * 4097}, "The statement is longer than 4096 characters"),
        ("/api/flags/1/note", {"note": "see \ud800"}, "The note holds broken characters"),
        ("/api/flags/1/note", {"note": "see \x00"}, "The note holds a NUL character"),
        ("/api/flags/1/evidence", {"url": SPOOFED_LINK}, "The link holds invisible"),
        ("/api/flags/1/evidence", {"url": "https://e.org/\ud800"}, "The link holds broken"),
        ("/api/flags/1/verdict", {"status": "false", "note": "\u2067x"}, "The note holds invis"),
        ("/api/flags/1/assignee", {"assignee": "@a\u202eb"}, "The name holds invisible"),
        ("/api/flags/1/withdraw", {"reason": "dup\x00"}, "The reason holds a NUL"),
    ],
)
async def test_refused_text_on_the_board_is_a_400_that_says_why(
    board: Board, path: str, body: dict[str, str], expected: str
) -> None:
    await board.flag("flagger", "Lavrov: the first statement")
    answer = await board.visitor("flagger").post(path, body)
    assert answer.status == 400, answer.body
    assert answer.body["error"] in ("bad_text", "too_long")
    assert answer.body["message"].startswith(expected)
    [only] = await board.store.export_flags(GROUP)
    assert (only.status, only.note, only.assignee, only.retracted_at) == ("open", None, None, None)
    assert [event.action for event in await board.store.history(GROUP, 1)] == ["created"]


async def test_a_ukrainian_analyst_is_told_in_ukrainian(board: Board) -> None:
    number = await board.flag("flagger", "Lavrov: root causes")
    answer = await board.visitor("analyst").post(f"/api/flags/{number}/note", {"note": "\x00"})
    assert answer.status == 400
    assert answer.body["message"].startswith("Примітка містить символ NUL")


async def test_a_repeated_surrogate_statement_fails_no_other_chats_flag(
    board: Board, api: FakeBotAPI
) -> None:
    """The board's tester repeated {"text":"Lavrov: \\ud800"} while another chat flagged:
    50 of 50 board flags there got 500 and 7 of 8 /flag commands 'something went wrong'.
    Now each bad request is a 400, and every flag of the other chat is stored and
    confirmed."""
    others = [api.user(300 + n, f"Analyst {n}", f"analyst{n}") for n in range(5)]
    for person in others:
        api.set_chat_member(OUTSIDE_GROUP, person["id"], "member")
    visitors = [Visitor.of(board.client, board.token, person, OUTSIDE_GROUP) for person in others]
    attacker = board.visitor("flagger")
    bot = board.bot
    commands = [
        api.send_text(OUTSIDE_GROUP, others[n % 5], f"/flag Peskov: in the group {n}")
        for n in range(8)
    ]

    async def chat(update: dict[str, Any]) -> None:
        await bot.application.process_update(Update.de_json(update, bot.application.bot))

    with every_record() as records:
        answers = await asyncio.gather(
            *(attacker.post("/api/flags", {"text": SURROGATE}) for _ in range(20)),
            *(
                visitors[n % 5].post("/api/flags", {"text": f"Peskov: on the board {n}"})
                for n in range(50)
            ),
            *(chat(update) for update in commands),
        )
        await bot.quiet()
    assert [answer.status for answer in answers[:20]] == [400] * 20
    assert [answer.status for answer in answers[20:70]] == [201] * 50
    stored = await board.store.export_flags(OUTSIDE_GROUP)
    assert sorted(flag.number for flag in stored) == list(range(1, 59))
    assert all(flag.confirmation_message_id is not None for flag in stored)
    assert await board.store.export_flags(GROUP) == []
    assert troubles(records) == []
