"""The flag log as a delegation uses it: enrol, flag, verify, rounds, log, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.callbacks import log_page, verdict
from bot.config import Settings
from tests.conftest import Bot, make_settings, start_bot, stop_bot
from tests.support.cast import FLAGGER, GROUP, OTHER_GROUP, cast
from tests.support.cast import callback_data as buttons
from tests.support.fake_bot_api import FakeBotAPI


@pytest.fixture
def people(bot: Bot) -> dict[str, dict[str, Any]]:
    return cast(bot.api)


@pytest.fixture
async def enrolled(bot: Bot, people: dict[str, dict[str, Any]]) -> Bot:
    [reply] = await bot.say(GROUP, people["bot_admin"], "/enable")
    assert "now keeps a flag log" in reply["text"]
    return bot


async def test_a_chat_that_is_not_enrolled_stores_nothing_and_says_how(
    bot: Bot, people: dict[str, Any]
) -> None:
    [reply] = await bot.say(GROUP, people["flagger"], "/flag Lavrov: the root causes")
    assert "nothing was stored" in reply["text"]
    assert "Ask the bot's administrator to switch it on with /enable" in reply["text"]
    assert await bot.flags(GROUP) == []


async def test_only_bot_admins_enrol_a_chat(bot: Bot, people: dict[str, Any]) -> None:
    [reply] = await bot.say(GROUP, people["chat_admin"], "/enable")
    assert "only the bot's administrator" in reply["text"]
    [reply] = await bot.say(GROUP, people["bot_admin"], "/enable")
    assert "now keeps a flag log" in reply["text"]


async def test_flag_with_speaker_is_numbered_matched_and_confirmed(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    [reply] = await bot.say(
        GROUP, people["flagger"], "/flag Lavrov: we must first eliminate the root causes"
    )
    assert "#1 flagged" in reply["text"]
    assert "Lavrov" in reply["text"]
    assert "Elimination of root causes" in reply["text"]
    data = buttons(reply)
    assert verdict(1, "false") in data
    assert "o:t:root-causes" in data
    [stored] = await bot.flags(GROUP)
    assert stored.speaker == "Lavrov"
    assert stored.text == "we must first eliminate the root causes"
    assert stored.flagged_by_id == FLAGGER
    assert stored.matches == ("term:root-causes",)
    assert stored.confirmation_message_id == reply["message_id"]
    [second] = await bot.say(
        GROUP, people["analyst"], "/flag the Kiev regime started the war in 2014"
    )
    assert "#2 flagged" in second["text"]
    assert "2014" in second["text"]


async def test_flag_by_reply_records_the_message_author_and_link(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    said = bot.api.send_text(GROUP, people["analyst"], "Peskov: people themselves should choose")
    message_id = said["message"]["message_id"]
    await bot.feed(said)
    [reply] = await bot.say(GROUP, people["flagger"], "/flag said twice", reply_to=message_id)
    assert "#1 flagged" in reply["text"]
    [stored] = await bot.flags(GROUP)
    # "Peskov:" names who said it, as after /flag; Iryna only wrote it down.
    assert (stored.speaker, stored.text) == ("Peskov", "people themselves should choose")
    assert stored.source_author == "Iryna"
    assert stored.source_message_id == message_id
    assert stored.note == "said twice"
    assert stored.source_link and stored.source_link.startswith("https://t.me/c/")


async def test_a_reply_flag_names_the_speaker_the_message_names_as_flag_does(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    """Issue #25: the note-taker writes "Мединський: …" and someone flags it by reply."""
    bot = enrolled
    said = bot.api.send_text(GROUP, people["analyst"], "Мединський: ми готові до діалогу")
    await bot.feed(said)
    await bot.say(GROUP, people["flagger"], "/flag", reply_to=said["message"]["message_id"])
    await bot.say(GROUP, people["flagger"], "/flag Мединський: ми готові до діалогу")
    plain = bot.api.send_text(GROUP, people["analyst"], "we will not withdraw")
    await bot.feed(plain)
    await bot.say(GROUP, people["flagger"], "/flag", reply_to=plain["message"]["message_id"])

    by_reply, typed, unnamed = await bot.flags(GROUP)

    assert (by_reply.speaker, by_reply.text) == (typed.speaker, typed.text)
    assert (by_reply.speaker, by_reply.text) == ("Мединський", "ми готові до діалогу")
    # A message that names no one was said by its author, as far as anyone knows.
    assert (unnamed.speaker, unnamed.text) == ("Iryna", "we will not withdraw")
    found = await bot.store.search(GROUP, "Мединський")
    assert sorted(flag.number for flag in found) == [1, 2]


