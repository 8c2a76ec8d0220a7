"""Updates from different chats are handled at the same time; one chat's, in order.

A chat's commands depend on each other: ``/round start`` must land before the
``/flag`` sent after it, and two ``/flag`` are numbered in the order they were sent.
Other chats need not wait for that: while one update waits for Telegram to accept
its reply, the next chat's is already being handled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Enough for a delegation's chats and its members' private lookups; beyond it, new
# updates wait for a free slot. The slot is taken only once the update's chat has
# its turn, so a backlog in one chat never holds slots that other chats need.
MAX_CONCURRENT_UPDATES = 16
# python-telegram-bot's own bound, taken before the chat's turn: it only caps how
# many updates may wait at once (a getUpdates batch is at most 100).
_MAX_WAITING = 1024


def order_key(update: object) -> Hashable:
    """Updates with the same key are handled one at a time, in arrival order."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:  # inline queries have no chat
            return ("user", update.effective_user.id)
        return ("update", update.update_id)
    return ("object", id(update))


class PerChatOrder(BaseUpdateProcessor):
    """``on_handled(update)`` is called once an update's handlers have returned or
    failed (webhook mode answers Telegram then; see bot.webhook)."""

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        on_handled: Callable[[object], None] | None = None,
    ) -> None:
        super().__init__(_MAX_WAITING)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._on_handled = on_handled
        # A lock per key with updates in flight, dropped when its last one is done.
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @property
    def keys_in_flight(self) -> int:
        return len(self._locks)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            # asyncio.Lock wakes its waiters first come, first served, and updates
            # reach this point in the order they were fetched.
            async with lock, self._slots:
                await coroutine
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
            if asyncio.iscoroutine(coroutine):
                coroutine.close()  # a no-op once awaited; else no "never awaited" warning
            if self._on_handled is not None:
                self._on_handled(update)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: every update has finished before PTB calls this."""
