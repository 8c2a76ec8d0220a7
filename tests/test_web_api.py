"""The analysts' board's API as the Mini App uses it: who may see and change what,
and that a change made there is the same change as in the chat.

The real Application runs against the fake Bot API with the board on a free port of
127.0.0.1; requests carry initData signed as Telegram signs it.
"""

from __future__ import annotations

import csv
import html
import io
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from docx import Document

from bot import definitions
from bot.callbacks import verdict as verdict_button
from bot.members import MEMBER_CACHE_S
from bot.services import Library
from bot.web.auth import chat_of_token, chat_token
from bot.web.server import CONTENT_SECURITY_POLICY
from tests.conftest import ADMIN_ID, Bot
from tests.support.board_client import init_data
from tests.support.board_setup import (
    BYSTANDER,
    CHAT_ADMIN,
    FLAGGER,
    GROUP,
    NOT_ENROLLED,
    OTHER_BOT_TOKEN,
    OUTSIDE_GROUP,
    STRANGER,
    Board,
    running_board,
)
from tests.support.cast import callback_data
from tests.support.fake_bot_api import FakeBotAPI


@pytest.fixture
async def board(api: FakeBotAPI, tmp_path: Path, library: Library) -> AsyncIterator[Board]:
    async with running_board(api, tmp_path, library) as running:
        yield running


# -- who gets in ------------------------------------------------------------------------


async def test_a_member_sees_the_chat_and_its_log_newest_first(board: Board) -> None:
    await board.flag("flagger", "Lavrov: we must first eliminate the root causes")
    await board.flag("flagger", "Peskov: the talks failed because of Kyiv")
    me = await board.visitor("bystander").get("/api/me")
    assert me.status == 200, me.body
    assert me.body["chat"]["title"] == "Delegation"
    assert me.body["user"]["name"] == "Petro"
    assert me.body["admin"] is False
    assert me.body["speakers"] == ["Lavrov", "Peskov"]
    log = await board.visitor("bystander").get("/api/flags")
    assert log.status == 200
    assert [item["number"] for item in log.body["items"]] == [2, 1]
    assert log.body["items"][0]["speaker"] == "Peskov"
    assert log.body["items"][1]["text"] == "we must first eliminate the root causes"


async def test_a_ukrainian_user_gets_the_labels_the_chat_uses_in_ukrainian(board: Board) -> None:
    me = await board.visitor("analyst").get("/api/me")
    assert me.body["lang"] == "uk"
    labels = {item["id"]: item["label"] for item in me.body["statuses"]}
    assert labels["false"] == "Неправда" and labels["open"] == "На перевірці"


async def test_the_boards_export_and_what_it_tells_the_group_are_in_the_groups_language(
    board: Board,
) -> None:
    await board.flag("flagger", "Lavrov: we must first eliminate the root causes")
    await board.store.set_chat_language(GROUP, "uk")
    # Oksana's Telegram is in English: her page is, the group's file is not.
    me = await board.visitor("chat_admin").get("/api/me")
    assert me.body["lang"] == "en"
    exported = await board.visitor("chat_admin").get("/api/export", format="csv")
    [row] = list(csv.DictReader(io.StringIO(exported.raw.decode("utf-8-sig"))))
    assert (row["статус"], row["код статусу"], row["мова"]) == ("На перевірці", "open", "uk")
    assert row["збіги з порадником"] == "Ліквідація першопричин"
    mark = board.bot.api.mark()
    assigned = await board.visitor("chat_admin").post(
        "/api/flags/1/assignee", {"assignee": "@iryna"}
    )
    assert assigned.status == 200, assigned.body
    await board.bot.quiet()
    [told] = board.bot.api.replies_to(GROUP, after_index=mark)
    assert told["text"] == "#1 перевіряє @iryna."


async def test_a_forged_signature_is_refused_and_says_why(board: Board) -> None:
    good = init_data(board.token, board.people["bystander"])
    forged = good[: good.index("hash=") + 5] + "0" * 64
    answer = await board.client.call(
        "GET", "/api/flags", init=forged, token=chat_token(GROUP, board.token)
    )
    assert answer.status == 401
    assert answer.body["error"] == "unauthorized"
    assert "not signed by Telegram" in answer.body["message"]


async def test_initdata_signed_for_another_bot_is_refused(board: Board) -> None:
    other = init_data(OTHER_BOT_TOKEN, board.people["bystander"])
    answer = await board.client.call(
        "GET", "/api/me", init=other, token=chat_token(GROUP, board.token)
    )
    assert answer.status == 401


async def test_changing_the_user_inside_signed_initdata_is_refused(board: Board) -> None:
    signed = init_data(board.token, board.people["bystander"])
    altered = signed.replace(f"%22id%22%3A{BYSTANDER}", f"%22id%22%3A{CHAT_ADMIN}")
    assert altered != signed
    answer = await board.client.call(
        "GET", "/api/me", init=altered, token=chat_token(GROUP, board.token)
    )
    assert answer.status == 401
    assert "not signed by Telegram" in answer.body["message"]


async def test_initdata_older_than_a_day_has_expired(board: Board) -> None:
    old = init_data(board.token, board.people["bystander"], auth_date=time.time() - 25 * 3600)
    answer = await board.client.call(
        "GET", "/api/flags", init=old, token=chat_token(GROUP, board.token)
    )
    assert answer.status == 401
    assert "expired" in answer.body["message"]
    fresh = init_data(board.token, board.people["bystander"], auth_date=time.time() - 23 * 3600)
    answer = await board.client.call(
        "GET", "/api/flags", init=fresh, token=chat_token(GROUP, board.token)
    )
    assert answer.status == 200


async def test_a_request_without_initdata_is_told_to_open_the_board_from_telegram(
    board: Board,
) -> None:
    answer = await board.client.call(
        "GET", "/api/flags", init=None, token=chat_token(GROUP, board.token)
    )
    assert answer.status == 401
    assert "open the board from Telegram" in answer.body["message"]


