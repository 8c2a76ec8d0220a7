"""The fake Bot API works with the real python-telegram-bot, and Telegram's rules hold.

These tests drive PTB 22 (HTTPXRequest, de_json, error mapping, the polling loop) against
``FakeBotAPI`` on 127.0.0.1; nothing reaches the internet.
"""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.support import telegram_rules as rules
from tests.support.fake_bot_api import FakeBotAPI, command_entities

# What ApplicationBuilder().build() returns, without spelling out its six type parameters.
AnyApplication = Application[Any, Any, Any, Any, Any, Any]

ANN_ID = 42
GROUP_ID = -1001234567890


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    # These tests check one rule at a time with a bare bot that sends as fast as it
    # can; the flood limits have their own tests below.
    with FakeBotAPI(flood_limits=None) as server:
        yield server


@pytest.fixture
async def app(api: FakeBotAPI) -> AsyncIterator[AnyApplication]:
    application = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    async with application:  # initialize() calls getMe on the fake
        yield application


@pytest.fixture
def bot(app: AnyApplication) -> Bot:
    bot: Bot = app.bot
    return bot


def keyboard(*datas: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in datas]])


# ---------------------------------------------------------------------------------------------
# (a) Bot methods called directly
# ---------------------------------------------------------------------------------------------


async def test_initialize_reads_the_fake_bot_identity(api: FakeBotAPI, bot: Bot) -> None:
    assert bot.username == "PlaybookTestBot"
    assert bot.id == 123456
    assert api.calls[0].method == "getMe"


async def test_valid_html_message_comes_back_parsed(api: FakeBotAPI, bot: Bot) -> None:
    api.user(ANN_ID, "Ann")
    message = await bot.send_message(ANN_ID, "<b>Hi</b> Ann &amp; co", parse_mode="HTML")

    assert message.text == "Hi Ann & co"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 0, 2)]
    assert message.chat.type == "private"
    assert message.chat.first_name == "Ann"
    assert message.from_user is not None and message.from_user.username == "PlaybookTestBot"
    stored = api.messages[-1]
    assert stored["text"] == "<b>Hi</b> Ann &amp; co"
    assert stored["visible_text"] == "Hi Ann & co"
    assert stored["parse_mode"] == "HTML"
    assert api.rejections == []


async def test_group_messages_get_a_supergroup_chat_and_per_chat_ids(bot: Bot) -> None:
    first = await bot.send_message(GROUP_ID, "one")
    second = await bot.send_message(GROUP_ID, "two")
    elsewhere = await bot.send_message(ANN_ID, "three")

    assert first.chat.type == "supergroup" and first.chat.title
    assert (first.message_id, second.message_id, elsewhere.message_id) == (1, 2, 1)


async def test_invalid_html_is_refused_like_telegram(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as refused:
        await bot.send_message(ANN_ID, "a < b", parse_mode="HTML")

    # PTB drops "Bad Request: " and capitalize()s the rest, lower-casing it.
    assert str(refused.value) == 'Can\'t parse entities: unsupported start tag "" at byte offset 2'
    assert [r.description for r in api.rejections] == [
        'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2'
    ]
    assert api.messages == []


async def test_html_is_only_checked_in_html_mode(api: FakeBotAPI, bot: Bot) -> None:
    message = await bot.send_message(ANN_ID, "a < b & <c>")
    assert message.text == "a < b & <c>"
    assert api.rejections == []


async def test_length_is_measured_after_parsing_in_utf16(bot: Bot) -> None:
    await bot.send_message(ANN_ID, "x" * 4096)
    await bot.send_message(ANN_ID, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ANN_ID, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ANN_ID, "😀" * 2049)  # 2049 characters, 4098 UTF-16 units


async def test_empty_text_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(ANN_ID, "<b> </b>", parse_mode="HTML")


async def test_callback_data_over_64_bytes_is_refused(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(ANN_ID, "ok", reply_markup=keyboard("a" * 64))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ANN_ID, "too big", reply_markup=keyboard("a" * 65))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ANN_ID, "bytes, not characters", reply_markup=keyboard("ж" * 33))
    assert len(api.rejections) == 2