async def test_empty_flag_explains_how(enrolled: Bot, people: dict[str, Any]) -> None:
    # A speaker and nothing they said is no statement either.
    for text in ("/flag", "/flag Lavrov:", "/flag  Peskov :  "):
        [reply] = await enrolled.say(GROUP, people["flagger"], text)
        assert "reply to a message with /flag" in reply["text"], text
    assert await enrolled.flags(GROUP) == []


async def test_flag_in_private_chat_points_to_the_group(bot: Bot, people: dict[str, Any]) -> None:
    [reply] = await bot.say(FLAGGER, people["flagger"], "/flag something")
    assert "group chat" in reply["text"]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/verify", "Which flag?"),
        ("/verify 0 false", "is not a flag number"),
        ("/verify -3 false", "is not a flag number"),
        ("/verify 99999999999999999999 false", "is not a flag number"),
        ("/verify abc false", "is not a flag number"),
        ("/verify 1", "Which verdict for #1? One of: open, verified, false"),
        ("/verify 1 maybe", "is not a verdict"),
        ("/verify 7 false", "no flag #7"),
    ],
)
async def test_verify_with_bad_input_answers_clearly(
    enrolled: Bot, people: dict[str, Any], command: str, expected: str
) -> None:
    await enrolled.say(GROUP, people["flagger"], "/flag something was said")
    [reply] = await enrolled.say(GROUP, people["flagger"], command)
    assert expected in reply["text"]
    [stored] = await enrolled.flags(GROUP)
    assert stored.status == "open"