async def test_a_chat_link_not_signed_by_this_bot_is_refused(board: Board) -> None:
    init = init_data(board.token, board.people["bystander"])
    for token in (chat_token(GROUP, OTHER_BOT_TOKEN), "", "1" + "A" * 35, "<script>"):
        answer = await board.client.call("GET", "/api/flags", init=init, token=token)
        assert answer.status == 401, token
        assert "not one this bot made" in answer.body["message"]


async def test_someone_who_left_the_chat_is_kept_out(board: Board) -> None:
    answer = await board.visitor("stranger").get("/api/flags")
    assert answer.status == 403
    assert answer.body["message"] == "you are not a member of this chat"


async def test_a_member_of_one_chat_cannot_read_another_chats_log(board: Board) -> None:
    await board.flag("flagger", "a statement in our own chat")
    answer = await board.visitor("bystander", OUTSIDE_GROUP).get("/api/flags")
    assert answer.status == 403
    assert "not a member" in answer.body["message"]


async def test_a_chat_without_a_log_has_no_board(board: Board) -> None:
    answer = await board.visitor("bystander", NOT_ENROLLED).get("/api/me")
    assert answer.status == 403
    assert "no longer keeps a flag log" in answer.body["message"]


# -- filters ------------------------------------------------------------------------------


async def test_filters_narrow_the_log_by_status_round_speaker_assignee_and_words(
    board: Board,
) -> None:
    bot, people = board.bot, board.people
    await bot.say(GROUP, people["chat_admin"], "/round start Istanbul")
    await board.flag("flagger", "Lavrov: sanctions must be lifted first")
    await board.flag("flagger", "Peskov: the grain deal is dead")
    await bot.say(GROUP, people["chat_admin"], "/round start Geneva")
    await board.flag("flagger", "Lavrov: the grain corridor is closed")
    await bot.say(GROUP, people["chat_admin"], "/verify 1 false")
    await bot.say(GROUP, people["flagger"], "/assign 3 @iryna_analyst")
    visitor = board.visitor("bystander")

    async def numbers(**filters: str) -> list[int]:
        answer = await visitor.get("/api/flags", **filters)
        assert answer.status == 200, answer.body
        return [item["number"] for item in answer.body["items"]]

    assert await numbers() == [3, 2, 1]
    assert await numbers(status="false") == [1]
    assert await numbers(status="open") == [3, 2]
    assert await numbers(round="istanbul") == [2, 1]
    assert await numbers(speaker="lavrov") == [3, 1]
    assert await numbers(assignee="iryna_analyst") == [3]
    assert await numbers(q="grain") == [3, 2]
    assert await numbers(q="grain", round="Geneva", speaker="Lavrov") == [3]
    assert await numbers(q="nothing-like-this") == []
    assert await numbers(limit="2") == [3, 2]  # the page's "Show more" asks for more
    assert await numbers(limit="2", offset="2") == [1]
    me = await visitor.get("/api/me")
    assert me.body["rounds"] == ["Istanbul", "Geneva"]
    assert me.body["assignees"] == ["@iryna_analyst"]


async def test_the_log_says_unchanged_until_something_changes(board: Board) -> None:
    await board.flag("flagger", "first statement")
    visitor = board.visitor("bystander")
    first = await visitor.get("/api/flags")
    again = await visitor.get("/api/flags", version=first.body["version"])
    assert again.body == {"version": first.body["version"], "unchanged": True}
    await board.bot.say(GROUP, board.people["flagger"], "/verify 1 verified")
    moved = await visitor.get("/api/flags", version=first.body["version"])
    assert moved.body["items"][0]["status"] == "verified"


async def test_bad_filters_and_numbers_get_a_clear_answer(board: Board) -> None:
    visitor = board.visitor("bystander")
    answer = await visitor.get("/api/flags", status="bogus")
    assert answer.status == 400
    assert "unknown status" in answer.body["message"]
    answer = await visitor.get("/api/flags", limit="lots")
    assert answer.status == 400
    answer = await visitor.get("/api/flags/abc")
    assert answer.status == 400
    assert "not a flag number" in answer.body["message"]
    answer = await visitor.get("/api/flags/99")
    assert answer.status == 404
    assert answer.body["message"] == "there is no flag #99 in this chat"
    answer = await visitor.get("/api/nothing-here")
    assert answer.status == 404 and answer.body["error"] == "no_such_api"


# -- one flag ------------------------------------------------------------------------------


async def test_a_record_has_its_history_and_matched_playbook_cards(board: Board) -> None:
    number = await board.flag("flagger", "Lavrov: we must first eliminate the root causes")
    await board.bot.say(GROUP, board.people["flagger"], f"/verify {number} misleading spin")
    record = await board.visitor("bystander").get(f"/api/flags/{number}")
    assert record.status == 200
    assert [event["action"] for event in record.body["history"]] == ["created", "status"]
    assert record.body["history"][1]["new"] == "misleading"
    assert record.body["history"][1]["note"] == "spin"
    titles = [card["title"] for card in record.body["cards"]]
    assert "Elimination of root causes" in " ".join(titles)
    assert record.body["can_judge"] is False


async def test_a_statement_full_of_markup_comes_back_exactly_as_said(board: Board) -> None:
    said = 'Lavrov: <b>NATO</b> & "partners" <script>alert(1)</script>'
    number = await board.flag("flagger", said)
    record = await board.visitor("bystander").get(f"/api/flags/{number}")
    assert record.body["flag"]["text"] == '<b>NATO</b> & "partners" <script>alert(1)</script>'


# -- changes, and who may make them ---------------------------------------------------------


