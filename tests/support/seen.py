"""What a member of a group can read in it: which flag numbers have been confirmed."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

_NUMBER = re.compile(r"#(\d+)\b")


def confirmation_counts(messages: Iterable[dict[str, Any]], chat_id: int) -> Counter[int]:
    """How many times each flag number was confirmed in the chat's "#N flagged"
    messages: one per message, or merged ("#21–#27 flagged" and a line per flag)."""
    counts: Counter[int] = Counter()
    for message in messages:
        text = message.get("visible_text") or ""
        first, _, rest = text.partition("\n")
        if message.get("chat_id") != chat_id or "flagged" not in first:
            continue
        counts.update({int(n) for n in _NUMBER.findall(rest if "–" in first else first)})
    return counts


def confirmed_numbers(messages: Iterable[dict[str, Any]], chat_id: int) -> set[int]:
    """Flag numbers confirmed in the chat at least once."""
    return set(confirmation_counts(messages, chat_id))


async def until(check: Callable[[], bool], timeout: float, what: str) -> float:  # noqa: ASYNC109
    """Seconds until ``check()`` holds; AssertionError naming ``what`` after ``timeout``."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - start
