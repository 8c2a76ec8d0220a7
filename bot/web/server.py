"""The analysts' board: a Telegram Mini App served from the bot's own process.

aiohttp runs in the bot's event loop (started and stopped with the Application), so
the API changes the log through the same door as the chat's commands (bot.flaglog):
the same rules, the same store operations, the same announcements in the group.
This module only reads requests and writes answers.

Every API request carries Telegram's ``initData`` (header ``Authorization: tma …``)
and the chat token from the board link (header ``X-Board-Chat``). A request that
cannot be trusted gets 401, a user outside the chat 403, and nothing changes.
"""

from __future__ import annotations

import html
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from typing import Any, Final
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot
from telegram.error import TelegramError

from bot import access, definitions, export, points, services, statement, text_rules, timezones
from bot.access import Actor
from bot.flag_input import parse_number
from bot.flaglog import Answer, Change, FlagLog, Refused, Why, refusal_text, unchanged_text
from bot.i18n import t
from bot.language import group_language, user_language
from bot.playbook import Lang, Term, as_lang
from bot.render import shorten
from bot.render_log import matched_entries
from bot.statement import Draft, to_docx, to_markdown, to_text
from bot.store import Flag, Point, Round, Status
from bot.web import hook, views
from bot.web.auth import AuthError, WebAppUser, chat_of_token, check_init_data
from bot.web.limits import ChangeLimit
from bot.web.protocol import BoardRunner

log = logging.getLogger(__name__)

AnyApplication = Any  # telegram.ext.Application[...]; aiohttp only carries it
PAGE_DEFAULT: Final = 50
PAGE_MAX: Final = 200
MAX_BODY: Final = 16 * 1024
# The page sends flat objects; a deeper body is refused before a handler reads it.
MAX_JSON_DEPTH: Final = 8
SERVER: Final = "playbook-bot"
MAX_UPDATE: Final = 1024 * 1024

# Telegram's script is the one asset the page may load from elsewhere; everything
# else is the bot's own, and no inline script or style is allowed at all.
CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self' https://telegram.org",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org",
    )
)
_STATIC_TYPES: Final = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True, slots=True)
class Caller:
    """A request that passed every check: who asks, about which chat, in which language."""

    user: WebAppUser
    chat_id: int
    lang: Lang
    actor: Actor


@dataclass
class Board:
    application: AnyApplication
    # Seconds since the epoch, as in initData's auth_date; replaced in tests.
    clock: Callable[[], float] = time.time
    titles: dict[int, str] = field(default_factory=dict)
    changes: ChangeLimit = field(default_factory=ChangeLimit)

    @property
    def svc(self) -> services.Services:
        return services.of_application(self.application)

    @property
    def bot(self) -> Bot:
        bot: Bot = self.application.bot
        return bot

    async def caller(self, request: web.Request) -> Caller:
        settings = self.svc.settings
        scheme, _, init_data = request.headers.get("Authorization", "").partition(" ")
        try:
            if scheme.lower() != "tma":
                raise AuthError("no Telegram sign-in data: open the board from Telegram")
            signed = check_init_data(
                init_data.strip(),
                settings.token(),
                max_age_s=settings.web_auth_max_age_s,
                now=self.clock(),
            )
            chat_id = chat_of_token(request.headers.get("X-Board-Chat", ""), settings.token())
        except AuthError as exc:
            raise ApiError(401, "unauthorized", str(exc)) from None
        if not await access.is_enrolled_chat(self.svc, chat_id):
            raise ApiError(403, "not_enrolled", "this chat no longer keeps a flag log")
        if not await self.is_member(chat_id, signed.user.id):
            raise ApiError(403, "not_member", "you are not a member of this chat")
        user = signed.user

        async def is_admin() -> bool:
            return await access.is_admin_of(self.bot, self.svc, chat_id, user.id)

        actor = Actor(user.id, user.full_name, user.username, is_admin=is_admin)
        return Caller(user, chat_id, await self.language(user), actor)

    async def is_member(self, chat_id: int, user_id: int, *, fail_closed: bool = False) -> bool:
        """Whether Telegram counts ``user_id`` in the chat; when Telegram cannot be
        asked, ApiError 503, or False with ``fail_closed``."""
        try:
            return (await self.svc.members.of(self.bot, chat_id, user_id)).is_member
        except TelegramError as exc:
            log.warning("could not ask Telegram about a member of chat %s: %s", chat_id, exc)
            if fail_closed:
                return False
            raise ApiError(
                503, "telegram_unavailable", "Telegram could not be asked; try again"
            ) from None

    async def language(self, user: WebAppUser) -> Lang:
        """The page is the reader's own, as a private chat (bot.language): /lang, else
        Telegram's."""
        svc = self.svc
        return await user_language(svc.require_store(), svc.settings, user.id, user.language_code)

    async def group_language(self, caller: Caller) -> Lang:
        """What the group reads, for what the board says there and for its exports."""
        svc = self.svc
        found = await group_language(svc.require_store(), svc.settings, caller.chat_id)
        return found or caller.lang

    def flag_log(self) -> FlagLog:
        return FlagLog(self.svc)

    async def chat_title(self, chat_id: int) -> str:
        if chat_id in self.titles:
            return self.titles[chat_id]
        title = await self.svc.require_store().chat_title(chat_id)
        if not title:
            try:
                title = (await self.bot.get_chat(chat_id)).title
            except TelegramError:
                title = None
        self.titles[chat_id] = title or str(chat_id)
        return self.titles[chat_id]


