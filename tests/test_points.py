"""Talking points, prepared before and during a round: proposed by anyone, curated by
the chat's admins, kept with their history, and gone with a purge."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import points
from bot.callbacks import point_action
from bot.export import points_to_json, to_json
from bot.store import Store
from tests.conftest import Bot
from tests.support.cast import GROUP, OTHER_GROUP, cast
from tests.support.cast import buttons as buttons_of
from tests.test_cli import cli


@pytest.fixture
def people(bot: Bot) -> dict[str, dict[str, Any]]:
    return cast(bot.api)


@pytest.fixture
async def enrolled(bot: Bot, people: dict[str, dict[str, Any]]) -> Bot:
    await bot.say(GROUP, people["bot_admin"], "/enable")
    return bot


async def test_points_are_proposed_listed_edited_moved_and_removed(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot, member, admin = enrolled, people["bystander"], people["chat_admin"]
    [empty] = await bot.say(GROUP, member, "/points")
    assert "No talking points yet" in empty["text"]

    [waiting] = await bot.say(GROUP, member, "/points add Ukraine came to talk; Moscow did not")
    assert "Point 1 added" in waiting["text"] and "joins the next one" in waiting["text"]
    await bot.say(GROUP, admin, "/round start Geneva 3")
    [added] = await bot.say(GROUP, member, "/points add Every claim is checked on the record")
    assert "Point 2 added to round “Geneva 3”" in added["text"]

    [listed] = await bot.say(GROUP, member, "/points")
    assert "Talking points · round “Geneva 3”" in listed["text"]
    assert "1. Ukraine came to talk; Moscow did not" in listed["text"]
    assert "2. Every claim is checked on the record" in listed["text"]
    labels = [label for label, _ in buttons_of(listed)]
    assert labels == ["✏️ 1", "🗑 1", "✏️ 2", "⬆️ 2", "🗑 2"]

    [refused] = await bot.say(GROUP, member, "/points remove 1")
    assert "only chat admins" in refused["text"]
    [edited] = await bot.say(GROUP, admin, "/points edit 1 Ukraine came to talk. Moscow did not.")
    assert "Point 1 edited" in edited["text"]

    # ⬆️ under point 2 puts it first; the list is redrawn in place.
    [redrawn] = await bot.press(GROUP, admin, listed["message_id"], buttons_of(listed)[3][1])
    assert redrawn["text"].index("1. Every claim") < redrawn["text"].index("2. Ukraine came")
    # A member's press is refused, and changes nothing.
    await bot.press(GROUP, member, listed["message_id"], buttons_of(redrawn)[2][1])
    assert bot.api.calls[-1].params.get("show_alert") in (True, "true")
    [after] = await bot.press(GROUP, admin, listed["message_id"], buttons_of(redrawn)[1][1])
    assert "Every claim" not in after["text"] and "1. Ukraine came to talk." in after["text"]

    store = bot.store
    removed, kept = await store.points.for_export(GROUP)
    assert (removed.text, removed.removed) == ("Every claim is checked on the record", True)
    assert (kept.text, kept.removed) == ("Ukraine came to talk. Moscow did not.", False)
    histories = await store.points.history_for(GROUP, [removed.id, kept.id])
    assert [e.action for e in histories[kept.id]] == ["created", "edit"]
    assert [e.action for e in histories[removed.id]] == ["created", "move", "remove"]
    assert histories[removed.id][-1].by_name == "Oksana"


async def test_an_admin_edits_a_point_by_replying_to_the_bots_prompt(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot, admin = enrolled, people["chat_admin"]
    await bot.say(GROUP, people["flagger"], "/points add first wording")
    [listed] = await bot.say(GROUP, admin, "/points")
    [prompt] = await bot.press(GROUP, admin, listed["message_id"], buttons_of(listed)[0][1])
    assert "new text of point 1" in prompt["text"]
    assert prompt["reply_markup"]["force_reply"] is True
    [done] = await bot.say(GROUP, admin, "second wording", reply_to=prompt["message_id"])
    assert "Point 1 edited" in done["text"]
    [point] = await bot.store.points.listed(GROUP, None)
    assert point.text == "second wording"

    # After a restart the bot no longer knows its prompts: it says how to edit instead.
    [again] = await bot.press(GROUP, admin, listed["message_id"], buttons_of(listed)[0][1])
    bot.application.chat_data[GROUP].clear()
    [told] = await bot.say(GROUP, admin, "third wording", reply_to=again["message_id"])
    assert "Send /points edit 1 &lt;text&gt; instead" in told["text"]
    assert (await bot.store.points.listed(GROUP, None))[0].text == "second wording"
    # A reply to anyone else's message is not the points' business.
    said = bot.api.send_text(GROUP, people["analyst"], "Peskov: people should choose")
    await bot.feed(said)
    assert await bot.say(GROUP, admin, "agreed", reply_to=said["message"]["message_id"]) == []


async def test_a_point_cannot_be_changed_from_another_chat(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    await bot.say(GROUP, people["flagger"], "/points add ours")
    [point] = await bot.store.points.listed(GROUP, None)
    await bot.say(OTHER_GROUP, people["bot_admin"], "/enable")
    # The bot admin administers every chat, so only the chat decides here.
    update = bot.api.press_button(
        OTHER_GROUP, people["bot_admin"], 1, point_action("r", point.id), require_button=False
    )
    await bot.feed(update)
    assert "no longer on the list" in bot.api.calls[-1].params["text"]
    [still] = await bot.store.points.listed(GROUP, None)
    assert still.text == "ours" and not still.removed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nul\x00byte", "a character I cannot keep"),
        # Shown reversed, a point would say what nobody wrote.
        ("Ukraine\u202e came to talk", "a hidden direction mark"),
        ("x" * 10_000, "at most 1000 characters; this one has 10000"),
    ],
)
async def test_a_hostile_point_is_refused_with_the_reason(
    enrolled: Bot, people: dict[str, Any], text: str, expected: str
) -> None:
    [refusal] = await enrolled.say(GROUP, people["flagger"], f"/points add {text}")
    assert expected in refusal["text"]
    assert await enrolled.store.points.for_export(GROUP) == []


async def test_a_lone_surrogate_is_refused_at_the_service(enrolled: Bot) -> None:
    """Telegram's UTF-8 cannot carry one (and the fake cannot echo it back), but the
    board's JSON can: the service, which every change goes through, refuses it."""

    async def never_asked() -> bool:
        raise AssertionError("proposing needs no admin")

    refusal = await points.propose(
        enrolled.store, GROUP, "Lavrov: \ud800", by_id=1, by_name="x", is_admin=never_asked
    )
    assert refusal == points.Refusal("point_bad_text")
    assert await enrolled.store.points.for_export(GROUP) == []


