"""Benchmark the whole bot end to end, against bare python-telegram-bot bots on the same fake.

    .venv/bin/python bench/e2e.py                  # 2,000 updates through each bot, 3 rounds
    .venv/bin/python bench/e2e.py --updates 1000 --rounds 5

All bots run as subprocesses polling the same fake Bot API (tests/support), which
runs in this process in its own threads, so all pay the same HTTP and fake-server
costs. Each gets the same updates: half lookups in private chats (/term with a
typo, plain words, Ukrainian, /claim, /tactic, ...), half /flag in an enrolled
group; each update gets one reply (this bot merges the confirmations of flags
that arrive together). The updates are queued as one batch; the
clock runs from then until the fake has answered the last reply's sendMessage. A
short warm-up batch runs first and is not counted.

Two baselines run first, on the same fake: an echo bot, and the one the bot is held
to, a bare python-telegram-bot bot that sends this bot's own replies (recorded from
it: the same cards, buttons and options), whose cost is the framework's floor.

Prints figures only; nothing is asserted. Targets: this bot >= 500 updates/s, its
CPU per update <= 1.3x the same-replies baseline's, start-up (process start to the
first getUpdates) <= 1 s, peak RSS (VmHWM) <= 80 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seen_before import CHAT, fill, statements  # noqa: E402
from bot.services import Library  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.support.bot_process import BotProcess, RecordingBotAPI  # noqa: E402
from tests.support.seen import confirmed_numbers  # noqa: E402

GROUP = -1001234567890
WARM_UP = 100
TARGET_RATE = 500.0
TARGET_RATIO = 1.3
TARGET_START = 1.0
TARGET_RSS_MB = 80.0

ECHO_BOT = """
import os
import random
import resource
from telegram import Update
from telegram.ext import ApplicationBuilder, MessageHandler, filters

async def echo(update, context):
    await update.effective_message.reply_text(update.effective_message.text)

application = (
    ApplicationBuilder().token(os.environ["BOT_TOKEN"]).base_url(os.environ["BOT_API_URL"]).build()
)
application.add_handler(MessageHandler(filters.TEXT, echo))
application.run_polling(allowed_updates=Update.ALL_TYPES)
"""

# The baseline the bot is held to: a bare python-telegram-bot bot that sends the same
# replies (the same cards, the same buttons, the same options) as this bot, recorded
# from it beforehand, so that the difference is only what this bot does on top.
SAME_REPLIES_BOT = """
import json
import os
from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, Defaults, MessageHandler, filters

with open(os.environ["BENCH_REPLIES"], encoding="utf-8") as file:
    recorded = json.load(file)
replies = {
    key: (
        params["text"],
        InlineKeyboardMarkup.de_json(params.get("reply_markup"), None),
        "reply_parameters" in params,
    )
    for key, params in recorded.items()
}

async def reply(update, context):
    text = update.effective_message.text
    body, markup, quote = replies[text.rsplit(" (", 1)[0] if text.startswith("/flag ") else text]
    await update.effective_message.reply_text(body, reply_markup=markup, do_quote=quote)