BOARD: Final = web.AppKey("board", Board)
# Where the running board is kept in the Application's bot_data, for handlers.
BOARD_DATA: Final = "web_board"
RUNNER_DATA: Final = "web_runner"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


def _secure(response: web.StreamResponse, *, api: bool) -> None:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    # Not aiohttp's default, which names its version and Python's.
    response.headers["Server"] = SERVER
    if api:
        response.headers["Cache-Control"] = "no-store"


def _unreadable(status: int) -> web.StreamResponse:
    """The answer to a request aiohttp could not read (bot.web.protocol)."""
    message = (
        "the request could not be read: a header or the request line is too long or malformed"
        if status < 500
        else "the request took too long"
    )
    response = _error(status, "unreadable", message)
    _secure(response, api=True)
    return response


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Security headers on everything; on the API, every failure as a JSON message.

    Server-Timing says how long the bot took, the figure bench/board_api.py reports.
    """
    started = time.perf_counter()
    try:
        response = await handler(request)
    except ApiError as exc:
        response = _error(exc.status, exc.code, exc.message)
        response.headers.update(exc.headers)
    except web.HTTPException as exc:
        # The page's own 404s carry the same headers as everything else.
        if request.path.startswith("/api/"):
            response = _error(exc.status, "http", exc.reason)
        else:
            response = web.Response(status=exc.status, text=exc.reason)
    except Exception:
        log.exception("the board failed on %s %s", request.method, request.path)
        response = _error(500, "internal", "something went wrong on the bot's side")
    _secure(response, api=request.path.startswith("/api/"))
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
    return response


# -- the API ----------------------------------------------------------------------------


def _board(request: web.Request) -> Board:
    return request.app[BOARD]


def _number(request: web.Request) -> int:
    raw = request.match_info.get("number", "")
    number = parse_number(raw)
    if number is None:
        raise ApiError(400, "bad_number", f"{shorten(raw, 20)!r} is not a flag number")
    return number


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if len(raw) > MAX_BODY:
        raise ApiError(413, "too_large", f"the request body is over {MAX_BODY} bytes")
    too_deep = ApiError(400, "too_deep", f"the JSON is nested over {MAX_JSON_DEPTH} levels")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_json", "the request body is not JSON") from None
    except RecursionError:
        raise too_deep from None
    if _nested_deeper(data, MAX_JSON_DEPTH):
        raise too_deep
    if not isinstance(data, dict):
        raise ApiError(400, "bad_json", "the request body must be a JSON object")
    return data


def _nested_deeper(value: Any, limit: int) -> bool:
    """Whether arrays and objects in ``value`` nest more than ``limit`` levels."""
    level: list[Any] = [value]
    for _ in range(limit):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
    return any(isinstance(item, dict | list) for item in level)


def _text_field(data: dict[str, Any], name: str) -> str:
    """The field as sent; whether the log keeps it is the flag log's to say."""
    value = data.get(name, "")
    if not isinstance(value, str):
        raise ApiError(400, "bad_field", f"{name} must be text")
    return value


