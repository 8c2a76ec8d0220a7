"""How fast one member may change a chat's log from the board.

A flag, a verdict or a note from the board costs the group a message; without a
limit one member could post hundreds of flags a second (each confirmed in the group,
each spending its budget). Reading is not limited: the page polls.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

CHANGES_PER_MINUTE: Final = 30
WINDOW_S: Final = 60.0
# Forget members idle for a window once this many are remembered: memory stays bounded.
_PRUNE_OVER: Final = 10_000

Member = tuple[int, int]  # (chat id, user id)


@dataclass
class ChangeLimit:
    """At most ``count`` changes per ``window_s`` seconds per member of a chat."""

    count: int = CHANGES_PER_MINUTE
    window_s: float = WINDOW_S
    clock: Callable[[], float] = time.monotonic
    _recent: dict[Member, deque[float]] = field(default_factory=dict)

    def wait_s(self, member: Member) -> int:
        """0 and the change is counted; else the whole seconds until one is allowed."""
        now = self.clock()
        if len(self._recent) > _PRUNE_OVER:
            self._prune(now)
        recent = self._recent.setdefault(member, deque())
        while recent and recent[0] <= now - self.window_s:
            recent.popleft()
        if len(recent) >= self.count:
            return max(1, math.ceil(recent[0] + self.window_s - now))
        recent.append(now)
        return 0

    def _prune(self, now: float) -> None:
        idle = [key for key, times in self._recent.items() if times[-1] <= now - self.window_s]
        for key in idle:
            del self._recent[key]
