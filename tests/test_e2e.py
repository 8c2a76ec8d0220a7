"""End to end: the bot as a real process (``python -m bot run``), talking HTTP to the fake
Bot API, exactly as it runs in production with only Telegram replaced.

Users act through the fake (``api.send_text``, ``api.press_button``, ...); the bot's own
long polling (or its webhook server) picks the updates up; a test asserts what a user
would see. Every process a test starts is killed by the ``bots`` fixture, whatever
happens, before the fake Bot API stops; its output is printed when a test fails.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import csv
import http.client
import io
import json
import re
import shutil
import signal
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.services import Library
from tests.support.bot_process import (
    CONTENT,
    BotProcess,
    BotProcesses,
    RecordingBotAPI,
    bot_processes,
    free_port,
)
from tests.support.cast import callback_data
from tests.support.fake_bot_api import Call
from tests.support.seen import confirmed_numbers, until

# A token whose secret part is easy to find if it ever leaks into a log.
TOKEN = "123456:AAHe2eSecretPartOfTheToken_Zq9"
TOKEN_SECRET = TOKEN.split(":", 1)[1]
ADMIN_ID = 9001
GROUP = -1001234567890  # listed in ALLOWED_CHATS
OTHER_GROUP = -1009876543210  # enrolled with /enable
WAIT = 10.0  # seconds for one reply; generous for a loaded CI machine


@pytest.fixture
def api() -> Iterator[RecordingBotAPI]:
    with RecordingBotAPI(token=TOKEN) as server:
        yield server


@pytest.fixture
def bots(api: RecordingBotAPI, tmp_path: Path) -> Iterator[BotProcesses]:
    """Makes bot processes (not started); kills every one of them at the end."""
    settings = {"ADMIN_IDS": str(ADMIN_ID), "ALLOWED_CHATS": str(GROUP)}
    with bot_processes(api, tmp_path, **settings) as processes:
        yield processes
    for bot in processes.made:
        assert TOKEN_SECRET not in bot.all_output(), "the bot token leaked into the output"


def sent_to(chat_id: int, contains: str = "") -> Callable[[Call], bool]:
    """A wait_for predicate: an accepted sendMessage to ``chat_id`` whose text has ``contains``."""

    def matches(call: Call) -> bool:
        return (
            call.ok
            and call.params.get("chat_id") == chat_id
            and contains in str(call.params.get("text", ""))
        )

    return matches


async def say(
    api: RecordingBotAPI, chat: int, user: Any, text: str, reply_to: int | None = None
) -> dict[str, Any]:
    """``user`` sends ``text``; returns the bot's first message in that chat afterwards."""
    mark = api.mark()
    api.send_text(chat, user, text, reply_to=reply_to)
    return await api.wait_for_reply(chat, since=mark, timeout=WAIT)


async def press(
    api: RecordingBotAPI, chat: int, user: Any, message_id: int, data: str
) -> dict[str, Any]:
    """``user`` taps a button; returns the message once the bot has edited it."""
    mark = api.mark()
    api.press_button(chat, user, message_id, data)
    edit = await api.wait_for("editMessageText", timeout=WAIT, since=mark)
    assert edit.ok, edit.description
    await api.wait_for("answerCallbackQuery", timeout=WAIT, since=mark)
    message = api.message(chat, message_id)
    assert message is not None
    return message


def database_files(database: Path) -> list[str]:
    """The database's files on disk: after a clean close, no -wal or -shm is left.
    (The built library is kept beside it: see bot/library_cache.py.)"""
    library = f"{database.name}.library"
    return sorted(
        path.name for path in database.parent.glob(f"{database.name}*") if path.name != library
    )


def assert_clean_log(bot: BotProcess) -> None:
    output = bot.output()
    problems = re.findall(r".*\b(?:WARNING|ERROR|CRITICAL)\b.*|.*Traceback.*", output)
    assert problems == [], output


# ---------------------------------------------------------------------------------------
# A delegate in a private chat
# ---------------------------------------------------------------------------------------