async def _flag(board: Board, caller: Caller, number: int) -> Flag:
    found = await board.svc.require_store().get_flag(caller.chat_id, number)
    if found is None:
        raise ApiError(404, "not_found", f"there is no flag #{number} in this chat")
    return found


async def _record(
    board: Board, caller: Caller, flag: Flag, *, unchanged: str | None = None
) -> web.Response:
    """The flag's record; ``unchanged`` says that a change found it already so."""
    store = board.svc.require_store()
    history = await store.history(caller.chat_id, flag.number)
    earlier = None
    if flag.seen_before is not None:
        earlier = await store.get_flag(caller.chat_id, flag.seen_before)
    where = timezones.zone(await store.get_timezone(caller.chat_id)) if earlier else UTC
    playbook = board.svc.library.playbook
    # A term's card shows their definitions of it in this chat, as in the chat.
    defined = {
        entry.id: await definitions.for_card(store, caller.chat_id, entry)
        for entry in matched_entries(flag, playbook)
        if isinstance(entry, Term)
    }
    body = views.record_json(
        flag,
        history,
        playbook,
        caller.lang,
        can_judge=await access.may("verify", caller.actor, flag),
        can_change=await access.may("assign", caller.actor, flag),
        earlier=earlier,
        where=where,
        defined=defined,
    )
    if unchanged is not None:
        body["unchanged"] = True
        body["message"] = unchanged
    return web.json_response(body)


_REFUSED_STATUS: Final = {
    Why.NOT_FOUND: 404,
    Why.NOT_ALLOWED: 403,
    Why.EMPTY: 400,
    Why.BAD_TEXT: 400,
    Why.NOT_A_LINK: 400,
}


async def _answer(board: Board, caller: Caller, change: Change, answer: Answer) -> web.Response:
    """The flag log's answer to a change: the record, or why not, as the chat says it."""
    if isinstance(answer, Refused):
        status = _REFUSED_STATUS[answer.why]
        code = answer.why.value
        if answer.text is not None and answer.text.problem is text_rules.Problem.TOO_LONG:
            code = "too_long"
        raise ApiError(status, code, refusal_text(answer, caller.lang, in_chat=False))
    unchanged = None if answer.changed else unchanged_text(change, answer.flag, caller.lang)
    return await _record(board, caller, answer.flag, unchanged=unchanged)


SignedInHandler = Callable[[Board, Caller, web.Request], Awaitable[web.StreamResponse]]
FlagChange = Callable[[Board, Caller, int, dict[str, Any]], Awaitable[web.StreamResponse]]


def _signed_in(handler: SignedInHandler) -> Handler:
    """Only a request Telegram vouches for, from a member of the chat it names, reaches
    ``handler``; every other gets 401 or 403 (Board.caller) before anything is read."""

    async def checked(request: web.Request) -> web.StreamResponse:
        board = _board(request)
        caller = await board.caller(request)
        if request.method == "POST":
            wait_s = board.changes.wait_s((caller.chat_id, caller.user.id))
            if wait_s:
                message = t(caller.lang, "too_many_requests", seconds=wait_s)
                raise ApiError(429, "too_many", message, {"Retry-After": str(wait_s)})
        return await handler(board, caller, request)

    return checked


def _flag_change(handler: FlagChange) -> Handler:
    """POST /api/flags/{number}/…: a signed-in change to one flag of the caller's chat,
    with the flag's number and the request's JSON body."""

    @_signed_in
    async def on_flag(board: Board, caller: Caller, request: web.Request) -> web.StreamResponse:
        number = _number(request)
        return await handler(board, caller, number, await _body(request))

    return on_flag


