"""A fake Telegram Bot API server for tests.

Why a real HTTP server instead of a mocked ``Bot``: the bot under test then runs the real
python-telegram-bot stack (HTTPXRequest, parameter encoding, error mapping, the polling loop),
so a test exercises what runs in production and only Telegram itself is replaced.

The server runs in a background thread (``ThreadingHTTPServer``), independent of the test's
asyncio loop: a long-polling ``getUpdates`` never blocks the test, and many requests can be
open at once. Shared state is guarded by one lock; tests read snapshots.

It answers like Telegram, including its refusals (bad HTML, texts too long, callback data too
big, "message is not modified", unknown messages, ...). Every refusal is recorded in
``.rejections``, so a test can end with ``assert api.rejections == []``.

Typical use::

    with FakeBotAPI() as api:
        app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
        ...  # start the application and polling
        ann = api.user(42, "Ann")
        api.send_text(42, ann, "/start")
        call = await api.wait_for("sendMessage")
        assert api.rejections == []
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import math
import re
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, overload
from urllib.parse import parse_qsl, unquote, urlsplit

from . import telegram_rules as rules

JSONDict = dict[str, Any]
ChatRef = int | JSONDict
UserRef = int | JSONDict

NOT_FOUND = "Not Found"
UNAUTHORIZED = "Unauthorized"
CONFLICT_GET_UPDATES = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
MESSAGE_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
MESSAGE_TO_EDIT_NOT_FOUND = "Bad Request: message to edit not found"
MESSAGE_TO_REPLY_NOT_FOUND = "Bad Request: message to be replied not found"
MESSAGE_CANT_BE_EDITED = "Bad Request: message can't be edited"
NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CHAT_ID_EMPTY = "Bad Request: chat_id is empty"
CHAT_NOT_FOUND = "Bad Request: chat not found"
WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"
NO_DOCUMENT = "Bad Request: there is no document in the request"
EMPTY_FILE = "Bad Request: file must be non-empty"
FILE_TOO_BIG = "Bad Request: file is too big"
INVALID_FILE_ID = "Bad Request: invalid file_id"
# Bots may download files of up to 20 MB (getFile); larger ones Telegram refuses.
MAX_DOWNLOAD = 20 * 1024 * 1024

# Update types Telegram leaves out unless allowed_updates names them explicitly.
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})

# Form and multipart values are strings; PTB JSON-encodes every non-string value. These
# parameters are strings in the Bot API and must never be JSON-decoded (a text "123" or a
# callback_query_id "7" would otherwise turn into numbers).
STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "query",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "ip_address",
        "next_offset",
        "switch_pm_text",
        "switch_pm_parameter",
        "language_code",
        "title",
        "description",
        "short_description",
        "name",
        "emoji",
        "action",
        "custom_title",
        "business_connection_id",
        "message_effect_id",
        "file_id",
        "document",
        "photo",
        "audio",
        "video",
        "animation",
        "voice",
        "video_note",
        "sticker",
        "thumbnail",
        "question",
        "explanation",
        "address",
        "first_name",
        "last_name",
        "phone_number",
        "vcard",
        "payload",
        "currency",
        "start_parameter",
        "invite_link",
        "web_app_query_id",
        "error_message",
        "game_short_name",
    }
)
# Object parameters a JSON body may still carry as JSON-encoded strings.
OBJECT_PARAMS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "entities",
        "caption_entities",
        "link_preview_options",
        "results",
        "commands",
        "scope",
        "allowed_updates",
        "button",
    }
)

_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)
_RESTRICTED_RIGHTS = (
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_send_messages",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_manage_topics",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_edit_tag",
)
_MESSAGE_UPDATE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post")
_LEADING_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/<>])")


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Call:
    """One request the bot made, recorded when the server answered it."""

    index: int
    method: str
    params: JSONDict
    status: int
    response: JSONDict
    files: dict[str, UploadedFile] = field(default_factory=dict)
    # time.monotonic() when it was answered: when a user would see what it did.
    at: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == HTTPStatus.OK

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        description = self.response.get("description")
        return str(description) if description is not None else None

    def summary(self) -> str:
        """One readable line, for assertion messages."""
        shown: dict[str, Any] = {
            k: self.params[k] for k in ("chat_id", "message_id", "data") if k in self.params
        }
        for key in ("text", "caption", "callback_query_id"):
            if key in self.params:
                value = str(self.params[key])
                shown[key] = value if len(value) <= 60 else value[:57] + "..."
        files = f" files={sorted(self.files)}" if self.files else ""
        outcome = "ok" if self.ok else f"{self.status} {self.description}"
        return f"#{self.index} {self.method} {shown}{files} -> {outcome}"


@dataclass(frozen=True)
class Rejection:
    """A request Telegram would have refused (not counting faults a test scripted)."""

    method: str
    params: JSONDict
    status: int
    description: str


class ApiError(Exception):
    """An error answer; raised by method handlers, also used for scripted faults."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


BOT_KICKED = "Forbidden: bot was kicked from the group chat"
BOT_BLOCKED = "Forbidden: bot was blocked by the user"

# What Telegram counts against a chat's flood budget: everything that posts or changes
# a message in it. Answers to callback and inline queries, getUpdates and look-ups are
# not counted.
FLOOD_COUNTED = frozenset(
    {
        "sendmessage",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
        "senddocument",
        "sendphoto",
        "sendchataction",
        "setmessagereaction",
        "pinchatmessage",
        "unpinchatmessage",
        "deletemessage",
    }
)


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's flood limits, as its answers show them (it does not publish exact rules).

    A group or supergroup takes ``group_per_second`` messages in any sliding second and
    ``group_per_minute`` in any sliding minute; a private chat about one a second after a
    short burst; the bot as a whole ``overall_per_second``. Past a limit Telegram answers
    429 with ``retry_after``, in whole seconds, until there is room.
    """

    group_per_second: int = 1
    group_per_minute: int = 20
    private_per_second: float = 1.0
    private_burst: int = 3
    overall_per_second: int = 30
    # Seconds in Telegram's "minute" and "second": less in tests of other things that
    # would otherwise wait for the real clock (see FakeBotAPI.speed_up_time).
    minute_s: float = 60.0
    second_s: float = 1.0


TELEGRAM_LIMITS = FloodLimits()


class FloodMeter:
    """Counts what the bot sends per chat and overall; says how long until there is room."""

    def __init__(self, limits: FloodLimits) -> None:
        self.limits = limits
        self._group: dict[int, deque[float]] = defaultdict(deque)
        self._group_second: dict[int, deque[float]] = defaultdict(deque)
        self._private: dict[int, tuple[float, float]] = {}  # tokens, at
        self._overall: deque[float] = deque()

    def wait_needed(self, chat_id: int | None, now: float) -> float:
        """Seconds until this request would fit; 0 when it fits now (and is counted)."""
        limits = self.limits
        second, minute = limits.second_s, limits.minute_s
        waits = [_window_wait(self._overall, limits.overall_per_second, second, now)]
        if chat_id is not None and chat_id < 0:
            waits.append(_window_wait(self._group[chat_id], limits.group_per_minute, minute, now))
            waits.append(
                _window_wait(self._group_second[chat_id], limits.group_per_second, second, now)
            )
        elif chat_id is not None:
            rate = limits.private_per_second / second
            tokens, at = self._private.get(chat_id, (float(limits.private_burst), now))
            tokens = min(limits.private_burst, tokens + (now - at) * rate)
            self._private[chat_id] = (tokens, now)
            if tokens < 1:
                waits.append((1 - tokens) / rate)
        wait = max(waits)
        if wait > 0:
            return wait
        self._overall.append(now)
        if chat_id is not None and chat_id < 0:
            self._group[chat_id].append(now)
            self._group_second[chat_id].append(now)
        elif chat_id is not None:
            tokens, _ = self._private[chat_id]
            self._private[chat_id] = (tokens - 1, now)
        return 0.0


def _window_wait(sent: deque[float], limit: int, window: float, now: float) -> float:
    while sent and sent[0] <= now - window:
        sent.popleft()
    return 0.0 if len(sent) < limit else sent[0] + window - now


def _default_description(status: int, retry_after: int) -> str:
    known = {
        400: "Bad Request",
        401: UNAUTHORIZED,
        403: "Forbidden: bot was blocked by the user",
        404: NOT_FOUND,
        409: CONFLICT_GET_UPDATES,
        429: f"Too Many Requests: retry after {retry_after}",
        500: "Internal Server Error",
        502: "Bad Gateway",
    }
    if status in known:
        return known[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


# ---------------------------------------------------------------------------------------------
# Request decoding (how PTB and other clients send parameters)
# ---------------------------------------------------------------------------------------------


def decode_form_value(name: str, raw: str) -> Any:
    """Undo PTB's form encoding: non-string values arrive JSON-encoded, strings arrive raw."""
    if name in STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def parse_request(
    content_type: str, body: bytes, query: str = ""
) -> tuple[JSONDict, dict[str, UploadedFile]]:
    """Parameters and uploaded files of a Bot API request, whatever its encoding.

    Telegram accepts a query string, application/json, x-www-form-urlencoded and multipart;
    PTB uses form-urlencoded, or multipart when it uploads a file. Raises ValueError.
    """
    params: JSONDict = {k: decode_form_value(k, v) for k, v in parse_qsl(query, True)}
    files: dict[str, UploadedFile] = {}
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json":
        decoded = json.loads(body or b"{}")
        if not isinstance(decoded, dict):
            raise ValueError("the JSON body must be an object")
        for key, value in decoded.items():
            params[key] = _decode_nested_json(key, value)
    elif media_type == "multipart/form-data":
        fields, files = _parse_multipart(content_type, body)
        params.update({k: decode_form_value(k, v) for k, v in fields.items()})
    elif body:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        params.update({k: decode_form_value(k, v) for k, v in pairs})
    return params, files


