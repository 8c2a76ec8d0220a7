"""Benchmark the whole bot end to end, against a bare python-telegram-bot echo bot.

    .venv/bin/python bench/e2e.py                  # 2,000 updates through each bot
    .venv/bin/python bench/e2e.py --updates 5000

Both bots run as subprocesses polling the same fake Bot API (tests/support), which
runs in this process in its own threads, so both pay the same HTTP and fake-server
costs. Each gets the same updates: half lookups in private chats (/term with a
typo, plain words, Ukrainian, /claim, /tactic, ...), half /flag in an enrolled
group; each update gets exactly one reply. The updates are queued as one batch; the
clock runs from then until the fake has answered the last reply's sendMessage. A
short warm-up batch runs first and is not counted.

Prints figures only; nothing is asserted. Targets: this bot >= 500 updates/s, its
per-update cost <= 1.3x the echo bot's, start-up (process start to the first
getUpdates) <= 1 s, peak RSS (VmHWM) <= 80 MB.
"""

from __future__ import annotations

import argparse
import itertools
import os
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


def drive(api: RecordingBotAPI, bot: BotProcess, plan: list[tuple[int, Any, str]]) -> float:
    """Queue ``plan`` as one batch; seconds until every update has been answered.

    The echo bot answers each update with one message. This bot answers each lookup
    with one, but confirms flags that arrive together in merged messages, so its
    flags count as answered once their numbers are visible in the group.
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
        seen = confirmed_numbers(
            ({"chat_id": GROUP, "visible_text": m.get("text", "")} for m in group), GROUP
        )
        echoed = len(group)  # the echo bot: one plain reply per flag
        if private >= lookups and (len(seen) >= flags or (echoed >= flags and not seen)):
            return time.monotonic() - started  # polled every 20 ms
        if not bot.running:
            raise SystemExit(f"the bot died:\n{bot.dump()}")
        time.sleep(0.02)
    raise SystemExit(f"not every update was answered within 300 s:\n{bot.dump()}")


def measure(
    name: str, api: RecordingBotAPI, bot: BotProcess, updates: int, starts: int
) -> dict[str, Any]:
    rejected_before = len(api.rejections)
    start_times = []
    for _ in range(starts - 1):
        start_times.append(bot.start().wait_ready())
        if bot.stop() != 0:
            raise SystemExit(f"{name} did not stop cleanly:\n{bot.dump()}")
    start_times.append(bot.start().wait_ready())
    try:
        drive(api, bot, workload(api, WARM_UP, offset=10**6))
        cpu_before, own_before = cpu_seconds(bot.pid), own_cpu_seconds()
        seconds = drive(api, bot, workload(api, updates))
        cpu = cpu_seconds(bot.pid) - cpu_before
        fake_cpu = own_cpu_seconds() - own_before
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
        "start": statistics.median(start_times),
        "start_all": start_times,
        "rss_mb": rss_kib / 1024,
    }


def verdict(ok: bool) -> str:
    return "OK" if ok else "OVER"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000, help="updates per bot")
    parser.add_argument("--starts", type=int, default=3, help="start-ups timed per bot")
    args = parser.parse_args()
    # As `make run` and the Docker image do: with PYTHONDONTWRITEBYTECODE set, a start
    # would otherwise compile every module of the bot again.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "bot")], check=True)

    # Raw speed: a fake without flood limits and the bot's throttling off, or both
    # bots would mostly wait for Telegram's budget (bench/live_session.py measures that).
    with tempfile.TemporaryDirectory() as tmp, RecordingBotAPI(flood_limits=None) as api:
        echo = BotProcess(api, Path(tmp) / "echo", command=[sys.executable, "-c", ECHO_BOT])
        ours = BotProcess(api, Path(tmp) / "bot", ALLOWED_CHATS=str(GROUP), THROTTLE="false")
        try:
            e = measure("echo bot", api, echo, args.updates, args.starts)
            b = measure("playbook bot", api, ours, args.updates, args.starts)
        finally:
            echo.kill()
            ours.kill()

    ratio = b["seconds"] / e["seconds"]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{os.cpu_count()} CPUs, load average {load} (other work on the machine skews all figures)"
    )
    print(f"end to end, {args.updates} updates per bot (+{WARM_UP} warm-up), fake Bot API:")
    print(f"{'':34}{'echo bot':>12}{'this bot':>12}   target")
    print(f"{'updates/s':34}{e['rate']:>12.0f}{b['rate']:>12.0f}", end="")
    print(f"   >= {TARGET_RATE:.0f}   {verdict(b['rate'] >= TARGET_RATE)}")
    print(f"{'wall time per update (ms)':34}{e['seconds'] * 1e3 / args.updates:>12.2f}", end="")
    print(f"{b['seconds'] * 1e3 / args.updates:>12.2f}")
    print(f"{'bot process CPU per update (ms)':34}{e['cpu_ms']:>12.2f}{b['cpu_ms']:>12.2f}")
    print(f"{'fake Bot API CPU per update (ms)':34}{e['fake_cpu_ms']:>12.2f}", end="")
    print(f"{b['fake_cpu_ms']:>12.2f}")
    print(f"{'per-update cost, this bot / echo':34}{'':>12}{ratio:>11.2f}x", end="")
    print(f"   <= {TARGET_RATIO}x   {verdict(ratio <= TARGET_RATIO)}")
    print(f"{'  (CPU time ratio)':34}{'':>12}{b['cpu_ms'] / e['cpu_ms']:>11.2f}x")
    print(f"{'start-up to first getUpdates (s)':34}{e['start']:>12.2f}{b['start']:>12.2f}", end="")
    print(f"   <= {TARGET_START:.0f} s   {verdict(b['start'] <= TARGET_START)}")
    starts = ", ".join(f"{s:.2f}" for s in b["start_all"])
    print(f"{'  (this bot, each start)':34}{'':>12}   {starts}")
    print(f"{'peak RSS, VmHWM (MB)':34}{e['rss_mb']:>12.1f}{b['rss_mb']:>12.1f}", end="")
    print(f"   <= {TARGET_RSS_MB:.0f} MB   {verdict(b['rss_mb'] <= TARGET_RSS_MB)}")


if __name__ == "__main__":
    main()