@_signed_in
async def me(board: Board, caller: Caller, request: web.Request) -> web.Response:
    """Who the page is for: user, chat, role, labels, and the values filters offer."""
    store = board.svc.require_store()
    return web.json_response(
        {
            "user": {"id": caller.user.id, "name": caller.user.full_name},
            "chat": {"id": caller.chat_id, "title": await board.chat_title(caller.chat_id)},
            "lang": caller.lang,
            "admin": await caller.actor.is_admin(),
            "rounds": [r.name for r in await store.rounds(caller.chat_id)],
            "speakers": sorted(await store.speaker_names(caller.chat_id), key=str.casefold),
            "assignees": await store.assignees(caller.chat_id),
            **views.labels_json(caller.lang),
        }
    )


@_signed_in
async def list_flags(board: Board, caller: Caller, request: web.Request) -> web.Response:
    """The log, newest first, filtered; ``version`` unchanged answers "unchanged"."""
    store = board.svc.require_store()
    version = await store.log_version(caller.chat_id)
    query = request.query
    if query.get("version") == version:
        return web.json_response({"version": version, "unchanged": True})
    status = query.get("status") or None
    retracted: bool | None = None
    if status == "retracted":
        status, retracted = None, True
    elif status is not None:
        if status not in set(Status):
            raise ApiError(400, "bad_status", f"unknown status {shorten(status, 20)!r}")
        retracted = False
    try:
        limit = min(int(query.get("limit", PAGE_DEFAULT)), PAGE_MAX)
        offset = int(query.get("offset", 0))
    except ValueError:
        raise ApiError(400, "bad_page", "limit and offset must be whole numbers") from None
    if limit < 0 or offset < 0:
        raise ApiError(400, "bad_page", "limit and offset must not be negative")
    page = await store.board_flags(
        caller.chat_id,
        status=status,
        retracted=retracted,
        round_name=query.get("round") or None,
        speaker=query.get("speaker") or None,
        assignee=query.get("assignee") or None,
        query=query.get("q") or None,
        limit=limit,
        offset=offset,
    )
    return web.json_response(views.page_json(page, version))


@_signed_in
async def add_flag(board: Board, caller: Caller, request: web.Request) -> web.Response:
    """As /flag, for any member: the next number, matched against the playbook, and
    confirmed in the group like a flag made there ("Lavrov: …" names the speaker)."""
    statement = _text_field(await _body(request), "text")
    answer = await board.flag_log().flag(
        caller.chat_id, caller.actor, statement, message_id=None, announce_lang=caller.lang
    )
    response = await _answer(board, caller, Change.FLAG, answer)
    response.set_status(201)
    return response


@_signed_in
async def show_flag(board: Board, caller: Caller, request: web.Request) -> web.Response:
    return await _record(board, caller, await _flag(board, caller, _number(request)))


@_flag_change
async def set_verdict(
    board: Board, caller: Caller, number: int, data: dict[str, Any]
) -> web.Response:
    """As /verify: the same rule, the same store operation, the same notice."""
    raw_status = data.get("status")
    if not isinstance(raw_status, str) or raw_status not in set(Status):
        raise ApiError(400, "bad_status", f"status must be one of {', '.join(Status)}")
    note = _text_field(data, "note")
    answer = await board.flag_log().verdict(
        caller.chat_id, caller.actor, number, Status(raw_status), note
    )
    return await _answer(board, caller, Change.VERDICT, answer)


@_flag_change
async def add_note(board: Board, caller: Caller, number: int, data: dict[str, Any]) -> web.Response:
    note = _text_field(data, "note")
    answer = await board.flag_log().note(caller.chat_id, caller.actor, number, note)
    return await _answer(board, caller, Change.NOTE, answer)


@_flag_change
async def add_evidence(
    board: Board, caller: Caller, number: int, data: dict[str, Any]
) -> web.Response:
    """A link to the source that settles it, kept as a note so exports carry it."""
    url = _text_field(data, "url")
    answer = await board.flag_log().evidence(caller.chat_id, caller.actor, number, url)
    return await _answer(board, caller, Change.NOTE, answer)


@_flag_change
async def set_assignee(
    board: Board, caller: Caller, number: int, data: dict[str, Any]
) -> web.Response:
    """As /assign: by the flagger or a chat admin only, stored, and said in the group."""
    assignee = _text_field(data, "assignee")
    answer = await board.flag_log().assign(caller.chat_id, caller.actor, number, assignee)
    return await _answer(board, caller, Change.ASSIGN, answer)


