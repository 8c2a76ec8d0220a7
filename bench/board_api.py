"""Benchmark the board's API (bot.web) on a 1,000-flag log, in the real bot process.

    .venv/bin/python bench/board_api.py                    # 1,000 flags, 300 requests each
    .venv/bin/python bench/board_api.py --flags 5000 --requests 500

The log is written through ``Store.add_flag`` (real schema, triggers and full-text
index), then ``python -m bot run`` serves the board against the fake Bot API
(tests/support). Requests go one at a time from this process, as one phone polls,
signed as Telegram signs them. Server time is the bot's own Server-Timing header
(from the request reaching aiohttp's middleware to the answer being ready); wall
time adds HTTP on loopback and this client. The first request of each kind is a
warm-up and is not counted (it asks getChatMember, which is then cached for a minute).

Prints figures only; nothing is asserted. Target: the first page (50 newest flags)
answers in <= 50 ms p95 server time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.store import Store  # noqa: E402
from bot.web.auth import chat_token  # noqa: E402
from tests.support.board_client import init_data  # noqa: E402
from tests.support.bot_process import BotProcess, RecordingBotAPI, free_port  # noqa: E402

GROUP = -1001234567890
MEMBER = 4242
TARGET_P95_MS = 50.0
SPEAKERS = ["Lavrov", "Peskov", "Zakharova", "Medinsky", "Ushakov", "Лавров", None]
TEXT = (
    "grain corridor sanctions security guarantees root causes neutrality referendum "
    "ceasefire prisoners exchange territory energy nuclear plant Black Sea Istanbul "
    "memorandum denazification NATO expansion partners Kyiv Moscow talks"
)
WORDS = TEXT.split(" ")


async def fill(path: Path, count: int, rng: random.Random) -> None:
    store = await Store.open(path)
    try:
        for start in range(0, count, 200):
            batch = [
                store.add_flag(
                    GROUP,
                    text=" ".join(rng.choices(WORDS, k=rng.randint(6, 30))),
                    speaker=rng.choice(SPEAKERS),
                    flagged_by_id=100 + rng.randrange(5),
                    flagged_by_name="Analyst",
                    message_id=None,
                )
                for _ in range(min(200, count - start))
            ]
            await asyncio.gather(*batch)
        for number in rng.sample(range(1, count + 1), count // 3):
            await store.set_status(
                GROUP,
                number,
                rng.choice(["verified", "false", "misleading"]),
                by_id=1,
                by_name="Admin",
            )
    finally:
        await store.close()


def request(url: str, headers: dict[str, str]) -> tuple[float, float]:
    """(server ms, wall ms) of one GET."""
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
        r.read()
        timing = r.headers.get("Server-Timing", "")
    wall = (time.perf_counter() - started) * 1000
    server = float(timing.partition("dur=")[2] or "nan")
    return server, wall


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--flags", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as folder, RecordingBotAPI() as api:
        workdir = Path(folder) / "bot"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        bot = BotProcess(
            api,
            workdir,
            ALLOWED_CHATS=str(GROUP),
            THROTTLE="false",
            LOG_LEVEL="WARNING",
            WEB_APP_URL=base,
            WEB_LISTEN="127.0.0.1",
            WEB_PORT=str(port),
        )
        started = time.perf_counter()
        asyncio.run(fill(bot.database, args.flags, rng))
        print(f"{args.flags} flags written in {time.perf_counter() - started:.1f} s")
        member = api.user(MEMBER, "Bench", "bench")
        headers = {
            "Authorization": "tma " + init_data(api.token, member),
            "X-Board-Chat": chat_token(GROUP, api.token),
        }
        cases = {
            "first page (50 newest)": "/api/flags?limit=50",
            "filtered: status=open & speaker": "/api/flags?status=open&speaker=lavrov",
            "full text: q=grain corridor": "/api/flags?q=grain%20corridor",
            "poll, nothing changed": None,  # filled in with the current version
            "one record with history": f"/api/flags/{args.flags // 2}",
            "me (facets)": "/api/me",
        }
        target_line = "target: first page not measured"
        try:
            bot.start_ready()
            first = urllib.request.urlopen(
                urllib.request.Request(base + "/api/flags?limit=1", headers=headers), timeout=10
            ).read()
            version = json.loads(first)["version"]
            cases["poll, nothing changed"] = f"/api/flags?limit=50&version={version}"
            print(f"{'request':34} {'server p50':>9} {'p95':>9} {'wall p50':>9} {'p95':>9}")
            for name, path in cases.items():
                assert path is not None
                request(base + path, headers)  # warm-up
                samples = [request(base + path, headers) for _ in range(args.requests)]
                server = [s for s, _ in samples]
                wall = [w for _, w in samples]
                figures = (
                    statistics.median(server),
                    percentile(server, 0.95),
                    statistics.median(wall),
                    percentile(wall, 0.95),
                )
                print(f"{name:34} " + " ".join(f"{value:7.2f}ms" for value in figures))
                if name.startswith("first page"):
                    p95 = percentile(server, 0.95)
                    verdict = "OK" if p95 <= TARGET_P95_MS else "MISSED"
                    target_line = (
                        f"target: first page p95 server time <= {TARGET_P95_MS:.0f} ms: "
                        f"{p95:.2f} ms {verdict}"
                    )
            print(target_line)
        finally:
            bot.stop()


if __name__ == "__main__":
    main()