defaults = Defaults(
    parse_mode=ParseMode.HTML,
    link_preview_options=LinkPreviewOptions(is_disabled=True),
    allow_sending_without_reply=True,
)
application = (
    ApplicationBuilder()
    .token(os.environ["BOT_TOKEN"])
    .base_url(os.environ["BOT_API_URL"])
    .defaults(defaults)
    .build()
)
application.add_handler(MessageHandler(filters.TEXT, reply))
application.run_polling(allowed_updates=Update.ALL_TYPES)
"""

LOOKUPS = (
    "/term root cuases",
    "root causes",
    "goodwill",
    "/claim law prohibits negotiations",
    "/tactic ultimatum",
    "8",
    "суверенітет",
    "/principle record",
    "/search soldiers for children",
    "/term первопричины",
    "/terms",
    "security guarantees",
)
STATEMENTS = (
    "Lavrov: we must eliminate the root causes",
    "Peskov: the law prohibits negotiations with Kyiv",
    "the talks failed because of Kyiv",
    "Medinsky: soldiers for children, a fair exchange",
    "Ushakov: a goodwill gesture on the front",
    "Zakharova: the people chose freely in the referendums",
)


def workload(api: RecordingBotAPI, count: int, offset: int = 0) -> list[tuple[int, Any, str]]:
    """(chat, user, text) for ``count`` updates: lookups and flags alternating."""
    users = [api.user(10_000 + n, f"Delegate {n}", language_code="en") for n in range(50)]
    lookups = itertools.cycle(LOOKUPS)
    statements = itertools.cycle(STATEMENTS)
    plan = []
    for k in range(offset, offset + count):
        user = users[k % len(users)]
        if k % 2:
            plan.append((GROUP, user, f"/flag {next(statements)} ({k})"))
        else:
            plan.append((int(user["id"]), user, next(lookups)))
    return plan


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time of this process: the fake Bot API's threads (and the driver)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def drive(
    api: RecordingBotAPI, bot: BotProcess, plan: list[tuple[int, Any, str]], merges: bool
) -> float:
    """Queue ``plan`` as one batch; seconds until every update has been answered.

    A baseline answers each update with one message. This bot (``merges``) answers
    each lookup with one, but confirms flags that arrive together in merged messages,
    so its flags count as answered once their numbers are visible in the group.
    """
    lookups = sum(1 for chat, _, _ in plan if chat != GROUP)
    flags = len(plan) - lookups
    mark = api.mark()
    with api.holding_updates():
        for chat, user, text in plan:
            api.send_text(chat, user, text)
        started = time.monotonic()
    deadline = started + 300
    while time.monotonic() < deadline:
        calls = [c for c in api.calls[mark:] if c.method == "sendMessage" and c.ok]
        private = sum(1 for c in calls if c.params.get("chat_id") != GROUP)
        group = [c.result for c in calls if c.params.get("chat_id") == GROUP]
        if merges:
            seen = confirmed_numbers(
                ({"chat_id": GROUP, "visible_text": m.get("text", "")} for m in group), GROUP
            )
            answered = len(seen)
        else:
            answered = len(group)
        if private >= lookups and answered >= flags:
            return time.monotonic() - started  # polled every 20 ms
        if not bot.running:
            raise SystemExit(f"the bot died:\n{bot.dump()}")
        time.sleep(0.02)
    raise SystemExit(f"not every update was answered within 300 s:\n{bot.dump()}")


def measure(
    name: str, api: RecordingBotAPI, bot: BotProcess, updates: int, starts: int, merges: bool
) -> dict[str, Any]:
    rejected_before = len(api.rejections)
    start_times = []
    for _ in range(starts - 1):
        start_times.append(bot.start().wait_ready())
        if bot.stop() != 0:
            raise SystemExit(f"{name} did not stop cleanly:\n{bot.dump()}")
    start_times.append(bot.start().wait_ready())
    try:
        drive(api, bot, workload(api, WARM_UP, offset=10**6), merges)
        cpu_before, own_before = cpu_seconds(bot.pid), own_cpu_seconds()
        mark = api.mark()
        seconds = drive(api, bot, workload(api, updates), merges)
        cpu = cpu_seconds(bot.pid) - cpu_before
        fake_cpu = own_cpu_seconds() - own_before
        sent = sum(1 for call in api.calls[mark:] if call.method == "sendMessage")
        rss_kib = bot.peak_rss_kib() or 0
    finally:
        code = bot.stop()
    rejections = len(api.rejections) - rejected_before
    if code != 0 or rejections:
        print(f"warning: {name} exit code {code}, {rejections} rejected requests", file=sys.stderr)
    return {
        "seconds": seconds,
        "rate": updates / seconds,
        "cpu_ms": cpu * 1000 / updates,
        "fake_cpu_ms": fake_cpu * 1000 / updates,
        "messages": sent / updates,
        "start": statistics.median(start_times),
        "start_all": start_times,
        "rss_mb": rss_kib / 1024,
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the rounds; every start-up time kept."""
    figures = [key for key in runs[0] if key != "start_all"]
    merged = {key: statistics.median(run[key] for run in runs) for key in figures}
    merged["start_all"] = [start for run in runs for start in run["start_all"]]
    merged["start"] = statistics.median(merged["start_all"])
    return merged


def record_replies(api: RecordingBotAPI, bot: BotProcess, path: Path) -> float:
    """Ask this bot each lookup and each statement of the workload once, alone, and
    save what it answered for the same-replies baseline. Returns this first start's
    seconds to its first poll: the one that builds the library cache."""
    first_start = bot.start().wait_ready()
    recorded: dict[str, Any] = {}
    try:
        user = api.user(20_000, "Recorder", language_code="en")
        for text in LOOKUPS:
            mark = api.mark()
            api.send_text(user["id"], user, text)
            [call] = api.wait_for_sync("sendMessage", since=mark, timeout=10)
            recorded[text] = call.params
        for n, statement in enumerate(STATEMENTS):
            mark = api.mark()
            api.send_text(GROUP, user, f"/flag {statement} (recorded {n})")
            [call] = api.wait_for_sync("sendMessage", since=mark, timeout=10)
            recorded[f"/flag {statement}"] = call.params
    finally:
        bot.stop()
    expected = {"chat_id", "text", "parse_mode", "link_preview_options", "reply_markup"}
    for params in recorded.values():
        unknown = params.keys() - expected - {"reply_parameters"}
        if params.get("parse_mode") != "HTML" or unknown:
            raise SystemExit(f"the baseline cannot send this reply as recorded: {params}")
    path.write_text(json.dumps(recorded, ensure_ascii=False), "utf-8")
    return first_start


def preload(database: Path, flags: int) -> None:
    """The group's log with ``flags`` flags already in it, as the bot keeps them: what
    "seen before" looks earlier statements up in."""
    assert CHAT == GROUP

    async def load() -> None:
        database.parent.mkdir(parents=True, exist_ok=True)
        async with await Store.open(database) as store:
            await fill(
                store, Library.load(ROOT / "content"), random.Random(23), statements(), flags
            )

    asyncio.run(load())


