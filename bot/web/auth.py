"""Who is asking, and about which chat: Telegram's ``initData`` and the bot's chat tokens.

Nothing the page sends is believed unless it is signed. The user comes only from
``initData``, which Telegram signs with a key derived from the bot token
(https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app);
the chat comes only from a token the bot itself signed when it made the link.
Pure functions: the clock is a parameter, so expiry is tested without waiting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import struct
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qsl

# Telegram's own constant for Mini App data (the docs' "WebAppData").
_WEB_APP_KEY: Final = b"WebAppData"
# Our own, so that no Telegram signature can pass as a chat token or the reverse.
_CHAT_TOKEN_KEY: Final = b"PlaybookBoardChat"
_TOKEN_VERSION: Final = "1"
_CHAT_BYTES: Final = 8
# 18 bytes of HMAC-SHA256 (144 bits): far beyond guessing, and the whole token is
# 36 characters, within Telegram's 64-character startapp limit.
_MAC_BYTES: Final = 18
_TOKEN_CHARS: Final = re.compile(r"[A-Za-z0-9_-]+")
# A phone's clock may run a little ahead of Telegram's.
CLOCK_SKEW_S: Final = 300
MAX_INIT_DATA: Final = 8192


class AuthError(Exception):
    """The request cannot be trusted; ``str()`` is the reason, fit to show the user."""


@dataclass(frozen=True, slots=True)
class WebAppUser:
    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: WebAppUser
    auth_date: int
    start_param: str | None


def _web_app_secret(bot_token: str) -> bytes:
    return hmac.new(_WEB_APP_KEY, bot_token.encode(), hashlib.sha256).digest()


def sign_init_data(fields: dict[str, str], bot_token: str) -> str:
    """What Telegram would hand the page: ``fields`` plus their hash, URL-encoded.

    Used by tests and the benchmark to play Telegram; the bot itself only checks.
    """
    from urllib.parse import urlencode

    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    digest = hmac.new(_web_app_secret(bot_token), check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def check_init_data(init_data: str, bot_token: str, *, max_age_s: int, now: float) -> SignedIn:
    """The signed-in user, or AuthError saying what is wrong with ``init_data``."""
    if not init_data:
        raise AuthError("no Telegram sign-in data: open the board from Telegram")
    if len(init_data) > MAX_INIT_DATA:
        raise AuthError("the Telegram sign-in data is too long")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise AuthError("the Telegram sign-in data is malformed") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        # Two values for one key: which one was signed would be ambiguous.
        raise AuthError("the Telegram sign-in data is malformed")
    received = fields.pop("hash", "")
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    expected = hmac.new(_web_app_secret(bot_token), check.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, received.lower()):
        raise AuthError("the Telegram sign-in data is not signed by Telegram for this bot")
    try:
        auth_date = int(fields.get("auth_date", ""))
    except ValueError:
        raise AuthError("the Telegram sign-in data has no valid auth_date") from None
    if now - auth_date > max_age_s:
        raise AuthError("the Telegram sign-in has expired: close the board and open it again")
    if auth_date - now > CLOCK_SKEW_S:
        raise AuthError("the Telegram sign-in data is dated in the future")
    return SignedIn(_user(fields.get("user")), auth_date, fields.get("start_param") or None)


def _user(raw: str | None) -> WebAppUser:
    try:
        data = json.loads(raw or "")
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise AuthError("the Telegram sign-in data names no user")

    def text(key: str) -> str | None:
        value = data.get(key)
        return value if isinstance(value, str) and value else None

    return WebAppUser(
        id=int(data["id"]),
        first_name=text("first_name") or str(data["id"]),
        last_name=text("last_name"),
        username=text("username"),
        language_code=text("language_code"),
    )


# -- chat tokens -----------------------------------------------------------------------


def _chat_mac(bot_token: str, payload: bytes) -> bytes:
    # A key of its own, derived from the bot token: a new token voids every old link.
    key = hmac.new(_CHAT_TOKEN_KEY, bot_token.encode(), hashlib.sha256).digest()
    return hmac.new(key, _TOKEN_VERSION.encode() + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def chat_token(chat_id: int, bot_token: str) -> str:
    """A short link token naming ``chat_id``: [A-Za-z0-9_-], 36 characters."""
    payload = struct.pack(">q", chat_id)
    return _TOKEN_VERSION + _b64(payload) + _b64(_chat_mac(bot_token, payload))


def chat_of_token(token: str, bot_token: str) -> int:
    """The chat a token names, or AuthError when this bot did not sign it."""
    payload_len = len(_b64(b"\0" * _CHAT_BYTES))
    if (
        not _TOKEN_CHARS.fullmatch(token)
        or token[0] != _TOKEN_VERSION
        or len(token) != 1 + payload_len + 24
    ):
        raise AuthError("the board link is not one this bot made: open it from the chat again")
    try:
        payload = base64.urlsafe_b64decode(token[1 : 1 + payload_len] + "=")
        mac = base64.urlsafe_b64decode(token[1 + payload_len :])
    except (binascii.Error, ValueError):
        raise AuthError(
            "the board link is not one this bot made: open it from the chat again"
        ) from None
    # Re-encoding must give the same text: base64's unused low bits would otherwise
    # let several spellings name one chat.
    canonical = _TOKEN_VERSION + _b64(payload) + _b64(mac)
    if (
        len(payload) != _CHAT_BYTES
        or canonical != token
        or not hmac.compare_digest(mac, _chat_mac(bot_token, payload))
    ):
        raise AuthError("the board link is not one this bot made: open it from the chat again")
    chat_id: int = struct.unpack(">q", payload)[0]
    return chat_id
