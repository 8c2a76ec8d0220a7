"""Benchmark "seen before": CPU per /flag with and without the matcher, on a big log.

    .venv/bin/python bench/seen_before.py                 # a 10,000-flag chat, 500 new flags
    .venv/bin/python bench/seen_before.py --log 10000 --flags 1000

A chat's log is filled with ``--log`` flags through the store (the same statements
people flag, from tests/data/seen_pairs.yaml, each with a few other words, so the
common words, "Russia", "talks", "переговори", are in thousands of flags, the worst
case for the lookup), then ``--flags`` new statements go through the flag log's one
door (FlagLog.flag: checks, playbook matches, the store's INSERT) twice: once as the
bot does it, once with the matcher left out. Prints the process CPU per /flag of
each and what the matcher adds, and how many flags found an earlier one.

The target is on the whole bot: CPU per update <= 1.3x a bare python-telegram-bot
bot that sends the same replies. ``bench/e2e.py --log 10000`` measures that end to
end on a log this size; this script isolates the matcher's share.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import sameness  # noqa: E402
from bot.access import Actor  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.flag_input import split_speaker  # noqa: E402
from bot.flaglog import Done, FlagLog  # noqa: E402
from bot.services import Library, Services  # noqa: E402
from bot.store import Flag, Store  # noqa: E402

CHAT = -1001234567890
PAIRS = ROOT / "tests" / "data" / "seen_pairs.yaml"
FILLERS = (
    "today",
    "again",
    "at the table",
    "in the morning session",
    "сьогодні",
    "знову",
    "на переговорах",
    "сегодня",
    "опять",
    "на встрече",
)


_MESSAGE_IDS = itertools.count(1)


class _Quiet:
    """The sender, for a log nobody reads: the outbox is filled, nothing is sent."""

    def kick(self, chat_id: int) -> None:
        return None


_NOTHING_READ = sameness.Reading(frozenset(), frozenset(), frozenset(), 0, frozenset(), False)


class _WithoutMatcher(FlagLog):
    """The flag log as it was before "seen before": no reading, no lookup."""

    async def _earlier(self, *_: Any, **__: Any) -> Flag | None:
        return None


@contextlib.contextmanager
def matcher_off(log: FlagLog) -> Iterator[None]:
    if not isinstance(log, _WithoutMatcher):
        yield
        return
    read, kept = sameness.read, sameness.stored
    sameness.read = lambda *_: _NOTHING_READ  # type: ignore[assignment]
    sameness.stored = lambda _: None  # type: ignore[assignment,return-value]
    try:
        yield
    finally:
        sameness.read, sameness.stored = read, kept


def statements() -> list[str]:
    pairs = yaml.safe_load(PAIRS.read_text(encoding="utf-8"))["pairs"]
    return [split_speaker(pair[side])[1] for pair in pairs for side in ("a", "b")]


def said(rng: random.Random, pool: list[str]) -> str:
    return f"{rng.choice(pool)} {rng.choice(FILLERS)}"


async def fill(
    store: Store, library: Library, rng: random.Random, pool: list[str], count: int
) -> None:
    refs: dict[str, list[str]] = {}
    for base in range(0, count, 200):
        batch = []
        for _ in range(min(200, count - base)):
            text = said(rng, pool)
            if text not in refs:
                hits = library.index.mentions(text, kinds=("term", "claim"))
                refs[text] = [f"{hit.entry.kind}:{hit.entry.id}" for hit in hits]
            batch.append(
                store.add_flag(
                    CHAT,
                    text=text,
                    speaker=None,
                    flagged_by_id=1,
                    flagged_by_name="Bench",
                    message_id=None,
                    matches=refs[text],
                    # What the bot keeps of each flag it logs.
                    seen_key=sameness.stored(sameness.read(text, refs[text])),
                )
            )
        await asyncio.gather(*batch)


async def flag_cpu(log: FlagLog, texts: list[str]) -> tuple[float, int]:
    """Process CPU milliseconds per flag, and how many were seen before."""
    actor = Actor(7, "Bench")
    seen = 0
    started = time.process_time()
    for text in texts:
        # As a /flag in a group: its message, recognised if Telegram sends it again,
        # and its confirmation queued in the outbox.
        message = next(_MESSAGE_IDS)
        when = datetime.now(UTC)
        answer = await log.flag(
            CHAT, actor, text, message_id=message, message_date=when, announce_lang="en"
        )
        assert isinstance(answer, Done)
        seen += answer.flag.seen_before is not None
    return (time.process_time() - started) * 1000 / len(texts), seen


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=int, default=10_000, help="flags already in the chat")
    parser.add_argument("--flags", type=int, default=500, help="new flags timed per variant")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians")
    args = parser.parse_args()
    rng = random.Random(23)
    pool = statements()
    library = Library.load(ROOT / "content")
    with tempfile.TemporaryDirectory() as tmp:
        async with await Store.open(Path(tmp) / "bench.sqlite3") as store:
            await store.enroll(CHAT, "Bench", 1)
            await fill(store, library, rng, pool, args.log)
            services = Services(Settings.model_construct(), library, store)
            services.sender = _Quiet()  # type: ignore[assignment]
            variants = {"without": _WithoutMatcher(services), "with": FlagLog(services)}
            results: dict[str, list[float]] = {name: [] for name in variants}
            seen_counts: list[int] = []
            # Warm caches (stemmer, statements) alike for both.
            await flag_cpu(variants["with"], [said(rng, pool) for _ in range(50)])
            for _ in range(args.rounds):
                for name, log in variants.items():
                    texts = [said(rng, pool) for _ in range(args.flags)]
                    with matcher_off(log):
                        cpu, seen = await flag_cpu(log, texts)
                    results[name].append(cpu)
                    if name == "with":
                        seen_counts.append(seen)
    without = statistics.median(results["without"])
    with_matcher = statistics.median(results["with"])
    print(
        f"a chat of {args.log:,} flags and growing, {args.flags} new flags per variant, "
        f"medians of {args.rounds} interleaved rounds"
    )
    print(f"  CPU per /flag through FlagLog, without the matcher: {without:6.2f} ms")
    print(f"  CPU per /flag through FlagLog, with the matcher:    {with_matcher:6.2f} ms")
    print(f"  the matcher adds {with_matcher - without:.2f} ms per /flag")
    print(f"  seen before: {statistics.median(seen_counts):.0f} of {args.flags} new flags")


if __name__ == "__main__":
    asyncio.run(main())
