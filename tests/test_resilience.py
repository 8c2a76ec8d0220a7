"""Trust and faults: who may do what, Telegram failing, load, a broken disk, secrets in logs.

Tests that expect the bot to log an error build the application themselves (``running``)
instead of using the ``bot`` fixture, which fails any test whose handlers logged one.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import logging
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from telegram import Update

from bot import logs
from bot.callbacks import log_page
from bot.callbacks import verdict as verdict_button
from bot.config import Settings
from bot.i18n import t
from bot.members import MEMBER_CACHE_S
from bot.services import Library
from bot.store import Store, StoreError
from tests.conftest import ADMIN_ID, CONTENT, ROOT, Bot, make_settings, start_bot, stop_bot
from tests.support.cast import CHAT_ADMIN, FLAGGER, OTHER_GROUP, cast
from tests.support.cast import GROUP as DELEGATION
from tests.support.fake_bot_api import FakeBotAPI, answer_bytes, command_entities
from tests.support.read_only import read_only_folder

# Two teams' groups: the cast's delegation and the other team.
GROUP_A, GROUP_B = DELEGATION, OTHER_GROUP
# The sender Telegram shows on messages of anonymous group admins.
ANONYMOUS_ADMIN_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
SORRY = t("en", "error_generic")
ADMINS_ONLY = t("en", "admins_only")


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def ask_fake(api: FakeBotAPI, call: httpx.Request) -> httpx.Response:
    """What the fake API's HTTP server would answer to this request."""
    content_type = call.headers.get("Content-Type", "")
    status, payload = api.handle_http(
        call.url.path, call.url.query.decode(), content_type, call.read()
    )
    return httpx.Response(
        status, content=answer_bytes(payload), headers={"Content-Type": "application/json"}
    )


async def set_transport(bot: Bot, answer: Callable[[httpx.Request], httpx.Response]) -> None:
    """Have ``answer`` reply to the bot's Bot API requests instead of the network.

    PTB's HTTPXRequest keeps its httpx client in ``_client``; only the transport changes,
    so every call still goes through the rate limiter, parameter encoding and PTB's
    parsing of the answer and its errors.
    """
    request: Any = bot.application.bot.request
    previous = request._client
    request._client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    await previous.aclose()


async def serve_in_process(bot: Bot) -> None:
    """Answer the bot's Bot API calls by calling the fake API directly, not over a socket.

    Only the TCP hop goes: the FakeBotAPI validates, records and refuses each call exactly
    as over HTTP. Its HTTP server (a thread and a connection per request) tops out near
    250 requests/s on 2 cores, so property tests would otherwise mostly measure the fake.
    Not for stall tests: an in-process stall would block the event loop.
    """
    if not bot.served_in_process:
        await set_transport(bot, lambda call: ask_fake(bot.api, call))
        bot.served_in_process = True


@asynccontextmanager
async def running(
    api: FakeBotAPI, settings: Settings, library: Library | None = None
) -> AsyncIterator[Bot]:
    """The real Application, like the ``bot`` fixture, but errors may be logged."""
    started = await start_bot(api, settings, library)
    try:
        yield started
    finally:
        await stop_bot(started)


async def process(bot: Bot, update: dict[str, Any]) -> None:
    """Feed an update without Bot.feed's check that every sendMessage succeeded."""
    await bot.application.process_update(Update.de_json(update, bot.application.bot))


def sent_since(api: FakeBotAPI, mark: int, method: str = "sendMessage") -> list[Any]:
    return [call for call in api.calls[mark:] if call.method == method]


def full_text(record: logging.LogRecord) -> str:
    """The message and any traceback, as a handler would write them."""
    return logging.Formatter("%(message)s").format(record)


@pytest.fixture
def people(bot: Bot) -> dict[str, dict[str, Any]]:
    return cast(bot.api)


@pytest.fixture
async def two_teams(bot: Bot, people: dict[str, Any]) -> Bot:
    for chat in (GROUP_A, GROUP_B):
        [reply] = await bot.say(chat, people["bot_admin"], "/enable")
        assert "now keeps a flag log" in reply["text"]
    return bot


# ---------------------------------------------------------------------------------------------
# Access: a chat sees only its own log; admin rights come from Telegram, cached
# ---------------------------------------------------------------------------------------------