def _decode_nested_json(name: str, value: Any) -> Any:
    if name in OBJECT_PARAMS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """A small multipart/form-data reader (the stdlib's ``cgi`` is deprecated)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        raise ValueError("multipart body without boundary")
    delimiter = b"--" + match.group(1).encode("latin-1")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        headers = _part_headers(head.decode("utf-8", "replace"))
        disposition = headers.get("content-disposition", "")
        name = _header_param(disposition, "name") or ""
        filename = _header_param(disposition, "filename")
        if filename is None:
            fields[name] = data.decode("utf-8")
        else:
            part_type = headers.get("content-type", "application/octet-stream")
            files[name] = UploadedFile(name, filename, part_type, data)
    return fields, files


def _part_headers(head: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in head.split("\r\n"):
        key, sep, value = line.partition(":")
        if sep:
            headers[key.strip().lower()] = value.strip()
    return headers


def _header_param(header: str, name: str) -> str | None:
    """A quoted parameter of Content-Disposition, undoing httpx's HTML5-style escaping."""
    match = re.search(rf'(?:^|;)\s*{name}="((?:[^"\\]|\\.)*)"', header)
    if not match:
        return None
    value = match.group(1).replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")
    return value.replace("\\\\", "\\")


# ---------------------------------------------------------------------------------------------
# The HTTP layer
# ---------------------------------------------------------------------------------------------


def answer_bytes(payload: Any) -> bytes:
    """The fake's JSON answer. A lone surrogate, which a test's update may carry and an
    answer then echoes (the message a reply quotes), goes out as its JSON escape, as
    Telegram writes every character outside ASCII."""
    return json.dumps(payload, ensure_ascii=False).encode("utf-8", "backslashreplace")


