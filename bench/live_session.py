"""A live session under Telegram's flood limits: this bot against a naive one.

    .venv/bin/python bench/live_session.py
    .venv/bin/python bench/live_session.py --flags 80 --lookups 20

Each bot runs as a subprocess against its own fake Bot API (tests/support) that
enforces Telegram's limits (20 messages a minute per group, about 1 a second per
private chat, 30 a second overall) and answers 429 past them. The workload is the
moment the bot is for: ``--flags`` /flag commands in one second in the team's
group, while members look terms up in private chats every half second.

The naive bot is python-telegram-bot as most bots use it: one confirmation message
per flag, awaited in the handler, with ``AIORateLimiter`` (as this bot had before
its per-chat sender). Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
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
TIMEOUT_S = 240.0

NAIVE_BOT = """
import os
from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, CommandHandler, filters

count = 0

async def flag(update, context):
    global count
    count += 1
    await update.effective_message.reply_text(f"🚩 #{count} flagged")

async def term(update, context):
    await update.effective_message.reply_text("📕 " + " ".join(context.args or []))

application = (
    ApplicationBuilder().token(os.environ["BOT_TOKEN"]).base_url(os.environ["BOT_API_URL"])
    .rate_limiter(AIORateLimiter(max_retries=3)).build()
)
application.add_handler(CommandHandler("flag", flag, filters=filters.ChatType.GROUPS))
application.add_handler(CommandHandler("term", term))
application.run_polling(allowed_updates=Update.ALL_TYPES)
"""


def confirmed(api: RecordingBotAPI) -> set[int]:
    return confirmed_numbers(api.messages, GROUP)


async def lookup(api: RecordingBotAPI, user: dict[str, Any]) -> float:
    mark = api.mark()
    started = time.monotonic()
    api.send_text(user["id"], user, "/term goodwill")
    await api.wait_for(
        "sendMessage",
        lambda call: call.ok and call.params.get("chat_id") == user["id"],
        timeout=TIMEOUT_S,
        since=mark,
    )
    return time.monotonic() - started


async def session(name: str, command: list[str] | None, flags: int, lookups: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, RecordingBotAPI() as api:
        api.chat(GROUP, "supergroup", "Delegation")
        bot = BotProcess(api, Path(tmp) / "bot", command=command, ALLOWED_CHATS=str(GROUP))
        bot.start_ready()
        try:
            people = [api.user(500 + n, f"Delegate {n}") for n in range(20)]
            readers = [api.user(700 + n, f"Reader {n}") for n in range(lookups)]
            started = time.monotonic()
            for n in range(flags):
                api.send_text(GROUP, people[n % 20], f"/flag Lavrov: statement {n:03d}")
                await asyncio.sleep(1.0 / flags)
            waits = []
            for reader in readers:
                waits.append(asyncio.create_task(lookup(api, reader)))
                await asyncio.sleep(0.5)
            while confirmed(api) < set(range(1, flags + 1)):
                if time.monotonic() - started > TIMEOUT_S:
                    break
                await asyncio.sleep(0.05)
            visible = time.monotonic() - started
            lookup_seconds = sorted(await asyncio.gather(*waits))
            sent = [c for c in api.calls if c.ok and c.params.get("chat_id") == GROUP]
        finally:
            bot.kill()
        return {
            "name": name,
            "visible": visible,
            "complete": confirmed(api) >= set(range(1, flags + 1)),
            "per_flag": len(sent) / flags,
            "floods": len(api.floods),
            "p50": statistics.median(lookup_seconds),
            "p95": lookup_seconds[max(0, round(0.95 * len(lookup_seconds)) - 1)],
        }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flags", type=int, default=40, help="/flag commands in one second")
    parser.add_argument("--lookups", type=int, default=10, help="private lookups meanwhile")
    args = parser.parse_args()
    ours = await session("this bot", None, args.flags, args.lookups)
    naive = await session("naive bot", [sys.executable, "-c", NAIVE_BOT], args.flags, args.lookups)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load}")
    print(
        f"{args.flags} /flag in one second in a group, {args.lookups} private lookups "
        "meanwhile, against Telegram's flood limits:"
    )
    print(f"{'':44}{'naive bot':>12}{'this bot':>12}{'ratio':>10}")
    rows = (
        ("seconds until every number is visible", "visible", ".1f"),
        ("group messages spent per flag", "per_flag", ".2f"),
        ("429 answers received", "floods", "d"),
        ("private lookup p50 (s)", "p50", ".2f"),
        ("private lookup p95 (s)", "p95", ".2f"),
    )
    for label, key, form in rows:
        ratio = f"{naive[key] / ours[key]:.1f}x" if ours[key] else "—"
        print(f"{label:44}{naive[key]:>12{form}}{ours[key]:>12{form}}{ratio:>10}")
    for result in (naive, ours):
        if not result["complete"]:
            print(f"{result['name']}: not every number was visible within {TIMEOUT_S:.0f} s")


if __name__ == "__main__":
    asyncio.run(main())