async def test_every_command_and_button_acts_on_the_chat_it_was_sent_in(
    two_teams: Bot, people: dict[str, Any]
) -> None:
    bot, api = two_teams, two_teams.api
    for n in range(1, 4):
        await bot.say(GROUP_A, people["flagger"], f"/flag alpha secret number {n}")
    [b_flag] = await bot.say(GROUP_B, people["flagger"], "/flag bravo statement")
    assert "#1 flagged" in b_flag["text"], "numbering is per chat"

    [shown] = await bot.say(GROUP_B, people["flagger"], "/show 1")
    assert "bravo" in shown["text"] and "alpha" not in shown["text"]
    [missing] = await bot.say(GROUP_B, people["flagger"], "/show 3")
    assert "no flag #3" in missing["text"]
    [page] = await bot.say(GROUP_B, people["flagger"], "/log")
    assert "bravo" in page["text"] and "alpha" not in page["text"]
    [found] = await bot.say(GROUP_B, people["flagger"], "/find alpha secret")
    assert "No flag mentions" in found["text"]
    api.set_chat_member(GROUP_B, CHAT_ADMIN, "administrator")
    await bot.say(GROUP_B, people["chat_admin"], "/export")
    exported = b"".join(document["content"] for document in api.documents)
    assert b"bravo" in exported and b"alpha" not in exported

    # Forged buttons pressed in B: the payload names a number, the chat is always B.
    mark = api.mark()
    for data in (verdict_button(1, "false"), verdict_button(3, "false"), log_page(0, "")):
        await bot.feed(
            api.press_button(
                GROUP_B, people["flagger"], b_flag["message_id"], data, require_button=False
            )
        )
    [verdict, not_found, log] = [c.params for c in sent_since(api, mark, "answerCallbackQuery")]
    assert "#1: False" in verdict["text"]
    assert "no flag #3" in not_found["text"]
    assert "text" not in log
    shown_page = api.message(GROUP_B, b_flag["message_id"])
    assert shown_page is not None
    assert "bravo" in shown_page["text"] and "alpha" not in shown_page["text"]
    [b_stored] = await bot.flags(GROUP_B)
    assert b_stored.status == "false", "B's own #1 got the verdict"
    assert [f.status for f in await bot.flags(GROUP_A)] == ["open"] * 3

    forged = api.press_button(
        GROUP_B, people["chat_admin"], b_flag["message_id"], "f:purge:1:yes", require_button=False
    )
    [done] = await bot.feed(forged)
    assert "Deleted 1" in done["text"]
    assert await bot.flags(GROUP_B) == []
    assert len(await bot.flags(GROUP_A)) == 3, "A's log is untouched"


async def test_non_admins_are_refused_politely_and_nothing_changes(
    two_teams: Bot, people: dict[str, Any]
) -> None:
    bot, api = two_teams, two_teams.api
    store = bot.store
    [confirmation] = await bot.say(GROUP_A, people["flagger"], "/flag Lavrov: root causes")
    bystander = people["bystander"]
    for command in ("/export", "/purge", "/watch on", "/disable"):
        [refusal] = await bot.say(GROUP_A, bystander, command)
        assert refusal["text"] == ADMINS_ONLY, command
    [verdict] = await bot.say(GROUP_A, bystander, "/verify 1 false")
    assert "Only the person who flagged #1" in verdict["text"]
    [unflag] = await bot.say(GROUP_A, bystander, "/unflag 1 not true")
    assert "Only the person who flagged #1" in unflag["text"]
    button = verdict_button(1, "verified")
    assert await bot.press(GROUP_A, bystander, confirmation["message_id"], button) == []
    answer = await api.wait_for("answerCallbackQuery")
    assert "Only the person who flagged #1" in answer.params["text"]
    assert answer.params.get("show_alert") is True

    assert api.documents == []
    assert await store.is_enrolled(GROUP_A)
    assert await store.get_watch(GROUP_A) is False
    [stored] = await bot.flags(GROUP_A)
    assert (stored.status, stored.retracted_at) == ("open", None)
    assert [event.action for event in await store.history(GROUP_A, 1)] == ["created"]


