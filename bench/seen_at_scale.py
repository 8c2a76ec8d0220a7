"""Measure how "seen before" finds an earlier flag on a big log: does the store's
lookup hand the matcher the flag that says the same claim, among thousands?

    .venv/bin/python bench/seen_at_scale.py                # 10,000 flags of noise
    .venv/bin/python bench/seen_at_scale.py --noise 2000

tests/test_seen_pairs.py measures the matcher alone on the labelled pairs. The
matcher only sees the few candidates Store.seen_candidates reads (by the
statement's rarer words and its playbook entries), so a flag the lookup misses is
never matched. This puts each labelled pair's first statement in a chat whose log
already holds ``--noise`` other flags made of the same words (shuffled from every
labelled statement, none of them a known claim of the playbook), so the words the
lookup goes by are in hundreds of flags, as in a long session; it then looks up
the pair's second statement as /flag does. The first statement is withdrawn before
the next pair, so each pair meets only its own among the noise.

Prints, for the pairs the matcher calls the same claim, how often the lookup
handed it the earlier statement, by kind; and how long a lookup took.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import sameness  # noqa: E402
from bot.flag_input import split_speaker  # noqa: E402
from bot.services import Library  # noqa: E402
from bot.store import Store  # noqa: E402

CHAT = -1001234567890
DATA = ROOT / "tests" / "data"
PAIR_FILES = (DATA / "seen_pairs.yaml", DATA / "seen_pairs_held_out.yaml")


def pairs() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in PAIR_FILES:
        found += yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]
    return found


def refs_of(library: Library, statement: str) -> list[str]:
    hits = library.index.mentions(statement, kinds=("term", "claim"))
    return [f"{hit.entry.kind}:{hit.entry.id}" for hit in hits]


def noise(library: Library, labelled: list[dict[str, Any]], count: int) -> list[str]:
    """``count`` statements of the labelled statements' words, shuffled, in their own
    script, none of them a known claim of the playbook."""
    rng = random.Random(7)
    by_script: dict[bool, list[str]] = {True: [], False: []}
    for pair in labelled:
        for side in ("a", "b"):
            for word in split_speaker(pair[side])[1].split():
                by_script[any("\u0400" <= ch <= "\u04ff" for ch in word)].append(word)
    made: list[str] = []
    while len(made) < count:
        words = by_script[rng.random() < 0.5]
        statement = " ".join(rng.sample(words, rng.randint(5, 12)))
        if not any(ref.startswith("claim:") for ref in refs_of(library, statement)):
            made.append(statement)
    return made


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noise", type=int, default=10_000, help="flags already in the log")
    args = parser.parse_args()
    library = Library.load(ROOT / "content")
    labelled = pairs()
    counts: Counter[tuple[str, str]] = Counter()
    seconds: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with await Store.open(Path(tmp) / "bench.sqlite3") as store:
            await store.enroll(CHAT, "Bench", 1)
            made = noise(library, labelled, args.noise)
            for start in range(0, len(made), 200):
                await asyncio.gather(
                    *(
                        store.add_flag(
                            CHAT,
                            text=text,
                            speaker=None,
                            flagged_by_id=1,
                            flagged_by_name="Bench",
                            message_id=None,
                            matches=refs_of(library, text),
                        )
                        for text in made[start : start + 200]
                    )
                )
            for pair in labelled:
                _, first = split_speaker(pair["a"])
                _, second = split_speaker(pair["b"])
                first_refs, second_refs = refs_of(library, first), refs_of(library, second)
                reading = sameness.read(second, second_refs)
                if not sameness.same_claim(reading, sameness.read(first, first_refs)):
                    continue
                kept = await store.add_flag(
                    CHAT,
                    text=first,
                    speaker=None,
                    flagged_by_id=1,
                    flagged_by_name="Bench",
                    message_id=None,
                    matches=first_refs,
                )
                started = time.perf_counter()
                candidates = await store.seen_candidates(
                    CHAT, sameness.search_words(second), sorted(reading.refs)
                )
                seconds.append(time.perf_counter() - started)
                handed = any(candidate.number == kept.number for candidate in candidates)
                for kind in (pair["kind"], "all"):
                    counts[kind, "handed" if handed else "lost"] += 1
                await store.retract(CHAT, kept.number, None, by_id=1, by_name="Bench")
    kinds = [*sorted({kind for kind, _ in counts} - {"all"}), "all"]
    print(
        f"{len(labelled)} labelled pairs; those the matcher calls the same claim, each "
        f"looked up among {args.noise:,} flags of noise"
    )
    print(f"{'kind':<12}{'pairs':>6}{'handed':>8}{'lost':>6}")
    for kind in kinds:
        handed, lost = counts[kind, "handed"], counts[kind, "lost"]
        print(f"{kind:<12}{handed + lost:>6}{handed:>8}{lost:>6}")
    handed, lost = counts["all", "handed"], counts["all", "lost"]
    print(f"the lookup handed the matcher the earlier flag: {handed / max(handed + lost, 1):.1%}")
    seconds.sort()
    print(
        f"lookup: median {seconds[len(seconds) // 2] * 1000:.2f} ms, "
        f"p95 {seconds[int(len(seconds) * 0.95)] * 1000:.2f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