@_flag_change
async def withdraw(board: Board, caller: Caller, number: int, data: dict[str, Any]) -> web.Response:
    """As /unflag: by the flagger or a chat admin. The flag keeps its number and stays
    in the log, struck through, with the reason in its history."""
    reason = _text_field(data, "reason")
    answer = await board.flag_log().retract(caller.chat_id, caller.actor, number, reason)
    return await _answer(board, caller, Change.RETRACT, answer)


@_signed_in
async def export_log(board: Board, caller: Caller, request: web.Request) -> web.Response:
    """As /export, for chat admins: CSV or Markdown, of one round or all."""
    if not await access.may("export", caller.actor):
        raise ApiError(403, "admins_only", "only chat admins may export the log")
    kind = request.query.get("format", "csv")
    if kind not in ("csv", "md"):
        raise ApiError(400, "bad_format", "format must be csv or md")
    store = board.svc.require_store()
    round_name = request.query.get("round") or None
    if round_name is not None:
        found = await store.find_round(caller.chat_id, round_name)
        if found is None:
            raise ApiError(404, "no_round", f"no round is called {shorten(round_name, 40)!r}")
        round_name = found.name
    flags = await store.export_flags(caller.chat_id, round_name)
    if not flags:
        # As /export: an empty file would look like a failed download.
        key = "export_empty" if round_name is None else "export_empty_round"
        raise ApiError(404, "empty", t(caller.lang, key, name=round_name or ""))
    histories = await store.history_for(caller.chat_id, [f.number for f in flags])
    where = timezones.zone(await store.get_timezone(caller.chat_id))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    lang = await board.group_language(caller)  # the file is the group's, as /export's
    if kind == "csv":
        titles = export.card_titles(flags, board.svc.library.playbook, lang)
        body = export.to_csv(flags, histories, where, lang=lang, titles=titles)
        content_type = "text/csv"
    else:
        title = await board.chat_title(caller.chat_id)
        prepared = await points.for_export(store, caller.chat_id, round_name)
        register = await definitions.for_export(store, caller.chat_id, round_name)
        body = export.markdown_report(
            flags,
            histories,
            prepared,
            register,
            chat_title=title,
            round_name=round_name,
            where=where,
            lang=lang,
            playbook=board.svc.library.playbook,
        )
        content_type = "text/markdown"
    return web.Response(
        body=body,
        content_type=content_type,
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="flags-{stamp}.{kind}"'},
    )


# -- talking points and the statement (issue 24) ------------------------------------------
# Every change goes through bot.points, as /points does in the chat: the same roles
# (access.COMMAND_ROLES), the same checks of the text, the same history.

_POINT_REFUSALS: Final = {
    "admins_only": (403, "admins_only", "only chat admins may edit, move or remove talking points"),
    "point_gone": (404, "point_gone", "that talking point is no longer on the list"),
    "point_not_found": (404, "point_gone", "that talking point is no longer on the list"),
    "points_usage": (400, "empty", "the talking point is empty"),
    "point_bad_text": (400, "bad_text", "the text has a character that cannot be kept"),
}


def _refused(refusal: points.Refusal) -> ApiError:
    if refusal.key == "point_too_long":
        limit = refusal.values.get("limit", points.MAX_POINT_CHARS)
        return ApiError(400, "too_long", f"a talking point can be at most {limit} characters")
    status, code, message = _POINT_REFUSALS.get(
        refusal.key, (400, refusal.key, "the talking point was not changed")
    )
    return ApiError(status, code, message)


def _point_id(request: web.Request) -> int:
    raw = request.match_info.get("point", "")
    if not raw.isdecimal() or len(raw) > 9 or int(raw) <= 0:
        raise ApiError(400, "bad_point", f"{shorten(raw, 20)!r} is not a talking point")
    return int(raw)


def _point_text(data: dict[str, Any]) -> str:
    """The text as sent: bot.points checks it (and refuses what it cannot keep)."""
    value = data.get("text", "")
    if not isinstance(value, str):
        raise ApiError(400, "bad_field", "text must be text")
    return value