async def test_private_chat_typo_lookup_related_button_ukrainian_and_inline(
    api: RecordingBotAPI, bots: BotProcesses, library: Library
) -> None:
    bot = bots().start_ready()
    ann = api.user(42, "Ann", language_code="en")
    playbook = library.playbook
    root_causes = playbook.get("term", "root-causes")
    assert root_causes is not None

    card = await say(api, 42, ann, "/term root cuases")
    assert card["visible_text"].startswith(f"📕 {root_causes.title('en')}\n")

    # A related entry's button replaces the card in the same message.
    related = [data for data in callback_data(card) if data.startswith("o:t:")]
    assert related, callback_data(card)
    key = related[0].split(":", 2)[2]
    entry = playbook.get("term", key)
    assert entry is not None
    mark = api.mark()
    edited = await press(api, 42, ann, card["message_id"], related[0])
    assert edited["visible_text"].startswith(f"📕 {entry.title('en')}\n")
    assert len(edited["versions"]) == 2
    assert api.replies_to(42, mark) == []  # edited in place, nothing new sent

    chosen = await say(api, 42, ann, "/lang uk")
    assert chosen["visible_text"] == "Відповідатиму українською."
    card_uk = await say(api, 42, ann, "/term root cuases")
    assert card_uk["visible_text"].startswith(f"📕 {root_causes.title('uk')}\n")

    # Inline mode, in the language Ann chose.
    mark = api.mark()
    api.inline_query(ann, "root causes")
    answer = await api.wait_for("answerInlineQuery", timeout=WAIT, since=mark)
    assert answer.ok, answer.description
    results = {result["id"]: result for result in answer.params["results"]}
    assert "term:root-causes:uk" in results, list(results)
    assert all(result_id.endswith(":uk") for result_id in results)
    content = results["term:root-causes:uk"]["input_message_content"]
    assert root_causes.title("uk") in content["message_text"]

    assert bot.stop() == 0
    assert api.rejections == []


# ---------------------------------------------------------------------------------------
# The team's group: flags, verdicts, the log, the export
# ---------------------------------------------------------------------------------------


