"""A standard session in a group: how fast each answer comes, what it costs, and start-up.

    .venv/bin/python bench/group_session.py
    .venv/bin/python bench/group_session.py --baseline 25d92d2

The session (tests/support/group_session.py) is twelve commands from three members,
each sent when the answer to the one before is complete, against the fake Bot API
with Telegram's flood limits on and the bot's throttling on. It is run twice: as the
members do it (seconds from each command to its answer, in the fake's own times), and
again with a pause after each action, so that every message an action makes the bot
post or edit in the group is counted with it. Then the bot is stopped and started
again on the same database: the requests of each start are counted by method.

``--baseline REF`` runs the same against the bot as of a git commit (its files taken
with ``git archive``), on the same fake; ``--group-per-second 20`` lifts the fake's
one-a-second rule for groups (which the bot before issue 27 did not keep). Prints
figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import group_session  # noqa: E402
from tests.support.bot_process import BotProcess, RecordingBotAPI  # noqa: E402
from tests.support.fake_bot_api import TELEGRAM_LIMITS, FloodLimits  # noqa: E402

GROUP = -1001234567890
# Long enough for anything an action sets off to be said before the next one.
SETTLE_S = 3.5
# Start-up requests: those made from the process start until this long after polling began.
START_S = 2.0


def bot_command(tree: Path | None) -> list[str] | None:
    """``python -m bot run`` from ``tree`` instead of this checkout."""
    if tree is None:
        return None
    run_from = (
        f"import runpy, sys; sys.path.insert(0, {str(tree)!r}); "
        "runpy.run_module('bot', run_name='__main__', alter_sys=True)"
    )
    return [sys.executable, "-c", run_from, "run"]


def start_calls(api: RecordingBotAPI, bot: BotProcess) -> Counter[str]:
    mark = api.mark()
    bot.start_ready()
    time.sleep(START_S)
    return Counter(call.method for call in api.calls[mark:] if call.method != "getUpdates")


async def measure(tree: Path | None, limits: FloodLimits) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, RecordingBotAPI(flood_limits=limits) as api:
        api.chat(GROUP, "supergroup", "Delegation")
        bot = BotProcess(
            api,
            Path(tmp) / "bot",
            command=bot_command(tree),
            ADMIN_IDS=str(group_session.OLENA_ID),
            CONTENT_DIR=str((tree or ROOT) / "content"),
        )
        try:
            first = start_calls(api, bot)
            people = group_session.members(api, GROUP)
            paced = await group_session.run(api, GROUP, people)
            bot.stop()
            restart = start_calls(api, bot)
            # A fresh group for the counting run: the same session from enrolment on.
            group = GROUP - 1
            api.chat(group, "supergroup", "Delegation 2")
            people = group_session.members(api, group)
            counted = await group_session.run(api, group, people, settle_s=SETTLE_S)
            floods = len(api.floods)
        finally:
            bot.kill()
    return {
        "paced": paced,
        "counted": counted,
        "first": first,
        "restart": restart,
        "floods": floods,
    }


def print_run(name: str, figures: dict[str, Any]) -> None:
    print(f"\n{name}")
    print(f"  {'command':46}{'answer s':>9}{'files s':>9}{'messages':>10}")
    for paced, counted in zip(figures["paced"], figures["counted"], strict=True):
        files = f"{paced.complete_seconds:.2f}" if paced.action.files else ""
        print(
            f"  {paced.action.command[:45]:46}{paced.seconds:>9.2f}{files:>9}{counted.messages:>10}"
        )
    total = sum(counted.messages for counted in figures["counted"])
    actions = len(figures["counted"])
    slowest = max(paced.seconds for paced in figures["paced"])
    whole = figures["paced"][-1].complete_at - figures["paced"][0].sent_at
    print(f"  slowest answer {slowest:.2f} s; the twelve commands took {whole:.1f} s")
    print(f"  group messages: {total} for {actions} actions ({total / actions:.2f} per action)")
    print(f"  429 answers: {figures['floods']}")
    for label in ("first", "restart"):
        calls = ", ".join(f"{method} ×{n}" for method, n in sorted(figures[label].items()))
        print(f"  start-up requests, {label} start: {calls}")


def extract(commit: str, tree: Path) -> None:
    """The repository's files as of ``commit``, into ``tree``."""
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git commit to run the same session against")
    parser.add_argument(
        "--group-per-second",
        type=int,
        default=TELEGRAM_LIMITS.group_per_second,
        help="messages the fake takes in a second into a group (20: the minute's limit only)",
    )
    args = parser.parse_args()
    limits = replace(TELEGRAM_LIMITS, group_per_second=args.group_per_second)
    runs: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.baseline:
            tree = Path(tmp) / "baseline"
            extract(args.baseline, tree)
            runs.append((f"baseline {args.baseline}", await measure(tree, limits)))
        runs.append(("this checkout", await measure(None, limits)))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load}")
    print(
        "A standard group session against Telegram's flood limits (the fake Bot API's, "
        f"{limits.group_per_second} a second and {limits.group_per_minute} a minute in a group):"
    )
    for name, figures in runs:
        print_run(name, figures)


if __name__ == "__main__":
    asyncio.run(main())
