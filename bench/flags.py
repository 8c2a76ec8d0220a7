"""Benchmark the flag log: durable insert rate, list and search latency at scale.

    .venv/bin/python bench/flags.py                       # 1,000,000 flags in 1,000 chats
    .venv/bin/python bench/flags.py --flags 100000 --chats 100

Prints figures only; nothing is asserted, but each figure names its target and
says OK or MISSED. Targets: add_flag >= 5,000 flags/s (sustained, every flag
committed before its call returns), list_flags p99 <= 5 ms, search p99 <= 20 ms.
Inserts are compared with a naive BEGIN/SELECT/INSERT/COMMIT path on the same
schema on fresh files, then add_flag runs again in the big one. The big
database is created by ``Store.open`` (so it has the real schema and triggers)
and then bulk-loaded with plain sqlite3; this script is the one place outside
bot/store.py that writes SQL.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.store import STATUSES, Store, register_functions

SPEAKERS = [
    "Lavrov",
    "Peskov",
    "Zakharova",
    "Medinsky",
    "Ushakov",
    "Dmitriev",
    "Witkoff",
    "Kellogg",
    "Rubio",
    "Yermak",
    "Umerov",
    "Sybiha",
    "Лавров",
    "Пєсков",
    "Захарова",
    "Мединський",
]
STATUS_WEIGHTS = [50, 20, 15, 10, 5]
BIG_FIRST_CHAT = -1_000_000_000  # the big file's chats count down from here
INSERT_TARGET = 5_000  # flags per second
REFS = [f"{kind}:{kind}-{n}" for kind in ("term", "tactic", "claim") for n in range(70)]
LETTERS = "abcdefghijklmnoprstuvwyz"


def vocabulary(rng: random.Random, size: int = 5_000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 10))))
    ranked = sorted(words)  # a set's order varies between runs; the ranks must not
    rng.shuffle(ranked)
    return ranked


class Texts:
    """Sentences whose word frequencies follow a Zipf curve, like real speech."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary(rng)
        self.cumulative = list(itertools.accumulate(1 / rank for rank in range(1, 5_001)))

    def words_for(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def sentence(self) -> str:
        return " ".join(self.words_for(self.rng.randint(8, 30)))


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report_rate(name: str, rate: float, baseline: float | None = None) -> None:
    verdict = "OK" if rate >= INSERT_TARGET else "MISSED"
    versus = "" if baseline is None else f"{rate / baseline:5.2f}x baseline, "
    print(f"  {name:<43} {rate:8,.0f} flags/s  ({versus}target >= {INSERT_TARGET:,}: {verdict})")


def report(name: str, samples_ms: list[float], target_ms: float) -> None:
    p50 = statistics.median(samples_ms)
    p99 = percentile(samples_ms, 0.99)
    verdict = "OK" if p99 <= target_ms else "MISSED"
    print(
        f"  {name:<34} n={len(samples_ms):>5}  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
        f"max {max(samples_ms):7.2f} ms  (target p99 <= {target_ms:g} ms: {verdict})"
    )


# -- inserts ----------------------------------------------------------------------


async def add_flags(
    store: Store, sentences: list[str], chats: int, callers: int, first_chat: int = -2_000_000
) -> float:
    """Flags per second with ``callers`` tasks each awaiting its add_flag in turn."""
    count = len(sentences)

    async def caller(first: int) -> None:
        for i in range(first, count, callers):
            await store.add_flag(
                first_chat - i % chats,
                text=sentences[i],
                speaker=SPEAKERS[i % len(SPEAKERS)],
                flagged_by_id=7,
                flagged_by_name="Bench",
                message_id=i,
                matches=[REFS[i % len(REFS)]],
            )

    started = time.perf_counter()
    await asyncio.gather(*(caller(first) for first in range(callers)))
    return count / (time.perf_counter() - started)


async def naive_inserts(store: Store, sentences: list[str], chats: int) -> float:
    """Baseline: add_flag written as an explicit multi-statement transaction.

    BEGIN IMMEDIATE, read the counter, read the open round, INSERT, COMMIT: five
    round trips to the connection thread per flag instead of one. Same schema,
    same triggers, same connection settings.
    """
    db = store.database.writer  # nothing else uses the store while this runs
    started = time.perf_counter()
    for i, sentence in enumerate(sentences):
        chat_id = -3_000_000 - i % chats
        now = datetime.now(UTC).isoformat(timespec="microseconds")
        await db.execute_fetchall("BEGIN IMMEDIATE")
        rows = list(
            await db.execute_fetchall(
                "SELECT last_flag_number FROM chats WHERE chat_id = ?", (chat_id,)
            )
        )
        number = (int(rows[0][0]) if rows else 0) + 1
        rounds = list(
            await db.execute_fetchall(
                "SELECT id, name FROM rounds WHERE chat_id = ? AND ended_at IS NULL", (chat_id,)
            )
        )
        round_id, round_name = (rounds[0][0], rounds[0][1]) if rounds else (None, None)
        speaker = SPEAKERS[i % len(SPEAKERS)]
        await db.execute_fetchall(
            """
            INSERT INTO flags (chat_id, number, created_at, updated_at, round_id, round_name,
                text, speaker, speaker_key, flagged_by_id, flagged_by_name, message_id, matches)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 7, 'Bench', ?, ?)
            """,
            (
                chat_id,
                number,
                now,
                now,
                round_id,
                round_name,
                sentence,
                speaker,
                speaker.casefold(),
                i,
                json.dumps([REFS[i % len(REFS)]]),
            ),
        )
        await db.commit()
    return len(sentences) / (time.perf_counter() - started)


async def round_trip_us(store: Store, count: int = 2_000) -> float:
    """What one await of the connection thread costs before SQLite does any work."""
    db = store.database.writer
    started = time.perf_counter()
    for _ in range(count):
        await db.execute_fetchall("SELECT 1")
    return (time.perf_counter() - started) / count * 1e6


async def bench_inserts(workdir: Path, count: int, callers: int) -> None:
    texts = Texts(random.Random(1))
    sentences = [texts.sentence() for _ in range(count)]
    print(f"durable inserts ({count:,} flags per run, a fresh file each, WAL, synchronous=NORMAL):")
    async with await Store.open(workdir / "baseline.sqlite3") as store:
        floor = await round_trip_us(store)
        baseline = await naive_inserts(store, sentences, chats=50)
    async with await Store.open(workdir / "sequential.sqlite3") as store:
        sequential = await add_flags(store, sentences, chats=50, callers=1)
    async with await Store.open(workdir / "concurrent.sqlite3") as store:
        concurrent = await add_flags(store, sentences, chats=50, callers=callers)
    print(f"  aiosqlite round trip alone (SELECT 1)     {floor:8.0f} us")
    print(f"  baseline: BEGIN/SELECT/SELECT/INSERT/COMMIT {baseline:8,.0f} flags/s")
    report_rate("add_flag, one caller awaiting each", sequential, baseline)
    report_rate(f"add_flag, {callers} concurrent callers", concurrent, baseline)


# -- the big database -------------------------------------------------------------


def flag_rows(
    total: int,
    chats: int,
    rounds_per_chat: int,
    texts: Texts,
    round_ids: dict[tuple[int, int], int],
) -> Iterator[tuple[object, ...]]:
    rng = texts.rng
    per_chat = max(1, total // chats)
    numbers = [0] * chats
    start = datetime.now(UTC) - timedelta(days=90)
    step = timedelta(days=90) / max(1, total)
    for i in range(total):
        chat = rng.randrange(chats)
        numbers[chat] += 1
        number = numbers[chat]
        round_index = min(rounds_per_chat - 1, (number - 1) * rounds_per_chat // per_chat)
        created = (start + step * i).isoformat(timespec="microseconds")
        speaker = rng.choice(SPEAKERS)
        note = " ".join(texts.words_for(rng.randint(3, 8))) if rng.random() < 0.1 else None
        matches = json.dumps(rng.sample(REFS, rng.choice((0, 1, 1, 2))))
        retracted = created if rng.random() < 0.02 else None
        yield (
            BIG_FIRST_CHAT - chat,
            number,
            created,
            created,
            round_ids[(chat, round_index)],
            f"Round {round_index + 1}",
            texts.sentence(),
            speaker,
            speaker.casefold(),
            1000 + chat,
            "Delegate",
            10 * number,
            10 * number - 1 if rng.random() < 0.7 else None,
            rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0],
            note,
            matches,
            retracted,
        )


def bulk_load(path: Path, total: int, chats: int, rounds_per_chat: int = 4) -> None:
    """Fill the migrated database; the schema's triggers keep history and FTS in step."""
    texts = Texts(random.Random(2))
    db = sqlite3.connect(path, isolation_level=None)
    register_functions(db)
    try:
        db.execute("PRAGMA synchronous = OFF")  # a throwaway file: speed over durability
        db.execute("PRAGMA cache_size = -262144")
        db.execute("BEGIN")
        round_ids: dict[tuple[int, int], int] = {}
        for chat in range(chats):
            chat_id = BIG_FIRST_CHAT - chat
            db.execute(
                "INSERT INTO chats (chat_id, title, enrolled) VALUES (?, ?, 1)",
                (chat_id, f"Delegation {chat}"),
            )
            for index in range(rounds_per_chat):
                open_round = index == rounds_per_chat - 1
                cursor = db.execute(
                    """
                    INSERT INTO rounds (chat_id, name, name_key, started_at, ended_at)
                    VALUES (?, ?, ?, '2025-01-01T00:00:00+00:00', ?)
                    """,
                    (
                        chat_id,
                        f"Round {index + 1}",
                        f"round {index + 1}",
                        None if open_round else "2025-01-02T00:00:00+00:00",
                    ),
                )
                assert cursor.lastrowid is not None
                round_ids[(chat, index)] = cursor.lastrowid
        rows = flag_rows(total, chats, rounds_per_chat, texts, round_ids)
        while batch := list(itertools.islice(rows, 50_000)):
            db.executemany(
                """
                INSERT INTO flags (chat_id, number, created_at, updated_at, round_id,
                    round_name, text, speaker, speaker_key, flagged_by_id, flagged_by_name,
                    message_id, source_message_id, status, note, matches, retracted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                batch,
            )
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


# -- reads ------------------------------------------------------------------------


async def timed(samples: list[float], call: Awaitable[object]) -> None:
    """Await ``call`` (a coroutine does no work until awaited) and record its time."""
    started = time.perf_counter()
    await call
    samples.append((time.perf_counter() - started) * 1000)


def warm_up(path: Path) -> float:
    """Read the file once so that every figure is a warm-cache figure."""
    started = time.perf_counter()
    with path.open("rb") as file:
        while file.read(1 << 20):
            pass
    return time.perf_counter() - started


async def bench_reads(path: Path, chats: int, queries: int) -> None:
    rng = random.Random(3)
    texts = Texts(random.Random(2))
    async with await Store.open(path) as store:
        chat_ids = [BIG_FIRST_CHAT - chat for chat in range(chats)]
        samples: dict[str, list[float]] = {
            "first page": [],
            "later page (offset 10-100)": [],
            "status filter": [],
            "speaker filter (substring)": [],
            "round filter (by name)": [],
        }
        for _ in range(queries):
            chat_id = rng.choice(chat_ids)
            kind = rng.random()
            if kind < 0.4:
                await timed(samples["first page"], store.list_flags(chat_id))
            elif kind < 0.55:
                offset = rng.choice((10, 20, 50, 100))
                await timed(
                    samples["later page (offset 10-100)"], store.list_flags(chat_id, offset=offset)
                )
            elif kind < 0.7:
                status = rng.choice(STATUSES)
                await timed(samples["status filter"], store.list_flags(chat_id, status=status))
            elif kind < 0.85:
                speaker = rng.choice(SPEAKERS)[: rng.randint(3, 6)].lower()
                await timed(
                    samples["speaker filter (substring)"],
                    store.list_flags(chat_id, speaker=speaker),
                )
            else:
                round_name = f"round {rng.randint(1, 4)}"
                await timed(
                    samples["round filter (by name)"],
                    store.list_flags(chat_id, round_name=round_name),
                )
        print("list_flags (page of 10, newest first, with total):")
        for name, group in samples.items():
            report(name, group, 5)
        report("all", [sample for group in samples.values() for sample in group], 5)

        words: list[float] = []
        prefixes: list[float] = []
        hits = 0
        for _ in range(queries):
            chat_id = rng.choice(chat_ids)
            terms = texts.words_for(rng.randint(1, 3))
            if rng.random() < 0.5:
                last = terms[-1]
                terms[-1] = last[: rng.randint(3, max(3, len(last) - 1))]
                bucket = prefixes
            else:
                bucket = words
            query = " ".join(terms)
            started = time.perf_counter()
            found = await store.search(chat_id, query)
            bucket.append((time.perf_counter() - started) * 1000)
            hits += bool(found)
        print(f"search (top 10 by bm25 within one chat; {hits / queries:.0%} of queries hit):")
        report("whole words", words, 20)
        report("last word as prefix", prefixes, 20)
        report("all", words + prefixes, 20)

        summaries: list[float] = []
        for _ in range(min(queries, 300)):
            chat_id = rng.choice(chat_ids)
            await timed(summaries, store.summary(chat_id))
        print("summary (counts, open flags, top refs):")
        report("whole chat", summaries, 20)


async def bench_big_inserts(path: Path, count: int, chats: int, callers: int) -> None:
    """The same add_flag, now into the big file, whose index pages are mostly cold."""
    texts = Texts(random.Random(4))
    sentences = [texts.sentence() for _ in range(count)]
    async with await Store.open(path) as store:
        sequential = await add_flags(store, sentences, chats, 1, BIG_FIRST_CHAT)
        concurrent = await add_flags(store, sentences, chats, callers, BIG_FIRST_CHAT)
    print(f"add_flag into the big file ({count:,} flags per run, spread over {chats:,} chats):")
    report_rate("one caller awaiting each", sequential)
    report_rate(f"{callers} concurrent callers", concurrent)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--flags", type=int, default=1_000_000, help="flags in the big database")
    parser.add_argument("--chats", type=int, default=1_000, help="chats they are spread over")
    parser.add_argument("--inserts", type=int, default=10_000, help="flags per insert run")
    parser.add_argument("--callers", type=int, default=32, help="concurrent add_flag callers")
    parser.add_argument("--queries", type=int, default=2_000, help="queries per read benchmark")
    parser.add_argument("--dir", type=Path, help="work in this folder (default: a temp folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=args.dir, prefix="flags-bench-") as folder:
        workdir = Path(folder)
        print(f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, in {workdir}")
        await bench_inserts(workdir, args.inserts, args.callers)

        path = workdir / "big.sqlite3"
        started = time.perf_counter()
        store = await Store.open(path)
        await store.close()
        bulk_load(path, args.flags, args.chats)
        size = path.stat().st_size / 2**20
        print(
            f"built {args.flags:,} flags in {args.chats:,} chats through the schema's "
            f"triggers in {time.perf_counter() - started:.0f} s ({size:,.0f} MiB)"
        )
        print(f"read the file once to warm the OS cache in {warm_up(path):.1f} s")
        await bench_reads(path, args.chats, args.queries)
        await bench_big_inserts(path, args.inserts // 2, args.chats, args.callers)


if __name__ == "__main__":
    asyncio.run(main())