async def test_group_enrolment_flags_verdict_log_pages_and_export(
    api: RecordingBotAPI, bots: BotProcesses
) -> None:
    bot = bots().start_ready()
    taras = api.user(101, "Taras", "taras")
    lavrov = api.user(202, "Sergey", "slavrov", last_name="Lavrov")
    olena = api.user(303, "Olena", "olena")
    admin = api.user(ADMIN_ID, "Bot Admin")

    # A group outside ALLOWED_CHATS keeps no log until a bot admin enrols it.
    refused = await say(api, OTHER_GROUP, taras, "/flag a statement")
    assert "has no flag log" in refused["visible_text"]
    assert "Ask the bot's administrator" in refused["visible_text"]
    not_admin = await say(api, OTHER_GROUP, taras, "/enable")
    assert not_admin["visible_text"].startswith("Sorry, only the bot's administrator can do that")
    enabled = await say(api, OTHER_GROUP, admin, "/enable")
    assert enabled["visible_text"].startswith("This chat now keeps a flag log")
    first = await say(api, OTHER_GROUP, taras, "/flag a statement")
    assert first["visible_text"].startswith("🚩 #1 flagged")

    # In the allowed group: flag by replying to what was said.
    said = api.send_text(GROUP, lavrov, "We must eliminate the root causes of the conflict")
    said_id = said["message"]["message_id"]
    confirmation = await say(api, GROUP, taras, "/flag said twice", reply_to=said_id)
    assert confirmation["visible_text"].startswith("🚩 #1 flagged")
    assert "We must eliminate the root causes of the conflict" in confirmation["visible_text"]
    assert "Elimination of root causes" in confirmation["visible_text"]  # the playbook match
    assert "f:v:1:false" in callback_data(confirmation)

    # The flagger gives a verdict with a button; the verdict is posted under the flag.
    mark = api.mark()
    api.press_button(GROUP, taras, confirmation["message_id"], "f:v:1:false")
    answered = await api.wait_for("answerCallbackQuery", timeout=WAIT, since=mark)
    assert answered.ok and "#1" in answered.params.get("text", "")
    verdict = await api.wait_for_reply(GROUP, since=mark, timeout=WAIT)
    assert verdict["visible_text"] == "Verdict for #1: False\nVerdict by: Taras\nNote: said twice"
    assert verdict["reply_to_message_id"] == confirmation["message_id"]

    # 22 more: the log has 23 flags, three pages of ten, newest first.
    # They come faster than the group's budget: confirmations are merged.
    mark = api.mark()
    for k in range(2, 24):
        api.send_text(GROUP, olena, f"/flag Peskov: statement number {k}")
    await until(
        lambda: confirmed_numbers(api.replies_to(GROUP, mark), GROUP) >= set(range(2, 24)),
        WAIT,
        "#2–#23 confirmed",
    )
    assert len(api.replies_to(GROUP, mark)) < 22

    page = await say(api, GROUP, olena, "/log")
    assert "1–10 of 23" in page["visible_text"]
    assert "#23" in page["visible_text"] and "#13" not in page["visible_text"]
    assert callback_data(page) == ["log:10:"]
    page = await press(api, GROUP, olena, page["message_id"], "log:10:")
    assert "11–20 of 23" in page["visible_text"]
    assert callback_data(page) == ["log:0:", "log:20:"]
    page = await press(api, GROUP, olena, page["message_id"], "log:20:")
    assert "21–23 of 23" in page["visible_text"]
    assert "❌ #1 " in page["visible_text"]  # the verdict shows in the log
    assert callback_data(page) == ["log:10:"]

    # /export: chat admins only (Telegram is asked who administers the chat).
    refused = await say(api, GROUP, taras, "/export")
    assert refused["visible_text"] == "Sorry, only chat admins can do that here. Ask one of them."
    api.set_chat_member(GROUP, olena["id"], "administrator")
    mark = api.mark()
    done = await say(api, GROUP, olena, "/export")
    assert done["visible_text"].startswith("Export of 23 flags:")
    sent = await api.wait_for("sendDocument", timeout=WAIT, count=2, since=mark)
    assert all(call.ok for call in sent)
    documents = {doc["filename"].rsplit(".", 1)[1]: doc for doc in api.documents}
    assert set(documents) == {"csv", "md"}
    assert all(doc["chat_id"] == GROUP for doc in documents.values())

    rows = list(csv.DictReader(io.StringIO(documents["csv"]["content"].decode("utf-8-sig"))))
    assert [int(row["number"]) for row in rows] == list(range(1, 24))
    assert rows[0]["text"] == "We must eliminate the root causes of the conflict"
    assert rows[0]["speaker"] == "Sergey Lavrov"
    assert rows[0]["flagged by"] == "Taras"
    assert (rows[0]["status"], rows[0]["status code"], rows[0]["lang"]) == ("False", "false", "en")
    assert rows[0]["note"] == "said twice"
    assert "Elimination of root causes" in rows[0]["matches"]  # the card, by its title
    assert rows[0]["link"] == f"https://t.me/c/{str(GROUP)[4:]}/{said_id}"
    assert all(row["speaker"] == "Peskov" and row["status code"] == "open" for row in rows[1:])
    assert rows[22]["text"] == "statement number 23"

    markdown = documents["md"]["content"].decode("utf-8")
    assert "## #1 · False" in markdown
    assert "> We must eliminate the root causes of the conflict" in markdown
    assert markdown.count("\n## #") == 23

    # The log keeps ids, never what was said.
    assert "statement number" not in bot.all_output()
    assert "root causes of the conflict" not in bot.all_output()
    assert bot.stop() == 0
    assert api.rejections == []


# ---------------------------------------------------------------------------------------
# Restarts, shutdown, webhook, conflicts
# ---------------------------------------------------------------------------------------


