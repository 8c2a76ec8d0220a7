"""Who may do what: /help says it, and the bot does exactly what /help says.

/help's "Who may do what" is written from ``access.COMMAND_ROLES``; these stories try
every command in that table as someone just short of its role, and as someone with
it. A rule changed in one place and not the other fails here.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.access import COMMAND_ROLES, Role, commands_for
from bot.store import MIGRATIONS, Store, register_functions
from tests.conftest import Bot
from tests.support.cast import BYSTANDER, FLAGGER, GROUP, cast

# What each command is sent with, so that only the sender's rights decide the answer.
EXAMPLES = {
    "flag": "/flag Lavrov: the root causes",
    "round": "/round",
    "log": "/log",
    "show": "/show 1",
    "find": "/find root",
    "summary": "/summary",
    "board": "/board",
    "settings": "/settings",
    "settings timezone": "/settings timezone Europe/Kyiv",
    "settings language": "/settings language en",
    "verify": "/verify 1 false",
    "assign": "/assign 1 @iryna_analyst",
    "unflag": "/unflag 1 misheard",
    "export": "/export",
    "purge": "/purge",
    "watch": "/watch on",
    "disable": "/disable",
    "enable": "/enable",
    "reload": "/reload",
    "points": "/points",
    "points add": "/points add Ukraine came to talk",
    "points edit": "/points edit 1 Ukraine came to talk",
    "points move": "/points move 1 1",
    "points remove": "/points remove 1",
    "statement": "/statement",
    "define": "/define root causes (Lavrov): NATO's expansion since 1997",
    "asked": "/asked root causes",
    "check": "/check",
}
# Who is one step short of each role, and who holds it, for flag #1 by the flagger.
SHORT_OF = {
    Role.FLAGGER: "bystander",
    Role.CHAT_ADMIN: "flagger",
    Role.BOT_ADMIN: "chat_admin",
}
HOLDS = {
    Role.MEMBER: "bystander",
    Role.FLAGGER: "flagger",
    Role.CHAT_ADMIN: "chat_admin",
    Role.BOT_ADMIN: "bot_admin",
}
REFUSALS = ("Only the person who flagged", "only chat admins", "only the bot's administrator")


@pytest.fixture
async def people(bot: Bot) -> dict[str, dict[str, Any]]:
    people = cast(bot.api)
    await bot.say(GROUP, people["bot_admin"], "/enable")
    await bot.say(GROUP, people["flagger"], "/flag something said at the table")
    return people


def role_lines(help_text: str) -> dict[Role, set[str]]:
    """The commands each line of /help's "Who may do what" names, by role."""
    section = help_text.split("Who may do what</b>", 1)[1].strip().splitlines()
    lines = [line for line in section if line.strip()]
    assert len(lines) == len(Role), lines
    named = [set(re.findall(r"/[a-z]+(?: [a-z]+)?", line)) for line in lines]
    return dict(zip(Role, named, strict=True))


async def test_help_lists_each_roles_commands_as_the_code_has_them(
    bot: Bot, people: dict[str, Any]
) -> None:
    [reply] = await bot.say(people["bystander"]["id"], people["bystander"], "/help")
    listed = role_lines(reply["text"])
    for role in Role:
        assert listed[role] == set(commands_for(role)), role
    assert set().union(*listed.values()) == {f"/{name}" for name in COMMAND_ROLES}


async def test_help_in_ukrainian_names_the_same_commands(bot: Bot, people: dict[str, Any]) -> None:
    reader = people["bystander"]
    await bot.say(reader["id"], reader, "/lang uk")
    [reply] = await bot.say(reader["id"], reader, "/help")
    section = reply["text"].split("Хто що може", 1)[1]
    for role in Role:
        for command in commands_for(role):
            assert command in section


@pytest.mark.parametrize("command", sorted(COMMAND_ROLES))
async def test_each_command_refuses_whoever_lacks_its_role(
    bot: Bot, people: dict[str, Any], command: str
) -> None:
    role = COMMAND_ROLES[command]
    text = EXAMPLES[command]
    if role in SHORT_OF:
        [refusal] = await bot.say(GROUP, people[SHORT_OF[role]], text)
        assert any(words in refusal["text"] for words in REFUSALS), refusal["text"]
        assert "Ask" in refusal["text"], "a refusal says what to do next"
    answers = await bot.say(GROUP, people[HOLDS[role]], text)
    assert answers, "the bot answers"
    for answer in answers:
        said = answer.get("text", "")  # documents (/export) have none
        assert not any(words in said for words in REFUSALS), said


