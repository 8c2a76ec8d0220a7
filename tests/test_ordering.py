"""Updates are handled concurrently across chats and in order within one chat, through the
Application's own update queue (as polling and the webhook feed it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.flood import TELEGRAM
from bot.ordering import PerChatOrder, order_key
from bot.services import Library
from tests.conftest import Bot, make_settings, start_bot, stop_bot
from tests.support.fake_bot_api import FakeBotAPI

GROUP = -1001000000077
MEMBER = 301
READER = 302


@pytest.fixture
async def bot(api: FakeBotAPI, tmp_path: Path, library: Library) -> AsyncIterator[Bot]:
    """The real Application with GROUP enrolled; started by each test, through its queue."""
    settings = make_settings(api, tmp_path, allowed_chats=frozenset({GROUP}))
    running = await start_bot(api, settings, library)
    try:
        yield running
    finally:
        await stop_bot(running)
    assert api.rejections == []


async def handle_through_the_queue(bot: Bot, updates: list[dict[str, Any]]) -> None:
    application = bot.application
    await application.start()
    try:
        for update in updates:
            await application.update_queue.put(Update.de_json(update, application.bot))
        await asyncio.wait_for(application.update_queue.join(), timeout=20)
        await bot.quiet()
    finally:
        await application.stop()


async def test_a_slow_reply_holds_up_its_own_chat_only(api: FakeBotAPI, bot: Bot) -> None:
    member = api.user(MEMBER, "Taras")
    reader = api.user(READER, "Ann", language_code="en")
    # A group's first second after a start is kept for what a previous run sent then.
    await asyncio.sleep(TELEGRAM.group_pace_s)
    api.stall_next("sendMessage", 0.5, chat_id=GROUP)  # slow with the first confirmation
    flags = [api.send_text(GROUP, member, f"/flag statement number {n}") for n in (1, 2, 3)]
    lookup = api.send_text(READER, reader, "/term root cuases")
    await handle_through_the_queue(bot, [*flags, lookup])

    sent = [call for call in api.calls if call.method == "sendMessage"]
    # Calls are recorded as they are answered: the lookup did not wait for the group.
    assert sent[0].params["chat_id"] == READER
    assert "Elimination of root causes" in sent[0].params["text"]
    # While the first confirmation was stuck, the other two waited and went out merged.
    first, merged = [call.params for call in sent if call.params["chat_id"] == GROUP]
    assert first["reply_parameters"]["message_id"] == flags[0]["message"]["message_id"]
    assert "#1 flagged" in first["text"] and "statement number 1" in first["text"]
    assert "#2–#3 flagged" in merged["text"]
    assert "statement number 2" in merged["text"] and "statement number 3" in merged["text"]


async def test_one_chats_burst_is_numbered_in_the_order_it_was_sent(
    api: FakeBotAPI, bot: Bot
) -> None:
    people = [api.user(400 + n, f"Delegate {n}") for n in range(5)]
    updates = [
        api.send_text(GROUP, people[k % 5], f"/flag burst statement {k:02d}") for k in range(40)
    ]
    await handle_through_the_queue(bot, updates)
    store = bot.store
    stored = await store.export_flags(GROUP)
    assert [flag.number for flag in stored] == list(range(1, 41))
    assert [flag.text for flag in stored] == [f"burst statement {k:02d}" for k in range(40)]


async def test_the_order_key_is_the_chat_or_else_the_user(api: FakeBotAPI) -> None:
    ann = api.user(READER, "Ann")
    in_group = Update.de_json(api.send_text(GROUP, ann, "/log"), None)
    inline = Update.de_json(api.inline_query(ann, "root"), None)
    assert order_key(in_group) == ("chat", GROUP)
    assert order_key(inline) == ("user", READER)


async def test_a_failing_update_releases_its_chat() -> None:
    processor = PerChatOrder(max_concurrent_updates=4)
    update = object()

    async def fails() -> None:
        raise RuntimeError("handler failed")

    async def succeeds() -> None:
        return None

    with pytest.raises(RuntimeError):
        await processor.process_update(update, fails())
    await asyncio.wait_for(processor.process_update(update, succeeds()), timeout=1)
    assert processor.keys_in_flight == 0