async def test_restart_keeps_the_log_and_processes_updates_sent_while_down(
    api: RecordingBotAPI, bots: BotProcesses, library: Library
) -> None:
    bot = bots().start_ready()
    taras = api.user(101, "Taras", "taras")
    olena = api.user(303, "Olena", "olena")
    ann = api.user(42, "Ann", language_code="en")
    flagged = await say(api, GROUP, taras, "/flag Lavrov: the talks failed because of Kyiv")
    assert flagged["visible_text"].startswith("🚩 #1 flagged")
    verdict = await say(api, GROUP, taras, "/verify 1 false contradicts the record")
    assert verdict["visible_text"].startswith("Verdict for #1: False")
    assert (await say(api, 42, ann, "/lang uk"))["visible_text"] == "Відповідатиму українською."
    assert bot.stop() == 0

    # While the bot is down, Telegram keeps what users send.
    mark = api.mark()
    api.send_text(GROUP, taras, "/show 1")
    api.send_text(GROUP, olena, "/flag Peskov: a second statement")
    api.send_text(42, ann, "/term root cuases")
    assert len(api.pending_updates) == 3

    bot.start_ready()
    await api.wait_for("sendMessage", sent_to(GROUP), timeout=WAIT, count=2, since=mark)
    shown, second = api.replies_to(GROUP, mark)
    text = shown["visible_text"]
    assert text.startswith("🚩 #1 · ❌ False")
    assert "the talks failed because of Kyiv" in text and "Lavrov" in text
    assert "verdict → False (Taras): contradicts the record" in text
    assert second["visible_text"].startswith("🚩 #2 flagged")  # numbering continues
    card = await api.wait_for_reply(42, since=mark, timeout=WAIT)
    root_causes = library.playbook.get("term", "root-causes")
    assert root_causes is not None
    assert card["visible_text"].startswith(f"📕 {root_causes.title('uk')}")  # /lang kept

    assert bot.stop() == 0
    assert api.pending_updates == [], "a graceful stop acknowledges what was handled"
    assert api.rejections == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_stop_signal_while_idle_exits_0_cleanly(
    api: RecordingBotAPI, bots: BotProcesses, sig: signal.Signals
) -> None:
    bot = bots().start_ready()
    card = await say(api, 42, api.user(42, "Ann"), "/term root cuases")
    assert card["visible_text"].startswith("📕 Elimination of root causes")
    mark = api.mark()
    assert bot.stop(sig) == 0
    assert_clean_log(bot)
    assert "Application.stop() complete" in bot.output()
    # The poller confirmed what it had fetched, and the database was closed properly
    # (the last connection to close checkpoints and removes the write-ahead log).
    assert any(call.method == "getUpdates" for call in api.calls[mark:])
    assert api.pending_updates == []
    assert database_files(bot.database) == [bot.database.name]
    # ... and the built library, for a quicker restart.
    assert bot.database.with_name(f"{bot.database.name}.library").stat().st_size > 0


async def test_sigterm_lets_the_update_in_progress_finish(
    api: RecordingBotAPI, bots: BotProcesses
) -> None:
    bot = bots().start_ready()
    api.stall_next("sendMessage", 1.5)  # Telegram is slow to accept the answer
    since = time.monotonic()
    api.send_text(GROUP, api.user(101, "Taras"), "/flag Lavrov: said during shutdown")
    api.wait_for_arrival(("sendMessage",), since, WAIT)
    assert bot.stop(signal.SIGTERM) == 0  # sent while the reply is in flight
    confirmation = await api.wait_for("sendMessage", sent_to(GROUP, "#1 flagged"), timeout=1)
    assert confirmation.ok
    assert api.pending_updates == []  # not delivered again on the next start
    assert_clean_log(bot)
    with sqlite3.connect(f"file:{bot.database}?mode=ro", uri=True) as db:
        stored = db.execute("SELECT number, confirmation_message_id FROM flags").fetchall()
    assert stored == [(1, confirmation.result["message_id"])]