async def test_verdicts_need_the_flagger_the_assignee_or_an_admin(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    [confirmation] = await bot.say(
        GROUP, people["flagger"], "/flag Ukraine's law prohibits negotiations"
    )
    [refusal] = await bot.say(GROUP, people["bystander"], "/verify 1 false")
    assert "Only the person who flagged #1" in refusal["text"]

    [assigned] = await bot.say(GROUP, people["flagger"], "/assign 1 @iryna_analyst")
    assert "assigned to @iryna_analyst" in assigned["text"]
    [verdict] = await bot.say(
        GROUP, people["analyst"], "/verify 1 misleading only talks with Putin"
    )
    assert "Taras" in verdict["text"] and "Misleading" in verdict["text"]
    assert verdict["reply_parameters"]["message_id"] == confirmation["message_id"]
    assert 'href="tg://user?id=201"' in verdict["text"]

    [admin_verdict] = await bot.say(GROUP, people["chat_admin"], "/verify 1 false")
    assert "False" in admin_verdict["text"]
    [stored] = await bot.flags(GROUP)
    assert stored.status == "false"
    store = bot.store
    history = await store.history(GROUP, 1)
    assert [event.action for event in history] == ["created", "assign", "status", "status"]
    assert history[2].by_name == "Iryna"


async def test_verdict_buttons_work_for_the_flagger_and_refuse_others(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    [confirmation] = await bot.say(
        GROUP, people["flagger"], "/flag no preconditions except goodwill"
    )
    data = verdict(1, "unverifiable")
    assert await bot.press(GROUP, people["bystander"], confirmation["message_id"], data) == []
    refusal = await bot.api.wait_for("answerCallbackQuery")
    assert "Only the person" in refusal.params["text"]
    [notice] = await bot.press(GROUP, people["flagger"], confirmation["message_id"], data)
    assert "Unverifiable" in notice["text"]
    [stored] = await bot.flags(GROUP)
    assert stored.status == "unverifiable"


async def test_the_same_verdict_or_assignment_again_changes_and_announces_nothing(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    [confirmation] = await bot.say(GROUP, people["flagger"], "/flag the talks failed")
    [notice] = await bot.say(GROUP, people["flagger"], "/verify 1 false")
    assert "False" in notice["text"]
    [assigned] = await bot.say(GROUP, people["flagger"], "/assign 1 @iryna_analyst")
    assert "assigned to @iryna_analyst" in assigned["text"]

    [again] = await bot.say(GROUP, people["flagger"], "/verify 1 false")
    assert again["text"] == "#1 is already False: nothing changed."
    [reassigned] = await bot.say(GROUP, people["chat_admin"], "/assign 1 @Iryna_Analyst")
    assert reassigned["text"] == "#1 is already assigned to @iryna_analyst: nothing changed."
    mark = bot.api.mark()
    tapped = await bot.press(
        GROUP, people["flagger"], confirmation["message_id"], verdict(1, "false")
    )
    assert tapped == [], "no second notice in the group"
    answer = await bot.api.wait_for("answerCallbackQuery", since=mark)
    assert answer.params["text"] == "#1 is already False: nothing changed."

    history = await bot.store.history(GROUP, 1)
    assert [event.action for event in history] == ["created", "status", "assign"]
    assert await bot.store.outbox.pending(GROUP) == []


async def test_an_edit_that_keeps_the_flagged_text_adds_nothing_to_its_history(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    said = bot.api.send_text(GROUP, people["analyst"], "Lavrov: we never attacked")
    source_id = said["message"]["message_id"]
    await bot.feed(said)
    await bot.say(GROUP, people["flagger"], "/flag", reply_to=source_id)

    # The author fixes a typo elsewhere in the message: the flagged words stay.
    assert (
        await bot.feed(
            bot.api.edit_text(GROUP, people["analyst"], source_id, "Lavrov:  we never attacked")
        )
        == []
    )
    await bot.feed(bot.api.edit_text(GROUP, people["analyst"], source_id, "Lavrov: we attacked"))

    history = await bot.store.history(GROUP, 1)
    assert [(event.action, event.new_value) for event in history] == [
        ("created", "open"),
        ("edit", "we attacked"),
    ]


async def test_a_button_pressed_in_another_chat_cannot_touch_this_chats_flag(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    await bot.say(GROUP, people["flagger"], "/flag a secret statement")
    await bot.say(OTHER_GROUP, people["bot_admin"], "/enable")
    [other] = await bot.say(OTHER_GROUP, people["flagger"], "/round")
    forged = bot.api.press_button(
        OTHER_GROUP,
        people["flagger"],
        other["message_id"],
        verdict(1, "false"),
        require_button=False,
    )
    assert await bot.feed(forged) == []
    answer = await bot.api.wait_for("answerCallbackQuery")
    assert "no flag #1" in answer.params["text"]
    [stored] = await bot.flags(GROUP)
    assert stored.status == "open"
    [shown] = await bot.say(OTHER_GROUP, people["flagger"], "/show 1")
    assert "no flag #1" in shown["text"]


async def test_unflag_keeps_the_record_and_is_limited_to_flagger_or_admin(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    await bot.say(GROUP, people["flagger"], "/flag misheard line")
    [refusal] = await bot.say(GROUP, people["bystander"], "/unflag 1 not me")
    assert "Only the person who flagged #1" in refusal["text"]
    [done] = await bot.say(GROUP, people["flagger"], "/unflag 1 misheard")
    assert "#1 retracted" in done["text"]
    [again] = await bot.say(GROUP, people["flagger"], "/unflag 1 misheard")
    assert "already retracted" in again["text"]
    [shown] = await bot.say(GROUP, people["bystander"], "/show 1")
    assert "Retracted" in shown["text"] and "misheard" in shown["text"]
    [stored] = await bot.flags(GROUP)
    assert stored.retracted_at is not None and stored.text == "misheard line"


async def test_rounds_are_carried_by_flags_and_filter_the_log(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    [none] = await bot.say(GROUP, people["flagger"], "/round")
    assert "No round is open" in none["text"]
    await bot.say(GROUP, people["flagger"], "/flag before any round")
    [started] = await bot.say(GROUP, people["flagger"], "/round start Istanbul 3")
    assert "Istanbul 3" in started["text"]
    await bot.say(GROUP, people["flagger"], "/flag Medinsky: scaling back near Kyiv")
    [current] = await bot.say(GROUP, people["flagger"], "/round")
    assert "Istanbul 3" in current["text"]
    [ended] = await bot.say(GROUP, people["flagger"], "/round end")
    assert "ended" in ended["text"]
    [page] = await bot.say(GROUP, people["flagger"], "/log round istanbul 3")
    assert "#2" in page["text"] and "#1 " not in page["text"]
    [unknown] = await bot.say(GROUP, people["flagger"], "/log round Geneva")
    assert "no round" in unknown["text"]
    [speaker] = await bot.say(GROUP, people["flagger"], "/log speaker medin")
    assert "#2" in speaker["text"]


async def test_log_pages_newest_first_with_prev_and_next(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    burst = [
        bot.api.send_text(GROUP, people["flagger"], f"/flag statement number {number}")
        for number in range(1, 24)
    ]
    confirmations = await bot.feed_burst(burst)
    assert len(confirmations) < 23, "a burst is confirmed in merged messages"
    said = "\n".join(message["text"] for message in confirmations)
    assert all(f"#{number}" in said for number in range(1, 24))
    [first] = await bot.say(GROUP, people["bystander"], "/log")
    assert "1–10 of 23" in first["text"]
    assert first["text"].index("#23") < first["text"].index("#14")
    assert buttons(first) == [log_page(10, "")]
    [second] = await bot.press(GROUP, people["bystander"], first["message_id"], log_page(10, ""))
    assert "11–20 of 23" in second["text"]
    assert buttons(second) == [log_page(0, ""), log_page(20, "")]
    await bot.say(GROUP, people["chat_admin"], "/verify 5 false")
    [open_only] = await bot.say(GROUP, people["bystander"], "/log open")
    assert "1–10 of 22" in open_only["text"]


async def test_find_searches_this_chats_flags_only(enrolled: Bot, people: dict[str, Any]) -> None:
    bot = enrolled
    await bot.say(GROUP, people["flagger"], "/flag they spoke of denazification again")
    await bot.say(OTHER_GROUP, people["bot_admin"], "/enable")
    await bot.say(OTHER_GROUP, people["flagger"], "/flag denazification in the other room")
    [found] = await bot.say(GROUP, people["bystander"], "/find denazif")
    assert "again" in found["text"] and "other room" not in found["text"]
    [nothing] = await bot.say(GROUP, people["bystander"], "/find \"NEAR( * '; DROP TABLE flags; --")
    assert "No flag mentions" in nothing["text"]


async def test_summary_briefs_the_lead(enrolled: Bot, people: dict[str, Any]) -> None:
    bot = enrolled
    await bot.say(GROUP, people["flagger"], "/round start Round 1")
    await bot.say(GROUP, people["flagger"], "/flag Lavrov: elimination of root causes")
    await bot.say(GROUP, people["flagger"], "/flag the root causes of the conflict")
    await bot.say(GROUP, people["flagger"], "/flag something unrelated")
    await bot.say(GROUP, people["flagger"], "/verify 3 verified")
    [summary] = await bot.say(GROUP, people["bystander"], "/summary Round 1")
    text = summary["text"]
    assert "\n3 flags\n" in text
    assert "Verified: 1" in text and "Open: 2" in text
    assert "Elimination of root causes × 2" in text


async def test_export_sends_csv_and_markdown_to_admins_only(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    await bot.say(GROUP, people["flagger"], '/flag Lavrov: "quotes", commas; <tags> & =SUM(1)')
    [refusal] = await bot.say(GROUP, people["bystander"], "/export")
    assert "only chat admins" in refusal["text"]
    sent = await bot.say(GROUP, people["chat_admin"], "/export")
    assert "Export of 1 flag:" in sent[0]["caption"], "the text rides on the first file"
    documents = bot.api.documents
    names = [document["filename"] for document in documents]
    assert names[0].endswith(".csv") and names[1].endswith(".md")
    csv_text = documents[0]["content"].decode("utf-8-sig")
    assert '"Lavrov"' in csv_text or "Lavrov" in csv_text
    assert "<tags>" in csv_text
    assert "Lavrov" in documents[1]["content"].decode("utf-8")


async def test_board_is_one_message_edited_as_flags_arrive(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    [board] = await bot.say(GROUP, people["flagger"], "/board")
    assert "No open flags" in board["text"]
    await bot.say(GROUP, people["flagger"], "/flag first statement")
    edited = bot.api.message(GROUP, board["message_id"])
    assert edited is not None and "first statement" in edited["text"]
    await bot.say(GROUP, people["flagger"], "/verify 1 false")
    edited = bot.api.message(GROUP, board["message_id"])
    assert edited is not None and "No open flags" in edited["text"]


async def test_editing_a_flagged_message_is_kept_in_history(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    said = bot.api.send_text(GROUP, people["analyst"], "they said twenty")
    await bot.feed(said)
    message_id = said["message"]["message_id"]
    await bot.say(GROUP, people["flagger"], "/flag", reply_to=message_id)
    await bot.feed(bot.api.edit_text(GROUP, people["analyst"], message_id, "they said thirty"))
    [stored] = await bot.flags(GROUP)
    assert stored.text == "they said thirty"
    history = await bot.store.history(GROUP, 1)
    assert history[-1].action == "edit" and history[-1].old_value == "they said twenty"
    assert len(await bot.flags(GROUP)) == 1


async def test_an_edited_statement_is_matched_against_the_playbook_again(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    said = bot.api.send_text(GROUP, people["analyst"], "they said twenty")
    await bot.feed(said)
    message_id = said["message"]["message_id"]
    await bot.say(GROUP, people["flagger"], "/flag", reply_to=message_id)
    await bot.feed(
        bot.api.edit_text(
            GROUP, people["analyst"], message_id, "they said the root causes must go first"
        )
    )
    [shown] = await bot.say(GROUP, people["flagger"], "/show 1")
    assert "Matches the playbook:" in shown["text"]
    assert "root causes" in shown["text"].lower()
    # ...and "seen before" finds it by that term, and no longer by its old words.
    by_term = await bot.store.seen_candidates(GROUP, [], ["term:root-causes"])
    by_old_words = await bot.store.seen_candidates(GROUP, ["twenty"], [])
    assert ([c.number for c in by_term], by_old_words) == ([1], [])


async def test_the_log_follows_a_group_that_becomes_a_supergroup(
    bot: Bot, people: dict[str, Any]
) -> None:
    old_group, new_group = -4000001, -1004000001
    bot.api.chat(old_group, "group", "Old group")
    await bot.say(old_group, people["bot_admin"], "/enable")
    await bot.say(old_group, people["flagger"], "/flag said in the old group")
    for update in bot.api.migrate_chat(old_group, new_group, people["flagger"]):
        await bot.feed(update)
    [stored] = await bot.flags(new_group)
    assert stored.text == "said in the old group"
    [reply] = await bot.say(new_group, people["flagger"], "/flag said in the new one")
    assert "#2 flagged" in reply["text"]


async def test_purge_asks_first_and_only_admins_can_confirm(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    await bot.say(GROUP, people["flagger"], "/flag one")
    [refused] = await bot.say(GROUP, people["bystander"], "/purge")
    assert "only chat admins" in refused["text"]
    [question] = await bot.say(GROUP, people["chat_admin"], "/purge")
    assert "(1 flag," in question["text"]
    yes = "purge:yes"
    assert await bot.press(GROUP, people["bystander"], question["message_id"], yes) == []
    assert len(await bot.flags(GROUP)) == 1
    [done] = await bot.press(GROUP, people["chat_admin"], question["message_id"], yes)
    assert "Deleted 1" in done["text"]
    assert await bot.flags(GROUP) == []
    [after] = await bot.say(GROUP, people["flagger"], "/flag two")
    assert "#2 flagged" in after["text"], "numbers are never reused"


async def test_a_purge_question_sent_before_the_button_format_changed_still_works(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    """Its buttons borrowed a flag action with a made-up number: "f:purge:1:yes"."""
    bot = enrolled
    await bot.say(GROUP, people["flagger"], "/flag one")
    [question] = await bot.say(GROUP, people["chat_admin"], "/purge")
    assert buttons(question) == ["purge:yes", "purge:no"]
    old = bot.api.press_button(
        GROUP, people["chat_admin"], question["message_id"], "f:purge:1:no", require_button=False
    )
    [kept] = await bot.feed(old)
    assert "Nothing was deleted" in kept["text"]
    old = bot.api.press_button(
        GROUP, people["chat_admin"], question["message_id"], "f:purge:1:yes", require_button=False
    )
    [done] = await bot.feed(old)
    assert "Deleted 1" in done["text"]
    assert await bot.flags(GROUP) == []


async def test_hostile_text_is_flagged_and_shown_safely(
    enrolled: Bot, people: dict[str, Any]
) -> None:
    bot = enrolled
    nasty = "</b><i>&amp; <script> ' OR 1=1; -- \u200b 🙂 " + "x" * 3900
    [reply] = await bot.say(GROUP, people["flagger"], f"/flag {nasty}")
    assert "#1 flagged" in reply["text"]
    [shown] = await bot.say(GROUP, people["flagger"], "/show 1")
    assert "&lt;script&gt;" in shown["text"]
    [stored] = await bot.flags(GROUP)
    assert stored.text == nasty.strip()


async def test_everything_survives_a_restart(api: FakeBotAPI, tmp_path: Path, library: Any) -> None:
    settings: Settings = make_settings(api, tmp_path, allowed_chats=frozenset({GROUP}))
    api.chat(GROUP, "supergroup", "Delegation")
    taras = api.user(FLAGGER, "Taras", "taras")
    first = await start_bot(api, settings, library)
    await first.say(GROUP, taras, "/round start Day 1")
    await first.say(GROUP, taras, "/flag Lavrov: root causes")
    await first.say(GROUP, taras, "/verify 1 false")
    await stop_bot(first)

    second = await start_bot(api, settings, library)
    [shown] = await second.say(GROUP, taras, "/show 1")
    assert "False" in shown["text"] and "Day 1" in shown["text"]
    [reply] = await second.say(GROUP, taras, "/flag next one")
    assert "#2 flagged" in reply["text"] and "Day 1" in reply["text"]
    await stop_bot(second)
    assert api.rejections == []