async def test_markup_in_a_point_is_shown_as_text(enrolled: Bot, people: dict[str, Any]) -> None:
    typed = '<b>bold</b> & <a href="tg://user?id=1">x</a> *md* _it_'
    await enrolled.say(GROUP, people["flagger"], f"/points add {typed}")
    [listed] = await enrolled.say(GROUP, people["flagger"], "/points")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href=" in listed["text"]


async def test_points_go_with_a_purge_and_with_retention(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot, admin = enrolled, people["chat_admin"]
    await bot.say(GROUP, admin, "/round start Istanbul")
    await bot.say(GROUP, people["flagger"], "/points add kept until retention")
    store = bot.store
    assert await store.purge_older_than(datetime.now(UTC) - timedelta(days=1)) == 0
    assert len(await store.points.for_export(GROUP)) == 1
    await store.purge_older_than(datetime.now(UTC) + timedelta(seconds=1))
    assert await store.points.for_export(GROUP) == []

    await bot.say(GROUP, people["flagger"], "/points add gone with the purge")
    [question] = await bot.say(GROUP, admin, "/purge")
    await bot.press(GROUP, admin, question["message_id"], buttons_of(question)[0][1])
    assert await store.points.for_export(GROUP) == []


async def test_points_are_in_the_export_with_their_history(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot, admin = enrolled, people["chat_admin"]
    await bot.say(GROUP, admin, "/round start Istanbul")
    await bot.say(GROUP, people["flagger"], "/flag they never shelled the port")
    await bot.say(GROUP, people["flagger"], "/points add # not a heading *nor bold*")
    await bot.say(GROUP, people["flagger"], "/points add withdrawn later")
    await bot.say(GROUP, admin, "/points remove 2")
    await bot.say(GROUP, admin, "/export Istanbul")
    [markdown] = [doc for doc in bot.api.documents if doc["filename"].endswith(".md")]
    text = markdown["content"].decode("utf-8")
    assert "# Talking points" in text
    assert "## Point · Istanbul\n\n> \\# not a heading \\*nor bold\\*" in text
    assert "## Point · Istanbul · Removed" in text
    assert "created (Taras)" in text and "remove (Oksana)" in text

    exported = await points.for_export(bot.store, GROUP, "istanbul")
    document = json.loads(
        to_json(
            [],
            {},
            points=points_to_json(exported.points, exported.histories, exported.round_names),
        )
    )
    assert [(p["round"], p["text"], p["removed_at"] is not None) for p in document["points"]] == [
        ("Istanbul", "# not a heading *nor bold*", False),
        ("Istanbul", "withdrawn later", True),
    ]
    assert (await points.for_export(bot.store, GROUP, "Geneva")).points == []


async def test_the_command_line_exports_points_and_retention_deletes_them(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with await Store.open(path) as store:
        await store.start_round(GROUP, "Day 1", 1)
        await store.points.add(GROUP, "Ukraine came to talk", by_id=1, by_name="Taras")
    env = {"DATABASE_PATH": str(path)}
    done = cli("export", "--chat", str(GROUP), "--format", "json", env=env)
    assert done.returncode == 0, done.stderr
    [point] = json.loads(done.stdout)["points"]
    assert (point["round"], point["text"], point["proposed_by"]["name"]) == (
        "Day 1",
        "Ukraine came to talk",
        "Taras",
    )
    done = cli("export", "--chat", str(GROUP), "--round", "day 1", "--format", "md", env=env)
    assert "# Talking points" in done.stdout and "> Ukraine came to talk" in done.stdout
    # Retention: nothing older than a minute here; then nothing at all.
    assert cli("purge", "--older-than", "1m", env=env).returncode == 0
    async with await Store.open(path) as store:
        assert len(await store.points.for_export(GROUP)) == 1
        await store.purge_older_than(datetime.now(UTC) + timedelta(seconds=1))
        assert await store.points.for_export(GROUP) == []