async def test_chat_admin_status_is_asked_once_and_cached_for_minutes(
    two_teams: Bot, people: dict[str, Any]
) -> None:
    bot, api = two_teams, two_teams.api
    admin = people["chat_admin"]

    def asked(since: int) -> list[Any]:
        return sent_since(api, since, "getChatMember")

    mark = api.mark()
    [on] = await bot.say(GROUP_A, admin, "/watch on")
    assert "Term watch is on" in on["text"]
    assert len(asked(mark)) == 1
    [off] = await bot.say(GROUP_A, admin, "/watch off")
    assert "Term watch is off" in off["text"]
    sent = await bot.say(GROUP_A, admin, "/export")
    assert "nothing to export" in sent[0]["text"]
    assert len(asked(mark)) == 1, "the second and third checks come from the cache"

    # Admin of A is nobody in B: the cache is per chat and user.
    [refused] = await bot.say(GROUP_B, admin, "/export")
    assert refused["text"] == ADMINS_ONLY
    assert len(asked(mark)) == 2

    # Bot admins are admins everywhere without asking.
    await bot.say(GROUP_B, people["bot_admin"], "/watch on")
    assert len(asked(mark)) == 2

    # Once Telegram's answer is older than MEMBER_CACHE_S, Telegram is asked again:
    # a demoted admin keeps their rights at most that long.
    api.set_chat_member(GROUP_A, CHAT_ADMIN, "member")
    [still] = await bot.say(GROUP_A, admin, "/watch on")
    assert "Term watch is on" in still["text"]
    members = bot.services.members
    members.clock = lambda: time.monotonic() + MEMBER_CACHE_S + 1
    [demoted] = await bot.say(GROUP_A, admin, "/watch off")
    assert demoted["text"] == ADMINS_ONLY
    assert len(asked(mark)) == 3
    assert await bot.store.get_watch(GROUP_A) is True


async def test_anonymous_admins_are_recognised_without_asking_telegram(
    two_teams: Bot, people: dict[str, Any]
) -> None:
    bot, api = two_teams, two_teams.api
    group = api.chat(GROUP_A)
    mark = api.mark()
    for text, expected in (("/watch on", "Term watch is on"), ("/disable", "logging is off")):
        update = api.push_update(
            {
                "message": {
                    "chat": group,
                    "from": ANONYMOUS_ADMIN_BOT,
                    "sender_chat": group,
                    "text": text,
                    "entities": command_entities(text),
                }
            }
        )
        [reply] = await bot.feed(update)
        assert expected in reply["text"]
    assert sent_since(api, mark, "getChatMember") == []
    assert await bot.store.is_enrolled(GROUP_A) is False


# ---------------------------------------------------------------------------------------------
# Telegram faults
# ---------------------------------------------------------------------------------------------

GROUP = -1001000000301


async def test_a_429_is_retried_and_the_flag_is_stored_once(bot: Bot) -> None:
    api = bot.api
    api.chat(GROUP, "supergroup", "Delegation")
    await bot.say(GROUP, api.user(ADMIN_ID, "Admin"), "/enable")
    taras = api.user(FLAGGER, "Taras")
    api.fail_next("sendMessage", 429, retry_after=1)
    mark = api.mark()
    started = time.monotonic()
    await process(bot, api.send_text(GROUP, taras, "/flag Lavrov: root causes"))
    await bot.quiet()
    assert time.monotonic() - started >= 1.0, "waited as Telegram asked"
    first, second = sent_since(api, mark)
    assert first.status == 429 and second.ok
    assert "#1 flagged" in second.params["text"]
    [stored] = await bot.flags(GROUP)
    assert stored.confirmation_message_id == second.result["message_id"]