class _RequestHandler(BaseHTTPRequestHandler):
    """Hands each request to the FakeBotAPI; one thread per connection.

    HTTP/1.1 with keep-alive, as Telegram's servers: a client reuses its connections, so
    the cost of connecting is not charged to every request (it would be most of the time
    an echo bot spends per update).
    """

    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the body would wait
    # for the client's delayed ACK of the headers (40 ms) on every kept-alive request.
    disable_nagle_algorithm = True
    timeout = 10  # an idle or silent connection can't pin a thread for long

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        url = urlsplit(self.path)
        body = self._read_body()
        content_type = self.headers.get("Content-Type", "")
        answer_type = "application/json"
        if url.path.startswith("/file/"):
            status, data = self.server.api.download(url.path)
            if status == HTTPStatus.OK:
                answer_type = "application/octet-stream"
        else:
            status, payload = self.server.api.handle_http(url.path, url.query, content_type, body)
            data = answer_bytes(payload)
        try:
            self.send_response(status)
            self.send_header("Content-Type", answer_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up, e.g. PTB cancelled a long poll while stopping

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            # The client died mid-request (a test's SIGKILL): Telegram would never see
            # this request, so neither does the fake.
            raise ConnectionAbortedError("request body cut short")
        return body

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            line = self.rfile.readline()
            if not line:
                raise ConnectionAbortedError("chunked body cut short")
            size = int(line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return b"".join(chunks)
            chunk = self.rfile.read(size)
            if len(chunk) < size:
                raise ConnectionAbortedError("chunked body cut short")
            chunks.append(chunk)
            self.rfile.readline()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging; ``FakeBotAPI.calls`` is the log."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many simultaneous connections (long polls + sends)

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        super().__init__(("127.0.0.1", 0), _RequestHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # connection resets from clients that went away are normal here
        super().handle_error(request, client_address)


Handler = Callable[[JSONDict, dict[str, UploadedFile]], Any]


# ---------------------------------------------------------------------------------------------
# The fake API
# ---------------------------------------------------------------------------------------------


class FakeBotAPI:
    """A fake Telegram Bot API on 127.0.0.1 with a random free port.

    Start it with :meth:`start` or ``with FakeBotAPI() as api:``, point PTB at it with
    ``.token(api.token).base_url(api.base_url)``, simulate users with :meth:`send_text`,
    :meth:`press_button` and friends, then wait for the bot's answers with :meth:`wait_for`.
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "PlaybookTestBot",
        bot_first_name: str = "Playbook Test Bot",
        flood_limits: FloodLimits | None = TELEGRAM_LIMITS,
    ) -> None:
        """``flood_limits=None`` accepts any rate: only for benchmarks of raw speed."""
        bot_id, _, _ = token.partition(":")
        if not bot_id.isdigit():
            raise ValueError("a bot token starts with the bot's numeric id, like '123456:ABC'")
        self.token = token
        self.bot_user: JSONDict = {
            "id": int(bot_id),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)  # notified on new updates and calls
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._active_requests = 0
        self._next_update_id = 1
        self._next_message_ids: dict[int, int] = defaultdict(lambda: 1)
        self._flood_limits = flood_limits
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._handlers: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler) for name, handler in self._method_table().items()
        }
        self._clear_state()

    def _clear_state(self) -> None:
        """Everything :meth:`reset` forgets. Update and message ids keep counting up, so a
        poller's offset stays valid and ids stay unique across resets."""
        self._calls: list[Call] = []
        self._rejections: list[Rejection] = []
        self._updates: list[JSONDict] = []
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._documents: list[JSONDict] = []
        # Files users sent, by file_id: what getFile and the file URL give the bot.
        self._files: dict[str, JSONDict] = {}
        self._users: dict[int, JSONDict] = {}
        self._chats: dict[int, JSONDict] = {}
        self._member_statuses: dict[tuple[int, int], str] = {}
        self._callback_queries: dict[str, JSONDict] = {}
        self._inline_queries: dict[str, JSONDict] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._faults: dict[str, deque[tuple[ApiError, int | None]]] = defaultdict(deque)
        self._stalls: dict[str, deque[tuple[float, int | None]]] = defaultdict(deque)
        self._conflict = False
        self._flood = FloodMeter(self._flood_limits) if self._flood_limits else None
        self._floods: list[Call] = []
        self._gone_from: dict[int, str] = {}  # chat id -> why the bot can no longer post there
        self._webhook_url = ""
        self._allowed_updates: list[str] | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeBotAPI:
        """Listen on 127.0.0.1 at a free port, serving from a background thread."""
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"FakeBotAPI:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: wake long polls and stalls, close the socket, wait for handlers."""
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._lock:
            self._stopping.set()
            self._changed.notify_all()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._wait_idle(timeout=5)
        self._server = self._thread = None

    def _wait_idle(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._active_requests and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeBotAPI is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """PTB's ``base_url``: PTB appends the token, then ``/method``."""
        return f"http://127.0.0.1:{self.port}/bot"

    def reset(self) -> None:
        """Forget calls, messages, updates, users, chats and scripted faults."""
        with self._lock:
            self._clear_state()

    # -- what happened -------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every request, in the order they were answered."""
        with self._lock:
            return list(self._calls)

    def speed_up_time(self, factor: float) -> None:
        """Telegram's flood clock runs ``factor`` times faster: for tests about other
        things that send many messages (the bot's budget must be sped up to match)."""
        assert self._flood_limits is not None, "this fake has no flood limits"
        limits = replace(
            self._flood_limits,
            minute_s=self._flood_limits.minute_s / factor,
            second_s=self._flood_limits.second_s / factor,
        )
        with self._lock:
            self._flood_limits = limits
            self._flood = FloodMeter(limits)

    @property
    def floods(self) -> list[Call]:
        """Every request refused with 429 because the bot went over a flood limit."""
        with self._lock:
            return list(self._floods)

    @property
    def unmodified_edits(self) -> list[Rejection]:
        """Edits refused because they changed nothing: each spent the chat's budget."""
        with self._lock:
            return [r for r in self._rejections if r.description == MESSAGE_NOT_MODIFIED]

    @property
    def rejections(self) -> list[Rejection]:
        """Requests Telegram would have refused (scripted faults are not included)."""
        with self._lock:
            return list(self._rejections)

    @property
    def messages(self) -> list[JSONDict]:
        """Messages the bot sent, oldest first (copies; deleted ones have ``deleted=True``)."""
        with self._lock:
            return [copy.deepcopy(m) for m in self._messages.values() if m["from_bot"]]

    @property
    def user_messages(self) -> list[JSONDict]:
        """Messages from simulated users and channels, oldest first (copies)."""
        with self._lock:
            return [copy.deepcopy(m) for m in self._messages.values() if not m["from_bot"]]

    @property
    def documents(self) -> list[JSONDict]:
        """Files sent with sendDocument: chat_id, message_id, filename, content, caption, ..."""
        with self._lock:
            return copy.deepcopy(self._documents)

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by a getUpdates offset."""
        with self._lock:
            return copy.deepcopy(self._updates)

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """The stored message (bot's or user's), or None."""
        with self._lock:
            found = self._messages.get((chat_id, message_id))
            return copy.deepcopy(found) if found else None

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The commands set with setMyCommands for this scope and language."""
        with self._lock:
            return copy.deepcopy(self._commands.get(_commands_key(scope, language_code), []))

    def mark(self) -> int:
        """The number of calls so far; pass it as ``since`` to look only at later calls."""
        with self._lock:
            return len(self._calls)

    def replies_to(self, chat_id: int, after_index: int = 0) -> list[JSONDict]:
        """Messages the bot sent to ``chat_id`` by calls numbered ``after_index`` or later."""
        with self._lock:
            return [
                copy.deepcopy(m)
                for m in self._messages.values()
                if m["from_bot"] and m["chat_id"] == chat_id and m["call_index"] >= after_index
            ]

    # -- waiting -------------------------------------------------------------------------------

    def _matching_calls(
        self, method: str | None, predicate: Callable[[Call], bool] | None, since: int
    ) -> list[Call]:
        wanted = method.lower() if method else None
        with self._lock:
            candidates = self._calls[since:]
        return [
            call
            for call in candidates
            if (wanted is None or call.method.lower() == wanted)
            and (predicate is None or predicate(call))
        ]

    @overload
    async def wait_for(
        self,
        method: str | None,
        predicate: Callable[[Call], bool] | None = ...,
        timeout: float = ...,  # noqa: ASYNC109 - a per-call deadline is this helper's API
        count: Literal[1] = ...,
        *,
        since: int = ...,
    ) -> Call: ...

    @overload
    async def wait_for(
        self,
        method: str | None,
        predicate: Callable[[Call], bool] | None = ...,
        timeout: float = ...,  # noqa: ASYNC109 - a per-call deadline is this helper's API
        count: int = ...,
        *,
        since: int = ...,
    ) -> list[Call]: ...

    async def wait_for(
        self,
        method: str | None,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a per-call deadline is this helper's API
        count: int = 1,
        *,
        since: int = 0,
    ) -> Call | list[Call]:
        """Wait until ``count`` calls of ``method`` (None: any) match ``predicate``.

        Looks at calls numbered ``since`` or later (see :meth:`mark`). Returns the call when
        ``count == 1``, else the first ``count`` calls. Raises AssertionError listing the
        recent calls on timeout. Rejected calls match too; check ``call.ok`` if it matters.
        """
        deadline = time.monotonic() + timeout
        while True:
            found = self._matching_calls(method, predicate, since)
            if len(found) >= count:
                return found[0] if count == 1 else found[:count]
            if time.monotonic() >= deadline:
                raise AssertionError(
                    self._timeout_report(method, count, len(found), since, timeout)
                )
            await asyncio.sleep(0.01)

    async def wait_acknowledged(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until a getUpdates offset has confirmed every update sent so far."""
        deadline = time.monotonic() + timeout
        while self.pending_updates:
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"{len(self.pending_updates)} updates still unacknowledged after {timeout}s"
                )
            await asyncio.sleep(0.01)

    def wait_for_sync(
        self,
        method: str | None,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
        count: int = 1,
        *,
        since: int = 0,
    ) -> list[Call]:
        """Blocking :meth:`wait_for`, for code outside an event loop; always returns a list."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = self._matching_calls(method, predicate, since)
                remaining = deadline - time.monotonic()
                if len(found) >= count:
                    return found[:count]
                if remaining <= 0:
                    report = self._timeout_report(method, count, len(found), since, timeout)
                    raise AssertionError(report)
                self._changed.wait(remaining)

    async def wait_for_reply(
        self,
        chat_id: int,
        *,
        since: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109 - a per-call deadline is this helper's API
    ) -> JSONDict:
        """The first message the bot sends to ``chat_id`` by a call numbered ``since`` or later."""
        deadline = time.monotonic() + timeout
        while True:
            replies = self.replies_to(chat_id, since)
            if replies:
                return replies[0]
            if time.monotonic() >= deadline:
                raise AssertionError(
                    self._timeout_report(f"a reply to chat {chat_id}", 1, 0, since, timeout)
                )
            await asyncio.sleep(0.01)

    def _timeout_report(
        self, what: str | None, count: int, found: int, since: int, timeout: float
    ) -> str:
        with self._lock:
            recent = [c for c in self._calls if c.method != "getUpdates"][-20:]
            rejections = list(self._rejections)
        lines = [
            f"Timed out after {timeout}s waiting for {count} call(s) of {what or 'any method'} "
            f"(found {found} since call #{since}). Recent calls, getUpdates left out:"
        ]
        lines += [f"  {call.summary()}" for call in recent] or ["  (none)"]
        if rejections:
            lines.append(f"Rejections so far: {[r.description for r in rejections]}")
        return "\n".join(lines)

    # -- fault scripting -----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
        parameters: JSONDict | None = None,
        *,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id``, if given) with an
        error instead.

        429 carries ``parameters.retry_after`` (PTB raises RetryAfter); ``parameters`` can add
        others, e.g. ``{"migrate_to_chat_id": -100123}`` with status 400 (ChatMigrated).
        """
        extra = dict(parameters or {})
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            extra.setdefault("retry_after", retry_after)
        error = ApiError(status, description or _default_description(status, retry_after), extra)
        with self._lock:
            self._faults[method.lower()].extend([(error, chat_id)] * times)

    def clear_faults(self) -> None:
        """Forget scripted faults not yet used: Telegram is well again."""
        with self._lock:
            self._faults.clear()

    def stall_next(
        self, method: str, seconds: float, times: int = 1, *, chat_id: int | None = None
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id``, if given) hang
        ``seconds`` before being answered."""
        with self._lock:
            self._stalls[method.lower()].extend([(seconds, chat_id)] * times)

    def conflict_get_updates(self, enabled: bool = True) -> None:
        """While enabled, getUpdates answers 409 Conflict, as when a second instance polls."""
        with self._lock:
            self._conflict = enabled

    def set_chat_member(self, chat_id: int, user_id: int, status: str) -> None:
        """What getChatMember says about ``user_id`` in ``chat_id`` (default: 'member')."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {sorted(MEMBER_STATUSES)}")
        with self._lock:
            self._member_statuses[(chat_id, user_id)] = status

    # -- request handling ----------------------------------------------------------------------

    def handle_http(
        self, path: str, query: str, content_type: str, body: bytes
    ) -> tuple[int, JSONDict]:
        """Answer one HTTP request; called from the server's handler threads."""
        with self._lock:
            self._active_requests += 1
        try:
            return self._dispatch(path, query, content_type, body)
        finally:
            with self._lock:
                self._active_requests -= 1
                self._changed.notify_all()

    def _dispatch(
        self, path: str, query: str, content_type: str, body: bytes
    ) -> tuple[int, JSONDict]:
        match = re.fullmatch(r"/bot([^/]*)/([^/]+)", path)
        token, requested = match.groups() if match else ("", path)
        method, handler = self._handlers.get(requested.lower(), (requested, None))
        try:
            params, files = parse_request(content_type, body, query)
        except ValueError as error:
            return self._finish(method, {}, {}, ApiError(400, f"Bad Request: {error}"))
        if token != self.token:
            return self._finish(method, params, files, ApiError(401, UNAUTHORIZED))
        if handler is None:
            return self._finish(method, params, files, ApiError(404, NOT_FOUND))
        self._stall(method, params)
        fault = self._take_fault(method, params)
        if fault is not None:
            return self._finish(method, params, files, fault, scripted=True)
        with self._lock:  # handler and record under one lock: message call_index is exact
            refusal = self._chat_refusal(method, params)
            if refusal is not None:
                return self._finish(method, params, files, refusal)
            return self._finish(method, params, files, self._run(handler, params, files))

    def _chat_refusal(self, method: str, params: JSONDict) -> ApiError | None:
        """403 where the bot was removed or blocked; 429 where a flood limit is reached."""
        if method.lower() not in FLOOD_COUNTED:
            return None
        try:
            chat_id: int | None = int(params["chat_id"])
        except (KeyError, TypeError, ValueError):
            chat_id = None
        if chat_id is not None and chat_id in self._gone_from:
            return ApiError(403, self._gone_from[chat_id])
        if self._flood is None:
            return None
        wait = self._flood.wait_needed(chat_id, time.monotonic())
        if wait <= 0:
            return None
        retry_after = max(1, math.ceil(wait))
        return ApiError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )

    def _run(self, handler: Handler, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        try:
            return handler(params, files)
        except ApiError as error:
            return error
        except (KeyError, TypeError, ValueError) as error:
            return ApiError(400, f"Bad Request: invalid parameters ({error!r})")
        except Exception as error:  # a bug in the fake: answer, and make the test notice
            return ApiError(500, f"Internal Server Error: FakeBotAPI failed: {error!r}")

    def _finish(
        self,
        method: str,
        params: JSONDict,
        files: dict[str, UploadedFile],
        outcome: Any,
        scripted: bool = False,
    ) -> tuple[int, JSONDict]:
        if isinstance(outcome, ApiError):
            status, response = outcome.status, outcome.payload()
        else:
            status, response = HTTPStatus.OK.value, {"ok": True, "result": outcome}
        with self._lock:
            call = Call(len(self._calls), method, params, status, response, files, time.monotonic())
            self._calls.append(call)
            if isinstance(outcome, ApiError) and not scripted:
                rejection = Rejection(method, params, outcome.status, outcome.description)
                self._rejections.append(rejection)
                if outcome.status == 429:
                    self._floods.append(call)
            self._changed.notify_all()
        return status, response

    def _stall(self, method: str, params: JSONDict) -> None:
        seconds = 0.0
        with self._lock:
            stalls = self._stalls.get(method.lower())
            if stalls:
                wait, chat_id = stalls[0]
                if chat_id is None or str(params.get("chat_id")) == str(chat_id):
                    seconds = wait
                    stalls.popleft()
        if seconds:
            self._stopping.wait(seconds)

    def _take_fault(self, method: str, params: JSONDict) -> ApiError | None:
        with self._lock:
            if method == "getUpdates" and self._conflict:
                return ApiError(409, CONFLICT_GET_UPDATES)
            faults = self._faults.get(method.lower())
            if not faults:
                return None
            error, chat_id = faults[0]
            if chat_id is not None and str(params.get("chat_id")) != str(chat_id):
                return None
            faults.popleft()
            return error

    def _method_table(self) -> dict[str, Handler]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "sendDocument": self._send_document,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getFile": self._get_file,
            "close": self._ok,
        }

    # -- parameter helpers ---------------------------------------------------------------------

    @staticmethod
    def _check(error: str | None) -> None:
        if error:
            raise ApiError(400, error)

    def _chat_id_param(self, params: JSONDict, name: str = "chat_id") -> int:
        value = params.get(name)
        if value is None or value == "":
            raise ApiError(400, CHAT_ID_EMPTY)
        if isinstance(value, str) and value.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username", "").lower() == value[1:].lower():
                    return int(chat["id"])
            raise ApiError(400, CHAT_NOT_FOUND)
        return int(value)

    @staticmethod
    def _markup_param(params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if markup is not None and not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        return markup

    def _reply_target(self, chat_id: int, params: JSONDict) -> JSONDict | None:
        """The message being replied to (PTB 22 sends reply_parameters), or None."""
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        if message_id is None:
            return None
        target_chat = self._chat_id_param(reply) if "chat_id" in reply else chat_id
        target = self._find(target_chat, int(message_id))
        if target is None:
            allowed = reply.get(
                "allow_sending_without_reply", params.get("allow_sending_without_reply")
            )
            if allowed:
                return None
            raise ApiError(400, MESSAGE_TO_REPLY_NOT_FOUND)
        return target

    def _find(self, chat_id: int, message_id: int) -> JSONDict | None:
        record = self._messages.get((chat_id, message_id))
        return record if record is not None and not record["deleted"] else None

    @staticmethod
    def _parsed(text: str, parse_mode: object, entities: object) -> rules.ParsedText:
        if not rules.is_html(parse_mode) and isinstance(entities, list):
            return rules.ParsedText(text, entities)
        return rules.parse_text(text, parse_mode)

    # -- users, chats, messages ----------------------------------------------------------------

    def user(
        self,
        id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        *,
        last_name: str | None = None,
        is_bot: bool = False,
    ) -> JSONDict:
        """A Telegram User dict for simulated updates (remembered for later lookups)."""
        user: JSONDict = {"id": id, "is_bot": is_bot, "first_name": first_name or f"User {id}"}
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        user.update({k: v for k, v in optional.items() if v is not None})
        with self._lock:
            self._users[id] = user
        return copy.deepcopy(user)

    def chat(
        self,
        id: int,
        type: str | None = None,
        title: str | None = None,
        *,
        username: str | None = None,
    ) -> JSONDict:
        """A Telegram Chat dict: private for positive ids, else a supergroup (remembered)."""
        with self._lock:
            chat = self._default_chat(id)
            if type is not None and type != chat["type"]:
                chat = {"id": id, "type": type}
            if chat["type"] == "private":
                known_user = self._users.get(id, {})
                chat.setdefault("first_name", known_user.get("first_name", f"User {id}"))
            else:
                chat["title"] = title or chat.get("title") or f"Group {id}"
            if username:
                chat["username"] = username
            self._chats[id] = chat
            return copy.deepcopy(chat)

    def _default_chat(self, chat_id: int) -> JSONDict:
        if chat_id in self._chats:
            return copy.deepcopy(self._chats[chat_id])
        if chat_id > 0:
            user = self._users.get(chat_id, {})
            chat = {"id": chat_id, "type": "private"}
            chat["first_name"] = user.get("first_name", f"User {chat_id}")
            if "username" in user:
                chat["username"] = user["username"]
            return chat
        return {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}

    def _resolve_user(self, user: UserRef) -> JSONDict:
        if isinstance(user, dict):
            with self._lock:
                self._users.setdefault(int(user["id"]), copy.deepcopy(user))
            return copy.deepcopy(user)
        with self._lock:
            known = self._users.get(user)
        return copy.deepcopy(known) if known else self.user(user)

    def _resolve_chat(self, chat: ChatRef) -> JSONDict:
        if isinstance(chat, dict):
            with self._lock:
                self._chats.setdefault(int(chat["id"]), copy.deepcopy(chat))
            return copy.deepcopy(chat)
        with self._lock:
            return self._default_chat(chat)

    def _allocate_message_id(self, chat_id: int) -> int:
        """Bot and user messages share one counter per chat, like Telegram."""
        with self._lock:
            message_id = self._next_message_ids[chat_id]
            self._next_message_ids[chat_id] = message_id + 1
            return message_id

    def _new_record(self, chat_id: int, message_id: int, **fields: Any) -> JSONDict:
        record: JSONDict = {
            "chat_id": chat_id,
            "message_id": message_id,
            "from_bot": False,
            "from": None,
            "text": None,
            "caption": None,
            "parse_mode": None,
            "visible_text": None,
            "entities": [],
            "reply_markup": None,
            "reply_to_message_id": None,
            "date": int(time.time()),
            "edit_date": None,
            "versions": [],
            "deleted": False,
            "document": None,
            "call_index": None,
            "object": None,
        }
        record.update(fields)
        record["versions"] = [_version(record)]
        return record

    def _store_bot_message(
        self,
        chat_id: int,
        params: JSONDict,
        parsed: rules.ParsedText,
        reply_to: JSONDict | None,
        **fields: Any,
    ) -> JSONDict:
        message_id = self._allocate_message_id(chat_id)
        record = self._new_record(
            chat_id,
            message_id,
            from_bot=True,
            parse_mode=params.get("parse_mode"),
            visible_text=parsed.text,
            entities=parsed.entities,
            reply_markup=params.get("reply_markup"),
            reply_to_message_id=reply_to["message_id"] if reply_to else None,
            call_index=len(self._calls),
            **fields,
        )
        record["object"] = self._message_object(record)
        self._messages[(chat_id, message_id)] = record
        return record

    def _message_object(self, record: JSONDict) -> JSONDict:
        """The Telegram Message JSON for one of the bot's stored messages."""
        message: JSONDict = {
            "message_id": record["message_id"],
            "from": self.bot_user,
            "chat": self._default_chat(record["chat_id"]),
            "date": record["date"],
        }
        text_key, entities_key = ("text", "entities")
        if record["document"] is not None:
            message["document"] = record["document"]
            text_key, entities_key = ("caption", "caption_entities")
        if record["visible_text"]:
            message[text_key] = record["visible_text"]
            if record["entities"]:
                message[entities_key] = record["entities"]
        markup = record["reply_markup"]
        if markup and markup.get("inline_keyboard"):
            message["reply_markup"] = markup
        replied = self._messages.get((record["chat_id"], record["reply_to_message_id"] or 0))
        if replied is not None and replied["object"] is not None:
            message["reply_to_message"] = {
                k: v for k, v in replied["object"].items() if k != "reply_to_message"
            }
        if record["edit_date"]:
            message["edit_date"] = record["edit_date"]
        return copy.deepcopy(message)

    def _store_user_message(self, message: JSONDict) -> None:
        """Remember a message from an update, so the bot can reply to it and edit checks work."""
        chat_id, message_id = int(message["chat"]["id"]), int(message["message_id"])
        next_id = self._next_message_ids[chat_id]
        self._next_message_ids[chat_id] = max(next_id, message_id + 1)
        text = message.get("text", message.get("caption"))
        record = self._new_record(
            chat_id,
            message_id,
            **{"from": message.get("from")},
            text=message.get("text"),
            caption=message.get("caption"),
            visible_text=text,
            entities=message.get("entities", message.get("caption_entities", [])),
            reply_to_message_id=message.get("reply_to_message", {}).get("message_id"),
            date=message.get("date", int(time.time())),
            edit_date=message.get("edit_date"),
            object=copy.deepcopy(message),
        )
        previous = self._messages.get((chat_id, message_id))
        if previous is not None:
            record["versions"] = previous["versions"] + record["versions"]
        self._messages[(chat_id, message_id)] = record

    def _apply_edit(self, record: JSONDict, parsed: rules.ParsedText, **changes: Any) -> None:
        """Edit a bot message, refusing an edit that changes nothing, like Telegram."""
        before = (record["visible_text"], record["entities"], _markup_key(record["reply_markup"]))
        after = (parsed.text, parsed.entities, _markup_key(changes.get("reply_markup")))
        if before == after:
            raise ApiError(400, MESSAGE_NOT_MODIFIED)
        record.update(changes, visible_text=parsed.text, entities=parsed.entities)
        record["edit_date"] = int(time.time())
        record["versions"].append(_version(record))
        record["object"] = self._message_object(record)

    def _message_to_edit(self, params: JSONDict) -> JSONDict | None:
        """The bot message an edit targets; None for inline messages (not tracked)."""
        if params.get("inline_message_id"):
            return None
        chat_id = self._chat_id_param(params)
        if params.get("message_id") is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        record = self._find(chat_id, int(params["message_id"]))
        if record is None:
            raise ApiError(400, MESSAGE_TO_EDIT_NOT_FOUND)
        if not record["from_bot"]:
            raise ApiError(400, MESSAGE_CANT_BE_EDITED)
        return record

    def _member_object(self, chat_id: int, user_id: int) -> JSONDict:
        status = self._member_statuses.get((chat_id, user_id), "member")
        if user_id == self.bot_user["id"]:
            user = self.bot_user
        else:
            user = self._users.get(user_id) or {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User {user_id}",
            }
        return _member_dict(user, status)

    # -- Bot API methods -----------------------------------------------------------------------

    def _ok(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        return True

    def _get_me(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        # Privacy mode is on unless a test sets bot_user["can_read_all_group_messages"].
        return {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
            **self.bot_user,
        }

    def _get_updates(self, params: JSONDict, files: dict[str, UploadedFile]) -> list[JSONDict]:
        """Long polling: answer as soon as updates exist, or after ``timeout`` seconds."""
        if self._webhook_url:
            raise ApiError(409, CONFLICT_WEBHOOK_ACTIVE)
        offset = int(params.get("offset", 0))
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        deadline = time.monotonic() + max(float(params.get("timeout", 0)), 0.0)
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"] or []) or None
        self._confirm_updates(offset)
        while True:
            ready = self._deliverable_updates()[:limit]
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0 or self._stopping.is_set():
                return copy.deepcopy(ready)
            self._changed.wait(remaining)

    def _confirm_updates(self, offset: int) -> None:
        """A positive offset confirms older updates; a negative one keeps only the last few."""
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _deliverable_updates(self) -> list[JSONDict]:
        """Pending updates of allowed types; Telegram never queues the others, so drop them."""
        self._updates = [u for u in self._updates if self._is_allowed(u)]
        return self._updates

    def _is_allowed(self, update: JSONDict) -> bool:
        kind = next((key for key in update if key != "update_id"), "")
        if self._allowed_updates is None:
            return kind not in OPT_IN_UPDATE_TYPES
        return kind in self._allowed_updates

    def _send_message(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat_id = self._chat_id_param(params)
        self._check(rules.message_text_error(params.get("text"), params.get("parse_mode")))
        self._check(rules.callback_data_error(self._markup_param(params)))
        reply_to = self._reply_target(chat_id, params)
        parsed = self._parsed(params["text"], params.get("parse_mode"), params.get("entities"))
        record = self._store_bot_message(chat_id, params, parsed, reply_to, text=params["text"])
        return copy.deepcopy(record["object"])

    def _edit_message_text(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        parse_mode = params.get("parse_mode")
        self._check(rules.message_text_error(params.get("text"), parse_mode))
        markup = self._markup_param(params)
        self._check(rules.callback_data_error(markup))
        record = self._message_to_edit(params)
        if record is None:
            return True
        if record["text"] is None:
            raise ApiError(400, NO_TEXT_TO_EDIT)
        parsed = self._parsed(params["text"], parse_mode, params.get("entities"))
        self._apply_edit(
            record, parsed, text=params["text"], parse_mode=parse_mode, reply_markup=markup
        )
        return copy.deepcopy(record["object"])

    def _edit_message_reply_markup(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        markup = self._markup_param(params)
        self._check(rules.callback_data_error(markup))
        record = self._message_to_edit(params)
        if record is None:
            return True
        unchanged = rules.ParsedText(record["visible_text"], record["entities"])
        self._apply_edit(record, unchanged, reply_markup=markup)
        return copy.deepcopy(record["object"])

    def _answer_callback_query(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        query = self._callback_queries.get(str(params.get("callback_query_id", "")))
        if query is None or query["answered"]:
            raise ApiError(400, QUERY_TOO_OLD)
        self._check(rules.callback_answer_error(params.get("text")))
        query.update(answered=True, answer=copy.deepcopy(params))
        return True

    def _answer_inline_query(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        query = self._inline_queries.get(str(params.get("inline_query_id", "")))
        if query is None or query["answered"]:
            raise ApiError(400, QUERY_TOO_OLD)
        self._check(rules.inline_results_error(params.get("results")))
        query.update(answered=True, answer=copy.deepcopy(params))
        return True

    def _send_document(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat_id = self._chat_id_param(params)
        parse_mode = params.get("parse_mode")
        self._check(rules.caption_error(params.get("caption"), parse_mode))
        self._check(rules.callback_data_error(self._markup_param(params)))
        document = self._document_object(params, files)
        reply_to = self._reply_target(chat_id, params)
        caption = params.get("caption") or ""
        parsed = self._parsed(caption, parse_mode, params.get("caption_entities"))
        record = self._store_bot_message(
            chat_id, params, parsed, reply_to, caption=caption, document=document
        )
        upload = self._uploaded_document(params, files)
        if upload is not None:
            # The bot's own files can be fetched back too, as on Telegram.
            self._files.setdefault(
                document["file_id"],
                {
                    **document,
                    "file_path": f"documents/file_{len(self._files) + 1}_bot",
                    "data": upload.data,
                },
            )
        self._documents.append(
            {
                "chat_id": chat_id,
                "message_id": record["message_id"],
                "filename": document.get("file_name"),
                "content": upload.data if upload else None,
                "mime_type": document.get("mime_type"),
                "caption": params.get("caption"),
                "parse_mode": parse_mode,
                "file_id": document["file_id"],
            }
        )
        return copy.deepcopy(record["object"])

    @staticmethod
    def _uploaded_document(params: JSONDict, files: dict[str, UploadedFile]) -> UploadedFile | None:
        value = params.get("document")
        if isinstance(value, str) and value.startswith("attach://"):
            return files.get(value.removeprefix("attach://"))
        return files.get("document")

    def _document_object(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        """The Document for an upload, a known file_id, or a URL."""
        upload = self._uploaded_document(params, files)
        if upload is not None:
            if not upload.data:
                raise ApiError(400, EMPTY_FILE)
            number = next(self._file_ids)
            return {
                "file_id": f"BQACAgFAKE{number:06d}",
                "file_unique_id": f"AgADFAKE{number:06d}",
                "file_name": upload.filename or "document",
                "mime_type": upload.content_type,
                "file_size": len(upload.data),
            }
        reference = params.get("document")
        if not isinstance(reference, str) or not reference:
            raise ApiError(400, NO_DOCUMENT)
        for known in self._messages.values():
            if known["document"] and known["document"]["file_id"] == reference:
                return copy.deepcopy(known["document"])
        if reference.startswith(("http://", "https://")):
            number = next(self._file_ids)
            name = urlsplit(reference).path.rsplit("/", 1)[-1] or "document"
            return {
                "file_id": f"BQACAgFAKE{number:06d}",
                "file_unique_id": f"AgADFAKE{number:06d}",
                "file_name": name,
            }
        raise ApiError(400, WRONG_FILE)

    def _set_my_commands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands", [])
        self._check(rules.bot_commands_error(commands))
        key = _commands_key(params.get("scope"), params.get("language_code", ""))
        self._commands[key] = copy.deepcopy(commands)
        return True

    def _get_my_commands(self, params: JSONDict, files: dict[str, UploadedFile]) -> list[JSONDict]:
        """What setMyCommands set for exactly this scope and language; [] if nothing."""
        key = _commands_key(params.get("scope"), params.get("language_code", ""))
        return copy.deepcopy(self._commands.get(key, []))

    def _set_webhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        self._webhook_url = str(params.get("url", ""))
        if "allowed_updates" in params:  # kept for getUpdates too, as Telegram does
            self._allowed_updates = list(params["allowed_updates"] or []) or None
        if params.get("drop_pending_updates"):
            self._updates = []
        return True

    def _delete_webhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        self._webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates = []
        return True

    def _get_chat(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._default_chat(self._chat_id_param(params))
        gift_types = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                **dict.fromkeys(gift_types, False),
                "gifts_from_channels": False,
            },
        }

    def _get_chat_member(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return self._member_object(self._chat_id_param(params), int(params["user_id"]))

    def _get_file(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        """A file a user sent: its path for the file URL, or Telegram's refusal of a file
        over 20 MB, which bots may not download."""
        known = self._files.get(str(params.get("file_id") or ""))
        if known is None:
            raise ApiError(400, INVALID_FILE_ID)
        if known["file_size"] > MAX_DOWNLOAD:
            raise ApiError(400, FILE_TOO_BIG)
        return {
            "file_id": known["file_id"],
            "file_unique_id": known["file_unique_id"],
            "file_size": known["file_size"],
            "file_path": known["file_path"],
        }

    def download(self, path: str) -> tuple[int, bytes]:
        """GET /file/bot<token>/<file_path>: the file's bytes, recorded as a call
        "downloadFile" so a test can tell whether the bot fetched a file at all."""
        match = re.fullmatch(r"/file/bot([^/]*)/(.+)", path)
        token, file_path = (unquote(part) for part in match.groups()) if match else ("", "")
        with self._lock:
            known = next((f for f in self._files.values() if f["file_path"] == file_path), None)
            if token != self.token:
                status, response, data = 401, {"ok": False, "description": UNAUTHORIZED}, b""
            elif known is None:
                status, response, data = 404, {"ok": False, "description": NOT_FOUND}, b""
            else:
                status, response, data = 200, {"ok": True}, known["data"]
            params = {"file_path": file_path}
            call = Call(
                len(self._calls), "downloadFile", params, status, response, {}, time.monotonic()
            )
            self._calls.append(call)
            self._changed.notify_all()
        return status, data if status == 200 else answer_bytes(response)

    # -- simulating Telegram's side ------------------------------------------------------------

    def push_update(self, update: JSONDict) -> JSONDict:
        """Queue an update for getUpdates; assigns ``update_id`` and returns the update.

        Messages inside are remembered (so the bot can reply to them); a message without
        ``message_id`` or ``date`` gets one. Callback and inline query ids become answerable.
        """
        update = copy.deepcopy(update)
        with self._lock:
            update["update_id"] = self._next_update_id
            self._next_update_id += 1
            self._remember_update_content(update)
            self._updates.append(update)
            self._changed.notify_all()
            return copy.deepcopy(update)

    def _remember_update_content(self, update: JSONDict) -> None:
        for kind in _MESSAGE_UPDATE_KINDS:
            message = update.get(kind)
            if isinstance(message, dict) and isinstance(message.get("chat"), dict):
                chat_id = int(message["chat"]["id"])
                if "message_id" not in message:
                    message["message_id"] = self._allocate_message_id(chat_id)
                message.setdefault("date", int(time.time()))
                self._chats.setdefault(chat_id, copy.deepcopy(message["chat"]))
                sender = message.get("from")
                if isinstance(sender, dict):
                    self._users.setdefault(int(sender["id"]), copy.deepcopy(sender))
                self._store_user_message(message)
        callback = update.get("callback_query")
        if isinstance(callback, dict):
            self._callback_queries[str(callback["id"])] = {"answered": False, "answer": None}
        inline = update.get("inline_query")
        if isinstance(inline, dict):
            self._inline_queries[str(inline["id"])] = {"answered": False, "answer": None}

    def _user_message(self, chat: JSONDict, user: JSONDict | None, **content: Any) -> JSONDict:
        message: JSONDict = {
            "message_id": self._allocate_message_id(int(chat["id"])),
            "date": int(time.time()),
            "chat": chat,
        }
        if user is not None:
            message["from"] = user
        message.update(content)
        return message

    def send_text(
        self,
        chat: ChatRef,
        user: UserRef,
        text: str,
        reply_to: int | None = None,
        *,
        entities: list[JSONDict] | None = None,
        thread_id: int | None = None,
    ) -> JSONDict:
        """A user sends ``text``; returns the update (``update["message"]["message_id"]``).

        A leading ``/command`` gets its bot_command entity (PTB's CommandHandler needs it).
        ``reply_to`` is the id of a message in the same chat; ``thread_id`` the forum topic
        it is posted in.
        """
        user_dict = self._resolve_user(user)
        chat_dict = self._resolve_chat(chat)
        content: JSONDict = {"text": text}
        computed = entities if entities is not None else command_entities(text)
        if computed:
            content["entities"] = computed
        if reply_to is not None:
            content["reply_to_message"] = self._reply_object(int(chat_dict["id"]), reply_to)
        if thread_id is not None:
            chat_dict["is_forum"] = True
            content.update(message_thread_id=thread_id, is_topic_message=True)
        return self.push_update({"message": self._user_message(chat_dict, user_dict, **content)})

    def send_document(
        self,
        chat: ChatRef,
        user: UserRef,
        data: bytes,
        file_name: str,
        *,
        caption: str | None = None,
        reply_to: int | None = None,
        mime_type: str = "application/octet-stream",
        file_size: int | None = None,
    ) -> JSONDict:
        """A user sends a file; returns the update. Telegram gives it a file_id, a
        file_unique_id and its size (``file_size`` claims another, as for a file too
        big to upload here); the bot fetches it with getFile and the file URL. A
        leading ``/command`` in the caption gets its bot_command entity."""
        user_dict = self._resolve_user(user)
        chat_dict = self._resolve_chat(chat)
        with self._lock:
            number = next(self._file_ids)
            document = {
                "file_id": f"BQACAgUSER{number:06d}",
                "file_unique_id": f"AgADUSER{number:06d}",
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": len(data) if file_size is None else file_size,
            }
            self._files[document["file_id"]] = {
                **document,
                "file_path": f"documents/file_{number}{_suffix(file_name)}",
                "data": bytes(data),
            }
        content: JSONDict = {"document": document}
        if caption is not None:
            content["caption"] = caption
            if command_entities(caption):
                content["caption_entities"] = command_entities(caption)
        if reply_to is not None:
            content["reply_to_message"] = self._reply_object(int(chat_dict["id"]), reply_to)
        return self.push_update({"message": self._user_message(chat_dict, user_dict, **content)})

    def _reply_object(self, chat_id: int, message_id: int) -> JSONDict:
        with self._lock:
            record = self._find(chat_id, message_id)
            if record is None or record["object"] is None:
                raise ValueError(f"no message {message_id} in chat {chat_id} to reply to")
            return {k: v for k, v in record["object"].items() if k != "reply_to_message"}

    def edit_text(self, chat: ChatRef, user: UserRef, message_id: int, text: str) -> JSONDict:
        """A user edits their message; returns the ``edited_message`` update."""
        user_dict = self._resolve_user(user)
        chat_dict = self._resolve_chat(chat)
        with self._lock:
            record = self._find(int(chat_dict["id"]), message_id)
            if record is None or record["from_bot"]:
                raise ValueError(f"no user message {message_id} in chat {chat_dict['id']}")
            message = copy.deepcopy(record["object"])
        message.update(text=text, edit_date=int(time.time()), **{"from": user_dict})
        message.pop("entities", None)
        if command_entities(text):
            message["entities"] = command_entities(text)
        return self.push_update({"edited_message": message})

    def press_button(
        self,
        chat: ChatRef,
        user: UserRef,
        message_id: int,
        data: str,
        *,
        require_button: bool = True,
    ) -> JSONDict:
        """A user presses an inline button of a bot message; returns the callback_query update.

        By default the message must currently show a button with this callback data, as on a
        real client; ``require_button=False`` simulates a stale keyboard.
        """
        user_dict = self._resolve_user(user)
        chat_dict = self._resolve_chat(chat)
        chat_id = int(chat_dict["id"])
        with self._lock:
            record = self._find(chat_id, message_id)
            if record is None:
                raise AssertionError(f"no message {message_id} in chat {chat_id} to press on")
            shown = _callback_datas(record["reply_markup"])
            if require_button and data not in shown:
                raise AssertionError(
                    f"message {message_id} in chat {chat_id} has no button {data!r}; "
                    f"its buttons: {shown}"
                )
            query_id = str(next(self._query_ids))
            callback = {
                "id": query_id,
                "from": user_dict,
                "message": copy.deepcopy(record["object"]),
                "chat_instance": f"instance{chat_id}",
                "data": data,
            }
        return self.push_update({"callback_query": callback})

    def inline_query(
        self, user: UserRef, query: str, *, offset: str = "", chat_type: str = "sender"
    ) -> JSONDict:
        """A user types ``@bot query``; returns the inline_query update."""
        inline = {
            "id": str(next(self._query_ids)),
            "from": self._resolve_user(user),
            "query": query,
            "offset": offset,
            "chat_type": chat_type,
        }
        return self.push_update({"inline_query": inline})

    def my_chat_member(
        self, chat: ChatRef, user: UserRef, old_status: str = "left", new_status: str = "member"
    ) -> JSONDict:
        """``user`` changes the bot's status in ``chat`` (added, promoted, removed, blocked)."""
        return self._member_update(
            "my_chat_member", chat, user, self.bot_user, old_status, new_status
        )

    def chat_member(
        self,
        chat: ChatRef,
        member: UserRef,
        old_status: str,
        new_status: str,
        *,
        by: UserRef | None = None,
    ) -> JSONDict:
        """``member``'s status changes. Delivered only if allowed_updates names chat_member."""
        member_dict = self._resolve_user(member)
        actor = by if by is not None else member
        return self._member_update("chat_member", chat, actor, member_dict, old_status, new_status)

    def _member_update(
        self,
        kind: str,
        chat: ChatRef,
        actor: UserRef,
        member: JSONDict,
        old_status: str,
        new_status: str,
    ) -> JSONDict:
        chat_dict = self._resolve_chat(chat)
        self.set_chat_member(int(chat_dict["id"]), int(member["id"]), new_status)
        change = {
            "chat": chat_dict,
            "from": self._resolve_user(actor),
            "date": int(time.time()),
            "old_chat_member": _member_dict(member, old_status),
            "new_chat_member": _member_dict(member, new_status),
        }
        return self.push_update({kind: change})

    def migrate_chat(self, chat: ChatRef, new_chat_id: int, user: UserRef) -> list[JSONDict]:
        """A group becomes a supergroup: Telegram sends a service message in each chat.

        Returns [update with ``migrate_to_chat_id``, update with ``migrate_from_chat_id``].
        """
        old = self._resolve_chat(chat)
        if old.get("type") == "supergroup":
            old = self.chat(int(old["id"]), "group", old.get("title"))
        new = self.chat(new_chat_id, "supergroup", old.get("title"))
        user_dict = self._resolve_user(user)
        to_message = self._user_message(old, user_dict, migrate_to_chat_id=new_chat_id)
        from_message = self._user_message(new, user_dict, migrate_from_chat_id=old["id"])
        return [
            self.push_update({"message": to_message}),
            self.push_update({"message": from_message}),
        ]

    def delete_user_message(self, chat_id: int, message_id: int) -> None:
        """A user deletes their message (Telegram sends the bot no update for it)."""
        with self._lock:
            record = self._messages.get((chat_id, message_id))
            if record is None:
                raise ValueError(f"no message {message_id} in chat {chat_id}")
            record["deleted"] = True

    def remove_bot(self, chat_id: int, actor: UserRef) -> JSONDict:
        """The bot is removed from a group (or blocked in a private chat): from now on
        Telegram refuses whatever it sends there with 403."""
        with self._lock:
            self._gone_from[chat_id] = BOT_KICKED if chat_id < 0 else BOT_BLOCKED
        return self.my_chat_member(chat_id, actor, "member", "kicked")

    def channel_post(self, chat: ChatRef, text: str) -> JSONDict:
        """A post in a channel (no ``from``; ``sender_chat`` is the channel)."""
        channel = self._resolve_chat(chat)
        if channel.get("type") != "channel":
            channel = self.chat(int(channel["id"]), "channel", channel.get("title"))
        content: JSONDict = {"text": text, "sender_chat": channel}
        if command_entities(text):
            content["entities"] = command_entities(text)
        return self.push_update({"channel_post": self._user_message(channel, None, **content)})


# ---------------------------------------------------------------------------------------------
# Small pure helpers
# ---------------------------------------------------------------------------------------------


def _suffix(file_name: str) -> str:
    """A file path keeps the name's extension, as Telegram's do; nothing else of it."""
    _, dot, extension = file_name.rpartition(".")
    return f".{extension}" if dot and extension.isalnum() and len(extension) <= 8 else ""


def command_entities(text: str) -> list[JSONDict]:
    """The bot_command entity Telegram adds for a leading ``/command`` (UTF-16 length)."""
    match = _LEADING_COMMAND.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": rules.utf16_length(match.group())}]


def _member_dict(user: JSONDict, status: str) -> JSONDict:
    """A ChatMember of the given status with every field PTB's de_json requires."""
    member: JSONDict = {"status": status, "user": copy.deepcopy(user)}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True), can_be_edited=False, is_anonymous=False)
    elif status == "restricted":
        member.update(dict.fromkeys(_RESTRICTED_RIGHTS, False), is_member=True, until_date=0)
    elif status == "kicked":
        member["until_date"] = 0
    return member


def _markup_key(markup: JSONDict | None) -> str | None:
    """A comparable form of the inline keyboard a message shows (None when it shows none)."""
    if not markup or not markup.get("inline_keyboard"):
        return None
    return json.dumps(markup, sort_keys=True)


def _callback_datas(markup: JSONDict | None) -> list[str]:
    if not markup:
        return []
    rows = markup.get("inline_keyboard") or []
    return [button["callback_data"] for row in rows for button in row if "callback_data" in button]


def _commands_key(scope: object, language_code: object) -> tuple[str, str]:
    scope_dict = scope if isinstance(scope, dict) and scope else {"type": "default"}
    return json.dumps(scope_dict, sort_keys=True), str(language_code or "")


def _version(record: JSONDict) -> JSONDict:
    keys = ("text", "caption", "parse_mode", "visible_text", "entities", "reply_markup")
    snapshot = {key: copy.deepcopy(record[key]) for key in keys}
    snapshot["date"] = record["edit_date"] or record["date"]
    return snapshot
