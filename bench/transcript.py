"""A 2 MB transcript checked, beside a private lookup that must not wait for it.

The transcript is the labelled mixed transcript (tests/data/transcript_mixed.txt),
each line numbered and repeated until the file is just under 2 MB, the largest /check
takes. Figures:

- the check alone: ``transcript.check`` (read, split, match) in this process;
- the same end to end: the file sent with /check to the real Application over the
  fake Bot API (getFile, the download, the worker thread, the answer);
- a private lookup's reply latency (``/term root causes`` in another chat, one after
  another), first with nothing else running, then while the check runs: as shipped
  (matching yields to the event loop every 2 ms) and, as the baseline, without
  yielding (Python's 5 ms switch interval alone).

    .venv/bin/python bench/transcript.py [--lookups 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402

from bot import transcript  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.services import Library, of_application  # noqa: E402
from tests.support.fake_bot_api import Call, FakeBotAPI  # noqa: E402

GROUP = -1001000000001
ADMIN = 9001
READER = 301


def two_megabytes() -> bytes:
    lines = (ROOT / "tests/data/transcript_mixed.txt").read_text(encoding="utf-8").splitlines()
    out: list[bytes] = []
    size = 0
    number = 0
    while True:
        line = lines[number % len(lines)]
        encoded = (f"{line} ({number})\n" if line else "\n").encode()
        if size + len(encoded) > transcript.MAX_BYTES:
            return b"".join(out)
        out.append(encoded)
        size += len(encoded)
        number += 1


def to_chat(chat_id: int) -> Callable[[Call], bool]:
    return lambda call: str(call.params.get("chat_id")) == str(chat_id)


async def feed(application: Any, update: dict[str, Any]) -> None:
    await application.process_update(Update.de_json(update, application.bot))


async def lookup_latencies(
    application: Any, api: FakeBotAPI, reader: Any, count: int
) -> list[float]:
    """Seconds from a private /term to the bot's reply, one lookup after another."""
    latencies = []
    for _ in range(count):
        mark = api.mark()
        started = time.perf_counter()
        await feed(application, api.send_text(READER, reader, "/term root causes"))
        await api.wait_for("sendMessage", to_chat(READER), timeout=30, since=mark)
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(1.1)  # a private chat takes about a message a second
    return latencies


async def check_beside_lookups(
    application: Any, api: FakeBotAPI, reader: Any, admin: Any, data: bytes, label: str
) -> None:
    """/check the file in the group; private lookups one after another meanwhile."""
    mark = api.mark()
    update = api.send_document(GROUP, admin, data, "talks.txt", caption="/check")
    started = time.perf_counter()
    checking = asyncio.create_task(feed(application, update))
    during: list[float] = []
    while not checking.done():
        during += await lookup_latencies(application, api, reader, 1)
    await checking
    answer = await api.wait_for("sendMessage", to_chat(GROUP), timeout=60, since=mark)
    end_to_end = time.perf_counter() - started
    assert "match the playbook" in str(answer.params.get("text")), answer.params
    print(f"{label}: check end to end (/check to the answer): {end_to_end:.2f} s")
    print(f"{label}: private lookup while the check runs ({len(during)}): {figures(during)}")


def figures(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {ordered[-1] * 1000:.0f} ms"
    )


async def run(lookups: int) -> None:
    data = two_megabytes()
    library = Library.load(ROOT / "content")
    library.index.mentions("warm up the index", kinds=("term", "claim"))
    started = time.perf_counter()
    checked = transcript.check(data, "talks.txt", library.index)
    alone = time.perf_counter() - started
    assert not isinstance(checked, transcript.Problem), checked
    print(
        f"transcript: {len(data) / 1024 / 1024:.2f} MB, {checked.statements} statements, "
        f"{len(checked.findings)} findings"
    )
    print(f"check alone (read, split, match): {alone:.2f} s")

    with FakeBotAPI() as api, tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            bot_token=api.token,
            bot_api_url=api.base_url,
            database_path=Path(folder) / "bench.sqlite3",
            content_dir=ROOT / "content",
            throttle=True,
            admin_ids=frozenset({ADMIN}),
            _env_file=None,  # type: ignore[call-arg]
        )
        application = build_application(settings, library)
        await application.initialize()
        assert application.post_init is not None
        await application.post_init(application)
        try:
            api.chat(GROUP, "supergroup", "Delegation")
            admin = api.user(ADMIN, "Admin")
            reader = api.user(READER, "Reader")
            await feed(application, api.send_text(GROUP, admin, "/enable"))
            await of_application(application).require_sender().idle()

            baseline = await lookup_latencies(application, api, reader, lookups)
            print(f"private lookup, nothing else running: {figures(baseline)}")

            shipped = transcript._YIELD_EVERY_S
            for label, every in (("yielding every 2 ms", shipped), ("baseline: no yield", 1e9)):
                transcript._YIELD_EVERY_S = every
                try:
                    await check_beside_lookups(application, api, reader, admin, data, label)
                finally:
                    transcript._YIELD_EVERY_S = shipped
        finally:
            if application.post_stop is not None:
                await application.post_stop(application)
            await application.shutdown()
            if application.post_shutdown is not None:
                await application.post_shutdown(application)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--lookups", type=int, default=20)
    asyncio.run(run(parser.parse_args().lookups))


if __name__ == "__main__":
    main()
