"""Search latency: p50 and p99 per query, on the shipped content and on 10,000
generated entries, against a naive baseline (rapidfuzz WRatio over every name).

Targets (issues 3, 11 and 21): p99 <= 1 ms on the shipped content, <= 10 ms on 10,000
entries, with every rewrite on (layout, numbers, dates, joined and split words, roles).
What the rewrites cost is measured against the same index searching the query as typed
only.

    .venv/bin/python bench/search.py [--entries 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import SHIPPED_CONTENT  # noqa: E402
from bot.playbook import Aliases, AnyEntry, Asks, Text  # noqa: E402
from bot.search import (  # noqa: E402
    SearchIndex,
    entry_keys,
    entry_text,
    normalize,
    tokens,
    word_keys,
)
from bot.services import Library  # noqa: E402

QUERIES = ROOT / "tests" / "data" / "search_queries.tsv"
LABELLED = ROOT / "tests" / "data" / "search_labelled.yaml"


def queries() -> list[str]:
    """Both labelled sets: the first 88 and the held-out set by kind."""
    lines = QUERIES.read_text(encoding="utf-8").splitlines()
    found = [line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")]
    rows = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    return found + [str(row["q"]) for row in rows]


def generated(entries: Sequence[AnyEntry], count: int, seed: int = 7) -> list[AnyEntry]:
    """Entries made by reshuffling the real vocabulary, so words recur as in real content."""
    rng = random.Random(seed)
    words_en = " ".join(e.title.en + " " + e.summary.en for e in entries).split()
    words_uk = " ".join(e.title.uk + " " + e.summary.uk for e in entries).split()
    made: list[AnyEntry] = []
    for number in range(count):
        template = entries[number % len(entries)]

        def phrase(words: list[str], n: int) -> str:
            return " ".join(rng.choice(words) for _ in range(n))

        made.append(
            template.model_copy(
                update={
                    "id": f"gen-{number}",
                    "title": Text(en=phrase(words_en, 4), uk=phrase(words_uk, 4)),
                    "summary": Text(en=phrase(words_en, 14), uk=phrase(words_uk, 14)),
                    "aliases": Aliases(en=[phrase(words_en, 2)], uk=[phrase(words_uk, 2)]),
                    # Each its own, as real entries have: copies of the template's
                    # would put the same sentences in a thousand entries.
                    "asks": Asks(
                        en=[phrase(words_en, 9), phrase(words_en, 7)],
                        uk=[phrase(words_uk, 8)],
                        ru=[phrase(words_uk, 8)],
                    ),
                }
            )
        )
    return made


def naive(entries: Sequence[AnyEntry]) -> Callable[[str], object]:
    """What one would write first: score the query against every name with WRatio."""
    names = [normalize(key) for entry in entries for key in entry_keys(entry)]

    def search(query: str) -> object:
        return process.extract(normalize(query), names, scorer=fuzz.WRatio, limit=10)

    return search


def measure(
    search: Callable[[str], object],
    batch: Sequence[str],
    rounds: int,
    forget: Callable[[], None] | None = None,
) -> list[float]:
    """Milliseconds per query. ``forget`` empties caches first: every query is new."""
    timings = []
    for _ in range(rounds):
        for query in batch:
            if forget is not None:
                forget()
            start = time.perf_counter()
            search(query)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def cold(index: SearchIndex) -> Callable[[], None]:
    return index.forget_cached_words


def as_typed_only(index: SearchIndex) -> Callable[[str], object]:
    """The index's search with no rewrite: only the query as typed is scored."""

    def search(query: str) -> object:
        index._readings = lambda query, words: {tuple(words): 0}  # type: ignore[method-assign]
        try:
            return index.search(query)
        finally:
            del index._readings

    return search


