"""A standard session in a team's group, as a new team tries the bot.

Twelve commands from three members (enrol, start a round, flag, judge, read the log,
export, look up), each sent when the answer to the one before is complete, as people
who wait for the bot do. tests/test_live_session.py holds the bot to how quickly it
answers; bench/group_session.py prints what each action costs in group messages.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass
from typing import Any

from tests.support.bot_process import RecordingBotAPI
from tests.support.fake_bot_api import FLOOD_COUNTED, Call

OLENA_ID = 9001  # the bot's admin, and an admin of the group
TARAS_ID = 302
MYKOLA_ID = 303


@dataclass(frozen=True)
class Action:
    """``who`` sends ``command``; its answer shows ``answer``, with ``files`` documents."""

    who: int
    command: str
    answer: str
    files: int = 0


SESSION = (
    Action(OLENA_ID, "/enable", "This chat now keeps a flag log"),
    Action(OLENA_ID, "/round start Istanbul 3", "Round “Istanbul 3” started"),
    Action(
        TARAS_ID,
        "/flag Lavrov: We must eliminate the root causes of the conflict",
        "We must eliminate the root causes of the conflict",
    ),
    Action(
        MYKOLA_ID,
        "/flag Peskov: the talks failed because of Kyiv",
        "the talks failed because of Kyiv",
    ),
    Action(TARAS_ID, "/verify 1 false said twice", "Verdict for #1:"),
    Action(MYKOLA_ID, "/log", "🗂 Flag log"),
    Action(TARAS_ID, "/show 1", "said twice"),
    Action(MYKOLA_ID, "/find root causes", "🔎 root causes"),
    Action(OLENA_ID, "/summary", "📋 Summary"),
    Action(OLENA_ID, "/export", "Export of", files=2),
    Action(TARAS_ID, "/term goodwill", "📕 Goodwill"),
    Action(MYKOLA_ID, "/who Lavrov", "👤 Sergei Lavrov\nWho"),
)


@dataclass(frozen=True)
class Answered:
    """How one action went, in the fake Bot API's own times."""

    action: Action
    sent_at: float
    # When the first message that shows the answer was accepted, and the last file.
    answered_at: float
    complete_at: float
    # Messages the bot posted or edited in the group from this command to the next.
    messages: int = 0

    @property
    def seconds(self) -> float:
        return self.answered_at - self.sent_at

    @property
    def complete_seconds(self) -> float:
        return self.complete_at - self.sent_at


def members(api: RecordingBotAPI, group: int) -> dict[int, dict[str, Any]]:
    people = {
        OLENA_ID: api.user(OLENA_ID, "Olena", "olena"),
        TARAS_ID: api.user(TARAS_ID, "Taras", "taras"),
        MYKOLA_ID: api.user(MYKOLA_ID, "Mykola", "mykola"),
    }
    api.set_chat_member(group, OLENA_ID, "administrator")
    return people


def group_messages(api: RecordingBotAPI, group: int, since: int, until: int | None = None) -> int:
    """Messages the bot posted or changed in ``group`` by calls numbered in the range."""
    return sum(1 for call in api.calls[since:until] if _counted(call, group))


def _counted(call: Call, group: int) -> bool:
    return call.ok and call.method.lower() in FLOOD_COUNTED and call.params.get("chat_id") == group


async def act(
    api: RecordingBotAPI,
    group: int,
    people: dict[int, dict[str, Any]],
    action: Action,
    timeout: float,  # noqa: ASYNC109 - a per-action deadline
) -> Answered:
    """Send ``action``'s command; return once its answer (and every file) is shown."""
    mark = api.mark()
    sent_at = time.monotonic()
    api.send_text(group, people[action.who], action.command)
    deadline = sent_at + timeout
    while True:
        calls = api.calls[mark:]
        answers = [call for call in calls if _counted(call, group) and _shows(api, call, action)]
        files = [call for call in calls if call.ok and call.method == "sendDocument"]
        if answers and len(files) >= action.files:
            complete = max([answers[0].at, *(call.at for call in files)])
            return Answered(action, sent_at, answers[0].at, complete)
        if time.monotonic() > deadline:
            said = [call.summary() for call in calls if _counted(call, group)]
            raise AssertionError(f"no answer to {action.command!r} within {timeout} s: {said}")
        await asyncio.sleep(0.01)


def _shows(api: RecordingBotAPI, call: Call, action: Action) -> bool:
    result = call.result
    if not isinstance(result, dict) or "message_id" not in result:
        return False
    shown = api.message(int(call.params["chat_id"]), int(result["message_id"]))
    return shown is not None and action.answer in (shown.get("visible_text") or "")


async def run(
    api: RecordingBotAPI,
    group: int,
    people: dict[int, dict[str, Any]],
    actions: tuple[Action, ...] = SESSION,
    *,
    timeout: float = 20.0,  # noqa: ASYNC109 - per action
    settle_s: float = 0.0,
) -> list[Answered]:
    """Every action in turn, each when the one before is answered; ``settle_s`` more
    seconds after each, so that whatever else it makes the bot say is counted with it."""
    done: list[Answered] = []
    marks: list[int] = []
    for action in actions:
        marks.append(api.mark())
        done.append(await act(api, group, people, action, timeout))
        await asyncio.sleep(settle_s)
    marks.append(api.mark())
    return [
        Answered(a.action, a.sent_at, a.answered_at, a.complete_at, group_messages(api, group, *m))
        for a, m in zip(done, itertools.pairwise(marks), strict=True)
    ]
