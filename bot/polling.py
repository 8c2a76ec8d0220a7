"""Long polling that tells Telegram an update is done only once it has been handled.

The ``offset`` of a getUpdates request acknowledges every update before it, and
Telegram never sends an acknowledged update again. python-telegram-bot's Updater
sends the next getUpdates, with the new offset, as soon as it has queued a batch: a
process killed at that moment loses every update queued but not yet handled, /flag
commands included, and nobody is told.

Holding each getUpdates request until the update queue is drained moves the
acknowledgement after the handling. What a crash can cost instead is the opposite:
updates handled but not yet acknowledged arrive again after the restart, so the
handlers that write recognise a command they have already carried out (see
``handlers.flags.flag``).
"""

from __future__ import annotations

import asyncio

# The timeouts' type has no public name; the default value has one (BaseRequest's).
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, HTTPXRequest, RequestData


class AcknowledgeWhenHandled(BaseRequest):
    """The getUpdates transport: waits for ``queue`` to be fully handled before each
    request. Set ``queue`` to the Application's update queue once it is built."""

    def __init__(self, inner: BaseRequest | None = None) -> None:
        # One connection, as python-telegram-bot gives getUpdates by default.
        self._inner = inner or HTTPXRequest(connection_pool_size=1)
        self.queue: asyncio.Queue[object] | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self.queue is not None:
            # Application marks an update done after its handlers (and error
            # handlers) have returned, so join() is "everything fetched is handled".
            await self.queue.join()
        return await self._inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
