"""The post-round statement for a round of 500 flags, against /export of the same round.

Both read the round from a real store and render it the way the handlers do:
/export is the flags with their histories as CSV and Markdown; /statement is the
round's flags and talking points drafted (bot/statement.py) into the message parts,
Markdown and .docx. Figures are wall time per run; the first /statement run also
pays for importing python-docx and lxml, which happens once per process.

Target (issue 24): the draft ready within 1 s for 500 flags.

    .venv/bin/python bench/statement.py [--flags 500] [--points 12] [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import export, statement  # noqa: E402
from bot.config import SHIPPED_CONTENT  # noqa: E402
from bot.services import Library  # noqa: E402
from bot.store import Status, Store  # noqa: E402

CHAT = -1001000000001
TARGET_S = 1.0
# How a session's verdicts fall: most judged, some still open when the round ends.
VERDICTS = (
    Status.FALSE,
    Status.FALSE,
    Status.MISLEADING,
    Status.OPEN,
    Status.OPEN,
    Status.VERIFIED,
    Status.FALSE,
    Status.MISLEADING,
    Status.UNVERIFIABLE,
    Status.OPEN,
)


async def fill(store: Store, library: Library, flags: int, points: int) -> None:
    """One round: statements from the playbook's claims and terms, a verdict each."""
    playbook = library.playbook
    said = [claim.quote.en for claim in playbook.claims]
    said += [term.phrase.en for term in playbook.terms]
    said += ["the weather in Istanbul was discussed at length"]
    await store.start_round(CHAT, "Istanbul 3", 1)
    for number in range(1, points + 1):
        await store.points.add(
            CHAT, f"Talking point {number}: Ukraine came to talk.", by_id=1, by_name="Lead"
        )
    for number in range(1, flags + 1):
        text = f"{said[number % len(said)]} ({number})"
        hits = library.index.mentions(text, kinds=("term", "claim"))
        await store.add_flag(
            CHAT,
            text=text,
            speaker=("Lavrov", "Peskov", "Rudenko", None)[number % 4],
            flagged_by_id=2,
            flagged_by_name="Analyst",
            message_id=number,
            matches=[f"{hit.entry.kind}:{hit.entry.id}" for hit in hits],
        )
        verdict = VERDICTS[number % len(VERDICTS)]
        if verdict is not Status.OPEN:
            note = f"checked against the record of round {number % 7}"
            await store.set_status(CHAT, number, verdict, note=note, by_id=3, by_name="Lead")


async def export_round(store: Store) -> int:
    """What /export does for the round: flags, histories, CSV and Markdown."""
    flags = await store.export_flags(CHAT, "Istanbul 3")
    histories = await store.history_for(CHAT, [flag.number for flag in flags])
    csv_file = export.to_csv(flags, histories, UTC)
    markdown = export.to_markdown(
        flags, histories, chat_title="Delegation", round_name="Istanbul 3", where=UTC
    )
    return len(csv_file) + len(markdown)


def draft_round(store: Store, library: Library) -> Callable[[], Awaitable[int]]:
    async def run() -> int:
        """What /statement does: the round's flags and points, drafted and rendered."""
        [chosen] = await store.rounds(CHAT)
        flags = [f for f in await store.export_flags(CHAT, chosen.name) if f.round_id == chosen.id]
        listed = await store.points.listed(CHAT, chosen.id)
        made = statement.draft(chosen, flags, listed, library.playbook, "en", UTC)
        parts = statement.to_messages(made)
        return (
            sum(map(len, parts)) + len(statement.to_markdown(made)) + len(statement.to_docx(made))
        )

    return run


async def timed(run: Callable[[], Awaitable[int]], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await run()
        times.append(time.perf_counter() - start)
    return times


async def main(flags: int, points: int, runs: int) -> int:
    library = Library.load(SHIPPED_CONTENT)
    with tempfile.TemporaryDirectory() as folder:
        async with await Store.open(Path(folder) / "bench.sqlite3") as store:
            await fill(store, library, flags, points)
            baseline = await timed(lambda: export_round(store), runs)
            drafting = draft_round(store, library)
            first = await timed(drafting, 1)
            steady = await timed(drafting, runs)
            [chosen] = await store.rounds(CHAT)
            all_flags = await store.export_flags(CHAT, chosen.name)
            made = statement.draft(
                chosen,
                all_flags,
                await store.points.listed(CHAT, chosen.id),
                library.playbook,
                "en",
                UTC,
            )
    presented = sum(1 for block in made.blocks if block.kind == "claim")
    print(
        f"round of {flags} flags ({presented} false or misleading, {len(made.left_out)} open "
        f"left out), {points} talking points; {runs} runs each"
    )
    print(
        f"  baseline /export (CSV + Markdown): median {statistics.median(baseline) * 1000:7.1f} ms"
        f"  max {max(baseline) * 1000:7.1f} ms"
    )
    print(
        f"  /statement draft (message + .md + .docx): first {first[0] * 1000:7.1f} ms"
        f" (imports python-docx)  median {statistics.median(steady) * 1000:7.1f} ms"
        f"  max {max(steady) * 1000:7.1f} ms"
    )
    ratio = statistics.median(steady) / statistics.median(baseline)
    print(
        f"  message parts: {len(statement.to_messages(made))}; "
        f"ratio to baseline (median): {ratio:.2f}x"
    )
    worst = max(first[0], *steady)
    verdict = "within" if worst <= TARGET_S else "OVER"
    print(f"  worst run {worst * 1000:.1f} ms: {verdict} the {TARGET_S:.0f} s target")
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flags", type=int, default=500)
    parser.add_argument("--points", type=int, default=12)
    parser.add_argument("--runs", type=int, default=7)
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.flags, arguments.points, arguments.runs)))