def verdict(ok: bool) -> str:
    return "OK" if ok else "OVER"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000, help="updates per bot")
    parser.add_argument("--starts", type=int, default=3, help="start-ups timed per round")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each bot; medians shown")
    parser.add_argument(
        "--log",
        type=int,
        default=0,
        help="flags already in the group's log before the run (bench/seen_before.py's)",
    )
    args = parser.parse_args()
    # As `make run` and the Docker image do: with PYTHONDONTWRITEBYTECODE set, a start
    # would otherwise compile every module of the bot again.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "bot")], check=True)

    # Raw speed: a fake without flood limits and the bot's throttling off, or every bot
    # would mostly wait for Telegram's budget (bench/live_session.py measures that).
    with tempfile.TemporaryDirectory() as tmp, RecordingBotAPI(flood_limits=None) as api:
        replies = Path(tmp) / "replies.json"
        ours = BotProcess(api, Path(tmp) / "bot", ALLOWED_CHATS=str(GROUP), THROTTLE="false")
        echo = BotProcess(api, Path(tmp) / "echo", command=[sys.executable, "-c", ECHO_BOT])
        same = BotProcess(
            api,
            Path(tmp) / "same",
            command=[sys.executable, "-c", SAME_REPLIES_BOT],
            BENCH_REPLIES=str(replies),
        )
        if args.log:
            preload(ours.database, args.log)
        try:
            first_start = record_replies(api, ours, replies)
            runs: dict[str, list[dict[str, Any]]] = {"echo": [], "same": [], "ours": []}
            # Interleaved rounds: a machine busy with other work slows all three alike.
            for _ in range(args.rounds):
                for name, process, merges in (
                    ("echo", echo, False),
                    ("same", same, False),
                    ("ours", ours, True),
                ):
                    runs[name].append(
                        measure(name, api, process, args.updates, args.starts, merges)
                    )
        finally:
            for process in (echo, same, ours):
                process.kill()

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{os.cpu_count()} CPUs, load average {load} (other work on the machine skews all figures)"
    )
    print(
        f"end to end, {args.updates} updates per bot (+{WARM_UP} warm-up), fake Bot API; "
        f"medians of {args.rounds} interleaved rounds."
    )
    print("echo: replies with the text it got; same replies: this bot's cards and buttons,")
    print("recorded from it, sent by a bare python-telegram-bot bot (the baseline).")
    e, r, b = (median_run(runs[name]) for name in ("echo", "same", "ours"))
    bots = (e, r, b)
    pairs = zip(runs["ours"], runs["same"], strict=True)
    cpu_ratios = [ours["cpu_ms"] / same["cpu_ms"] for ours, same in pairs]

    def row(label: str, values: list[str], target: str = "") -> None:
        print(f"{label:34}" + "".join(f"{value:>15}" for value in values) + f"   {target}")

    row("", ["echo", "same replies", "this bot"], "target")
    row("updates/s", [f"{x['rate']:.0f}" for x in bots], f">= {TARGET_RATE:.0f}")
    row("wall time per update (ms)", [f"{x['seconds'] * 1e3 / args.updates:.2f}" for x in bots])
    row("bot process CPU per update (ms)", [f"{x['cpu_ms']:.2f}" for x in bots])
    row("fake Bot API CPU per update (ms)", [f"{x['fake_cpu_ms']:.2f}" for x in bots])
    row("messages sent per update", [f"{x['messages']:.2f}" for x in bots])
    cpu_ratio = statistics.median(cpu_ratios)
    row(
        "CPU per update, this bot / baseline",
        ["", "", f"{cpu_ratio:.2f}x"],
        f"<= {TARGET_RATIO}x   {verdict(cpu_ratio <= TARGET_RATIO)}",
    )
    row("  (each round)", ["", "", ", ".join(f"{x:.2f}" for x in cpu_ratios)])
    row("  (wall time, this bot / baseline)", ["", "", f"{b['seconds'] / r['seconds']:.2f}x"])
    row("  (CPU, this bot / echo)", ["", "", f"{b['cpu_ms'] / e['cpu_ms']:.2f}x"])
    row(
        "start-up to first getUpdates (s)",
        [f"{x['start']:.2f}" for x in bots],
        f"<= {TARGET_START:.0f} s   {verdict(b['start'] <= TARGET_START)}",
    )
    starts = ", ".join(f"{start:.2f}" for start in b["start_all"])
    row("  (this bot, each restart)", ["", "", starts])
    row("  (this bot, first start: no cache)", ["", "", f"{first_start:.2f}"])
    row(
        "peak RSS, VmHWM (MB)",
        [f"{x['rss_mb']:.1f}" for x in bots],
        f"<= {TARGET_RSS_MB:.0f} MB   {verdict(b['rss_mb'] <= TARGET_RSS_MB)}",
    )


if __name__ == "__main__":
    main()
