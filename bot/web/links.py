"""How people get to the board: a link button under /board and /log in the group,
and in a private chat one button per team chat the user is in. Pure functions."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.config import Settings
from bot.i18n import t
from bot.playbook import Lang
from bot.render import Rendered, shorten
from bot.web.auth import chat_token


def board_link(settings: Settings, bot_username: str | None, chat_id: int) -> str | None:
    """The Mini App link for a group: ``t.me/<bot>/<app>?startapp=<chat token>``.

    Groups cannot have web_app buttons, but a t.me link opens the Mini App inside
    Telegram, and Telegram hands ``startapp`` to the page, signed in initData.
    None when the board is off.
    """
    if not settings.web_app_url or not bot_username:
        return None
    token = chat_token(chat_id, settings.token())
    return f"https://t.me/{bot_username}/{settings.web_app_short_name}?startapp={token}"


def page_url(settings: Settings, chat_id: int) -> str:
    """The page itself for a private chat's web_app button; the chat rides in the URL."""
    return f"{settings.web_app_url}/?chat={chat_token(chat_id, settings.token())}"


def with_board_button(rendered: Rendered, link: str | None, lang: Lang) -> Rendered:
    """``rendered`` with the board's button as its last row (unchanged without a link)."""
    if link is None:
        return rendered
    rows = list(rendered.keyboard.inline_keyboard) if rendered.keyboard else []
    rows.append((InlineKeyboardButton(t(lang, "app_button"), url=link),))
    return Rendered(rendered.text, InlineKeyboardMarkup(rows))


def chat_buttons(settings: Settings, chats: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """One web_app button per (chat id, title): in a private chat they open the board."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"📋 {shorten(title, 48)}", web_app=WebAppInfo(page_url(settings, chat_id))
                )
            ]
            for chat_id, title in chats
        ]
    )