async def test_a_member_who_assigns_a_flag_to_themselves_cannot_then_judge_it(
    bot: Bot, people: dict[str, Any]
) -> None:
    [refusal] = await bot.say(GROUP, people["bystander"], "/assign 1 @petro")
    assert "Only the person who flagged #1 or a chat admin can assign it" in refusal["text"]
    [verdict] = await bot.say(GROUP, people["bystander"], "/verify 1 false")
    assert "Only the person who flagged #1" in verdict["text"]
    [shown] = await bot.say(GROUP, people["bystander"], "/show 1")
    assert "Petro" not in shown["text"] and "Open" in shown["text"]


async def test_whoever_the_flagger_or_an_admin_assigns_may_judge(
    bot: Bot, people: dict[str, Any]
) -> None:
    [assigned] = await bot.say(GROUP, people["flagger"], "/assign 1 @iryna_analyst")
    assert "#1 assigned to @iryna_analyst" in assigned["text"]
    [verdict] = await bot.say(GROUP, people["analyst"], "/verify 1 misleading")
    assert "Misleading" in verdict["text"]
    await bot.say(GROUP, people["chat_admin"], "/assign 1 @petro")
    [verdict] = await bot.say(GROUP, people["bystander"], "/verify 1 false")
    assert "False" in verdict["text"]


async def test_an_assignment_that_gave_no_right_to_judge_still_gives_none(
    bot: Bot, people: dict[str, Any]
) -> None:
    """Made before only the flagger or an admin could assign (the schema keeps those
    assignments without the right, unless the flagger made them)."""
    # As migration 4 leaves an assignment a member made for themselves.
    await bot.store.database.write(
        "UPDATE flags SET assignee = '@petro', assignee_may_judge = 0 "
        "WHERE chat_id = ? AND number = 1",
        (GROUP,),
    )
    [refusal] = await bot.say(GROUP, people["bystander"], "/verify 1 false")
    assert "Only the person who flagged #1" in refusal["text"]


def _version_3_database(path: Path) -> None:
    """A file from before the assignment rule: #1 assigned by its flagger, #2 by a
    member who assigned it to themselves."""
    db = sqlite3.connect(path)
    register_functions(db)
    db.executescript(
        "\n".join(MIGRATIONS[:3]) + f"\nPRAGMA user_version = 3;\n"
        f"INSERT INTO chats (chat_id, enrolled) VALUES ({GROUP}, 1);"
    )
    for number, assigner in ((1, FLAGGER), (2, BYSTANDER)):
        db.execute(
            """
            INSERT INTO flags (chat_id, number, created_at, updated_at, text, flagged_by_id,
                flagged_by_name, assignee)
            VALUES (?, ?, '2026-11-01T10:00:00.000000+00:00',
                    '2026-11-01T10:00:00.000000+00:00', 'said', ?, 'Taras', '@petro')
            """,
            (GROUP, number, FLAGGER),
        )
        db.execute(
            "INSERT INTO flag_events (flag_id, at, action, new_value, by_id, by_name) "
            "SELECT id, '2026-11-01T10:01:00.000000+00:00', 'assign', '@petro', ?, 'x' "
            "FROM flags WHERE number = ?",
            (assigner, number),
        )
    db.commit()
    db.close()


async def test_old_assignments_keep_the_right_to_judge_only_if_the_flagger_made_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    _version_3_database(path)
    async with await Store.open(path) as store:
        by_flagger, by_member = await store.export_flags(GROUP)
        assert by_flagger.assignee == by_member.assignee == "@petro"
        assert by_flagger.assignee_may_judge is True
        assert by_member.assignee_may_judge is False
        unassigned = (await store.assign(GROUP, 1, "", by_id=FLAGGER, by_name="Taras")).flag
        assert unassigned.assignee is None and unassigned.assignee_may_judge is False
