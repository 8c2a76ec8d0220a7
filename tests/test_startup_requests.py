"""What the bot asks of Telegram when it starts: only what it uses, and nothing twice.

getUpdates names only the update types some handler takes (Telegram then sends no
reactions, member lists or channel posts for the bot to parse and drop), and the
command menus are set only where they differ from what Telegram already shows: on a
restart, not at all.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
)

from bot.app import UPDATE_TYPES, build_application
from bot.context import AnyApplication
from bot.services import Library
from tests.conftest import COMMAND_MENUS, make_settings, start_bot, stop_bot
from tests.support.bot_process import RecordingBotAPI, bot_processes
from tests.support.fake_bot_api import FakeBotAPI

USER = {"id": 7, "is_bot": False, "first_name": "Ann", "username": "ann"}
GROUP = {"id": -1001000000701, "type": "supergroup", "title": "Delegation"}
PRIVATE = {"id": 7, "type": "private", "first_name": "Ann"}
MESSAGE_TYPES = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CHANNEL_POST,
    Update.EDITED_CHANNEL_POST,
    Update.BUSINESS_MESSAGE,
    Update.EDITED_BUSINESS_MESSAGE,
)
# What a handler of each other kind can take, whatever its arguments.
_ONE_TYPE = {CallbackQueryHandler: Update.CALLBACK_QUERY, InlineQueryHandler: Update.INLINE_QUERY}
_MEMBER_TYPES = {
    ChatMemberHandler.MY_CHAT_MEMBER: {Update.MY_CHAT_MEMBER},
    ChatMemberHandler.CHAT_MEMBER: {Update.CHAT_MEMBER},
    ChatMemberHandler.ANY_CHAT_MEMBER: {Update.MY_CHAT_MEMBER, Update.CHAT_MEMBER},
}


def _command(chat: dict[str, Any], text: str) -> dict[str, Any]:
    length = len(text.split()[0])
    entities = [{"type": "bot_command", "offset": 0, "length": length}]
    return _message(chat, text=text, entities=entities)


def _message(chat: dict[str, Any], **content: Any) -> dict[str, Any]:
    return {"message_id": 1, "date": 0, "chat": chat, "from": USER, **content}


# Every kind of message the handlers tell apart: commands, words, captions, service.
SAMPLE_MESSAGES = (
    _command(GROUP, "/flag Lavrov: root causes"),
    _command(PRIVATE, "/term goodwill"),
    _command(GROUP, "/nosuchcommand"),
    _message(PRIVATE, text="root causes"),
    _message(GROUP, text="they keep saying root causes"),
    _message(GROUP, caption="root causes", photo=[]),
    _message(GROUP, migrate_to_chat_id=-1001000000702),
    _message(GROUP, new_chat_members=[USER]),
)


def handled_types(handler: BaseHandler[Any, Any, Any], bot: Any) -> set[str]:
    """The update types ``handler`` takes, found by offering it every kind of message
    under each message type; other handlers take their kind's type."""
    if isinstance(handler, MessageHandler | CommandHandler):
        return {
            kind
            for kind in MESSAGE_TYPES
            for message in SAMPLE_MESSAGES
            if handler.check_update(Update.de_json({"update_id": 1, kind: message}, bot))
        }
    if isinstance(handler, ChatMemberHandler):
        return _MEMBER_TYPES[handler.chat_member_types]
    if isinstance(handler, TypeHandler) and handler.type is Update:
        # A guard that sees every update first (handlers.unreadable) acts on the types
        # the others take, and asks for none of its own.
        return set()
    kind = next((kind for cls, kind in _ONE_TYPE.items() if isinstance(handler, cls)), None)
    assert kind is not None, f"{handler!r}: say here which update types it takes"
    return {kind}


def all_handlers(application: AnyApplication) -> list[BaseHandler[Any, Any, Any]]:
    return [handler for group in application.handlers.values() for handler in group]


async def test_telegram_is_asked_for_the_update_types_the_handlers_take(
    api: FakeBotAPI, tmp_path: Path, library: Library
) -> None:
    settings = make_settings(api, tmp_path, web_app_url="https://board.example.org/app")
    application = build_application(settings, library)
    async with application.bot:  # commands are recognised by the bot's name (getMe)
        handlers = all_handlers(application)
        handled = set().union(*(handled_types(h, application.bot) for h in handlers))

    assert set(UPDATE_TYPES) == handled
    # Reactions, members joining, channel posts: none of them is fetched to be dropped.
    assert len(UPDATE_TYPES) < len(Update.ALL_TYPES) / 4


async def test_a_restart_sets_no_menus_and_a_changed_menu_is_set_alone(
    api: FakeBotAPI, tmp_path: Path, library: Library
) -> None:
    settings = make_settings(api, tmp_path)
    first = await start_bot(api, settings, library)
    await api.wait_for("setMyCommands", count=COMMAND_MENUS)
    await stop_bot(first)
    group_menu = api.commands({"type": "all_group_chats"})
    assert [command["command"] for command in group_menu][:2] == ["flag", "verify"]

    mark = api.mark()
    again = await start_bot(api, settings, library)
    await api.wait_for("getMyCommands", count=COMMAND_MENUS, since=mark)
    await asyncio.sleep(0.2)  # time enough for a setMyCommands, were one coming
    await stop_bot(again)
    assert [call.method for call in api.calls[mark:] if "Commands" in call.method] == [
        "getMyCommands"
    ] * COMMAND_MENUS

    # Someone changed the group menu elsewhere (with @BotFather, or another version).
    api.handle_http(
        f"/bot{api.token}/setMyCommands",
        "",
        "application/json",
        b'{"commands": [{"command": "flag", "description": "old"}], '
        b'"scope": {"type": "all_group_chats"}}',
    )
    mark = api.mark()
    third = await start_bot(api, settings, library)
    restored = await api.wait_for("setMyCommands", since=mark)
    await asyncio.sleep(0.2)  # time enough for another, were one coming
    await stop_bot(third)
    assert [call.method for call in api.calls[mark:]].count("setMyCommands") == 1
    assert restored.params["scope"] == {"type": "all_group_chats"}
    assert "language_code" not in restored.params
    assert api.commands({"type": "all_group_chats"}) == group_menu


async def test_the_polling_bot_is_sent_only_the_update_types_it_handles(tmp_path: Path) -> None:
    with RecordingBotAPI() as api, bot_processes(api, tmp_path) as bots:
        bots().start_ready()
        ann = api.user(USER["id"], "Ann")
        api.channel_post(-1001000000799, "a post in a channel the bot is in")
        mark = api.mark()
        api.send_text(ann["id"], ann, "/term goodwill")
        await api.wait_for_reply(ann["id"], since=mark, timeout=10)
        # The reply can go out before the next poll confirms the command: wait for it.
        await api.wait_acknowledged(timeout=10)

        polls = [call for call in api.calls if call.method == "getUpdates" and call.ok]
        assert {tuple(call.params["allowed_updates"]) for call in polls} == {UPDATE_TYPES}
        delivered = [next(iter(set(u) - {"update_id"})) for c in polls for u in c.result]
        assert delivered == ["message"], "the channel post was never sent to the bot"
        assert api.pending_updates == []