async def test_a_verdict_from_the_board_is_stored_and_announced_in_the_group(board: Board) -> None:
    number = await board.flag("flagger", "Peskov: Kyiv walked away from the talks")
    mark = board.bot.api.mark()
    answer = await board.visitor("chat_admin").post(
        f"/api/flags/{number}/verdict", {"status": "false", "note": "minutes of 29 March"}
    )
    assert answer.status == 200, answer.body
    assert answer.body["flag"]["status"] == "false"
    await board.bot.quiet()
    flag = await board.store.get_flag(GROUP, number)
    assert flag.status == "false"
    history = await board.store.history(GROUP, number)
    assert (history[-1].action, history[-1].new_value, history[-1].by_name) == (
        "status",
        "false",
        "Oksana",
    )
    notices = board.bot.api.replies_to(GROUP, after_index=mark)
    assert any(
        f"Verdict for #{number}: <b>False</b>\nVerdict by: Oksana" in notice["text"]
        for notice in notices
    ), notices


async def test_a_member_flags_a_statement_from_the_board_and_the_group_sees_it(
    board: Board,
) -> None:
    await board.flag("flagger", "a statement made in the chat")
    mark = board.bot.api.mark()
    answer = await board.visitor("bystander").post(
        "/api/flags", {"text": "Lavrov: the root causes of the conflict must go <first> & now"}
    )
    assert answer.status == 201, answer.body
    flag = answer.body["flag"]
    assert (flag["number"], flag["speaker"], flag["flagged_by"]) == (2, "Lavrov", "Petro")
    assert flag["text"] == "the root causes of the conflict must go <first> & now"
    assert [card["id"] for card in answer.body["cards"]] == ["root-causes"]
    stored = await board.store.get_flag(GROUP, 2)
    assert stored is not None and stored.matches == ("term:root-causes",)

    # The group hears of it as of a /flag there, with its verdict buttons.
    await board.bot.quiet()
    [confirmation] = board.bot.api.replies_to(GROUP, after_index=mark)
    assert confirmation["text"].startswith("🚩 <b>#2 flagged</b>")
    assert "&lt;first&gt; &amp; now" in confirmation["text"]
    assert verdict_button(2, "false") in callback_data(confirmation)


async def test_an_empty_or_overlong_statement_is_refused_and_nothing_is_logged(
    board: Board,
) -> None:
    visitor = board.visitor("bystander")
    for body in ({"text": "   "}, {"text": "Lavrov:"}, {"text": "x" * 4097}, {"text": 12}, {}):
        answer = await visitor.post("/api/flags", body)
        assert answer.status == 400, (body, answer.body)
        assert answer.body["message"]
    stranger = await board.visitor("stranger").post("/api/flags", {"text": "a claim"})
    assert stranger.status == 403
    assert await board.store.export_flags(GROUP) == []


async def test_the_flagger_withdraws_a_flag_from_the_board_and_a_member_cannot(
    board: Board,
) -> None:
    number = await board.flag("flagger", "Peskov: a statement misheard")
    bystander = board.visitor("bystander")
    assert (await bystander.get(f"/api/flags/{number}")).body["can_change"] is False
    refused = await bystander.post(f"/api/flags/{number}/withdraw", {"reason": "not mine"})
    assert refused.status == 403
    # The chat's own words for the chat's own rule.
    assert (
        "Only the person who flagged #1 or a chat admin can retract it" in refused.body["message"]
    )
    assert (await board.store.get_flag(GROUP, number)).retracted is False

    flagger = board.visitor("flagger")
    assert (await flagger.get(f"/api/flags/{number}")).body["can_change"] is True
    answer = await flagger.post(
        f"/api/flags/{number}/withdraw", {"reason": "misheard, it was Zakharova"}
    )
    assert answer.status == 200, answer.body
    assert answer.body["flag"]["retracted"] is True
    assert answer.body["flag"]["retract_reason"] == "misheard, it was Zakharova"
    assert answer.body["history"][-1]["action"] == "retract"
    # As /unflag: it keeps its number, stays in the log, and leaves the open flags.
    listed = await bystander.get("/api/flags", status="retracted")
    assert [item["number"] for item in listed.body["items"]] == [number]
    assert (await board.store.open_flags(GROUP)).total == 0


async def test_the_board_and_the_chat_ask_telegram_about_an_admin_once_a_minute(
    board: Board,
) -> None:
    api, people = board.bot.api, board.people
    number = await board.flag("flagger", "Peskov: Kyiv walked away from the talks")
    mark = api.mark()
    admin = board.visitor("chat_admin")
    assert (await admin.get("/api/flags")).status == 200
    assert (await admin.get(f"/api/flags/{number}")).body["can_judge"] is True
    answer = await admin.post(f"/api/flags/{number}/verdict", {"status": "false"})
    assert answer.status == 200, answer.body
    sent = await board.bot.say(GROUP, people["chat_admin"], "/watch on")
    assert any("Term watch is on" in message["text"] for message in sent), sent
    asked = [call for call in api.calls[mark:] if call.method == "getChatMember"]
    assert len(asked) == 1, "membership and admin rights come from one answer"

    # Demoted, and a minute on: the board still lets them read, but not judge.
    api.set_chat_member(GROUP, people["chat_admin"]["id"], "member")
    members = board.bot.services.members
    members.clock = lambda: time.monotonic() + MEMBER_CACHE_S + 1
    assert (await admin.get(f"/api/flags/{number}")).body["can_judge"] is False
    refused = await admin.post(f"/api/flags/{number}/verdict", {"status": "verified"})
    assert refused.status == 403
    assert (await board.store.get_flag(GROUP, number)).status == "false"


async def test_a_member_cannot_judge_someone_elses_flag_and_nothing_changes(
    board: Board,
) -> None:
    number = await board.flag("flagger", "a claim")
    mark = board.bot.api.mark()
    answer = await board.visitor("bystander").post(
        f"/api/flags/{number}/verdict", {"status": "verified"}
    )
    assert answer.status == 403
    assert "Only the person who flagged #1, a chat admin, or whoever" in answer.body["message"]
    assert (await board.store.get_flag(GROUP, number)).status == "open"
    await board.bot.quiet()
    assert board.bot.api.replies_to(GROUP, after_index=mark) == []


