"""Odd input from users, bots, channels and forged buttons: every handler answers clearly.

Everything goes through the real Application (the ``bot`` fixture), which already fails a
test if a handler logged an error or if Telegram refused a message. These tests also check
after every single update, so that hypothesis shrinks a failure to the input that caused it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yarl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot import text_rules
from bot.services import Library
from bot.text_rules import BIDI_CONTROLS
from bot.web.server import BOARD_DATA, MAX_BODY
from tests.conftest import ADMIN_ID, Bot, assert_valid_message, speed_up_flood_clock
from tests.support.board_client import Visitor
from tests.support.board_setup import GROUP as TEAM_GROUP
from tests.support.board_setup import OUTSIDE_GROUP, running_board
from tests.support.fake_bot_api import FakeBotAPI, command_entities
from tests.support.logged import every_record, troubles
from tests.test_resilience import ANONYMOUS_ADMIN_BOT, serve_in_process

GROUP = -1001000000101
CHANNEL = -1001000000199
MEMBER = 301
ANALYST = 302
CHAT_ADMIN = 303

COMMANDS = (
    "start", "help", "principles", "principle", "terms", "term", "tactics", "tactic",
    "claims", "claim", "search", "lang", "flag", "verify", "assign", "unflag", "show", "log",
    "find", "round", "summary", "export", "board", "watch", "enable", "disable", "purge",
    "reload", "settings", "points", "statement",
)  # fmt: skip

# Pieces that break naive escaping, Markdown, SQL, FTS queries, bidi and zero-width handling,
# and lone surrogates (half an emoji), which no store or Telegram message can hold.
FRAGMENTS = (
    "<", ">", "&", "&amp;", "&lt", "&#", "&#x110000;", "</b>", "<b>", "<a href='x'>", "</pre>",
    "<tg-spoiler>", "*", "_", "`", "```", "[", "]", "(", ")", "~", "|", "#", "\\", "@",
    "@PlaybookTestBot", ":", "Lavrov:", " ", "  ", "\n", "\t", "\r\n", "🙂", "👨‍👩‍👧", "🇺🇦",
    "\u200f", "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\x00", "\ud800", "\udfff",
    "\x1b[31m", "'",
    '"', "' OR 1=1; --", "'; DROP TABLE flags; --", "NEAR(", 'x" OR "', "AND", "*)", "-",
    "root causes", "1", "0", "-3", "99999999999999999999", "#7", "open", "false", "on",
    "start", "end", "speaker", "round", "uk", "en", "/flag", "Ω", "İ", "ß", "١٢", "²", "ﷺ",
)  # fmt: skip

HOSTILE = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.tuples(st.sampled_from(FRAGMENTS), st.integers(1, 4096)).map(
        lambda pair: (pair[0] * pair[1])[:4096]
    ),
    st.text(min_size=3000, max_size=4096),
)

HYPOTHESIS = settings(
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
async def people(bot: Bot) -> dict[str, dict[str, Any]]:
    """An enrolled supergroup with a member, an analyst, a chat admin and a bot admin.

    Thousands of messages go into one group here, so Telegram's clock (and the bot's
    budget) run 50 times faster: every flood limit still holds, in proportion.
    """
    speed_up_flood_clock(bot, 50)
    api = bot.api
    api.chat(GROUP, "supergroup", "Delegation <&> team")
    api.set_chat_member(GROUP, CHAT_ADMIN, "administrator")
    found = {
        "member": api.user(MEMBER, "Taras <b>", "taras"),
        "analyst": api.user(ANALYST, "Iryna", "iryna"),
        "chat_admin": api.user(CHAT_ADMIN, "Oksana", "oksana"),
        "bot_admin": api.user(ADMIN_ID, "Admin", "admin"),
    }
    [reply] = await bot.say(GROUP, found["bot_admin"], "/enable")
    assert "now keeps a flag log" in reply["text"]
    return found


def check_clean(bot: Bot) -> None:
    """No handler logged an error and Telegram refused nothing, so far."""
    assert not bot.errors, [record.getMessage() for record in bot.errors]
    assert bot.api.rejections == [], bot.api.rejections


def check_replies(sent: list[dict[str, Any]]) -> None:
    for message in sent:
        if "text" in message:
            assert_valid_message(message["text"])


async def press_forged(
    bot: Bot, chat: int, user: dict[str, Any], message_id: int, data: str
) -> list[dict[str, Any]]:
    """Press a button the message does not show: what a modified client can send."""
    return await bot.feed(bot.api.press_button(chat, user, message_id, data, require_button=False))


def answers_since(bot: Bot, mark: int) -> list[Any]:
    return [call for call in bot.api.calls[mark:] if call.method == "answerCallbackQuery"]


# ---------------------------------------------------------------------------------------------
# Properties: any text after any command, in a group and in private; any private text
# ---------------------------------------------------------------------------------------------


@HYPOTHESIS
@given(argument=HOSTILE, as_admin=st.booleans())
async def test_any_argument_to_any_command_is_answered_safely(
    bot: Bot, people: dict[str, Any], argument: str, as_admin: bool
) -> None:
    """Each example sends one argument after every command: 60 examples per command."""
    await serve_in_process(bot)
    for command in COMMANDS:
        # /reload by a bot admin re-reads the whole content and ignores its argument;
        # the admin path has its own tests in test_resilience.py.
        admin = as_admin and command != "reload"
        sender = people["bot_admin"] if admin else people["member"]
        text = f"/{command} {argument}"[:4096]
        for chat in (GROUP, sender["id"]):
            sent = await bot.say(chat, sender, text)
            check_clean(bot)
            check_replies(sent)
            assert sent, f"no answer in chat {chat} to {text[:80]!r}"
        if command == "disable" and admin:
            await bot.say(GROUP, people["bot_admin"], "/enable")


@HYPOTHESIS
@given(text=HOSTILE.filter(lambda text: text.strip() != ""))
async def test_any_private_text_is_answered_safely(
    bot: Bot, people: dict[str, Any], text: str
) -> None:
    await serve_in_process(bot)
    sent = await bot.say(MEMBER, people["member"], text)
    check_clean(bot)
    check_replies(sent)
    assert sent, f"no answer to {text[:80]!r}"


@HYPOTHESIS
@given(
    data=st.one_of(
        st.text(max_size=64),
        st.tuples(
            st.sampled_from(["f:v:", "f:purge:", "log:", "o:t:", "o:", "l:t:", "lang:"]),
            st.one_of(
                st.text(max_size=40),
                st.from_regex(r"-?[0-9]{1,40}(:[a-z0-9:]{0,12})?", fullmatch=True),
            ),
        ).map("".join),
    ).filter(lambda data: len(data.encode()) <= 64)
)
async def test_any_button_data_gets_an_answer(bot: Bot, people: dict[str, Any], data: str) -> None:
    """Forged or stale callback data: the button is answered (its spinner stops), no error."""
    await serve_in_process(bot)
    for chat in (GROUP, MEMBER):
        [shown] = await bot.say(chat, people["member"], "/help")
        mark = bot.api.mark()
        await press_forged(bot, chat, people["member"], shown["message_id"], data)
        check_clean(bot)
        assert len(answers_since(bot, mark)) == 1, f"button {data!r} in {chat} not answered"


# ---------------------------------------------------------------------------------------------
# Explicit cases
# ---------------------------------------------------------------------------------------------

# Escaping makes "<", ">" and "&" four or five characters each. Telegram counts UTF-16
# units, so these stay in the Basic Multilingual Plane to be a message it could deliver.
LONG_STATEMENT = ("Lavrov: <b>root</b> causes & 'NATO' — ї " * 200)[:4090]


async def test_a_4096_character_flag_is_confirmed_shortened(
    bot: Bot, people: dict[str, Any]
) -> None:
    text = f"/flag {LONG_STATEMENT}"
    assert len(text) == 4096
    [confirmation] = await bot.say(GROUP, people["member"], text)
    assert "#1 flagged" in confirmation["text"]
    assert "…" in confirmation["text"], "the quoted statement is shortened"
    assert_valid_message(confirmation["text"])
    [stored] = await bot.flags(GROUP)
    assert stored.speaker == "Lavrov"
    assert stored.text == LONG_STATEMENT.split(": ", 1)[1].strip(), "stored whole"
    for command in ("/show 1", "/log", "/find root", "/summary", "/board"):
        [reply] = await bot.say(GROUP, people["member"], command)
        assert_valid_message(reply["text"])
    check_clean(bot)


async def test_a_4096_character_private_search_is_answered_shortened(
    bot: Bot, people: dict[str, Any]
) -> None:
    for query in ("root causes " * 342)[:4096], ("<&>ї— " * 820)[:4096]:
        assert len(query) == 4096
        [reply] = await bot.say(MEMBER, people["member"], query)
        assert_valid_message(reply["text"])
        [searched] = await bot.say(MEMBER, people["member"], f"/search {query}"[:4096])
        assert_valid_message(searched["text"])
    check_clean(bot)


ODD_VERIFIES = [
    ("/verify", "Which flag?"),
    ("/verify false", "is not a flag number"),
    ("/verify 0 false", "is not a flag number"),
    ("/verify -1 false", "is not a flag number"),
    ("/verify #0 false", "is not a flag number"),
    ("/verify 1e3 false", "is not a flag number"),
    ("/verify 1.5 false", "is not a flag number"),
    ("/verify 0x10 false", "is not a flag number"),
    ("/verify 99999999999999999999999999999999 false", "is not a flag number"),
    (f"/verify {'9' * 4000} false", "is not a flag number"),
    ("/verify <b>1</b> false", "is not a flag number"),
    ("/verify ١٢ false", "no flag #12"),
    ("/verify 1000000000 false", "no flag #1000000000"),
    ("/verify 1", "Which verdict for #1?"),
    ("/verify 1 <b>bold</b>", "is not a verdict"),
]


async def test_verify_with_a_missing_or_odd_number_answers_clearly(
    bot: Bot, people: dict[str, Any]
) -> None:
    await bot.say(GROUP, people["member"], "/flag something was said")
    for command, expected in ODD_VERIFIES:
        [reply] = await bot.say(GROUP, people["member"], command)
        assert expected in reply["text"], command
        assert_valid_message(reply["text"])
    [stored] = await bot.flags(GROUP)
    assert stored.status == "open"
    assert [event.action for event in await bot.store.history(GROUP, 1)] == ["created"]


async def test_commands_addressed_to_another_bot_are_ignored(
    bot: Bot, people: dict[str, Any]
) -> None:
    for text in ("/flag@OtherBot Lavrov: root causes", "/start@OtherBot", "/nonsense@OtherBot"):
        assert await bot.say(GROUP, people["member"], text) == []
    assert await bot.flags(GROUP) == []
    [mine] = await bot.say(GROUP, people["member"], "/flag@PlaybookTestBot Lavrov: root causes")
    assert "#1 flagged" in mine["text"]


async def test_unknown_commands_answer_in_private_and_when_addressed_only(
    bot: Bot, people: dict[str, Any]
) -> None:
    [private] = await bot.say(MEMBER, people["member"], "/nonsense <b>&")
    assert "don't know that command" in private["text"]
    assert await bot.say(GROUP, people["member"], "/nonsense") == []
    [addressed] = await bot.say(GROUP, people["member"], "/nonsense@PlaybookTestBot")
    assert "don't know that command" in addressed["text"]


async def test_editing_a_command_does_not_run_it_again(bot: Bot, people: dict[str, Any]) -> None:
    api = bot.api
    said = api.send_text(GROUP, people["member"], "/flag x")
    await bot.feed(said)
    message_id = said["message"]["message_id"]
    # The edit updates flag #1's text (kept in its history); it never makes a flag #2.
    assert await bot.feed(api.edit_text(GROUP, people["member"], message_id, "/flag y")) == []
    [stored] = await bot.flags(GROUP)
    assert stored.number == 1 and stored.text == "y"

    verify = api.send_text(GROUP, people["member"], "/verify 1 false")
    await bot.feed(verify)
    verify_id = verify["message"]["message_id"]
    mark = api.mark()
    edit = api.edit_text(GROUP, people["member"], verify_id, "/verify 1 verified")
    assert await bot.feed(edit) == []
    [stored] = await bot.flags(GROUP)
    assert stored.status == "false"
    start = api.send_text(MEMBER, people["member"], "/start")
    await bot.feed(start)
    edit = api.edit_text(MEMBER, people["member"], start["message"]["message_id"], "/help")
    assert await bot.feed(edit) == []
    assert [c.method for c in api.calls[mark:]] == ["sendMessage"], "only the /start reply"


@pytest.mark.parametrize(
    ("origin", "author"),
    ids=["user", "hidden-user", "channel"],
    argvalues=[
        (
            {"type": "user", "sender_user": {"id": 777, "is_bot": False, "first_name": "Sergey"}},
            "Sergey",
        ),
        ({"type": "hidden_user", "sender_user_name": "Maria Z."}, "Maria Z."),
        (
            {
                "type": "channel",
                "chat": {"id": -1009999, "type": "channel", "title": "MFA Russia"},
                "message_id": 42,
            },
            "MFA Russia",
        ),
    ],
)
async def test_a_forwarded_message_is_flagged_with_its_original_author(
    bot: Bot, people: dict[str, Any], origin: dict[str, Any], author: str
) -> None:
    forwarded = bot.api.push_update(
        {
            "message": {
                "chat": bot.api.chat(GROUP),
                "from": people["analyst"],
                "text": "the root causes must be eliminated",
                "forward_origin": {**origin, "date": 1700000000},
            }
        }
    )
    await bot.feed(forwarded)
    message_id = forwarded["message"]["message_id"]
    [reply] = await bot.say(GROUP, people["member"], "/flag", reply_to=message_id)
    assert "#1 flagged" in reply["text"]
    assert author in reply["text"]
    [stored] = await bot.flags(GROUP)
    assert stored.text == "the root causes must be eliminated"
    assert stored.source_author == author, "the original author, not who forwarded it"
    assert stored.flagged_by_id == MEMBER


async def test_a_photo_caption_is_flagged_by_reply(bot: Bot, people: dict[str, Any]) -> None:
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
    captioned = bot.api.push_update(
        {
            "message": {
                "chat": bot.api.chat(GROUP),
                "from": people["analyst"],
                "photo": photo,
                "caption": "Peskov: <i>no</i> talks & no ceasefire",
            }
        }
    )
    await bot.feed(captioned)
    [reply] = await bot.say(
        GROUP, people["member"], "/flag", reply_to=captioned["message"]["message_id"]
    )
    assert "#1 flagged" in reply["text"]
    [stored] = await bot.flags(GROUP)
    assert (stored.speaker, stored.text) == ("Peskov", "<i>no</i> talks & no ceasefire")
    assert stored.source_author == "Iryna"

    bare = bot.api.push_update(
        {"message": {"chat": bot.api.chat(GROUP), "from": people["analyst"], "photo": photo}}
    )
    await bot.feed(bare)
    [usage] = await bot.say(
        GROUP, people["member"], "/flag", reply_to=bare["message"]["message_id"]
    )
    assert "reply to a message with /flag" in usage["text"]
    assert len(await bot.flags(GROUP)) == 1


async def test_channel_posts_are_ignored_quietly(bot: Bot, people: dict[str, Any]) -> None:
    for text in ("/flag Lavrov: root causes", "/start", "/export", "root causes"):
        assert await bot.feed(bot.api.channel_post(CHANNEL, text)) == []
    assert await bot.flags(CHANNEL) == []
    check_clean(bot)


def anonymous_admin_says(bot: Bot, text: str) -> dict[str, Any]:
    group = bot.api.chat(GROUP)
    message: dict[str, Any] = {
        "chat": group,
        "from": ANONYMOUS_ADMIN_BOT,
        "sender_chat": group,
        "text": text,
    }
    if command_entities(text):
        message["entities"] = command_entities(text)
    return bot.api.push_update({"message": message})


async def test_an_anonymous_admin_can_flag_export_and_purge(
    bot: Bot, people: dict[str, Any]
) -> None:
    mark = bot.api.mark()
    [flagged] = await bot.feed(anonymous_admin_says(bot, "/flag Lavrov: root causes"))
    assert "#1 flagged" in flagged["text"]
    [stored] = await bot.flags(GROUP)
    assert stored.flagged_by_id == GROUP, "recorded as the chat, never as GroupAnonymousBot"

    sent = await bot.feed(anonymous_admin_says(bot, "/export"))
    assert "Export of 1 flag:" in sent[0]["caption"], "the text rides on the first file"
    assert [d["filename"][-3:] for d in bot.api.documents] == ["csv", ".md"]

    [question] = await bot.feed(anonymous_admin_says(bot, "/purge"))
    assert "(1 flag," in question["text"]
    checks = [c for c in bot.api.calls[mark:] if c.method == "getChatMember"]
    assert checks == [], "an anonymous admin is recognised without asking Telegram"
    # Whoever presses the button is a real account, checked with Telegram.
    yes = "purge:yes"
    assert await bot.press(GROUP, people["member"], question["message_id"], yes) == []
    assert len(await bot.flags(GROUP)) == 1
    [done] = await bot.press(GROUP, people["chat_admin"], question["message_id"], yes)
    assert "Deleted 1" in done["text"]
    assert await bot.flags(GROUP) == []


GARBAGE = [
    "",
    "zz",
    "f:v:abc:false",
    "f:v:0:false",
    "f:v:-1:false",
    "f:v:1:maybe",
    "f:v:1",
    "f:purge:x:yes",
    "f:purge:1",
    "f:nuke:1:yes",
    "o:t:../../etc",
    "o:t:",
    "o:zz:root-causes",
    "l:t:abc",
    "l:q:0",
    "lang:xx",
    "lang:",
    "log:abc:",
    "log:-5:",
    "log:0:r999",
    "log:0:zz",
    "log:" + "9" * 60,
    "f:v:" + "9" * 50 + ":false",
    "l:t:" + "9" * 60,
    "x" * 64,
    "ї" * 32,
    "🙂" * 16,
]


@pytest.mark.parametrize("where", ["group", "private"])
async def test_garbage_button_data_is_answered_never_an_error(
    bot: Bot, people: dict[str, Any], where: str
) -> None:
    chat = GROUP if where == "group" else MEMBER
    await bot.say(GROUP, people["member"], "/flag something to act on")
    for data in GARBAGE:
        assert len(data.encode()) <= 64
        # A fresh message each time: editing one to the text it already shows is refused.
        [shown] = await bot.say(chat, people["member"], "/help")
        mark = bot.api.mark()
        await press_forged(bot, chat, people["member"], shown["message_id"], data)
        check_clean(bot)
        assert len(answers_since(bot, mark)) == 1, f"button {data!r} was not answered"
    [stored] = await bot.flags(GROUP)
    assert stored.status == "open" and stored.retracted_at is None


# ---------------------------------------------------------------------------------------------
# Every way text reaches the flag log, at once, while another chat flags
# ---------------------------------------------------------------------------------------------

OTHER_MEMBER = 206
# What the log refuses (bot.text_rules) and what it must keep: lone surrogates, NUL, every
# bidi control, 4-byte emoji and joined ones, a speaker's colon, markup.
NASTY = (
    "\ud800", "\udfff", "\ud83d", "\x00", *sorted(BIDI_CONTROLS), "🙂", "𝕏", "👨‍👩‍👧", "🇺🇦",
    "Lavrov: ", "<b>", "&", " ", "\n", "root causes", "https://example.org/",
)  # fmt: skip
WAY_IN_TEXT = st.one_of(
    st.lists(st.one_of(st.characters(), st.sampled_from(NASTY)), max_size=60).map("".join),
    st.lists(st.sampled_from(NASTY + FRAGMENTS), max_size=30).map("".join),
    st.tuples(st.sampled_from(NASTY), st.integers(1, 10_000)).map(
        lambda pair: (pair[0] * pair[1])[:10_000]
    ),
    st.sampled_from(NASTY).map(lambda nasty: ("x" * 9_999 + nasty)[-10_000:]),
)


def fit_callback_data(text: str) -> str:
    """``text`` cut to what a button can carry: 1-64 bytes."""
    data = ""
    for character in text:
        if len((data + character).encode("utf-8", "surrogatepass")) > 64:
            break
        data += character
    return data or "x"


@pytest.fixture
async def two_chats(api: FakeBotAPI, tmp_path: Path, library: Library) -> AsyncIterator[Any]:
    """The board's set-up: our people's group (flag #1 in it, by the flagger), and
    another enrolled chat whose member flags there, all while every log record is kept."""
    with every_record() as records:
        async with running_board(api, tmp_path, library) as board:
            speed_up_flood_clock(board.bot, 50)
            api.user(OTHER_MEMBER, "Olena", "olena")
            api.set_chat_member(OUTSIDE_GROUP, OTHER_MEMBER, "member")
            await serve_in_process(board.bot)
            # A minute passes between changes: the board's limit on them is not the story.
            board.bot.application.bot_data[BOARD_DATA].changes.clock = itertools.count(
                0, 61
            ).__next__
            await board.flag("flagger", "Lavrov: the first statement")
            yield board, records


def expected_refusal(text: str, kind: text_rules.Kind) -> str | None:
    """What the sender must be told, in English, when the log refuses ``text``."""
    checked = text_rules.check(text, kind)
    if isinstance(checked, text_rules.Refused):
        return text_rules.explain(checked, "en")
    return None


def replies_to(bot: Bot, mark: int, message_id: int) -> list[str]:
    return [
        str(call.params["text"])
        for call in bot.api.calls[mark:]
        if call.method == "sendMessage"
        and isinstance(call.params.get("reply_parameters"), dict)
        and call.params["reply_parameters"].get("message_id") == message_id
    ]


async def send_raw(
    board: Any, method: str, path: str, body: bytes | None = None
) -> tuple[int, Any]:
    """A request with a body or query the page never sends (a client library would
    refuse to encode it): the status, and the JSON answer."""
    visitor = board.visitor("flagger")
    headers = board.client.headers(visitor.init, visitor.token)
    url = yarl.URL(board.client.base_url + path, encoded=True)
    async with board.client.session.request(
        method, url, data=body, headers={**headers, "Content-Type": "application/json"}
    ) as response:
        return response.status, await response.json(content_type=None)


# What each command refuses, and which part of what follows the command is that text.
CHAT_WAYS_IN: dict[str, tuple[text_rules.Kind | None, Any]] = {
    "/flag": (text_rules.Kind.STATEMENT, lambda argument: argument),
    "/verify 1 false": (
        text_rules.Kind.NOTE,
        lambda argument: (argument.split(maxsplit=2)[2:] or [""])[0],
    ),
    "/assign 1": (
        text_rules.Kind.NAME,
        lambda argument: (argument.split(maxsplit=1)[1:] or [""])[0],
    ),
    "/round start": (
        text_rules.Kind.ROUND,
        lambda argument: (argument.split(maxsplit=1)[1:] or [""])[0].strip(),
    ),
    "/find": (None, None),
    "/who": (None, None),
    "/log speaker": (None, None),
}


@settings(
    deadline=None,
    max_examples=12,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=WAY_IN_TEXT, depth=st.integers(0, 10_000))
async def test_hostile_text_at_every_way_in_while_another_chat_flags(
    two_chats: Any, text: str, depth: int
) -> None:
    """Each example sends one text through every way into the log at once (the chat's
    commands, a reply-flag, an edit, a button, every field of the board's API, a query,
    and JSON ``depth`` deep) while another chat's member flags four statements, two in
    the group and two on the board. No server error, no traceback, every refusal says
    why, and every one of the other chat's flags is stored and confirmed."""
    board, records = two_chats
    bot, api = board.bot, board.bot.api
    flagger = board.people["flagger"]
    mark = api.mark()
    as_said = text[:4000]  # a Telegram message holds at most 4096 characters

    # The chat.
    commands = {f"{prefix} {as_said}": prefix for prefix in CHAT_WAYS_IN}
    updates = [api.send_text(TEAM_GROUP, flagger, command) for command in commands]
    said = api.push_update(
        {
            "message": {
                "chat": api.chat(TEAM_GROUP),
                "from": board.people["analyst"],
                "text": as_said,
            }
        }
    )
    reply_flag = api.send_text(TEAM_GROUP, flagger, "/flag", reply_to=said["message"]["message_id"])
    first = await bot.store.get_flag(TEAM_GROUP, 1)
    assert first is not None and first.message_id is not None
    edit = api.edit_text(TEAM_GROUP, flagger, first.message_id, f"/flag {as_said}")
    [shown, *_] = api.replies_to(TEAM_GROUP)
    button = api.press_button(
        TEAM_GROUP, flagger, shown["message_id"], fit_callback_data(text), require_button=False
    )

    # The board.
    fields = [
        ("/api/flags", "text", text, text_rules.Kind.STATEMENT, {}),
        ("/api/flags/1/note", "note", text, text_rules.Kind.NOTE, {}),
        ("/api/flags/1/evidence", "url", f"https://example.org/{text}", text_rules.Kind.LINK, {}),
        ("/api/flags/1/verdict", "note", text, text_rules.Kind.NOTE, {"status": "false"}),
        ("/api/flags/1/assignee", "assignee", text, text_rules.Kind.NAME, {}),
        ("/api/flags/1/withdraw", "reason", text, text_rules.Kind.REASON, {}),
    ]
    bodies = [json.dumps({**extra, name: value}).encode() for _, name, value, _, extra in fields]
    deep = ('{"note": ' + "[" * depth + '"x"' + "]" * depth + "}").encode()
    query = "&".join(
        f"{name}={quote(text[:300].encode('utf-8', 'surrogatepass'))}"
        for name in ("q", "speaker", "round", "assignee")
    )

    # Meanwhile, the other chat.
    other = Visitor.of(board.client, board.token, api.user(OTHER_MEMBER), OUTSIDE_GROUP)
    valid = [f"valid {mark} {n}" for n in range(4)]
    in_group = [api.send_text(OUTSIDE_GROUP, OTHER_MEMBER, f"/flag Peskov: {t}") for t in valid[:2]]

    async def chat(update: dict[str, Any]) -> None:
        await bot.application.process_update(Update.de_json(update, bot.application.bot))

    answers = await asyncio.gather(
        *(
            send_raw(board, "POST", path, body)
            for (path, *_), body in zip(fields, bodies, strict=True)
        ),
        send_raw(board, "POST", "/api/flags/1/note", deep),
        send_raw(board, "GET", f"/api/flags?{query}"),
        *(other.post("/api/flags", {"text": f"Peskov: {t}"}) for t in valid[2:]),
        *(chat(update) for update in [*updates, said, reply_flag, edit, button, *in_group]),
    )
    await bot.quiet()

    # The board: no server error, and a refusal that says why.
    board_answers = answers[: len(fields)]
    for (path, _, value, kind, _), body, (status, answer) in zip(
        fields, bodies, board_answers, strict=True
    ):
        assert status < 500, (path, answer)
        if status >= 400:
            assert isinstance(answer, dict) and answer.get("message"), (path, answer)
        refusal = expected_refusal(value, kind)
        if len(body) > MAX_BODY:
            assert status == 413, (path, answer)
        elif refusal is not None:
            assert (status, answer["message"]) == (400, refusal), path
    deep_status, deep_answer = answers[len(fields)]
    assert deep_status < 500
    if depth > 8 and len(deep) <= MAX_BODY:
        assert deep_status == 400 and "nested over 8 levels" in deep_answer["message"]
    assert answers[len(fields) + 1][0] < 500

    # The chat: a refused command is told why; one the bot cannot read, so.
    for update, (command, prefix) in zip(updates, commands.items(), strict=True):
        replies = replies_to(bot, mark, update["message"]["message_id"])
        if not text_rules.is_unicode(command):
            assert any("Your message holds broken characters" in r for r in replies), replies
            continue
        kind, part = CHAT_WAYS_IN[prefix]
        argument = command.split(maxsplit=1)[1].strip() if len(command.split()) > 1 else ""
        refusal = expected_refusal(part(argument), kind) if kind else None
        if refusal is not None:
            assert any(refusal in r for r in replies), (command[:80], replies)
    refusal = expected_refusal(as_said, text_rules.Kind.STATEMENT)
    if refusal is not None and as_said.strip():
        assert any(refusal in r for r in replies_to(bot, mark, reply_flag["message"]["message_id"]))
    query_id = button["callback_query"]["id"]
    answered = [
        call
        for call in api.calls[mark:]
        if call.method == "answerCallbackQuery" and call.params["callback_query_id"] == query_id
    ]
    assert len(answered) == 1, "the button's spinner stops"

    # The other chat: every flag stored and confirmed.
    for flagged in answers[len(fields) + 2 : len(fields) + 4]:
        assert flagged.status == 201, flagged.body
    stored = {flag.text: flag for flag in await bot.flags(OUTSIDE_GROUP)}
    for statement in valid:
        assert statement in stored, statement
        assert stored[statement].confirmation_message_id is not None, statement
    assert troubles(records) == []
    assert api.rejections == [], api.rejections