def post_update(port: int, update: dict[str, Any], secret: str | None) -> int:
    """POST an update to the bot's webhook as Telegram does; returns the HTTP status."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/hook",
        data=json.dumps(update).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


async def post_when_listening(port: int, update: dict[str, Any], secret: str) -> int:
    """POST an update as Telegram does, retrying while the bot is still binding its port."""
    for _ in range(100):
        try:
            return await asyncio.to_thread(post_update, port, update, secret)
        except (ConnectionError, urllib.error.URLError):
            await asyncio.sleep(0.1)
    raise AssertionError(f"the webhook on port {port} never answered")


async def test_webhook_mode_checks_the_secret(api: RecordingBotAPI, bots: BotProcesses) -> None:
    port = free_port()
    bot = bots(
        WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
        WEBHOOK_SECRET="s3cret",
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
    ).start_ready()
    registered = await api.wait_for("setWebhook", timeout=WAIT)
    assert registered.params["url"] == f"http://127.0.0.1:{port}/hook"
    assert registered.params["secret_token"] == "s3cret"
    assert api.arrivals("getUpdates") == []
    ann = api.user(42, "Ann")

    mark = api.mark()
    update = api.send_text(42, ann, "/term root cuases")
    assert await post_when_listening(port, update, "s3cret") == 200
    card = await api.wait_for_reply(42, since=mark, timeout=WAIT)
    assert card["visible_text"].startswith("📕 Elimination of root causes")

    mark = api.mark()
    forged = api.send_text(42, ann, "/term goodwill")
    assert await asyncio.to_thread(post_update, port, forged, "wrong") == 403
    assert await asyncio.to_thread(post_update, port, forged, None) == 403
    await asyncio.sleep(0.5)
    assert api.replies_to(42, mark) == []

    assert bot.stop() == 0
    assert_clean_log(bot)
    assert api.rejections == []


async def test_another_poller_with_the_same_token_stops_the_bot_with_exit_3(
    api: RecordingBotAPI, bots: BotProcesses
) -> None:
    api.conflict_get_updates(True)  # Telegram: another getUpdates is running
    bot = bots().start()
    assert bot.wait_exit() == 3
    errors = [line for line in bot.stderr().splitlines() if " ERROR " in line]
    # One line says what happened and what the bot does about it; no traceback follows.
    assert len(errors) == 1, bot.stderr()
    assert "bot.errors: another process is already polling with this bot token" in errors[0]
    assert "stopping so the two do not fight over updates" in errors[0]
    assert "Traceback" not in bot.stderr()


async def test_the_token_never_reaches_the_log_even_at_debug_level_and_on_failures(
    api: RecordingBotAPI, bots: BotProcesses
) -> None:
    bot = bots(LOG_LEVEL="DEBUG").start_ready()
    ann = api.user(42, "Ann")
    card = await say(api, 42, ann, "/term root cuases")
    related = [data for data in callback_data(card) if data.startswith("o:t:")]
    api.fail_next("answerCallbackQuery", 500)  # the handler fails: a traceback is logged
    mark = api.mark()
    api.press_button(42, ann, card["message_id"], related[0])
    answers = await api.wait_for("answerCallbackQuery", timeout=WAIT, count=2, since=mark)
    apology = answers[1].params
    assert apology["text"] == "Sorry, something went wrong on my side. Please try again."
    # The poller fails once and retries (a new update ends the long poll under way) ...
    api.fail_next("getUpdates", 502)
    mark = api.mark()
    api.send_text(42, ann, "/help")
    await api.wait_for("getUpdates", lambda call: call.status == 502, timeout=WAIT, since=mark)
    api.conflict_get_updates(True)  # ... and then a conflict stops the bot
    assert bot.wait_exit() == 3
    output = bot.all_output()
    assert "DEBUG" in output and "handler failed" in output and "Traceback" in output
    assert TOKEN_SECRET not in output
    assert TOKEN not in output


# ---------------------------------------------------------------------------------------
# Refusing to start
# ---------------------------------------------------------------------------------------


async def test_bad_content_stops_the_start_before_any_network(
    api: RecordingBotAPI, bots: BotProcesses, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    terms = content / "terms.yaml"
    lines = terms.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index("  - id: root-causes\n") + 1
    lines.insert(at, "    colour: red\n")
    terms.write_text("".join(lines), encoding="utf-8")

    bot = bots(CONTENT_DIR=str(content)).start()
    assert bot.wait_exit() == 1
    assert f"terms.yaml:{at + 1}: terms.0.colour: unknown field 'colour'" in bot.stderr()
    assert "not starting" in bot.stderr()
    assert api.arrivals() == [] and api.calls == []  # not even getMe


async def test_missing_token_points_to_botfather(api: RecordingBotAPI, bots: BotProcesses) -> None:
    bot = bots(BOT_TOKEN="").start()
    assert bot.wait_exit() == 2
    assert "@BotFather" in bot.stderr()
    assert api.arrivals() == []


@pytest.mark.parametrize(
    ("name", "value"), [("WEBHOOK_PORT", "abc"), ("WEBHOOK_URL", "http://example.com/hook")]
)
async def test_a_malformed_setting_is_one_line_naming_it_and_exit_2(
    api: RecordingBotAPI, bots: BotProcesses, name: str, value: str
) -> None:
    bot = bots(**{name: value}).start()
    assert bot.wait_exit() == 2
    lines = bot.stderr().strip().splitlines()
    assert len(lines) == 1 and name in lines[0], lines
    assert api.arrivals() == []


# ---------------------------------------------------------------------------------------
# Crash safety
# ---------------------------------------------------------------------------------------

BURST = 200


async def test_sigkill_mid_burst_loses_no_flag(api: RecordingBotAPI, bots: BotProcesses) -> None:
    """SIGKILL during a burst of /flag, then restart.

    What must hold: every flag the bot confirmed is in the database, numbers stay
    gapless, no update is flagged twice, and every /flag sent is stored in the end:
    the bot acknowledges an update to Telegram only after handling it (bot.polling),
    so what the kill interrupted comes again after the restart.
    """
    bot = bots().start_ready()
    users = [api.user(500 + n, f"Delegate {n}") for n in range(3)]
    sent: dict[int, str] = {}  # /flag message id -> statement
    for k in range(BURST):
        update = api.send_text(GROUP, users[k % 3], f"/flag statement {k:03d}")
        sent[update["message"]["message_id"]] = f"statement {k:03d}"
    await until(lambda: len(confirmed_numbers(api.messages, GROUP)) >= 25, WAIT, "25 confirmed")
    bot.kill()

    confirmed = confirmed_numbers(api.messages, GROUP)  # as the group saw them
    unacknowledged = {update["message"]["message_id"] for update in api.pending_updates}

    bot.start_ready()
    # Telegram forgets an update once a getUpdates offset acknowledges it, and the bot
    # acknowledges only what it has handled.
    await api.wait_acknowledged(timeout=30)
    assert bot.stop() == 0
    assert api.pending_updates == []

    with sqlite3.connect(f"file:{bot.database}?mode=ro", uri=True) as db:
        stored = db.execute(
            "SELECT number, message_id, text FROM flags WHERE chat_id = ? ORDER BY number",
            (GROUP,),
        ).fetchall()
    by_number = {number: (message_id, text) for number, message_id, text in stored}
    numbers = [number for number, _, _ in stored]
    message_ids = [message_id for _, message_id, _ in stored]

    assert numbers == list(range(1, len(stored) + 1)), "flag numbers have gaps"
    assert len(set(message_ids)) == len(message_ids), "an update was flagged twice"
    assert set(message_ids) <= set(sent)
    for number in confirmed:
        message_id, text = by_number[number]
        assert sent[message_id] == text, f"confirmed #{number} is stored as sent"
    assert unacknowledged <= set(message_ids), "updates Telegram still held were not processed"
    assert api.rejections == []

    lost = set(sent) - set(message_ids)
    print(
        f"burst of {BURST}: {len(confirmed)} confirmed before SIGKILL, "
        f"{len(unacknowledged)} still unacknowledged at the kill and handled after the "
        f"restart, {len(stored)} in the database, {len(lost)} lost"
    )
    assert not lost, f"{len(lost)} of {BURST} /flag updates lost"


def post_or_none(port: int, update: dict[str, Any], secret: str) -> int | None:
    """The HTTP status, or None when the connection broke (the bot was killed)."""
    try:
        return post_update(port, update, secret)
    except (OSError, urllib.error.URLError, http.client.HTTPException):
        return None


async def test_webhook_answers_telegram_only_after_the_update_is_handled(
    api: RecordingBotAPI, bots: BotProcesses
) -> None:
    """Telegram never re-sends a webhook update it got 200 for: after a SIGKILL mid-burst,
    every update answered 200 is stored, and the rest, re-sent as Telegram retries them,
    are stored once each."""
    port, secret = free_port(), "s3cret"
    bot = bots(
        WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
        WEBHOOK_SECRET=secret,
        WEBHOOK_PORT=str(port),
    ).start_ready()
    taras = api.user(101, "Taras")
    # Enough that the burst outlasts the check below (every 50 ms) on a fast machine.
    updates = [api.send_text(GROUP, taras, f"/flag webhook statement {k:03d}") for k in range(150)]
    assert await post_when_listening(port, updates[0], secret) == 200

    with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
        posts = [pool.submit(post_or_none, port, update, secret) for update in updates[1:]]
        # The kill comes as soon as Telegram has been told about a few of them.
        await until(lambda: sum(post.done() for post in posts) >= 3, WAIT, "three answered")
        bot.kill()
        statuses = [200] + [post.result() for post in posts]
    answered = [u for u, status in zip(updates, statuses, strict=True) if status == 200]
    unanswered = [u for u, status in zip(updates, statuses, strict=True) if status != 200]
    with sqlite3.connect(f"file:{bot.database}?mode=ro", uri=True) as db:
        stored = {row[0] for row in db.execute("SELECT message_id FROM flags")}
    assert {u["message"]["message_id"] for u in answered} <= stored, "answered 200, then lost"
    assert unanswered, "the kill came too late to test anything"

    bot.start_ready()
    for update in unanswered:  # Telegram retries what it got no 200 for
        assert await post_when_listening(port, update, secret) == 200
    assert bot.stop() == 0
    with sqlite3.connect(f"file:{bot.database}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT number, message_id FROM flags ORDER BY number").fetchall()
    assert [number for number, _ in rows] == list(range(1, len(updates) + 1))
    assert sorted(message_id for _, message_id in rows) == sorted(
        u["message"]["message_id"] for u in updates
    )
    print(f"webhook burst of {len(updates)}: {len(answered)} answered 200 before SIGKILL")


async def test_a_group_that_becomes_a_supergroup_keeps_its_log_and_new_ids_are_new(
    api: RecordingBotAPI, bots: BotProcesses
) -> None:
    """The supergroup numbers its messages from 1 again: a /flag there whose id an old
    flag's command had is a new statement, and an edit there changes no old flag."""
    old_group, new_group = -4100001, -1004100001
    bot = bots("migrating").start_ready()
    api.chat(old_group, "group", "Delegation")
    admin = api.user(ADMIN_ID, "Admin", "admin")
    taras = api.user(101, "Taras", "taras")
    await say(api, old_group, admin, "/enable")
    mark = api.mark()
    first = api.send_text(old_group, taras, "/flag Lavrov: the root causes")
    old_id = first["message"]["message_id"]
    reply = await api.wait_for_reply(old_group, since=mark, timeout=WAIT)
    assert reply["visible_text"].startswith("🚩 #1 flagged")

    api.migrate_chat(old_group, new_group, taras)
    while api.send_text(new_group, admin, "chatter")["message"]["message_id"] < old_id - 1:
        pass
    second = await say(api, new_group, taras, "/flag Peskov: a new statement")
    assert second["reply_to_message_id"] == old_id, "the ids met"
    assert second["visible_text"].startswith("🚩 #2 flagged")

    mark = api.mark()
    api.edit_text(new_group, taras, old_id, "/flag Peskov: a corrected statement")
    shown = await say(api, new_group, taras, "/show 1")
    assert "the root causes" in shown["visible_text"]
    assert "corrected" not in shown["visible_text"]
    assert bot.stop() == 0
    with sqlite3.connect(f"file:{bot.database}?mode=ro", uri=True) as db:
        stored = db.execute(
            "SELECT number, text FROM flags WHERE chat_id = ? ORDER BY number", (new_group,)
        ).fetchall()
    assert stored == [(1, "the root causes"), (2, "a corrected statement")]
    assert api.rejections == []
