"""Webhook mode: Telegram is answered only once its update has been handled.

Telegram counts a webhook update as delivered when the bot answers the POST with 200,
and never sends it again. python-telegram-bot answers as soon as the update is in
the Application's queue: a process killed with updates still queued loses them. The
webhook handler awaits ``update_queue.put(update)`` before answering, so a queue
whose ``put`` returns only after the update has been handled moves the answer after
the handling; an update the bot dies on is not answered, and Telegram retries it.

Only for webhook mode: the polling Updater puts a whole batch one update at a time,
and waiting on each would handle a batch one update at a time (polling has
``bot.polling`` instead).
"""

from __future__ import annotations

import asyncio

from telegram import Update


class AnsweredWhenHandled(asyncio.Queue[object]):
    """The Application's update queue in webhook mode; ``handled`` is called by the
    update processor (``bot.ordering.PerChatOrder``) when an update is done."""

    def __init__(self) -> None:
        super().__init__()
        self._waiting: dict[int, asyncio.Future[None]] = {}

    async def put(self, item: object) -> None:
        if not isinstance(item, Update):
            # python-telegram-bot's own stop signal: nothing will "handle" it.
            await super().put(item)
            return
        done = asyncio.get_running_loop().create_future()
        self._waiting[id(item)] = done
        try:
            await super().put(item)
            await done
        finally:
            self._waiting.pop(id(item), None)

    def handled(self, update: object) -> None:
        done = self._waiting.get(id(update))
        if done is not None and not done.done():
            done.set_result(None)