def rewrites_report(index: SearchIndex, batch: Sequence[str], rounds: int, label: str) -> None:
    """What every rewrite costs a query, against the query as typed only, and how many
    queries get a reading other than the one typed."""
    rewritten = sum(
        1 for query in batch if len(index._readings(query, normalize(query).split())) > 1
    )
    with_all = measure(index.search, batch, rounds, cold(index))
    typed = measure(as_typed_only(index), batch, rounds, cold(index))

    def best(timings: list[float]) -> list[float]:
        return [min(timings[q :: len(batch)]) for q in range(len(batch))]

    added = statistics.mean(best(with_all)) - statistics.mean(best(typed))
    print(
        f"{label}: rewrites add {added:+.3f} ms per query on average, best of rounds "
        f"(p99 {percentile(best(with_all), 0.99):.3f} ms with them, "
        f"{percentile(best(typed), 0.99):.3f} ms as typed only); "
        f"{rewritten} of {len(batch)} queries get another reading"
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(name: str, timings: list[float], target: float | None = None) -> float:
    p50, p99 = statistics.median(timings), percentile(timings, 0.99)
    verdict = "" if target is None else ("  OK" if p99 <= target else f"  OVER {target} ms")
    print(f"{name:<38} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms{verdict}")
    return p99


def steady(timings: list[float], queries: int) -> float:
    """p99 over queries of each query's median across rounds: on a machine shared with
    other jobs, one preempted call is the scheduler's, not the search's."""
    rounds = len(timings) // queries
    medians = [statistics.median(timings[q::queries]) for q in range(queries)] if rounds else []
    p99 = percentile(medians, 0.99) if medians else 0.0
    print(f"{'   (per-query median over rounds)':<38} {'':15} p99 {p99:7.3f} ms")
    # The best of a query's rounds is what it costs when nothing else runs: the figure
    # to hold to the target when the load average is above the number of cores.
    best = [min(timings[q::queries]) for q in range(queries)] if rounds else []
    if best:
        print(f"{'   (per-query best of rounds)':<38} {'':15} p99 {percentile(best, 0.99):7.3f} ms")
    return p99


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    library = Library.load(SHIPPED_CONTENT)
    shipped = list(library.playbook.entries())
    batch = queries()
    print(f"{len(batch)} queries x {args.rounds} rounds; {len(shipped)} shipped entries")

    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    index = library.index
    timings = measure(index.search, batch, args.rounds, cold(index))
    report("shipped: playbook search (new queries)", timings, 1.0)
    steady(timings, len(batch))
    report("shipped: playbook search (repeated)", measure(index.search, batch, args.rounds))
    rewrites_report(index, batch, args.rounds, "shipped")
    report("shipped: naive WRatio baseline", measure(naive(shipped), batch, args.rounds))
    # What /flag and term watch run on every statement.
    statements = [f"Lavrov told the table that {query}, and nothing else" for query in batch]
    report(
        "shipped: mentions in a statement (new)",
        measure(index.mentions, statements, args.rounds, cold(index)),
    )

    # Issue 11 asked what stemming costs. Every word of a query and of the index is
    # folded to Latin sounds and stemmed once (word_keys, cached): measured cold here.
    def stem_query(query: str) -> object:
        return [word_keys(word) for word in tokens(query)]

    report(
        "shipped: fold and stem alone (new)",
        measure(stem_query, batch, args.rounds, word_keys.cache_clear),
    )
    start = time.perf_counter()
    SearchIndex(shipped)
    built_s = time.perf_counter() - start
    word_keys.cache_clear()
    words = {
        word
        for entry in shipped
        for text in (*entry_keys(entry), *entry_text(entry))
        for word in tokens(text)
    }
    start = time.perf_counter()
    for word in words:
        word_keys(word)
    stemmed_s = time.perf_counter() - start
    print(
        f"shipped index built in {built_s * 1000:.0f} ms; folding and stemming its "
        f"{len(words)} distinct words takes {stemmed_s * 1000:.1f} ms of it"
    )

    big = shipped + generated(shipped, args.entries)
    start = time.perf_counter()
    index = SearchIndex(big)
    print(f"index of {len(big)} entries built in {time.perf_counter() - start:.2f} s")
    timings = measure(index.search, batch, args.rounds, cold(index))
    ours = report(f"{len(big)}: playbook search (new queries)", timings, 10.0)
    steady(timings, len(batch))
    report(f"{len(big)}: playbook search (repeated)", measure(index.search, batch, args.rounds))
    rewrites_report(index, batch, args.rounds, str(len(big)))
    base = report(f"{len(big)}: naive WRatio baseline", measure(naive(big), batch, args.rounds))
    print(f"p99 ratio naive/playbook at {len(big)} entries: {base / ours:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
