"""Webhook mode with the board on: Telegram's updates come to the board's own server.

python-telegram-bot's run_webhook starts a server of its own; with the board on,
that would be two servers and two ports for one bot. So the bot then runs the
Application itself (PTB's custom-webhook pattern): the board's aiohttp server also
takes ``POST <path of WEBHOOK_URL>``. The update goes into the Application's queue,
which in webhook mode returns only once the update is handled (bot.webhook), so
Telegram is answered 200 only then, as with run_webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import web
from telegram import Update

from bot import services

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def handler(application: Any) -> Callable[[web.Request], Awaitable[web.Response]]:
    """``POST <path of WEBHOOK_URL>`` on the board's server (bot.web.server)."""
    settings = services.of_application(application).settings
    secret = settings.webhook_secret.get_secret_value()

    async def take_update(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if secret and not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403, text="wrong secret token")
        try:
            data = await request.json()
        except ValueError:
            return web.Response(status=400, text="not JSON")
        update = Update.de_json(data, application.bot) if isinstance(data, dict) else None
        if update is None:
            return web.Response(status=400, text="not an update")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    return take_update


async def serve(
    application: Any,
    stop_server: Callable[[Any], Awaitable[None]],
    allowed_updates: Sequence[str],
) -> None:
    """Run the Application with the board taking its updates, until SIGINT or SIGTERM;
    the same order of start and stop as run_webhook. ``stop_server`` is the board's
    (bot.web.server.stop), which serves this module's handler; ``allowed_updates``
    the update types the handlers take (bot.app.UPDATE_TYPES)."""
    settings = services.of_application(application).settings
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stopping.set)
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)  # starts the board's server
        await application.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value() or None,
            allowed_updates=allowed_updates,
        )
        await application.start()
        log.info("taking updates at %s", settings.webhook_url)
        await stopping.wait()
    finally:
        # Updates under way are answered first: the server waits for its handlers,
        # which wait for the Application, still running.
        await stop_server(application)
        if application.running:
            await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
