"""What real Telegram answers, and how the bot's sender takes it.

The command being replied to was deleted, the board was deleted, nothing changed on
an edit, the bot was removed from the group, forum topics, and a group at its limit.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from telegram import Update

from bot.access import Actor
from bot.callbacks import back_to_picks, pick, verdict
from bot.flaglog import Done, FlagLog
from bot.store import Status
from tests.conftest import ADMIN_ID, Bot, speed_up_flood_clock

GROUP = -1001000000501
MEMBERS = range(600, 610)


@pytest.fixture
async def team(bot: Bot) -> dict[str, Any]:
    api = bot.api
    api.chat(GROUP, "supergroup", "Delegation")
    people = {n: api.user(n, f"Delegate {n}", f"delegate{n}") for n in MEMBERS}
    admin = api.user(ADMIN_ID, "Admin", "admin")
    await bot.say(GROUP, admin, "/enable")
    return {"admin": admin, **{str(n): person for n, person in people.items()}}


async def spend_what_confirmations_may(bot: Bot) -> None:
    """Confirmations and notices have used their share of the group's minute: what the
    bot says on its own now waits for room (on a clock ten times faster, a few
    seconds) and piles up meanwhile."""
    speed_up_flood_clock(bot, 10)
    flood = bot.services.require_sender().flood
    while not flood.is_crowded(GROUP):
        await flood.acquire(GROUP)


def flag_updates(bot: Bot, team: dict[str, Any], count: int) -> list[dict[str, Any]]:
    return [
        bot.api.send_text(GROUP, team[str(600 + n % 10)], f"/flag Lavrov: statement {n}")
        for n in range(count)
    ]


async def test_a_burst_is_confirmed_merged_with_a_button_per_flag(
    bot: Bot, team: dict[str, Any]
) -> None:
    sent = await bot.feed_burst(flag_updates(bot, team, 12))
    merged = [message for message in sent if "–" in message["text"].split("\n")[0]]
    assert merged, "what the budget could not send at once went out merged"
    last = merged[-1]
    numbers = [int(b["text"][1:]) for row in last["reply_markup"]["inline_keyboard"] for b in row]
    assert all(f"<b>#{n}</b>" in last["text"] for n in numbers)

    # Tapping a number opens that flag's verdict buttons in place; back brings them back.
    [opened] = await bot.press(GROUP, team["600"], last["message_id"], pick(numbers[0]))
    datas = [b["callback_data"] for row in opened["reply_markup"]["inline_keyboard"] for b in row]
    assert verdict(numbers[0], "false") in datas
    back = back_to_picks(numbers[0], numbers)
    assert back in datas
    pressed = verdict(numbers[0], "false")
    await bot.press(GROUP, team["admin"], last["message_id"], pressed)
    store = bot.store
    judged = await store.get_flag(GROUP, numbers[0])
    assert judged is not None and judged.status == "false"
    [closed] = await bot.press(GROUP, team["600"], last["message_id"], back)
    assert [b["text"] for row in closed["reply_markup"]["inline_keyboard"] for b in row] == [
        f"#{n}" for n in numbers
    ]
    assert bot.api.floods == []


def edits_since(bot: Bot, mark: int) -> list[Any]:
    methods = ("editMessageText", "editMessageReplyMarkup")
    return [call for call in bot.api.calls[mark:] if call.method in methods]


async def test_a_second_tap_on_the_same_button_sends_no_edit(
    bot: Bot, team: dict[str, Any]
) -> None:
    member = team["600"]
    [welcome] = await bot.say(member["id"], member, "/start")
    # A double tap: both taps leave before the first is answered.
    taps = [
        bot.api.press_button(member["id"], member, welcome["message_id"], "l:t:0") for _ in "12"
    ]
    mark = bot.api.mark()
    [listing] = await bot.feed(taps[0])
    assert "terms" in listing["text"].lower()
    # The second's spinner stops; the list it already shows stays, and nothing is sent.
    assert await bot.feed(taps[1]) == []
    assert len(edits_since(bot, mark)) == 1
    answers = [c for c in bot.api.calls[mark:] if c.method == "answerCallbackQuery"]
    assert len(answers) == 2

    # The numbers under a merged confirmation: the same number twice, one edit.
    sent = await bot.feed_burst(flag_updates(bot, team, 12))
    [merged, *_] = [message for message in sent if "–" in message["text"].split("\n")[0]]
    first = int(merged["reply_markup"]["inline_keyboard"][0][0]["text"][1:])
    taps = [bot.api.press_button(GROUP, member, merged["message_id"], pick(first)) for _ in "12"]
    mark = bot.api.mark()
    for tap in taps:
        await bot.feed(tap)
    assert len(edits_since(bot, mark)) == 1
    assert bot.api.unmodified_edits == []


async def test_a_board_refresh_that_changes_nothing_sends_no_edit(
    bot: Bot, team: dict[str, Any]
) -> None:
    member = team["600"]
    [board] = await bot.say(GROUP, member, "/board")
    await bot.say(GROUP, member, "/flag Lavrov: root causes")
    await bot.say(GROUP, member, "/verify 1 false")
    shown = bot.api.message(GROUP, board["message_id"])
    assert shown is not None and "root causes" not in shown["visible_text"], "no open flags"
    mark = bot.api.mark()
    # Withdrawing a closed flag changes no open flag: the board is not edited.
    [reply] = await bot.say(GROUP, member, "/unflag 1 misheard")
    assert "#1 retracted" in reply["text"]
    assert edits_since(bot, mark) == []
    assert bot.api.unmodified_edits == []
    # A change the board does show is still edited in.
    await bot.say(GROUP, member, "/flag Peskov: no talks")
    shown = bot.api.message(GROUP, board["message_id"])
    assert shown is not None and "no talks" in shown["visible_text"]


async def test_a_deleted_command_still_gets_its_confirmation(
    bot: Bot, team: dict[str, Any]
) -> None:
    update = bot.api.send_text(GROUP, team["600"], "/flag Peskov: said and deleted")
    bot.api.delete_user_message(GROUP, update["message"]["message_id"])
    [confirmation] = await bot.feed(update)
    assert "#1 flagged" in confirmation["text"]
    assert confirmation["reply_parameters"]["allow_sending_without_reply"] is True


async def test_the_board_survives_being_deleted_and_unchanged_edits(
    bot: Bot, team: dict[str, Any]
) -> None:
    [board] = await bot.say(GROUP, team["600"], "/board")
    await bot.say(GROUP, team["600"], "/flag first")
    shown = bot.api.message(GROUP, board["message_id"])
    assert shown is not None and "first" in shown["visible_text"]

    # An edit that changes nothing on the board is "not modified": fine, not an error.
    await bot.say(GROUP, team["600"], "/assign 1 @delegate601")
    bot.api.delete_user_message(GROUP, board["message_id"])
    mark = bot.api.mark()
    update = bot.api.send_text(GROUP, team["600"], "/flag second")
    await bot.application.process_update(Update.de_json(update, bot.application.bot))
    await bot.quiet()
    [refused] = bot.api.rejections  # Telegram's answer about the deleted board, expected
    assert refused.description == "Bad Request: message to edit not found"
    bot.api._rejections.clear()
    [reposted] = [
        call.result
        for call in bot.api.calls[mark:]
        if call.method == "sendMessage" and "Open flags" in call.params["text"]
    ]
    assert "second" in reposted["text"]
    store = bot.store
    kept = await store.get_live_list(GROUP)
    assert kept is not None and kept.message_id == reposted["message_id"]
    await bot.say(GROUP, team["600"], "/flag third")
    edited = bot.api.message(GROUP, reposted["message_id"])
    assert edited is not None and "third" in edited["visible_text"]


async def test_a_bot_removed_from_the_group_drops_its_queue_and_keeps_the_log(
    bot: Bot, team: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.sender")
    updates = flag_updates(bot, team, 8)
    bot.api.remove_bot(GROUP, team["admin"])
    for update in updates:
        await bot.application.process_update(Update.de_json(update, bot.application.bot))
    await bot.quiet()
    store = bot.store
    assert len(await store.export_flags(GROUP)) == 8, "the log is kept"
    assert await store.outbox.pending(GROUP) == []
    refusals = [r for r in bot.api.rejections if r.status == 403]
    assert len(refusals) == 1, "one refusal, then the queue is dropped"
    gone = [r for r in caplog.records if "no longer takes messages" in r.getMessage()]
    assert len(gone) == 1
    bot.api._rejections.clear()  # the 403 was Telegram's answer, and expected here


async def test_the_bots_removal_update_stops_sending_there(bot: Bot, team: dict[str, Any]) -> None:
    removal = bot.api.remove_bot(GROUP, team["admin"])
    await bot.feed(removal)
    assert await bot.feed(bot.api.send_text(GROUP, team["600"], "/flag after removal")) == []
    store = bot.store
    assert [f.text for f in await store.export_flags(GROUP)] == ["after removal"]
    assert bot.api.rejections == []


async def test_in_a_forum_answers_go_to_the_topic_they_came_from(
    bot: Bot, team: dict[str, Any]
) -> None:
    topic = 77
    board_update = bot.api.send_text(GROUP, team["600"], "/board", thread_id=topic)
    [board] = await bot.feed(board_update)
    assert board["message_thread_id"] == topic
    sent = await bot.feed(
        bot.api.send_text(GROUP, team["601"], "/flag Lavrov: in the topic", thread_id=topic)
    )
    [confirmation] = [m for m in sent if "flagged" in m["text"]]
    assert confirmation["message_thread_id"] == topic
    assert any(m.get("message_id") == board["message_id"] for m in sent), "the board is edited"
    sent = await bot.feed(bot.api.send_text(GROUP, team["602"], "/flag in the main thread"))
    [elsewhere] = [m for m in sent if "flagged" in m["text"]]
    assert elsewhere.get("message_thread_id") is None


async def test_a_command_is_answered_before_the_confirmations_waiting_for_room(
    bot: Bot, team: dict[str, Any]
) -> None:
    burst = flag_updates(bot, team, 15)
    burst.append(bot.api.send_text(GROUP, team["605"], "/summary"))
    sent = await bot.feed_burst(burst)
    summary = next(i for i, m in enumerate(sent) if "flagged" not in m["text"].split("\n")[0])
    last_confirmation = max(i for i, m in enumerate(sent) if "flagged" in m["text"])
    assert summary < last_confirmation, "the lead's /summary did not wait for confirmations"


async def test_term_watch_cards_are_dropped_first_when_the_group_is_at_its_limit(
    bot: Bot, team: dict[str, Any]
) -> None:
    svc = bot.services
    await svc.require_store().set_watch(GROUP, True)
    [card] = await bot.say(GROUP, team["600"], "they keep saying root causes")
    assert "Elimination of root causes" in card["text"], "with room, the watch speaks"

    # A watch card right after another message waits its turn: one a second.
    [second] = await bot.say(GROUP, team["600"], "what goodwill do they mean")
    assert "Goodwill" in second["text"]

    await spend_what_confirmations_may(bot)
    said = [
        "legitimate territorial interests again",
        "the right of nations to self-determination",
    ]
    sent = await bot.feed_burst([bot.api.send_text(GROUP, team["601"], text) for text in said])
    assert sent == [], "no room: the watch stays quiet rather than queue behind the group"
    assert bot.api.floods == []


async def test_verdicts_that_pile_up_are_merged_in_the_groups_language(
    bot: Bot, team: dict[str, Any]
) -> None:
    # Three delegates flag; the first reads Ukrainian, but the group reads English.
    await bot.say(600, team["600"], "/lang uk")
    for n in (600, 601, 602):
        await bot.say(GROUP, team[str(n)], f"/flag Lavrov: statement by {n}")
    # The group's budget is spent: the verdicts given now wait for room, and pile up.
    await spend_what_confirmations_may(bot)
    svc = bot.services
    mark = bot.api.mark()

    async def is_admin() -> bool:
        return True

    admin = Actor(ADMIN_ID, "Admin", is_admin=is_admin)
    for number in (1, 2, 3):
        answer = await FlagLog(svc).verdict(GROUP, admin, number, Status.FALSE)
        assert isinstance(answer, Done) and answer.changed
    await bot.quiet()

    said = [message["text"] for message in bot.api.replies_to(GROUP, after_index=mark)]
    assert len(said) == 1, said
    [merged] = said
    assert merged.startswith("⚖️ <b>Verdicts</b>")
    for number in (1, 2, 3):
        assert f"Verdict for #{number}: <b>❌ False</b> · verdict by Admin" in merged
    assert bot.api.floods == []


async def test_confirmations_that_pile_up_are_merged_in_the_groups_language(
    bot: Bot, team: dict[str, Any]
) -> None:
    await bot.say(601, team["601"], "/lang uk")
    await bot.say(GROUP, team["admin"], "/settings language uk")
    await spend_what_confirmations_may(bot)
    said = [(n, f"/flag Lavrov: statement by {n}") for n in (600, 601, 602, 603)]
    sent = await bot.feed_burst([bot.api.send_text(GROUP, team[str(n)], text) for n, text in said])

    headings = [message["text"].split("\n")[0] for message in sent]
    assert headings == ["🚩 <b>#1–#4 позначено</b>"], headings
    picks = [b["text"] for row in sent[0]["reply_markup"]["inline_keyboard"] for b in row]
    assert picks == ["#1", "#2", "#3", "#4"]
    assert bot.api.floods == []
