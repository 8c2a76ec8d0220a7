"""Term watch: opt-in, admins only, confident matches only, never a flood."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Bot, make_settings, start_bot, stop_bot
from tests.support.cast import CHAT_ADMIN, GROUP, cast
from tests.support.fake_bot_api import FakeBotAPI


@pytest.fixture
def people(bot: Bot) -> dict[str, dict[str, Any]]:
    everyone = cast(bot.api)
    return {"admin": everyone["chat_admin"], "member": everyone["bystander"]}


async def test_watch_is_off_until_an_admin_turns_it_on(bot: Bot, people: dict[str, Any]) -> None:
    assert await bot.say(GROUP, people["member"], "they want to eliminate the root causes") == []
    [refused] = await bot.say(GROUP, people["member"], "/watch on")
    assert "only chat admins" in refused["text"]
    [usage] = await bot.say(GROUP, people["admin"], "/watch maybe")
    assert "/watch on" in usage["text"]


async def test_watch_names_a_loaded_term_once_per_ten_minutes(
    bot: Bot, people: dict[str, Any]
) -> None:
    [on] = await bot.say(GROUP, people["admin"], "/watch on")
    assert "Term watch is on" in on["text"]
    assert "/setprivacy" in on["text"], "privacy mode is on in the fake getMe"
    [heard] = await bot.say(
        GROUP, people["member"], "Lavrov again: eliminate the root causes first"
    )
    assert "Elimination of root causes" in heard["text"]
    assert heard["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "o:t:root-causes"
    assert await bot.say(GROUP, people["member"], "and the root causes, once more") == []
    assert await bot.say(GROUP, people["member"], "lunch at one in room four") == []
    [claim] = await bot.say(
        GROUP, people["member"], "Rudenko: Ukraine's law prohibits negotiations"
    )
    assert '"Ukraine has adopted a law" against talks' in claim["text"]
    [off] = await bot.say(GROUP, people["admin"], "/watch off")
    assert "off" in off["text"]
    assert await bot.say(GROUP, people["member"], "denazification, they said") == []


async def test_watch_on_without_the_privacy_warning_when_the_bot_can_read(
    api: FakeBotAPI, tmp_path: Path, library: Any
) -> None:
    api.bot_user["can_read_all_group_messages"] = True
    running = await start_bot(api, make_settings(api, tmp_path), library)
    api.chat(GROUP, "supergroup", "Delegation")
    api.set_chat_member(GROUP, CHAT_ADMIN, "creator")
    [on] = await running.say(GROUP, api.user(CHAT_ADMIN, "Oksana"), "/watch on")
    assert "/setprivacy" not in on["text"]
    await stop_bot(running)


async def test_watch_never_names_the_teams_own_words_as_a_kremlin_term(
    bot: Bot, people: dict[str, Any]
) -> None:
    # Security guarantees are Ukraine's request: hearing them is not hearing Moscow.
    [on] = await bot.say(GROUP, people["admin"], "/watch on")
    assert "Term watch is on" in on["text"]
    assert await bot.say(GROUP, people["member"], "Нам потрібні гарантії безпеки") == []
    said = "we need security guarantees, an enhanced analogue of Article 5"
    assert await bot.say(GROUP, people["member"], said) == []
    [heard] = await bot.say(
        GROUP,
        people["member"],
        "They talk of security guarantees and of eliminating the root causes",
    )
    assert "Elimination of root causes" in heard["text"]
    assert "Security guarantees" not in heard["text"]
    labels = [b["text"] for row in heard["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["📕 Elimination of root causes"]