async def _points_listing(board: Board, caller: Caller) -> web.Response:
    shown = await points.listing(board.svc.require_store(), caller.chat_id)
    can_manage = await points.may("points edit", caller.actor.is_admin)
    return web.json_response(
        {
            "round": None if shown.round is None else shown.round.name,
            "can_manage": can_manage,
            "points": [
                {
                    "id": point.id,
                    "number": number,
                    "text": point.text,
                    "by": point.proposed_by_name,
                    "at": point.created_at.isoformat(timespec="seconds"),
                }
                for number, point in enumerate(shown.points, 1)
            ],
        }
    )


def _point_actor(board: Board, caller: Caller) -> dict[str, Any]:
    who = caller.actor
    return {"by_id": who.id, "by_name": who.name, "is_admin": caller.actor.is_admin}


@_signed_in
async def list_points(board: Board, caller: Caller, request: web.Request) -> web.Response:
    """As /points: the open round's points, else those for the next round, numbered."""
    return await _points_listing(board, caller)


@_signed_in
async def add_point(board: Board, caller: Caller, request: web.Request) -> web.Response:
    """As /points add, for any member."""
    text = _point_text(await _body(request))
    store = board.svc.require_store()
    added = await points.propose(store, caller.chat_id, text, **_point_actor(board, caller))
    if isinstance(added, points.Refusal):
        raise _refused(added)
    response = await _points_listing(board, caller)
    response.set_status(201)
    return response


@_signed_in
async def change_point(board: Board, caller: Caller, request: web.Request) -> web.Response:
    """As ✏️, ⬆️ and 🗑 under /points: for chat admins, the point named by its id."""
    point_id = _point_id(request)
    data = await _body(request)
    store = board.svc.require_store()
    mine = _point_actor(board, caller)
    action = request.match_info["action"]
    outcome: Point | list[Point] | points.Refusal
    if action == "edit":
        text = _point_text(data)
        outcome = await points.edit(store, caller.chat_id, point_id, text, which_is_id=True, **mine)
    elif action == "remove":
        outcome = await points.remove(store, caller.chat_id, point_id, which_is_id=True, **mine)
    else:
        to = data.get("to")
        if not isinstance(to, int) or isinstance(to, bool) or not 0 < to < 10**6:
            raise ApiError(400, "bad_place", "to must be the point's new number on the list")
        outcome = await points.move(store, caller.chat_id, point_id, to, which_is_id=True, **mine)
    if isinstance(outcome, points.Refusal):
        raise _refused(outcome)
    return await _points_listing(board, caller)


async def _statement_round(board: Board, caller: Caller, request: web.Request) -> Round:
    """The round a statement request names (by id), the last one by default; only for
    those who may draft it (as /statement)."""
    if not await points.may("statement", caller.actor.is_admin):
        raise ApiError(403, "admins_only", "only chat admins may draft the statement")
    rounds = await board.svc.require_store().rounds(caller.chat_id)
    if not rounds:
        raise ApiError(404, "no_round", "this chat has no rounds yet, so there is nothing to draft")
    raw = request.query.get("round", "")
    if not raw:
        return rounds[-1]
    chosen = next((r for r in rounds if raw.isdecimal() and r.id == int(raw)), None)
    if chosen is None:
        raise ApiError(404, "no_round", f"there is no round {shorten(raw, 20)!r} in this chat")
    return chosen


def _statement_lang(request: web.Request, caller: Caller) -> Lang:
    return as_lang(request.query.get("lang")) or caller.lang


async def _statement_draft(
    board: Board, caller: Caller, request: web.Request
) -> tuple[Round, Lang, Draft]:
    chosen = await _statement_round(board, caller, request)
    lang = _statement_lang(request, caller)
    store, playbook = board.svc.require_store(), board.svc.library.playbook
    made = await statement.draft_for_round(store, playbook, caller.chat_id, chosen, lang)
    return chosen, lang, made