async def test_edits_follow_telegram(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(
        ANN_ID, "<i>v1</i>", parse_mode="HTML", reply_markup=keyboard("x")
    )

    edited = await bot.edit_message_text("v2", ANN_ID, sent.message_id, reply_markup=keyboard("x"))
    assert isinstance(edited, type(sent)) and edited.text == "v2" and edited.edit_date
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("v2", ANN_ID, sent.message_id, reply_markup=keyboard("x"))
    # Without reply_markup the keyboard goes away, so this is a change.
    await bot.edit_message_text("v2", ANN_ID, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(ANN_ID, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("v3", ANN_ID, 999)

    stored = api.message(ANN_ID, sent.message_id)
    assert stored is not None
    assert [v["visible_text"] for v in stored["versions"]] == ["v1", "v2", "v2"]
    assert stored["reply_markup"] is None
    assert len(api.rejections) == 3


async def test_replies_need_their_target(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(GROUP_ID, "first")
    reply = await bot.send_message(GROUP_ID, "re", reply_to_message_id=sent.message_id)
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == sent.message_id
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(GROUP_ID, "re", reply_to_message_id=999)


async def test_commands_webhook_and_chat_info(api: FakeBotAPI, bot: Bot) -> None:
    commands = [BotCommand("start", "Start"), BotCommand("find", "Search the playbook")]
    assert await bot.set_my_commands(commands, language_code="de")
    assert api.commands(language_code="de")[1] == {
        "command": "find",
        "description": "Search the playbook",
    }
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "capitals are invalid")])

    assert await bot.set_webhook("https://example.invalid/hook")
    assert await bot.delete_webhook()
    assert await bot.close()

    chat = await bot.get_chat(GROUP_ID)
    assert chat.type == "supergroup"


async def test_chat_members_are_configurable(api: FakeBotAPI, bot: Bot) -> None:
    api.set_chat_member(GROUP_ID, 1, "creator")
    api.set_chat_member(GROUP_ID, 2, "administrator")

    assert isinstance(await bot.get_chat_member(GROUP_ID, 1), ChatMemberOwner)
    assert isinstance(await bot.get_chat_member(GROUP_ID, 2), ChatMemberAdministrator)
    assert isinstance(await bot.get_chat_member(GROUP_ID, 3), ChatMemberMember)
    assert (await bot.get_chat_member(GROUP_ID, 4)).status == "member"


async def test_inline_queries(api: FakeBotAPI, bot: Bot) -> None:
    query_id = api.inline_query(ANN_ID, "price")["inline_query"]["id"]

    def article(n: int) -> InlineQueryResultArticle:
        return InlineQueryResultArticle(
            str(n), f"t{n}", InputTextMessageContent(f"<b>{n}</b>", "HTML")
        )

    with pytest.raises(BadRequest, match=r"(?i)RESULTS_TOO_MUCH"):
        await bot.answer_inline_query(query_id, [article(n) for n in range(51)])
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        bad = InlineQueryResultArticle("x", "x", InputTextMessageContent("<p>", "HTML"))
        await bot.answer_inline_query(query_id, [bad])
    assert await bot.answer_inline_query(query_id, [article(n) for n in range(50)])
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_inline_query(query_id, [])


async def test_unknown_method_is_not_found(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendPigeon", api_kwargs={"chat_id": 1})
    assert api.rejections[-1].status == 404


async def test_any_encoding_telegram_accepts(api: FakeBotAPI) -> None:
    url = f"{api.base_url}{api.token}"
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": "1"}]]}
    async with httpx.AsyncClient() as client:
        as_json = await client.post(
            f"{url}/sendMessage", json={"chat_id": 5, "text": "123", "reply_markup": markup}
        )
        as_form = await client.post(
            f"{url}/sendMessage",
            data={"chat_id": "5", "text": "7", "reply_markup": json.dumps(markup)},
        )
        as_query = await client.get(f"{url}/SENDMESSAGE", params={"chat_id": "5", "text": "true"})
        not_found = await client.post(f"{url}/nope", json={})

    assert [r.json()["result"]["text"] for r in (as_json, as_form, as_query)] == [
        "123",
        "7",
        "true",
    ]
    assert as_form.json()["result"]["reply_markup"] == markup
    assert not_found.status_code == 404
    assert not_found.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


# ---------------------------------------------------------------------------------------------
# (b) The real polling loop
# ---------------------------------------------------------------------------------------------


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text, do_quote=True)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(
        "<b>Welcome</b>", parse_mode="HTML", reply_markup=keyboard("go")
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Going")
    await query.edit_message_text(f"pressed {query.data}")


async def test_echo_bot_with_real_polling(api: FakeBotAPI, app: AnyApplication) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    assert app.updater is not None
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        ann = api.user(ANN_ID, "Ann", "ann")
        said = api.send_text(ANN_ID, ann, "hello <b> & 😀")
        echoed = await api.wait_for("sendMessage")
        assert echoed.ok and echoed.params["text"] == "hello <b> & 😀"
        reply = api.replies_to(ANN_ID)[0]
        assert reply["reply_to_message_id"] == said["message"]["message_id"] == 1
        assert reply["message_id"] == 2  # users and the bot share one counter per chat

        mark = api.mark()
        api.send_text(ANN_ID, ann, "/start@PlaybookTestBot")
        welcome = await api.wait_for_reply(ANN_ID, since=mark)
        assert welcome["visible_text"] == "Welcome"

        api.press_button(ANN_ID, ann, welcome["message_id"], "go")
        edit = await api.wait_for("editMessageText", since=mark)
        assert edit.result["text"] == "pressed go"
        answer = await api.wait_for("answerCallbackQuery", since=mark)
        assert answer.params["text"] == "Going"
    finally:
        await app.updater.stop()
        await app.stop()

    assert api.rejections == []
    assert api.pending_updates == []  # PTB confirmed them with a last getUpdates offset


async def test_updates_pushed_while_polling_arrive_in_order(
    api: FakeBotAPI, app: AnyApplication
) -> None:
    seen: list[str] = []
    all_seen = asyncio.Event()

    async def collect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(str(update.effective_message.text))
        if len(seen) == 5:
            all_seen.set()

    app.add_handler(MessageHandler(filters.ALL, collect))
    assert app.updater is not None
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        for n in range(5):
            api.send_text(GROUP_ID, n + 1, f"m{n}")
        await asyncio.wait_for(all_seen.wait(), timeout=5)
    finally:
        await app.updater.stop()
        await app.stop()
    assert seen == ["m0", "m1", "m2", "m3", "m4"]


# ---------------------------------------------------------------------------------------------
# (c), (d) Scripted faults
# ---------------------------------------------------------------------------------------------


# PTB 22.8 warns inside RetryAfter.__init__ unless PTB_TIMEDELTA=1 is set in the environment.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_429_surfaces_as_retry_after(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", status=429, retry_after=7)

    with pytest.raises(RetryAfter, match=r"Retry in (7 seconds|0:00:07)"):
        await bot.send_message(ANN_ID, "first")
    await bot.send_message(ANN_ID, "second")

    statuses = [(c.method, c.status) for c in api.calls if c.method == "sendMessage"]
    assert statuses == [("sendMessage", 429), ("sendMessage", 200)]
    assert api.calls[-2].response["parameters"] == {"retry_after": 7}
    assert api.rejections == []  # scripted faults are not the bot's mistakes


async def test_other_scripted_faults(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", status=500, times=2)
    api.fail_next("getChat", status=400, parameters={"migrate_to_chat_id": -1009})

    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(ANN_ID, "x")
    with pytest.raises(ChatMigrated):
        await bot.get_chat(-5)
    await bot.send_message(ANN_ID, "works again")


async def test_a_stalled_request_times_out_but_is_still_delivered(
    api: FakeBotAPI, bot: Bot
) -> None:
    api.stall_next("sendMessage", 0.5)

    with pytest.raises(TimedOut):
        await bot.send_message(ANN_ID, "slow", read_timeout=0.1)

    late = await api.wait_for("sendMessage", timeout=3)
    assert late.ok and api.messages[0]["text"] == "slow"  # as on Telegram: sent anyway


async def test_409_conflict_on_get_updates(api: FakeBotAPI, bot: Bot) -> None:
    api.conflict_get_updates(True)
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await bot.get_updates(timeout=0)
    api.conflict_get_updates(False)
    assert await bot.get_updates(timeout=0) == ()

    await bot.set_webhook("https://example.invalid/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)


async def test_invalid_token_maps_to_invalid_token(api: FakeBotAPI) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=api.base_url):
            pass  # initialize() calls getMe
    assert api.rejections[-1].description == "Unauthorized"


# ---------------------------------------------------------------------------------------------
# getUpdates semantics
# ---------------------------------------------------------------------------------------------


async def test_get_updates_offset_limit_and_allowed_updates(api: FakeBotAPI, bot: Bot) -> None:
    first = api.send_text(ANN_ID, ANN_ID, "a")["update_id"]
    api.send_text(ANN_ID, ANN_ID, "b")
    api.chat_member(GROUP_ID, 7, "left", "member")  # opt-in type: not delivered by default
    api.send_text(ANN_ID, ANN_ID, "c")

    two = await bot.get_updates(limit=2, timeout=0)
    assert [u.update_id for u in two] == [first, first + 1]
    rest = await bot.get_updates(offset=two[-1].update_id + 1, timeout=0)
    assert [u.message.text for u in rest if u.message] == ["c"]
    assert len(api.pending_updates) == 1

    member_update = api.chat_member(GROUP_ID, 8, "left", "member")
    only_members = await bot.get_updates(
        offset=rest[-1].update_id + 1, allowed_updates=["chat_member"]
    )
    assert [u.update_id for u in only_members] == [member_update["update_id"]]


async def test_long_poll_answers_as_soon_as_an_update_arrives(api: FakeBotAPI, bot: Bot) -> None:
    began = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    api.send_text(ANN_ID, ANN_ID, "now")
    updates = await poll
    assert [u.message.text for u in updates if u.message] == ["now"]
    assert time.monotonic() - began < 2


async def test_many_concurrent_long_polls(api: FakeBotAPI) -> None:
    url = f"{api.base_url}{api.token}/getUpdates"
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=50)) as client:
        polls = [client.post(url, data={"timeout": "3"}, timeout=10) for _ in range(25)]
        tasks = [asyncio.ensure_future(p) for p in polls]
        await asyncio.sleep(0.2)
        began = time.monotonic()
        update = api.send_text(ANN_ID, ANN_ID, "everyone")
        answers = await asyncio.gather(*tasks)
    assert time.monotonic() - began < 2
    assert {r.json()["result"][0]["update_id"] for r in answers} == {update["update_id"]}


async def test_stop_releases_open_long_polls() -> None:
    server = FakeBotAPI().start()
    url = f"{server.base_url}{server.token}/getUpdates"
    async with httpx.AsyncClient() as client:
        poll = asyncio.ensure_future(client.post(url, data={"timeout": "30"}, timeout=10))
        await asyncio.sleep(0.1)
        began = time.monotonic()
        await asyncio.to_thread(server.stop)
        assert (await poll).json() == {"ok": True, "result": []}
    assert time.monotonic() - began < 2


# ---------------------------------------------------------------------------------------------
# (e) sendDocument
# ---------------------------------------------------------------------------------------------


async def test_send_document_multipart(api: FakeBotAPI, bot: Bot) -> None:
    content = b"line 1\n\x00\xff binary \r\n--not-a-boundary\r\n"
    message = await bot.send_document(
        ANN_ID,
        document=io.BytesIO(content),
        filename='Report "Q1" ü.txt',
        caption="<b>Q1</b> report",
        parse_mode="HTML",
        reply_markup=keyboard("again"),
    )

    assert message.document is not None
    assert message.document.file_name == 'Report "Q1" ü.txt'
    assert message.document.file_size == len(content)
    assert message.caption == "Q1 report"
    [stored] = api.documents
    assert stored["content"] == content
    assert stored["filename"] == 'Report "Q1" ü.txt'
    assert stored["caption"] == "<b>Q1</b> report"
    assert stored["mime_type"] == "text/plain"
    call = await api.wait_for("sendDocument")
    assert set(call.files) == {"document"} and call.params["chat_id"] == ANN_ID

    again = await bot.send_document(GROUP_ID, message.document.file_id)
    assert again.document is not None and again.document.file_name == 'Report "Q1" ü.txt'
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_document(ANN_ID, b"x", filename="a.txt", caption="x" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(ANN_ID, "no-such-file-id")


# ---------------------------------------------------------------------------------------------
# Simulated users and chats parse with PTB's de_json
# ---------------------------------------------------------------------------------------------


async def test_simulated_updates_are_valid_for_ptb(api: FakeBotAPI, bot: Bot) -> None:
    ann = api.user(ANN_ID, "Ann", "ann", "de")
    group = api.chat(GROUP_ID, title="Delegation")

    command = Update.de_json(api.send_text(group, ann, "/find@PlaybookTestBot 🍕 tariffs"), bot)
    assert command.message is not None and command.message.chat.title == "Delegation"
    assert command.message.entities[0].length == len("/find@PlaybookTestBot")
    assert command.effective_user is not None and command.effective_user.language_code == "de"

    edited = Update.de_json(api.edit_text(group, ann, command.message.message_id, "/find x"), bot)
    assert edited.edited_message is not None and edited.edited_message.text == "/find x"

    added = Update.de_json(api.my_chat_member(group, ann, "left", "administrator"), bot)
    assert added.my_chat_member is not None
    assert added.my_chat_member.new_chat_member.status == "administrator"
    assert (await bot.get_chat_member(GROUP_ID, bot.id)).status == "administrator"

    to_update, from_update = api.migrate_chat(-555, GROUP_ID - 1, ann)
    migrated = Update.de_json(to_update, bot)
    assert migrated.message is not None and migrated.message.migrate_to_chat_id == GROUP_ID - 1
    migrated_from = Update.de_json(from_update, bot).message
    assert migrated_from is not None and migrated_from.migrate_from_chat_id == -555

    post = Update.de_json(api.channel_post(-100777, "news"), bot)
    assert post.channel_post is not None and post.channel_post.chat.type == "channel"

    update_ids = [u["update_id"] for u in api.pending_updates]
    assert update_ids == sorted(update_ids) and len(set(update_ids)) == len(update_ids)


async def test_press_button_needs_a_shown_button(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(ANN_ID, "choose", reply_markup=keyboard("yes", "no"))
    update = Update.de_json(api.press_button(ANN_ID, ANN_ID, sent.message_id, "yes"), bot)
    assert update.callback_query is not None and update.callback_query.data == "yes"
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == sent.message_id

    with pytest.raises(AssertionError, match="has no button 'maybe'"):
        api.press_button(ANN_ID, ANN_ID, sent.message_id, "maybe")
    stale = api.press_button(ANN_ID, ANN_ID, sent.message_id, "old", require_button=False)
    assert await bot.answer_callback_query(stale["callback_query"]["id"])
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(stale["callback_query"]["id"])


async def test_wait_for_reports_recent_calls_on_timeout(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(ANN_ID, "something else")
    with pytest.raises(
        AssertionError, match=r"(?s)waiting for 1 call\(s\) of editMessageText.*#\d+ sendMessage"
    ):
        await api.wait_for("editMessageText", timeout=0.05)
    calls = await api.wait_for("sendMessage", lambda c: c.ok, count=1)
    assert calls.params["text"] == "something else"
    assert api.wait_for_sync("getMe")[0].ok


async def test_reset_forgets_but_keeps_ids_increasing(api: FakeBotAPI, bot: Bot) -> None:
    first = api.send_text(ANN_ID, ANN_ID, "x")
    await bot.send_message(ANN_ID, "y")
    api.fail_next("sendMessage", status=500)
    api.reset()
    assert api.calls == [] and api.messages == [] and api.pending_updates == []
    await bot.send_message(ANN_ID, "after reset")  # the scripted fault is gone too
    assert api.send_text(ANN_ID, ANN_ID, "z")["update_id"] > first["update_id"]


def test_command_entities_count_utf16() -> None:
    assert command_entities("/start") == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert command_entities("/find@PlaybookTestBot 😀") == [
        {"type": "bot_command", "offset": 0, "length": 21}
    ]
    assert command_entities("hello /start") == []
    assert command_entities("/стоп") == []


# ---------------------------------------------------------------------------------------------
# (f) Telegram's HTML rules
# ---------------------------------------------------------------------------------------------

VALID_HTML = [
    "plain text",
    "<b>bold</b> <strong>bold</strong> <i>i</i> <em>em</em> <u>u</u> <ins>ins</ins>",
    "<s>s</s> <strike>strike</strike> <del>del</del>",
    '<span class="tg-spoiler">spoiler</span> <tg-spoiler>spoiler</tg-spoiler>',
    '<a href="https://example.com/?a=1&amp;b=2">link</a>',
    '<a href="x">not a usable link, dropped silently like Telegram</a>',
    "<a href='tg://user?id=123'>mention</a>",
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
    "<code>x &lt; y</code>",
    '<pre><code class="language-python">print("hi")</code></pre>',
    "<blockquote>quote</blockquote>",
    "<blockquote expandable>long quote</blockquote>",
    "<b>bold <i>bold italic <u>all three</u></i></b>",
    "&lt; &gt; &amp; &quot; &#60; &#x3C; &#128512;",
    "a > b",
    "<B>upper-case tags</B>",
    "<b>unclosed end tag name</>",
    '<b class="ignored" data-x=1>unknown attributes are ignored</b>',
    "😀 emoji <b>😀</b>",
    "",
]

INVALID_HTML = [
    ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("a < b", 'Unsupported start tag "" at byte offset 2'),
    ("a <b", "Unclosed start tag at byte offset 2"),
    ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
    ("<br/>", 'Unsupported start tag "br/" at byte offset 0'),
    ("😀<p>", 'Unsupported start tag "p" at byte offset 4'),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ('<tg-emoji emoji-id="abc">👍</tg-emoji>', "Invalid custom emoji identifier specified"),
    ('<a href="x', "Unclosed start tag at byte offset 0"),
    ("<a href=x/>y</a>", "Unexpected end of name token at byte offset 8"),
    # Strict checks: Telegram would show these "&" literally; for us they are escaping bugs.
    ("Tom & Jerry", 'Unescaped "&" at byte offset 4; write it as "&amp;" (strict check)'),
    ("&foo;", 'Unsupported HTML entity "&foo;" at byte offset 0'),
    ("&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'),
    ("&lt b", 'HTML entity "&lt" at byte offset 0 must end with ";"'),
    ('<a href="?a=1&b=2">x</a>', 'Unescaped "&" at byte offset 13'),
]


@pytest.mark.parametrize("text", VALID_HTML)
def test_valid_html(text: str) -> None:
    assert rules.html_error(text) is None


@pytest.mark.parametrize(("text", "reason"), INVALID_HTML)
def test_invalid_html(text: str, reason: str) -> None:
    error = rules.html_error(text)
    assert error is not None and error.startswith("Bad Request: can't parse entities: ")
    assert reason in error


def test_strict_checks_can_be_turned_off_for_telegrams_exact_behaviour() -> None:
    assert rules.html_error("Tom & Jerry &nbsp; &lt", strict=False) is None
    assert rules.visible_text("Tom & Jerry &nbsp; &lt", strict=False) == "Tom & Jerry &nbsp; <"


def test_visible_text_and_entities() -> None:
    parsed = rules.parse_html('😀 <b>a <i>b</i></b> <a href="https://x.org">l</a> &amp;')
    assert parsed.text == "😀 a b l &"
    assert parsed.entities == [
        {"offset": 3, "length": 3, "type": "bold"},
        {"offset": 5, "length": 1, "type": "italic"},
        {"offset": 7, "length": 1, "type": "text_link", "url": "https://x.org/"},
    ]
    pre = rules.parse_html('<pre><code class="language-go">x</code></pre>').entities
    assert pre == [{"offset": 0, "length": 1, "type": "pre", "language": "go"}]
    assert rules.visible_text("<blockquote expandable>q</blockquote>") == "q"
    with pytest.raises(rules.HtmlParseError):
        rules.visible_text("<b>")


def test_text_length_counts_utf16_after_parsing() -> None:
    assert rules.text_length_error("x" * 4096) is None
    assert rules.text_length_error("x" * 4097) == rules.TEXT_TOO_LONG
    assert rules.text_length_error("<b>" + "x" * 4096 + "</b>") is None
    assert rules.text_length_error("&amp;" * 4096) is None
    assert rules.text_length_error("😀" * 2048) is None
    assert rules.text_length_error("😀" * 2049) == rules.TEXT_TOO_LONG
    assert rules.text_length_error("😀" * 4096) == rules.TEXT_TOO_LONG  # 4096 chars, 8192 units
    assert rules.text_length_error("   \n") == rules.TEXT_EMPTY
    assert rules.text_length_error("<b> </b>") == rules.TEXT_EMPTY
    assert rules.text_length_error("<b> </b>", parse_mode_html=False) is None
    assert rules.text_length_error("<x>") == rules.html_error("<x>")
    assert rules.caption_length_error("x" * 1024) is None
    assert rules.caption_length_error("x" * 1025) == rules.CAPTION_TOO_LONG
    assert rules.utf16_length("a😀é") == 4


def test_callback_data_rules() -> None:
    def markup(**button: str) -> dict[str, object]:
        return {"inline_keyboard": [[{"text": "b", **button}]]}

    assert rules.callback_data_error(None) is None
    assert rules.callback_data_error({"keyboard": [[{"text": "a"}]]}) is None
    assert rules.callback_data_error(markup(callback_data="a" * 64)) is None
    assert rules.callback_data_error(markup(callback_data="ж" * 32)) is None
    assert rules.callback_data_error(markup(callback_data="a" * 65)) == rules.BUTTON_DATA_INVALID
    assert rules.callback_data_error(markup(callback_data="ж" * 33)) == rules.BUTTON_DATA_INVALID
    assert rules.callback_data_error(markup(callback_data="")) == rules.BUTTON_DATA_INVALID
    assert rules.callback_data_error(markup(url="https://x.org")) is None
    assert rules.callback_data_error(markup(url="")) == rules.BUTTON_URL_INVALID
    assert rules.callback_data_error(markup(switch_inline_query="")) is None
    assert rules.callback_data_error(markup()) == rules.TEXT_BUTTONS_UNALLOWED


def test_a_button_answer_over_200_characters_is_refused() -> None:
    assert rules.callback_answer_error(None) is None
    assert rules.callback_answer_error("ж" * 200) is None
    assert rules.callback_answer_error("ж" * 201) == rules.CALLBACK_ANSWER_TOO_LONG


def test_inline_result_rules() -> None:
    def article(result_id: str, text: str = "t", **extra: object) -> dict[str, object]:
        content = {"message_text": text, **extra}
        return {"type": "article", "id": result_id, "title": "x", "input_message_content": content}

    assert rules.inline_results_error([article(str(n)) for n in range(50)]) is None
    assert (
        rules.inline_results_error([article(str(n)) for n in range(51)]) == rules.RESULTS_TOO_MUCH
    )
    assert rules.inline_results_error([article("i" * 65)]) == rules.RESULT_ID_INVALID
    assert rules.inline_results_error([article("1"), article("1")]) == rules.RESULT_ID_DUPLICATE
    assert rules.inline_results_error(
        [article("1", "a < b", parse_mode="HTML")]
    ) == rules.html_error("a < b")
    assert rules.inline_results_error([article("1", "x" * 4097)]) == rules.TEXT_TOO_LONG


# ---------------------------------------------------------------------------------------------
# Flood limits, as Telegram answers them
# ---------------------------------------------------------------------------------------------


@pytest.fixture
async def limited() -> AsyncIterator[tuple[FakeBotAPI, Bot]]:
    with FakeBotAPI() as server:
        application = ApplicationBuilder().token(server.token).base_url(server.base_url).build()
        async with application:
            yield server, application.bot


async def test_a_group_takes_one_message_a_second(limited: tuple[FakeBotAPI, Bot]) -> None:
    api, bot = limited
    await bot.send_message(GROUP_ID, "1")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(GROUP_ID, "too soon")
    assert refused.value.retry_after == 1
    await bot.send_message(GROUP_ID - 1, "another group has its own second")
    await asyncio.sleep(1.05)
    await bot.send_message(GROUP_ID, "a second later")
    assert len(api.floods) == 1


async def test_a_group_takes_twenty_messages_a_minute_edits_included(
    limited: tuple[FakeBotAPI, Bot],
) -> None:
    api, bot = limited
    api.speed_up_time(30)  # a minute in two seconds; one message in each thirtieth

    async def next_second() -> None:
        await asyncio.sleep(0.04)

    first = await bot.send_message(GROUP_ID, "1")
    for n in range(2, 20):
        await next_second()
        await bot.send_message(GROUP_ID, str(n))
    await next_second()
    await bot.edit_message_text("edited", GROUP_ID, first.message_id)  # the 20th
    await next_second()
    with pytest.raises(RetryAfter):
        await bot.send_message(GROUP_ID, "21")
    await bot.send_message(GROUP_ID - 1, "another group has its own budget")
    assert [call.status for call in api.floods] == [429]
    # Whole seconds until the oldest of the twenty leaves the (two-second) minute.
    assert api.floods[0].response["parameters"]["retry_after"] in (1, 2)


async def test_a_private_chat_takes_a_short_burst_then_one_a_second(
    limited: tuple[FakeBotAPI, Bot],
) -> None:
    api, bot = limited
    for n in range(3):
        await bot.send_message(ANN_ID, f"burst {n}")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(ANN_ID, "too soon")
    assert refused.value.retry_after == 1
    await asyncio.sleep(1.05)
    await bot.send_message(ANN_ID, "a second later")
    assert len(api.floods) == 1


async def test_answers_to_queries_are_not_counted(limited: tuple[FakeBotAPI, Bot]) -> None:
    api, bot = limited
    for n in range(3):
        await bot.send_message(ANN_ID, f"burst {n}")
    await bot.get_me()
    await bot.set_my_commands([])
    assert api.floods == []


async def test_a_removed_bot_is_refused_with_403(limited: tuple[FakeBotAPI, Bot]) -> None:
    api, bot = limited
    api.remove_bot(GROUP_ID, ANN_ID)
    with pytest.raises(Forbidden, match="kicked"):
        await bot.send_message(GROUP_ID, "still here?")


async def test_a_users_document_is_fetched_with_get_file_and_the_file_url(
    api: FakeBotAPI,
) -> None:
    """getFile gives the path; the file URL gives the bytes, with the bot's token only;
    Telegram's refusals for an unknown file and one over 20 MB are kept."""
    application = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_url.removesuffix("/bot") + "/file/bot")
        .build()
    )
    ann = api.user(ANN_ID, "Ann")
    sent = api.send_document(ANN_ID, ann, "Лавров: текст".encode(), "talks.txt", caption="/check")
    message = sent["message"]
    assert message["caption_entities"][0]["type"] == "bot_command"
    document = message["document"]
    assert (document["file_name"], document["file_size"]) == ("talks.txt", 24)
    async with application:
        found = await application.bot.get_file(document["file_id"])
        assert found.file_size == 24 and str(found.file_path).endswith(".txt")
        assert bytes(await found.download_as_bytearray()) == "Лавров: текст".encode()
        with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
            await application.bot.get_file("BQACAgUNKNOWN")
        huge = api.send_document(ANN_ID, ann, b"x", "huge.txt", file_size=21 * 1024 * 1024)
        with pytest.raises(BadRequest, match=r"(?i)file is too big"):
            await application.bot.get_file(huge["message"]["document"]["file_id"])
    async with httpx.AsyncClient() as client:
        forged = await client.get(str(found.file_path).replace(api.token, "1:WRONG"))
    assert forged.status_code == 401
    assert [call.status for call in api.calls if call.method == "downloadFile"] == [200, 401]
