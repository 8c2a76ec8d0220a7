"""The board's HTTP connections: aiohttp's own, but a request it cannot read is
answered as the board answers every refusal.

aiohttp answers a request it cannot parse (a header over its 8 KB limit, a malformed
request line) before any middleware runs: in plain text that repeats the start of the
offending line (an Authorization header's, say), without the board's security
headers, and it logs an ERROR with a traceback. ``BoardRunner`` serves the same
application through connections whose ``handle_error`` answers with the board's own
refusal instead, and logs one line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

log = logging.getLogger(__name__)

# The answer for a request the board could not read, by HTTP status.
Refusal = Callable[[int], web.StreamResponse]


class _Connection(RequestHandler):
    def __init__(self, manager: _Server, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._refusal = manager.refusal

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if status == 500 or request.writer.output_size > 0:
            # An error that escaped the application (its middleware answers all of
            # them), or an answer already under way: aiohttp's own handling and log.
            return super().handle_error(request, status, exc, message)
        # The reason only, never aiohttp's message: that quotes what the client sent.
        reason = type(exc).__name__ if exc is not None else "timeout"
        log.info("the board refused a request it could not read (%s, %s)", status, reason)
        response = self._refusal(status)
        response.force_close()
        return response


class _Server(web.Server):
    def __init__(self, made: web.Server, refusal: Refusal) -> None:
        # The server aiohttp made for the application, with the same settings.
        super().__init__(
            made.request_handler,
            request_factory=made.request_factory,
            handler_cancellation=made.handler_cancellation,
            **made._kwargs,
        )
        self.refusal = refusal

    def __call__(self) -> RequestHandler:
        return _Connection(self, loop=self._loop, **self._kwargs)


class BoardRunner(web.AppRunner):
    """``web.AppRunner`` whose connections answer unreadable requests with ``refusal``."""

    def __init__(self, app: web.Application, refusal: Refusal, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._refusal = refusal

    async def _make_server(self) -> web.Server:
        return _Server(await super()._make_server(), self._refusal)