async def test_the_flagger_and_the_assignee_may_judge_as_in_the_chat(board: Board) -> None:
    first = await board.flag("flagger", "first claim")
    second = await board.flag("flagger", "second claim")
    answer = await board.visitor("flagger").post(
        f"/api/flags/{first}/verdict", {"status": "verified"}
    )
    assert answer.status == 200
    assigned = await board.visitor("flagger").post(
        f"/api/flags/{second}/assignee", {"assignee": "@iryna_analyst"}
    )
    assert assigned.status == 200
    assert assigned.body["flag"]["assignee"] == "@iryna_analyst"
    analyst = board.visitor("analyst")
    assert (await analyst.get(f"/api/flags/{second}")).body["can_judge"] is True
    answer = await analyst.post(f"/api/flags/{second}/verdict", {"status": "unverifiable"})
    assert answer.status == 200
    await board.bot.quiet()
    assert "#2 assigned to @iryna_analyst." in [m["text"] for m in board.bot.api.replies_to(GROUP)]


async def test_the_same_verdict_or_assignee_again_on_the_board_says_it_already_was(
    board: Board,
) -> None:
    number = await board.flag("flagger", "a claim judged twice")
    flagger = board.visitor("flagger")
    assert (await flagger.post(f"/api/flags/{number}/verdict", {"status": "false"})).status == 200
    assigned = await flagger.post(f"/api/flags/{number}/assignee", {"assignee": "@iryna_analyst"})
    assert "unchanged" not in assigned.body
    await board.bot.quiet()
    mark = board.bot.api.mark()

    again = await flagger.post(f"/api/flags/{number}/verdict", {"status": "false"})
    reassigned = await flagger.post(f"/api/flags/{number}/assignee", {"assignee": "@iryna_analyst"})

    assert again.status == 200 and again.body["unchanged"] is True
    assert again.body["message"] == f"#{number} is already False: nothing changed."
    assert reassigned.status == 200 and reassigned.body["unchanged"] is True
    assert "already assigned to @iryna_analyst" in reassigned.body["message"]
    assert [event["action"] for event in again.body["history"]] == ["created", "status", "assign"]
    await board.bot.quiet()
    assert board.bot.api.replies_to(GROUP, after_index=mark) == [], "the group hears it once"


async def test_a_board_assignment_stays_in_the_store_until_telegram_has_it(
    board: Board,
) -> None:
    """The notice is queued with the assignment, not held in memory, so a crash before
    Telegram has it loses nothing: the next run sends what the outbox holds."""
    number = await board.flag("flagger", "a claim for an analyst")
    await board.bot.quiet()
    board.bot.api.stall_next("sendMessage", 1.0, chat_id=GROUP)
    assigned = await board.visitor("flagger").post(
        f"/api/flags/{number}/assignee", {"assignee": "@iryna_analyst"}
    )
    assert assigned.status == 200
    [queued] = await board.store.outbox.pending(GROUP)
    assert (queued.kind, queued.detail["assignee"]) == ("assignment", "@iryna_analyst")
    await board.bot.quiet()
    assert await board.store.outbox.pending(GROUP) == []
    said = [m["text"] for m in board.bot.api.replies_to(GROUP)]
    assert f"#{number} assigned to @iryna_analyst." in said


async def test_a_member_cannot_assign_a_flag_to_themselves_to_judge_it(board: Board) -> None:
    number = await board.flag("flagger", "a claim the bystander would like to settle")
    bystander = board.visitor("bystander")
    refused = await bystander.post(f"/api/flags/{number}/assignee", {"assignee": "@petro"})
    assert refused.status == 403
    assert "Only the person who flagged #1 or a chat admin can assign it" in refused.body["message"]
    record = (await bystander.get(f"/api/flags/{number}")).body
    assert record["flag"]["assignee"] is None and record["can_judge"] is False
    refused = await bystander.post(f"/api/flags/{number}/verdict", {"status": "false"})
    assert refused.status == 403
    assert (await board.store.get_flag(GROUP, number)).status == "open"


async def test_notes_and_evidence_links_are_kept_in_the_flags_history(board: Board) -> None:
    number = await board.flag("flagger", "a claim to check")
    visitor = board.visitor("bystander")
    answer = await visitor.post(f"/api/flags/{number}/note", {"note": "Asked the MFA desk"})
    assert answer.status == 200
    answer = await visitor.post(
        f"/api/flags/{number}/evidence", {"url": "https://example.org/minutes.pdf"}
    )
    assert answer.status == 200
    assert answer.body["flag"]["note"] == (
        "Asked the MFA desk\nEvidence: https://example.org/minutes.pdf"
    )
    assert [event["action"] for event in answer.body["history"]] == ["created", "note", "note"]
    assert answer.body["history"][-1]["by"] == "Petro"
    refused = await visitor.post(f"/api/flags/{number}/evidence", {"url": "javascript:alert(1)"})
    assert refused.status == 400
    assert "web link" in refused.body["message"]
    plain = await visitor.post(f"/api/flags/{number}/evidence", {"url": "http://example.org/x"})
    assert plain.status == 400 and plain.body["error"] == "bad_url"
    refused = await visitor.post(f"/api/flags/{number}/note", {"note": "   "})
    assert refused.status == 400
    refused = await visitor.post(f"/api/flags/{number}/note", {"note": "x" * 2001})
    assert refused.status == 400 and "longer than 2000" in refused.body["message"]


async def test_malformed_bodies_get_a_clear_answer(board: Board) -> None:
    number = await board.flag("flagger", "a claim")
    visitor = board.visitor("chat_admin")
    answer = await board.client.call(
        "POST",
        f"/api/flags/{number}/verdict",
        init=visitor.init,
        token=visitor.token,
        json_body=["false"],
    )
    assert answer.status == 400 and "JSON object" in answer.body["message"]
    answer = await visitor.post(f"/api/flags/{number}/verdict", {"status": "lies"})
    assert answer.status == 400 and "status must be one of" in answer.body["message"]
    answer = await visitor.post(f"/api/flags/{number}/note", {"note": 12})
    assert answer.status == 400 and answer.body["message"] == "note must be text"


