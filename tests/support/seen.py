"""What a member of a group can read in it: which flag numbers have been confirmed."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

_NUMBER = re.compile(r"#(\d+)\b")


def confirmed_numbers(messages: Iterable[dict[str, Any]], chat_id: int) -> set[int]:
    """Flag numbers in the chat's "#N flagged" messages: one per message, or merged
    ("#21–#27 flagged" and a line per flag)."""
    seen: set[int] = set()
    for message in messages:
        text = message.get("visible_text") or ""
        first, _, rest = text.partition("\n")
        if message.get("chat_id") != chat_id or "flagged" not in first:
            continue
        seen.update(int(n) for n in _NUMBER.findall(rest if "–" in first else first))
    return seen


async def until(check: Callable[[], bool], timeout: float, what: str) -> float:  # noqa: ASYNC109
    """Seconds until ``check()`` holds; AssertionError naming ``what`` after ``timeout``."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - start
