"""``build_application(settings)``: the one place the bot is assembled."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence
from urllib.parse import urlsplit

import httpx
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, Defaults
from telegram.request import HTTPXRequest

from bot import services
from bot.config import Settings
from bot.context import CONTEXT_TYPES, AnyApplication
from bot.flood import FloodControl
from bot.handlers import (
    admin,
    board_app,
    chat_settings,
    definitions,
    errors,
    flag_log,
    flags,
    inline,
    lookup,
    people,
    points,
    timeline,
    transcript,
    unreadable,
    watch,
)
from bot.i18n import t
from bot.language import menu_languages
from bot.ordering import PerChatOrder
from bot.playbook import Lang
from bot.polling import AcknowledgeWhenHandled
from bot.sender import Sender
from bot.services import Library, Services
from bot.store import Store
from bot.webhook import AnsweredWhenHandled

log = logging.getLogger(__name__)


PRIVATE_COMMANDS = (
    "start", "help", "principles", "principle", "terms", "term", "tactics", "tactic",
    "claims", "claim", "search", "who", "timeline", "check", "lang",
)  # fmt: skip
GROUP_COMMANDS = (
    "flag", "verify", "assign", "unflag", "log", "show", "find", "round", "summary",
    "export", "board", "principle", "term", "tactic", "claim", "search", "who", "timeline",
    "watch", "settings", "lang", "help", "points", "statement", "define", "asked", "check",
)  # fmt: skip


# The update types the handlers registered in build_application() take: Telegram is
# asked for these only (tests/test_startup_requests.py checks the list against the handlers).
UPDATE_TYPES = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
    Update.MY_CHAT_MEMBER,
)

_MENUS_TASK = "command menus task"


def command_menu(names: tuple[str, ...], lang: Lang) -> list[BotCommand]:
    return [BotCommand(name, t(lang, f"cmd_{name}")) for name in names]


async def _post_init(application: AnyApplication) -> None:
    svc = services.of_application(application)
    svc.store = await Store.open(svc.settings.database_path)
    bot = application.bot
    await svc.require_sender().start(bot)
    if svc.settings.web_app_url:
        from bot.web import server  # aiohttp is imported only where the board is on

        await server.start(application)
    # Nothing an update needs waits for the menus: polling starts while they are set.
    application.bot_data[_MENUS_TASK] = asyncio.create_task(
        _set_command_menus(application), name="command menus"
    )
    _watch_sighup(application)
    log.info("ready as @%s", bot.username)


async def _set_command_menus(application: AnyApplication) -> None:
    """Set the menus Telegram does not already show: on a restart, none."""
    bot = application.bot
    default = services.of_application(application).settings.default_language
    menus = [
        (command_menu(names, lang), scope, code)
        for code, lang in menu_languages(default)
        for names, scope in (
            (PRIVATE_COMMANDS, BotCommandScopeAllPrivateChats()),
            (GROUP_COMMANDS, BotCommandScopeAllGroupChats()),
        )
    ]
    # Independent calls, sent together: one round trip for the reads, one for the writes.
    shown = await asyncio.gather(
        *(bot.get_my_commands(scope=scope, language_code=code) for _, scope, code in menus),
        return_exceptions=True,
    )
    stale = [
        menu
        for menu, now in zip(menus, shown, strict=True)
        if isinstance(now, BaseException) or _said(now) != _said(menu[0])
    ]
    results = await asyncio.gather(
        *(
            bot.set_my_commands(commands, scope=scope, language_code=code)
            for commands, scope, code in stale
        ),
        return_exceptions=True,
    )
    failed = [result for result in results if isinstance(result, BaseException)]
    if failed:
        # The bot works without its menus; they are set again at the next start.
        log.warning("command menus not set: %s", failed[0])


def _said(commands: Sequence[BotCommand]) -> list[tuple[str, str]]:
    return [(command.command, command.description) for command in commands]


def _watch_sighup(application: AnyApplication) -> None:
    """SIGHUP re-reads the content, as /reload does; invalid content is not taken."""
    svc = services.of_application(application)

    def reload() -> None:
        problem = svc.reload()
        if problem is None:
            log.info("content reloaded: %s", svc.library.playbook.counts())
        else:
            log.error("content reload refused, still serving the old content:\n%s", problem)

    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, reload)


async def _post_stop(application: AnyApplication) -> None:
    """Handlers are done; say what can still be said while the connection is open."""
    svc = services.of_application(application)
    menus = application.bot_data.pop(_MENUS_TASK, None)
    if menus is not None:
        menus.cancel()  # a stop within the first round trip: they are set next time
        with contextlib.suppress(asyncio.CancelledError):
            await menus
    # The board first: a verdict given there still has its notice sent below.
    await _stop_board(application)
    if svc.sender is not None:
        await svc.sender.stop()


async def _stop_board(application: AnyApplication) -> None:
    if services.of_application(application).settings.web_app_url:
        from bot.web import server

        await server.stop(application)


async def _post_shutdown(application: AnyApplication) -> None:
    svc = services.of_application(application)
    await _stop_board(application)  # if post_stop never ran
    if svc.store is not None:
        await svc.store.close()
        svc.store = None


def build_application(settings: Settings, library: Library | None = None) -> AnyApplication:
    """Assemble the bot. Content is loaded first, so bad content fails before any network."""
    library = library or Library.load(settings.content_dir)
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        # A command deleted before its answer went out still gets the answer.
        allow_sending_without_reply=True,
    )
    # One TLS context for both connections to Telegram: building one reads the whole
    # certificate bundle, a visible share of start-up.
    tls = httpx.create_ssl_context()
    get_updates_request = AcknowledgeWhenHandled(
        HTTPXRequest(connection_pool_size=1, httpx_kwargs={"verify": tls})
    )
    builder = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.bot_api_url.removesuffix("/bot") + "/file/bot")
        .defaults(defaults)
        .context_types(CONTEXT_TYPES)
        # The pool size python-telegram-bot gives its own default request.
        .request(HTTPXRequest(connection_pool_size=256, httpx_kwargs={"verify": tls}))
        .get_updates_request(get_updates_request)
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if settings.webhook_url:
        webhook_queue = AnsweredWhenHandled()
        builder = builder.update_queue(webhook_queue).concurrent_updates(
            PerChatOrder(on_handled=webhook_queue.handled)
        )
    else:
        builder = builder.concurrent_updates(PerChatOrder())
    # Per-chat flood budgets (off only against a local fake Bot API without limits);
    # a 429 pauses the chat it concerns, not the whole bot.
    flood = FloodControl(enabled=settings.throttle)
    builder = builder.rate_limiter(flood)  # type: ignore[arg-type]
    application = builder.build()
    get_updates_request.queue = application.update_queue
    svc = Services(settings=settings, library=library)
    svc.sender = Sender(
        flood,
        settings=settings,
        store=svc.require_store,
        playbook=lambda: svc.library.playbook,
    )
    application.bot_data[services.KEY] = svc
    unreadable.register(application)
    lookup.register(application)
    inline.register(application)
    people.register(application)
    timeline.register(application)
    if settings.web_app_url:
        board_app.register(application)
    flags.register(application)
    flag_log.register(application)
    points.register(application)
    definitions.register(application)
    transcript.register(application)
    admin.register(application)
    watch.register(application)
    chat_settings.register(application)
    lookup.register_fallbacks(application)
    errors.register(application)
    return application


def run_application(application: AnyApplication, settings: Settings) -> int:
    """Serve until SIGINT/SIGTERM; in-flight updates finish and the database closes.

    Returns the process exit code: EXIT_CONFLICT when another process polls with the
    same token (see handlers.errors).
    """
    if settings.webhook_url and settings.web_app_url:
        # One server for the board and Telegram's updates (bot.web.hook).
        from bot.web import hook, server

        asyncio.run(hook.serve(application, server.stop, UPDATE_TYPES))
    elif settings.webhook_url:
        path = urlsplit(settings.webhook_url).path.lstrip("/")
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=path,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value() or None,
            allowed_updates=UPDATE_TYPES,
        )
    else:
        application.run_polling(allowed_updates=UPDATE_TYPES)
    code: int = application.bot_data.get(errors.EXIT_CODE_KEY, 0)
    return code