async def test_only_chat_admins_export_csv_and_markdown(board: Board) -> None:
    await board.flag("flagger", 'Lavrov: "=cmd" & <b>bold</b>')
    refused = await board.visitor("bystander").get("/api/export", format="csv")
    assert refused.status == 403
    assert refused.body["message"] == "only chat admins may export the log"
    exported = await board.visitor("chat_admin").get("/api/export", format="csv")
    assert exported.status == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.raw.decode("utf-8-sig"))))
    assert rows[0]["text"] == '"=cmd" & <b>bold</b>'
    await board.store.points.add(GROUP, "Ukraine came to talk", by_id=204, by_name="Oksana")
    await board.store.definitions.add(
        GROUP, term_key=None, phrase="buffer zone", text="a strip of 30 km",
        speaker="Lavrov", by_id=204, by_name="Oksana",
    )  # fmt: skip
    markdown = await board.visitor("chat_admin").get("/api/export", format="md")
    assert markdown.raw.decode().startswith("# Flag log: Delegation")
    assert "# Talking points" in markdown.raw.decode()
    assert "> Ukraine came to talk" in markdown.raw.decode()
    assert "# Their definitions" in markdown.raw.decode()
    assert "> a strip of 30 km" in markdown.raw.decode()
    bad = await board.visitor("chat_admin").get("/api/export", format="pdf")
    assert bad.status == 400


# -- the page and its links -----------------------------------------------------------------


async def test_the_page_and_the_api_are_served_with_a_strict_content_security_policy(
    board: Board,
) -> None:
    page = await board.client.call("GET", "/", init=None, token=None)
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self' https://telegram.org" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert b"<script>" not in page.raw  # no inline script for the policy to allow
    script = await board.client.call("GET", "/static/app.js", init=None, token=None)
    assert script.status == 200 and b"textContent" in script.raw
    assert b"innerHTML" not in script.raw
    for path in ("/static/../config.py", "/static/auth.py", "/static/nothing.js"):
        missing = await board.client.call("GET", path, init=None, token=None)
        assert missing.status == 404, path
        assert missing.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    api = await board.client.call("GET", "/api/me", init=None, token=None)
    assert api.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def _url_buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["url"] for row in markup.get("inline_keyboard", []) for b in row if "url" in b]


async def test_board_and_log_in_the_group_carry_a_link_that_opens_this_chats_board(
    board: Board,
) -> None:
    await board.flag("flagger", "a claim")
    for command in ("/board", "/log"):
        [reply] = await board.bot.say(GROUP, board.people["bystander"], command)
        [link] = _url_buttons(reply)
        parts = urlsplit(link)
        assert (parts.scheme, parts.netloc, parts.path) == (
            "https",
            "t.me",
            "/PlaybookTestBot/board",
        )
        [token] = parse_qs(parts.query)["startapp"]
        assert len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()
        assert chat_of_token(token, board.token) == GROUP


async def test_the_live_board_keeps_its_link_when_it_is_edited(board: Board) -> None:
    [posted] = await board.bot.say(GROUP, board.people["bystander"], "/board")
    await board.flag("flagger", "a new claim for the board")
    await board.bot.quiet()
    edited = board.bot.api.message(GROUP, posted["message_id"])
    assert edited is not None and "a new claim for the board" in edited["text"]
    assert len(_url_buttons(edited)) == 1