async def test_a_500_on_the_confirmation_loses_no_flag_and_logs_ids_not_text(
    api: FakeBotAPI, tmp_path: Path, library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    """The flag is committed before anything is sent; a confirmation Telegram fails
    to take stays in the outbox and goes out on the next try."""
    caplog.set_level(logging.INFO)
    statement = "Zakharova: the unmistakable statement 7f3a9c"
    settings = make_settings(api, tmp_path, allowed_chats=frozenset({GROUP}))
    taras = api.user(FLAGGER, "Taras")
    async with running(api, settings, library) as bot:
        api.fail_next("sendMessage", 500)
        update = api.send_text(GROUP, taras, f"/flag {statement}")
        mark = api.mark()
        await process(bot, update)
        [stored] = await bot.flags(GROUP)
        assert stored.text == "the unmistakable statement 7f3a9c"
        await bot.quiet()
        failed, retried = sent_since(api, mark)
        assert failed.status == 500
        assert retried.ok and "#1 flagged" in retried.params["text"]
        [stored] = await bot.flags(GROUP)
        assert stored.confirmation_message_id == retried.result["message_id"]

        [next_reply] = await bot.say(GROUP, taras, "/show 1")
        assert "unmistakable" in next_reply["text"], "the bot keeps serving"

    [retry] = [r for r in caplog.records if "will retry" in r.getMessage()]
    assert retry.name == "bot.sender" and str(GROUP) in retry.getMessage()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    for record in caplog.records:
        assert "7f3a9c" not in full_text(record), record.getMessage()


async def test_a_flag_delivered_again_after_a_crash_is_not_logged_twice(
    api: FakeBotAPI, tmp_path: Path, library: Library
) -> None:
    """The bot acknowledges an update only after handling it, so one handled just
    before a crash comes again: it must not become a second flag, and a confirmation
    that never went out is sent then."""
    settings = make_settings(api, tmp_path, allowed_chats=frozenset({GROUP}))
    taras = api.user(FLAGGER, "Taras")
    async with running(api, settings, library) as bot:
        confirmed = api.send_text(GROUP, taras, "/flag the first statement")
        [first] = await bot.feed(confirmed)
        assert "#1 flagged" in first["text"]
        assert await bot.feed(confirmed) == [], "a confirmed flag is not confirmed again"

        # Telegram is down when the second flag comes, and the bot then crashes.
        api.fail_next("sendMessage", 500, times=1000)
        unconfirmed = api.send_text(GROUP, taras, "/flag the second statement")
        await process(bot, unconfirmed)
        await bot.services.require_sender().stop(grace_s=0)
        api.clear_faults()

    # After the restart the outbox still has the confirmation; the update comes again.
    mark = api.mark()
    async with running(api, settings, library) as bot:
        await bot.quiet()
        [again] = [call.params for call in sent_since(api, mark) if call.ok]
        assert "#2 flagged" in again["text"]
        assert again["reply_parameters"]["message_id"] == unconfirmed["message"]["message_id"]
        assert await bot.feed(unconfirmed) == [], "recognised: not logged, not confirmed again"

        stored = await bot.flags(GROUP)
        assert [(f.number, f.text) for f in stored] == [
            (1, "the first statement"),
            (2, "the second statement"),
        ]
        assert stored[1].confirmation_message_id is not None


async def test_a_stalled_send_times_out_and_is_tried_again_with_the_flag_kept(
    api: FakeBotAPI, tmp_path: Path, library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    """A send that times out may still have reached Telegram: the confirmation is tried
    again, so the group sees it, at most twice (the README says what can repeat)."""
    # HTTPXRequest's defaults are 5 s for connect, read and write; a 1 s read timeout keeps
    # this test short and exercises the same path (httpx.ReadTimeout -> telegram TimedOut).
    caplog.set_level(logging.INFO)
    settings = make_settings(api, tmp_path, allowed_chats=frozenset({GROUP}))
    taras = api.user(FLAGGER, "Taras")
    async with running(api, settings, library) as bot:
        request: Any = bot.application.bot.request
        request._client.timeout = httpx.Timeout(5.0, read=1.0)
        api.stall_next("sendMessage", 2.5)
        mark = api.mark()
        await process(bot, api.send_text(GROUP, taras, "/flag Lavrov: root causes"))
        [stored] = await bot.flags(GROUP)
        assert stored.text == "root causes", "committed before anything was sent"
        await bot.quiet()
        confirmations = [c.params["text"] for c in sent_since(api, mark) if c.ok]
        assert 1 <= len(confirmations) <= 2
        assert all("#1 flagged" in text for text in confirmations)
        [next_reply] = await bot.say(GROUP, taras, "/flag next one")
        assert "#2 flagged" in next_reply["text"]
    assert any(
        "TimedOut" in r.getMessage() or "Timed out" in r.getMessage() for r in caplog.records
    )
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_failing_handler_gets_an_apology_and_the_bot_keeps_serving(
    api: FakeBotAPI,
    tmp_path: Path,
    library: Library,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.INFO)
    settings = make_settings(api, tmp_path, allowed_chats=frozenset({GROUP}))
    taras = api.user(FLAGGER, "Taras")

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    async with running(api, settings, library) as bot:
        [confirmation] = await bot.say(GROUP, taras, "/flag first")
        [page] = await bot.say(GROUP, taras, "/log")
        monkeypatch.setattr(Store, "list_flags", broken)
        monkeypatch.setattr(Store, "get_flag", broken)

        [apology] = await bot.say(GROUP, taras, "/log")
        assert apology["text"] == SORRY

        pressed = verdict_button(1, "false")
        assert await bot.press(GROUP, taras, confirmation["message_id"], pressed) == []
        alert = await api.wait_for("answerCallbackQuery")
        assert alert.params["text"] == SORRY and alert.params["show_alert"] is True

        # The log button answers its query before reading the page, so the apology can no
        # longer be an alert on the button: it comes as a message in the chat instead.
        pressed = api.press_button(
            GROUP, taras, page["message_id"], log_page(0, ""), require_button=False
        )
        mark = api.mark()
        [told] = await bot.feed(pressed)
        assert told["text"] == SORRY
        answered, refused = sent_since(api, mark, "answerCallbackQuery")
        assert answered.ok and "text" not in answered.params
        assert refused.status == 400 and refused.params["text"] == SORRY

        monkeypatch.undo()
        [flagged] = await bot.say(GROUP, taras, "/flag second")
        assert "#2 flagged" in flagged["text"]
        [shown] = await bot.say(GROUP, taras, "/show 1")
        assert "first" in shown["text"]
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(failures) == 3
    assert all("disk on fire" in full_text(r) for r in failures)
    assert [r.method for r in api.rejections] == ["answerCallbackQuery"], "only the 2nd answer"


# ---------------------------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------------------------

CHATS = 100
FLAGS_PER_CHAT = 100


async def answer_sends_instantly(bot: Bot) -> list[tuple[int, str]]:
    """Answer sendMessage at once in-process, like a Telegram with no latency and no
    checks; returns the (chat id, text) of every message sent. Other methods still go to
    the fake API. Every request still goes through PTB's rate limiter and HTTPXRequest.

    For the load test only: the fake API's validation and bookkeeping would take more
    than the bot itself does per flag, and is exercised by every other test.
    """
    sent: list[tuple[int, str]] = []
    message_ids = itertools.count(1)

    def answer(call: httpx.Request) -> httpx.Response:
        if not call.url.path.endswith("/sendMessage"):
            return ask_fake(bot.api, call)
        params = dict(parse_qsl(call.read().decode()))
        chat_id = int(params["chat_id"])
        sent.append((chat_id, params["text"]))
        message = {
            "message_id": next(message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "supergroup", "title": "Team"},
            "text": params["text"],
        }
        return httpx.Response(200, json={"ok": True, "result": message})

    await set_transport(bot, answer)
    return sent


async def test_a_hundred_chats_flagging_at_once_get_gapless_numbers(
    api: FakeBotAPI, tmp_path: Path, library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    chats = [-1002000000000 - n for n in range(CHATS)]
    settings = make_settings(api, tmp_path, allowed_chats=frozenset(chats))
    total = CHATS * FLAGS_PER_CHAT
    # Interleaved: every chat's n-th flag is in flight together with every other chat's.
    updates = [
        {
            "update_id": n * CHATS + index,
            "message": {
                "message_id": n,
                "date": int(time.time()),
                "chat": {"id": chat, "type": "supergroup", "title": f"Team {index}"},
                "from": {"id": 5000 + index, "is_bot": False, "first_name": f"Delegate {index}"},
                "text": f"/flag Speaker {index}: statement {n}",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        for n in range(1, FLAGS_PER_CHAT + 1)
        for index, chat in enumerate(chats)
    ]
    async with running(api, settings, library) as bot:
        sent = await answer_sends_instantly(bot)
        application = bot.application

        async def process_one(data: dict[str, Any]) -> None:
            await application.process_update(Update.de_json(data, application.bot))

        started = time.perf_counter()
        await asyncio.gather(*(process_one(data) for data in updates))
        elapsed = time.perf_counter() - started
        await bot.quiet()
        print(
            f"\nload: {total:,} flags from {CHATS} chats at once in {elapsed:.2f} s "
            f"= {total / elapsed:,.0f} flags/s (update parsing, matching, SQLite commit, "
            "confirmation through PTB; Telegram answering instantly)"
        )
        for index, chat in enumerate(chats):
            stored = await bot.flags(chat)
            assert [flag.number for flag in stored] == list(range(1, FLAGS_PER_CHAT + 1))
            assert sorted(flag.text for flag in stored) == sorted(
                f"statement {n}" for n in range(1, FLAGS_PER_CHAT + 1)
            )
            assert {flag.speaker for flag in stored} == {f"Speaker {index}"}
            assert all(flag.confirmation_message_id is not None for flag in stored)
    # Each group's budget lets a few confirmations out at once; the rest are merged.
    assert len(sent) < total / 4
    confirmed: dict[int, set[int]] = {}
    for chat_id, text in sent:
        first_line, _, rest = text.partition("\n")
        numbers = re.findall(r"#(\d+)\b", rest if "–" in first_line else first_line)
        confirmed.setdefault(chat_id, set()).update(int(n) for n in numbers)
    assert confirmed == {chat: set(range(1, FLAGS_PER_CHAT + 1)) for chat in chats}
    with sqlite3.connect(settings.database_path) as db:
        assert db.execute("SELECT count(*) FROM flags").fetchone() == (total,)
    db.close()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


# ---------------------------------------------------------------------------------------------
# Storage faults
# ---------------------------------------------------------------------------------------------


def corrupt(path: Path, keep_header: bool) -> None:
    """Random bytes, or a real database damaged past its 100-byte header."""
    junk = random.Random(7).randbytes(64 * 1024)
    if not keep_header:
        path.write_bytes(junk)
        return
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
        db.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    db.close()
    data = path.read_bytes()
    path.write_bytes(data[:100] + junk[: len(data) - 100])


@pytest.mark.parametrize("keep_header", [False, True], ids=["random-bytes", "damaged-pages"])
async def test_a_corrupt_database_stops_start_up_with_a_clear_error(
    api: FakeBotAPI, tmp_path: Path, library: Library, keep_header: bool
) -> None:
    settings = make_settings(api, tmp_path)
    corrupt(settings.database_path, keep_header)
    with pytest.raises(StoreError) as caught:
        await start_bot(api, settings, library)
    message = str(caught.value)
    assert message.startswith(f"cannot open {settings.database_path}: ")
    assert "corrupt" in message
    assert "\n" not in message and "Traceback" not in message


async def test_a_read_only_data_directory_is_a_clear_error(
    api: FakeBotAPI, tmp_path: Path, library: Library
) -> None:
    with read_only_folder(tmp_path) as data:
        database = data / f"playbook-{os.getpid()}.sqlite3"
        settings = make_settings(api, tmp_path, database_path=database)
        with pytest.raises(StoreError) as caught:
            await start_bot(api, settings, library)
    message = str(caught.value)
    assert "cannot open" in message and "read-only" in message
    assert "\n" not in message


async def test_a_data_folder_that_cannot_exist_is_a_clear_error(
    api: FakeBotAPI, tmp_path: Path, library: Library
) -> None:
    """Works as root too: no permission can make a folder inside a regular file."""
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    settings = make_settings(api, tmp_path, database_path=blocker / "playbook.sqlite3")
    with pytest.raises(StoreError) as caught:
        await start_bot(api, settings, library)
    assert str(caught.value).startswith(f"cannot create the folder for {blocker}")


def test_python_m_bot_run_exits_1_with_one_line_on_a_corrupt_database(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    database = tmp_path / "playbook.sqlite3"
    corrupt(database, keep_header=False)
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BOT_", "DATABASE_", "WEBHOOK_", "CONTENT_", "ADMIN_", "ALLOWED_"))
    }
    env = {
        **clean,
        "BOT_TOKEN": api.token,
        "BOT_API_URL": api.base_url,
        "DATABASE_PATH": str(database),
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: cannot open {database}: ")
    assert "corrupt" in lines[0]
    assert time.monotonic() - started < 30, "it exits, it does not retry"
    polls = [call for call in api.calls if call.method == "getUpdates"]
    assert polls == [], "it never started polling"


# ---------------------------------------------------------------------------------------------
# The token never reaches the log
# ---------------------------------------------------------------------------------------------

SECRET = "AAHsEcReT-tokenPart_0123456789abcdefXYZ"
TOKEN = f"987654:{SECRET}"


@contextmanager
def production_logging(level: str, token: str) -> Iterator[logging.StreamHandler[Any]]:
    """bot.logs.configure as ``python -m bot run`` calls it; pytest's handlers and the
    levels are put back afterwards. Yields the console handler, writing to a buffer."""
    root = logging.getLogger()
    handlers, root_level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    try:
        logs.configure(level, token)
        [console] = root.handlers
        assert isinstance(console, logging.StreamHandler)
        console.setStream(io.StringIO())
        yield console
    finally:
        root.handlers[:] = handlers
        root.setLevel(root_level)
        for name, old in quiet.items():
            logging.getLogger(name).setLevel(old)


async def test_the_token_never_appears_in_any_log_record(
    tmp_path: Path, library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeBotAPI(token=TOKEN) as api, production_logging("DEBUG", TOKEN) as console:
        logging.getLogger().addHandler(caplog.handler)
        caplog.handler.setLevel(logging.DEBUG)

        settings = make_settings(api, tmp_path, allowed_chats=frozenset({GROUP}))
        taras = api.user(FLAGGER, "Taras")
        async with running(api, settings, library) as bot:
            await bot.say(GROUP, taras, "/flag Lavrov: root causes")
            api.fail_next("sendMessage", 500, times=3)  # the bot gives the reply up
            await process(bot, api.send_text(GROUP, taras, "/show 1"))
            await bot.quiet()
            api.fail_next("getChatMember", 500)
            await bot.say(GROUP, taras, "/export")
            await bot.say(FLAGGER, taras, "/term root causes")

        written = console.stream.getvalue()

    records = caplog.records
    assert any(r.levelno >= logging.ERROR for r in records), "the 500 was logged"
    assert any(r.name.startswith("telegram") for r in records), "DEBUG reached the libraries"
    for record in records:
        assert SECRET not in full_text(record), (record.name, record.getMessage())
        assert SECRET not in (record.exc_text or "")
    assert "gave up sending" in written and SECRET not in written


def test_the_formatter_redacts_the_token_wherever_it_appears() -> None:
    with production_logging("INFO", TOKEN) as console:
        formatter = console.formatter
        httpx_level = logging.getLogger("httpx").level
    assert isinstance(formatter, logs.RedactingFormatter)
    try:
        raise ValueError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")
    except ValueError:
        record = logging.LogRecord(
            "httpx",
            logging.ERROR,
            __file__,
            1,
            "request to %s failed",
            (f"https://api.telegram.org/bot{TOKEN}/sendMessage",),
            sys.exc_info(),
        )
    line = formatter.format(record)
    assert SECRET not in line
    assert line.count("<token>") == 2
    assert "request to https://api.telegram.org/bot<token>/sendMessage failed" in line
    assert httpx_level == logging.WARNING, "httpx's request lines (with the token) are off"

    # The handler's filter also cleans the record itself, for any handler after it.
    record.exc_text = None
    assert console.filter(record)
    assert (
        record.getMessage() == "request to https://api.telegram.org/bot<token>/sendMessage failed"
    )
    assert record.exc_text is not None and "bot<token>/getMe" in record.exc_text
    assert SECRET not in record.exc_text


# ---------------------------------------------------------------------------------------------
# /reload
# ---------------------------------------------------------------------------------------------


async def test_reload_by_a_bot_admin_reports_counts(bot: Bot) -> None:
    admin = bot.api.user(ADMIN_ID, "Admin")
    [reply] = await bot.say(ADMIN_ID, admin, "/reload")
    assert reply["text"] == (
        "Content reloaded: 10 principles, 11 terms, 12 tactics, 7 claims, 25 people, 40 events, "
        "3 sources."
    )


async def test_reload_by_anyone_else_is_refused(bot: Bot) -> None:
    services = bot.services
    before = services.library
    stranger = bot.api.user(FLAGGER, "Taras")
    [reply] = await bot.say(FLAGGER, stranger, "/reload")
    assert "only the bot's administrator" in reply["text"]
    assert services.library is before


async def test_reload_of_broken_content_names_file_and_line_and_keeps_the_old(
    api: FakeBotAPI, tmp_path: Path, library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    settings = make_settings(api, tmp_path, content_dir=content)
    admin = api.user(ADMIN_ID, "Admin")
    async with running(api, settings, library) as bot:
        terms = content / "terms.yaml"
        text = terms.read_text(encoding="utf-8")
        broken = text.replace("  - id: root-causes\n", "  - id: root-causes\n    colour: red\n", 1)
        assert broken != text
        terms.write_text(broken, encoding="utf-8")
        [reply] = await bot.say(ADMIN_ID, admin, "/reload")
        assert "kept the old one" in reply["text"]
        assert f"{terms}:6: terms.0.colour: unknown field" in reply["text"]
        [card] = await bot.say(ADMIN_ID, admin, "/term root causes")
        assert "Elimination of root causes" in card["text"], "still serving the old content"
        assert bot.services.library is library
    assert api.rejections == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