@_signed_in
async def show_statement(board: Board, caller: Caller, request: web.Request) -> web.Response:
    """As /statement: the draft in plain text, exactly the words the chat is sent."""
    chosen, lang, made = await _statement_draft(board, caller, request)
    rounds = await board.svc.require_store().rounds(caller.chat_id)
    if made.is_empty:
        text = html.unescape(t(lang, "statement_nothing", name=chosen.name))
        if made.left_out:
            numbers = ", ".join(f"#{number}" for number in made.left_out)
            left_out = t(lang, "statement_left_out", count=len(made.left_out), numbers=numbers)
            text += "\n" + html.unescape(left_out)
    else:
        text = to_text(made)
    return web.json_response(
        {
            "round": {"id": chosen.id, "name": chosen.name},
            "rounds": [{"id": r.id, "name": r.name} for r in reversed(rounds)],
            "lang": lang,
            "empty": made.is_empty,
            "left_out": list(made.left_out),
            "text": text,
        }
    )


@_signed_in
async def statement_file(board: Board, caller: Caller, request: web.Request) -> web.Response:
    """The draft as the files /statement sends: Markdown or Word."""
    kind = request.query.get("format", "md")
    if kind not in ("md", "docx"):
        raise ApiError(400, "bad_format", "format must be md or docx")
    chosen, lang, made = await _statement_draft(board, caller, request)
    if made.is_empty:
        raise ApiError(404, "empty", html.unescape(t(lang, "statement_nothing", name=chosen.name)))
    if kind == "md":
        body, content_type = to_markdown(made), "text/markdown"
    else:
        body = to_docx(made)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    name = statement.filename(chosen, lang, kind)
    return web.Response(
        body=body,
        content_type=content_type,
        charset="utf-8" if kind == "md" else None,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# -- the register of their definitions (issue 23) ----------------------------------------
# Read and added through bot.definitions, as /define does in the chat: the same role,
# the same checks of the term, the speaker and the text, the same round.

_DEFINITION_REFUSALS: Final = {
    "admins_only": (403, "admins_only", "only chat admins may record definitions"),
    "define_usage": (400, "empty", "the term is empty"),
    "define_empty": (400, "empty", "the definition is empty"),
    "define_bad_text": (400, "bad_text", "the text has a character that cannot be kept"),
}


def _definition_refused(refusal: points.Refusal) -> ApiError:
    if refusal.key.endswith("too_long"):
        limit = refusal.values.get("limit")
        what = {
            "define_term_too_long": "a term",
            "define_speaker_too_long": "who said it",
        }.get(refusal.key, "a definition")
        return ApiError(400, "too_long", f"{what} can be at most {limit} characters")
    status, code, message = _DEFINITION_REFUSALS.get(
        refusal.key, (400, refusal.key, "the definition was not recorded")
    )
    return ApiError(status, code, message)


async def _register(board: Board, caller: Caller) -> dict[str, Any]:
    store = board.svc.require_store()
    records = await definitions.whole_register(store, caller.chat_id)
    can_add = await definitions.may("define", caller.actor.is_admin)
    playbook = board.svc.library.playbook
    return views.register_json(records, playbook, caller.lang, can_add=can_add)


@_signed_in
async def list_definitions(board: Board, caller: Caller, request: web.Request) -> web.Response:
    """As /define term for every term at once, and /asked: the chat's whole register."""
    return web.json_response(await _register(board, caller))


@_signed_in
async def add_definition(board: Board, caller: Caller, request: web.Request) -> web.Response:
    """As /define term (who): text, for any member: the term, who said it (optional)
    and what they said it means, as fields."""
    data = await _body(request)
    speaker = _text_field(data, "speaker") if data.get("speaker") is not None else None
    typed = definitions.named(_text_field(data, "term"), speaker)
    if isinstance(typed, points.Refusal):
        raise _definition_refused(typed)
    about = definitions.subject(board.svc.library.index, typed.phrase)
    recorded = await definitions.record(
        board.svc.require_store(),
        caller.chat_id,
        about,
        _text_field(data, "text"),
        speaker=typed.speaker,
        by_id=caller.actor.id,
        by_name=caller.actor.name,
        is_admin=caller.actor.is_admin,
    )
    if isinstance(recorded, points.Refusal):
        raise _definition_refused(recorded)
    body = await _register(board, caller)
    # Which term it went to (a playbook term found by search) and in which round.
    body["recorded"] = {"key": about.key, "round": recorded.round_name}
    return web.json_response(body, status=201)


@_signed_in
async def add_ask(board: Board, caller: Caller, request: web.Request) -> web.Response:
    """As /asked term, for any member: the team asked them to define it; it stays
    "asked, not yet defined" until a definition is recorded."""
    typed = definitions.named(_text_field(await _body(request), "term"), None)
    if isinstance(typed, points.Refusal):
        raise _definition_refused(typed)
    about = definitions.subject(board.svc.library.index, typed.phrase)
    asked = await definitions.ask(
        board.svc.require_store(),
        caller.chat_id,
        about,
        by_id=caller.actor.id,
        by_name=caller.actor.name,
        is_admin=caller.actor.is_admin,
    )
    if isinstance(asked, points.Refusal):
        raise _definition_refused(asked)
    body = await _register(board, caller)
    body["asked_now"] = {"key": about.key, "round": asked.round_name}
    return web.json_response(body, status=201)


# -- the page ---------------------------------------------------------------------------


def _static_files() -> dict[str, tuple[bytes, str]]:
    """The page's files, read once: served from memory, no path ever touches the disk."""
    folder = resources.files("bot.web") / "static"
    files = {}
    for item in folder.iterdir():
        suffix = "." + item.name.rsplit(".", 1)[-1]
        if item.is_file() and suffix in _STATIC_TYPES:
            files[item.name] = (item.read_bytes(), _STATIC_TYPES[suffix])
    return files


def _static_handler(files: dict[str, tuple[bytes, str]]) -> Handler:
    async def serve(request: web.Request) -> web.Response:
        name = request.match_info.get("name", "index.html")
        found = files.get(name)
        if found is None:
            raise web.HTTPNotFound()
        body, content_type = found
        return web.Response(
            body=body,
            content_type=content_type,
            charset="utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    return serve


async def _not_found(request: web.Request) -> web.Response:
    raise ApiError(404, "no_such_api", "no such API call")


def make_app(board: Board) -> web.Application:
    # Telegram's updates (webhook mode) can be far larger than anything the page sends;
    # the page's bodies are held to MAX_BODY in _body.
    app = web.Application(middlewares=[_guard], client_max_size=MAX_UPDATE)
    app[BOARD] = board
    serve = _static_handler(_static_files())
    app.add_routes(
        [
            web.get("/", serve),
            web.get("/static/{name}", serve),
            web.get("/api/me", me),
            web.get("/api/flags", list_flags),
            web.post("/api/flags", add_flag),
            web.get("/api/flags/{number}", show_flag),
            web.post("/api/flags/{number}/verdict", set_verdict),
            web.post("/api/flags/{number}/note", add_note),
            web.post("/api/flags/{number}/evidence", add_evidence),
            web.post("/api/flags/{number}/assignee", set_assignee),
            web.post("/api/flags/{number}/withdraw", withdraw),
            web.get("/api/export", export_log),
            web.get("/api/points", list_points),
            web.post("/api/points", add_point),
            web.post("/api/points/{point}/{action:edit|move|remove}", change_point),
            web.get("/api/statement", show_statement),
            web.get("/api/statement/file", statement_file),
            web.get("/api/definitions", list_definitions),
            web.post("/api/definitions", add_definition),
            web.post("/api/definitions/asked", add_ask),
            web.route("*", "/api/{tail:.*}", _not_found),
        ]
    )
    settings = board.svc.settings
    if settings.webhook_url:
        path = urlsplit(settings.webhook_url).path or "/"
        app.router.add_post(path, hook.handler(board.application))
    return app


async def start(application: AnyApplication) -> None:
    """Serve the board on WEB_LISTEN:WEB_PORT in the running loop."""
    settings = services.of_application(application).settings
    board = Board(application)
    runner = BoardRunner(make_app(board), _unreadable, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.web_listen, settings.web_port)
    await site.start()
    application.bot_data[BOARD_DATA] = board
    application.bot_data[RUNNER_DATA] = runner
    log.info(
        "board served on %s:%s for %s", settings.web_listen, settings.web_port, settings.web_app_url
    )


async def stop(application: AnyApplication) -> None:
    """Stop taking requests; those under way finish first (aiohttp's shutdown)."""
    runner: web.AppRunner | None = application.bot_data.pop(RUNNER_DATA, None)
    if runner is not None:
        await runner.cleanup()