async def test_in_a_private_chat_board_lists_the_users_team_chats(board: Board) -> None:
    flagger = board.people["flagger"]
    [reply] = await board.bot.say(FLAGGER, flagger, "/board")
    markup = reply["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in markup] == ["📋 Delegation"]  # not "Another team"
    url = markup[0][0]["web_app"]["url"]
    [token] = parse_qs(urlsplit(url).query)["chat"]
    assert chat_of_token(token, board.token) == GROUP
    [reply] = await board.bot.say(STRANGER, board.people["stranger"], "/log")
    assert "not a member of any team chat" in reply["text"]


async def test_without_web_app_url_nothing_changes(bot: Bot) -> None:
    bot.api.chat(GROUP, "supergroup", "Delegation")
    admin = bot.api.user(ADMIN_ID, "Admin", "admin")
    await bot.say(GROUP, admin, "/enable")
    [reply] = await bot.say(GROUP, admin, "/board")
    assert _url_buttons(reply) == []
    assert "web_runner" not in bot.application.bot_data
    [reply] = await bot.say(ADMIN_ID, admin, "/board")
    assert "group" in reply["text"]


async def test_a_body_too_large_for_a_note_is_refused_before_it_is_read_as_json(
    board: Board,
) -> None:
    number = await board.flag("flagger", "a claim")
    answer = await board.visitor("bystander").post(
        f"/api/flags/{number}/note", {"note": "x" * 20_000}
    )
    assert answer.status == 413
    assert "over 16384 bytes" in answer.body["message"]
    assert (await board.store.get_flag(GROUP, number)).note is None


# -- talking points and the statement ---------------------------------------------------------


def _visible(message: dict[str, Any]) -> str:
    """What a reader of the chat sees of a message: its HTML's text."""
    return html.unescape(re.sub(r"<[^>]+>", "", message["text"]))


async def test_a_member_adds_a_point_from_the_board_and_the_chat_lists_it(board: Board) -> None:
    await board.bot.say(GROUP, board.people["chat_admin"], "/round start Istanbul 3")
    await board.bot.say(GROUP, board.people["flagger"], "/points add Ukraine came to talk")
    answer = await board.visitor("bystander").post(
        "/api/points", {"text": "Moscow <b>walked out</b> & blamed Kyiv"}
    )
    assert answer.status == 201, answer.body
    assert answer.body["round"] == "Istanbul 3"
    assert answer.body["can_manage"] is False
    listed = [(item["number"], item["text"], item["by"]) for item in answer.body["points"]]
    assert listed == [
        (1, "Ukraine came to talk", "Taras"),
        (2, "Moscow <b>walked out</b> & blamed Kyiv", "Petro"),
    ]
    # The same point in the chat's /points, markup shown as text, with its history.
    [shown] = await board.bot.say(GROUP, board.people["flagger"], "/points")
    assert "2. Moscow &lt;b&gt;walked out&lt;/b&gt; &amp; blamed Kyiv" in shown["text"]
    point_id = answer.body["points"][1]["id"]
    history = await board.store.points.history_for(GROUP, [point_id])
    assert [event.action for event in history[point_id]] == ["created"]
    assert history[point_id][0].by_name == "Petro"


async def test_a_member_cannot_edit_move_or_remove_a_point_and_an_admin_can(board: Board) -> None:
    for text in ("first", "second", "third"):
        assert (await board.visitor("flagger").post("/api/points", {"text": text})).status == 201
    listed = (await board.visitor("bystander").get("/api/points")).body
    assert listed["round"] is None  # no round open: they wait for the next one
    first, second, third = (item["id"] for item in listed["points"])
    member = board.visitor("flagger")
    for path, body in (
        (f"/api/points/{first}/remove", {}),
        (f"/api/points/{first}/edit", {"text": "mine now"}),
        (f"/api/points/{third}/move", {"to": 1}),
    ):
        refused = await member.post(path, body)
        assert refused.status == 403, path
        assert refused.body["message"] == "only chat admins may edit, move or remove talking points"
    after = (await member.get("/api/points")).body["points"]
    assert [item["text"] for item in after] == ["first", "second", "third"]

    admin = board.visitor("chat_admin")
    assert (await admin.get("/api/points")).body["can_manage"] is True
    moved = await admin.post(f"/api/points/{third}/move", {"to": 1})
    assert [item["text"] for item in moved.body["points"]] == ["third", "first", "second"]
    edited = await admin.post(f"/api/points/{second}/edit", {"text": "second, sharper"})
    assert [item["text"] for item in edited.body["points"]][2] == "second, sharper"
    removed = await admin.post(f"/api/points/{first}/remove", {})
    assert [item["number"] for item in removed.body["points"]] == [1, 2]
    assert [item["text"] for item in removed.body["points"]] == ["third", "second, sharper"]
    gone = await admin.post(f"/api/points/{first}/remove", {})
    assert gone.status == 404 and gone.body["error"] == "point_gone"
    history = await board.store.points.history_for(GROUP, [first, second, third])
    assert [event.action for event in history[first]][-1] == "remove"
    assert history[first][-1].by_name == "Oksana"


async def test_a_hostile_point_is_refused_with_400_and_nothing_is_kept(board: Board) -> None:
    visitor = board.visitor("bystander")
    for body in (
        {"text": "a lone \ud800 surrogate"},
        {"text": "a NUL \x00 in it"},
        {"text": "   "},
        {"text": 12},
        {"text": "x" * 10_000},
    ):
        answer = await visitor.post("/api/points", body)
        assert answer.status == 400, (str(body)[:40], answer.body)
        assert answer.body["message"]
    too_long = await visitor.post("/api/points", {"text": "x" * 10_000})
    assert too_long.body == {
        "error": "too_long",
        "message": "a talking point can be at most 1000 characters",
    }
    assert (await visitor.get("/api/points")).body["points"] == []
    assert (await board.visitor("stranger").post("/api/points", {"text": "hi"})).status == 403
    bad = await board.visitor("chat_admin").post("/api/points/x1/remove", {})
    assert bad.status in (400, 404)


async def test_the_boards_statement_is_the_text_statement_sends_in_the_chat(board: Board) -> None:
    admin, flagger = board.people["chat_admin"], board.people["flagger"]
    await board.bot.say(GROUP, admin, "/round start Istanbul 3")
    await board.flag("flagger", "Rudenko: Ukraine has adopted a law that prohibits negotiations")
    await board.flag("flagger", "Peskov: the Kiev regime <refuses> all talks")
    await board.flag("flagger", "Lavrov: we must first eliminate the root causes")
    await board.bot.say(GROUP, flagger, "/verify 1 false")
    await board.bot.say(GROUP, flagger, "/verify 2 misleading they met in May & <i>June</i>")
    await board.visitor("bystander").post("/api/points", {"text": "Ukraine came to talk"})
    for lang in ("en", "uk"):
        if lang == "uk":
            await board.bot.say(GROUP, admin, "/lang uk")  # the board page: its reader's
            await board.bot.say(GROUP, admin, "/settings language uk")  # the chat: the group's
        answers = await board.bot.say(GROUP, admin, "/statement")
        chat_text = "\n".join(_visible(answer) for answer in answers if "text" in answer)
        drafted = await board.visitor("chat_admin").get("/api/statement")
        assert drafted.status == 200, drafted.body
        assert drafted.body["lang"] == lang
        assert drafted.body["text"] == chat_text
        assert drafted.body["left_out"] == [3]
        assert drafted.body["round"]["name"] == "Istanbul 3"
    assert "they met in May & <i>June</i>" in drafted.body["text"]
    other = await board.visitor("chat_admin").get("/api/statement", lang="en")
    assert other.body["text"].startswith("DRAFT, to edit before release.")
    word = await board.visitor("chat_admin").get("/api/statement/file", format="docx", lang="en")
    assert word.status == 200
    assert 'filename="statement-istanbul-3-en.docx"' in word.headers["Content-Disposition"]
    assert Document(io.BytesIO(word.raw)).paragraphs[1].text.startswith("Statement after round")
    markdown = await board.visitor("chat_admin").get("/api/statement/file", format="md")
    assert markdown.raw.decode().startswith("*ЧЕРНЕТКА")


async def test_a_member_who_is_not_an_admin_cannot_draft_the_statement(board: Board) -> None:
    await board.bot.say(GROUP, board.people["chat_admin"], "/round start Geneva")
    await board.visitor("bystander").post("/api/points", {"text": "Ukraine came to talk"})
    for path in ("/api/statement", "/api/statement/file"):
        refused = await board.visitor("bystander").get(path)
        assert refused.status == 403, path
        assert refused.body == {
            "error": "admins_only",
            "message": "only chat admins may draft the statement",
        }
    assert (await board.visitor("bystander").get("/api/me")).body["admin"] is False


async def test_a_round_with_nothing_to_state_says_so_and_offers_no_file(board: Board) -> None:
    admin = board.visitor("chat_admin")
    none_yet = await admin.get("/api/statement")
    assert none_yet.status == 404 and none_yet.body["error"] == "no_round"
    await board.bot.say(GROUP, board.people["chat_admin"], "/round start Geneva")
    await board.bot.say(GROUP, board.people["chat_admin"], "/round start Geneva 2")
    rounds = (await admin.get("/api/statement")).body["rounds"]
    assert [item["name"] for item in rounds] == ["Geneva 2", "Geneva"]
    empty = await admin.get("/api/statement", round=str(rounds[1]["id"]))
    assert empty.body["empty"] is True
    assert empty.body["text"].startswith("Round “Geneva” has nothing to draft yet")
    assert (await admin.get("/api/statement/file", round=str(rounds[1]["id"]))).status == 404
    assert (await admin.get("/api/statement", round="999999")).status == 404


# -- the register of their definitions ------------------------------------------------------


async def test_the_register_shows_every_term_round_by_round_and_what_changed(
    board: Board,
) -> None:
    admin, taras = board.people["chat_admin"], board.people["flagger"]
    say = board.bot.say
    await say(GROUP, admin, "/round start Istanbul 2")
    await say(GROUP, taras, "/define root causes (Lavrov): NATO's expansion since 1997")
    await say(GROUP, taras, "/define root causes (Lavrov): NATO's expansion since 1991")
    await say(GROUP, admin, "/round start Istanbul 3")
    await say(GROUP, taras, "/define першопричини (Медінський): NATO's expansion since 1991")
    await say(GROUP, admin, "/round start Geneva")
    await say(GROUP, taras, '/define root causes: language <b>and</b> church & "values"')
    await say(GROUP, taras, "/define buffer zone: a strip of 30 km")
    await say(GROUP, taras, "/asked Kyiv regime")
    await say(GROUP, taras, "/asked buffer zone")  # asked again after it was defined

    answer = await board.visitor("bystander").get("/api/definitions")
    assert answer.status == 200, answer.body
    body = answer.body
    assert body["can_add"] is True
    # The most recently touched term first.
    assert [term["term"] for term in body["terms"]] == [
        "buffer zone",
        "Elimination of root causes",
    ]
    root = body["terms"][1]
    assert root["playbook"] is True
    assert [(r["round"], r["change"]) for r in root["rounds"]] == [
        ("Istanbul 2", "first"),
        ("Istanbul 3", "same"),
        ("Geneva", "changed"),
    ]
    # Each round keeps all it recorded, oldest first: the last is the round's word.
    first = root["rounds"][0]["definitions"]
    assert [(d["speaker"], d["text"], d["by"]) for d in first] == [
        ("Lavrov", "NATO's expansion since 1997", "Taras"),
        ("Lavrov", "NATO's expansion since 1991", "Taras"),
    ]
    # As typed: markup is text for the page to show as text.
    [latest] = root["rounds"][2]["definitions"]
    assert latest["text"] == 'language <b>and</b> church & "values"'
    assert latest["speaker"] is None and latest["at"]
    assert [(item["term"], item["round"], item["by"]) for item in body["asked"]] == [
        ('The "Kiev regime"', "Geneva", "Taras"),
        ("buffer zone", "Geneva", "Taras"),
    ]
    # The chat's own /define says the same of each round.
    [chat] = await say(GROUP, taras, "/define root causes")
    assert "Round “Istanbul 3”</b> · same as before" in chat["text"]
    assert "Round “Geneva”</b> · ⚠️ changed" in chat["text"]


async def test_a_ukrainian_reader_gets_the_playbooks_names_in_ukrainian(board: Board) -> None:
    await board.bot.say(GROUP, board.people["flagger"], "/define root causes: NATO since 1997")
    body = (await board.visitor("analyst").get("/api/definitions")).body
    assert [term["term"] for term in body["terms"]] == ["Ліквідація першопричин"]
    assert body["terms"][0]["rounds"][0]["round"] is None


async def test_only_members_read_the_register_and_never_another_chats(board: Board) -> None:
    await board.bot.say(GROUP, board.people["flagger"], "/define goodwill: our concessions")
    # Another team's register, recorded through the same service.
    elsewhere = definitions.subject(board.bot.services.library.index, "goodwill")

    async def no_admin() -> bool:
        return False

    await definitions.record(
        board.store, OUTSIDE_GROUP, elsewhere, "their secret reading",
        speaker="Peskov", by_id=STRANGER, by_name="Stranger", is_admin=no_admin,
    )  # fmt: skip
    ours = (await board.visitor("bystander").get("/api/definitions")).body
    texts = [d["text"] for t in ours["terms"] for r in t["rounds"] for d in r["definitions"]]
    assert texts == ["our concessions"]
    refused = await board.visitor("bystander", OUTSIDE_GROUP).get("/api/definitions")
    assert refused.status == 403 and refused.body["error"] == "not_member"
    left = await board.visitor("stranger").get("/api/definitions")
    assert left.status == 403
    written = await board.visitor("stranger").post(
        "/api/definitions", {"term": "goodwill", "text": "let in"}
    )
    assert written.status == 403
    assert (await board.visitor("bystander", NOT_ENROLLED).get("/api/definitions")).status == 403
    assert [d.text for d in await board.store.definitions.of_chat(GROUP)] == ["our concessions"]


async def test_a_member_records_a_definition_on_the_board_and_define_shows_it(
    board: Board,
) -> None:
    await board.bot.say(GROUP, board.people["chat_admin"], "/round start Istanbul 3")
    mark = board.bot.api.mark()
    answer = await board.visitor("bystander").post(
        "/api/definitions",
        {"term": "першопричини", "speaker": " Lavrov ", "text": "NATO <i>since</i> 1997"},
    )
    assert answer.status == 201, answer.body
    assert answer.body["recorded"] == {"key": "term:root-causes", "round": "Istanbul 3"}
    [term] = answer.body["terms"]
    assert term["term"] == "Elimination of root causes"
    [definition] = term["rounds"][0]["definitions"]
    assert (definition["speaker"], definition["text"], definition["by"]) == (
        "Lavrov",
        "NATO <i>since</i> 1997",
        "Petro",
    )
    # Not announced: the register is read, in the chat and on the board.
    await board.bot.quiet()
    assert board.bot.api.replies_to(GROUP, after_index=mark) == []
    [shown] = await board.bot.say(GROUP, board.people["flagger"], "/define root causes")
    assert "<b>Lavrov</b>: «NATO &lt;i&gt;since&lt;/i&gt; 1997»" in shown["text"]
    assert "recorded by Petro" in shown["text"]
    [stored] = await board.store.definitions.of_chat(GROUP)
    assert (stored.recorded_by_id, stored.round_name) == (BYSTANDER, "Istanbul 3")


async def test_a_bad_definition_from_the_board_is_refused_and_nothing_is_kept(
    board: Board,
) -> None:
    visitor = board.visitor("bystander")
    for body, code in (
        ({"term": "  ", "text": "something"}, "empty"),
        ({"term": "goodwill", "text": "   "}, "empty"),
        ({"term": "goodwill"}, "empty"),
        ({"term": "goodwill", "text": "a lone \ud800 surrogate"}, "bad_text"),
        ({"term": "good\u202ewill", "text": "reversed"}, "bad_text"),
        ({"term": "goodwill", "speaker": "x" * 81, "text": "long name"}, "too_long"),
        ({"term": "x" * 101, "text": "long term"}, "too_long"),
        ({"term": "goodwill", "text": "x" * 5000}, "too_long"),
        ({"term": "goodwill", "text": 12}, "bad_field"),
        ({"term": ["goodwill"], "text": "a list"}, "bad_field"),
    ):
        answer = await visitor.post("/api/definitions", body)
        assert (answer.status, answer.body["error"]) == (400, code), (str(body)[:60], answer.body)
        assert answer.body["message"]
    too_long = await visitor.post("/api/definitions", {"term": "goodwill", "text": "x" * 5000})
    assert too_long.body["message"] == "a definition can be at most 2000 characters"
    assert await board.store.definitions.of_chat(GROUP) == []
    assert (await visitor.get("/api/definitions")).body == {
        "can_add": True,
        "asked": [],
        "terms": [],
    }


async def test_a_records_term_card_shows_their_definitions_here_and_no_other_chats(
    board: Board,
) -> None:
    admin, taras = board.people["chat_admin"], board.people["flagger"]
    await board.bot.say(GROUP, admin, "/round start Istanbul 2")
    await board.bot.say(GROUP, taras, "/define root causes (Lavrov): NATO's expansion")
    await board.bot.say(GROUP, taras, "/define root causes (Lavrov): NATO since 1997")
    await board.bot.say(GROUP, admin, "/round start Istanbul 3")
    await board.bot.say(GROUP, taras, "/define root causes: language and church")
    elsewhere = definitions.subject(board.bot.services.library.index, "root causes")

    async def no_admin() -> bool:
        return False

    await definitions.record(
        board.store, OUTSIDE_GROUP, elsewhere, "another team's",
        speaker=None, by_id=STRANGER, by_name="Stranger", is_admin=no_admin,
    )  # fmt: skip
    number = await board.flag("flagger", "Lavrov: we must first eliminate the root causes")
    record = (await board.visitor("bystander").get(f"/api/flags/{number}")).body
    [card] = [card for card in record["cards"] if card["id"] == "root-causes"]
    # The latest per round, as the card in the chat shows them.
    assert [(d["round"], d["speaker"], d["text"]) for d in card["definitions"]] == [
        ("Istanbul 2", "Lavrov", "NATO since 1997"),
        ("Istanbul 3", None, "language and church"),
    ]
    assert all(c["definitions"] == [] for c in record["cards"] if c["kind"] != "term")


async def test_a_member_notes_an_ask_on_the_board_and_asked_lists_it(board: Board) -> None:
    await board.bot.say(GROUP, board.people["chat_admin"], "/round start Geneva")
    visitor = board.visitor("bystander")
    answer = await visitor.post("/api/definitions/asked", {"term": "київський режим"})
    assert answer.status == 201, answer.body
    assert answer.body["asked_now"] == {"key": "term:kiev-regime", "round": "Geneva"}
    assert [(a["term"], a["by"]) for a in answer.body["asked"]] == [('The "Kiev regime"', "Petro")]
    [listed] = await board.bot.say(GROUP, board.people["flagger"], "/asked")
    assert "Kiev regime" in listed["text"] and "Geneva" in listed["text"]
    # Once defined, it is no longer waiting.
    await visitor.post("/api/definitions", {"term": "Kyiv regime", "text": "whoever signs"})
    assert (await visitor.get("/api/definitions")).body["asked"] == []
    for body in ({"term": "  "}, {"term": "x" * 101}, {"term": 5}, {}):
        refused = await visitor.post("/api/definitions/asked", body)
        assert refused.status == 400, (body, refused.body)
    outsider = await board.visitor("stranger").post("/api/definitions/asked", {"term": "x"})
    assert outsider.status == 403
    assert len(await board.store.definitions.asks_of_chat(GROUP)) == 1
