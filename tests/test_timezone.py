"""A delegation reads the clock of the room it sits in: each chat's time zone."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import export, render_log
from tests.conftest import Bot
from tests.support.cast import GROUP, cast
from tests.test_export import make_flag, read_csv

KYIV = ZoneInfo("Europe/Kyiv")


@pytest.fixture
async def people(bot: Bot) -> dict[str, dict[str, Any]]:
    people = cast(bot.api)
    await bot.say(GROUP, people["bot_admin"], "/enable")
    return people


def local_stamp(lang: str = "en") -> str:
    """What the bot shows for a flag made just now in Kyiv: date and zone, not minutes
    (a test may cross a minute)."""
    shown = datetime.now(UTC).astimezone(KYIV)
    if lang == "uk":
        return f"{shown.day} {render_log.render.MONTHS_OF_UK[shown.month - 1]}"
    return f"{shown:%d} {shown:%b}"


async def test_a_chat_admin_sets_the_time_zone_and_everyone_reads_local_times(
    bot: Bot, people: dict[str, Any]
) -> None:
    [shown] = await bot.say(GROUP, people["bystander"], "/settings")
    assert "Time zone: UTC" in shown["text"]
    assert "/settings timezone Europe/Kyiv" in shown["text"]

    [done] = await bot.say(GROUP, people["chat_admin"], "/settings timezone europe/kyiv")
    assert "now shown in Europe/Kyiv" in done["text"]
    zone = datetime.now(UTC).astimezone(KYIV).tzname()
    assert zone in ("EET", "EEST") and zone in done["text"]
    [shown] = await bot.say(GROUP, people["bystander"], "/settings")
    assert "Time zone: Europe/Kyiv" in shown["text"]

    await bot.say(GROUP, people["flagger"], "/flag Lavrov: the root causes")
    [record] = await bot.say(GROUP, people["flagger"], "/show 1")
    assert f"Taras, {local_stamp()}" in record["text"] and zone in record["text"]
    assert "UTC" not in record["text"]
    [page] = await bot.say(GROUP, people["flagger"], "/log")
    assert f"{local_stamp()}" in page["text"] and zone in page["text"]
    [summary] = await bot.say(GROUP, people["flagger"], "/summary")
    assert zone in summary["text"]

    await bot.say(GROUP, people["chat_admin"], "/export")
    csv_file, markdown = bot.api.documents[-2:]
    rows = read_csv(csv_file["content"])
    header, row = rows[0], rows[1]
    assert header[1:3] == ["time (UTC)", "time (local)"]
    assert row[1].endswith("Z")
    assert row[2].endswith(("+02:00", "+03:00"))
    text = markdown["content"].decode("utf-8")
    assert "Times: Europe/Kyiv" in text and zone in text


async def test_a_ukrainian_reader_sees_the_local_time_in_ukrainian(
    bot: Bot, people: dict[str, Any]
) -> None:
    await bot.say(GROUP, people["chat_admin"], "/settings timezone Europe/Kyiv")
    await bot.say(GROUP, people["flagger"], "/flag щось сказали")
    await bot.say(GROUP, people["chat_admin"], "/settings language uk")
    reader = people["analyst"]
    [record] = await bot.say(GROUP, reader, "/show 1")
    assert f"Taras, {local_stamp('uk')}" in record["text"]
    assert "Історія" in record["text"] and "позначено (Taras)" in record["text"]


async def test_only_chat_admins_set_the_zone(bot: Bot, people: dict[str, Any]) -> None:
    [refused] = await bot.say(GROUP, people["flagger"], "/settings timezone Europe/Kyiv")
    assert "only chat admins" in refused["text"]
    [shown] = await bot.say(GROUP, people["flagger"], "/settings")
    assert "Time zone: UTC" in shown["text"]


@pytest.mark.parametrize("typed", ["Mars/Olympus", "Kyiv", "../../etc/passwd", "+03:00"])
async def test_an_unknown_zone_is_refused_clearly(
    bot: Bot, people: dict[str, Any], typed: str
) -> None:
    [refused] = await bot.say(GROUP, people["chat_admin"], f"/settings timezone {typed}")
    assert "is not a time zone I know" in refused["text"]
    assert "Europe/Kyiv" in refused["text"], "it says what to type instead"
    [shown] = await bot.say(GROUP, people["chat_admin"], "/settings")
    assert "Time zone: UTC" in shown["text"]


async def test_settings_without_a_zone_name_says_how(bot: Bot, people: dict[str, Any]) -> None:
    [usage] = await bot.say(GROUP, people["chat_admin"], "/settings timezone")
    assert "Usage: /settings" in usage["text"]
    [usage] = await bot.say(GROUP, people["chat_admin"], "/settings colour blue")
    assert "Usage: /settings" in usage["text"]


def test_times_are_shown_in_the_zone_with_its_name() -> None:
    moment = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert render_log.when(moment, "en") == "04 Mar 05:06 UTC"
    assert render_log.when(moment, "en", KYIV) == "04 Mar 07:06 EET"
    assert render_log.when(moment, "uk", KYIV) == "4 березня 07:06 за київським часом"
    assert render_log.when(moment, "uk") == "4 березня 05:06 за всесвітнім часом"
    summer = datetime(2025, 7, 4, 21, 30, tzinfo=UTC)
    assert render_log.when(summer, "en", KYIV) == "05 Jul 00:30 EEST"


def test_exports_keep_utc_and_add_the_local_time() -> None:
    flag = make_flag(1)
    rows = read_csv(export.to_csv([flag], {}, KYIV))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["time (UTC)"] == "2025-03-04T05:06:07Z"
    assert record["time (local)"] == "2025-03-04T07:06:07+02:00"
    document = json.loads(export.to_json([flag], {}, KYIV))
    assert document["time_zone"] == "Europe/Kyiv"
    assert document["flags"][0]["created_at"] == "2025-03-04T05:06:07Z"
    assert document["flags"][0]["created_at_local"] == "2025-03-04T07:06:07+02:00"
    markdown = export.to_markdown([flag], {}, chat_title="Delegation", round_name=None, where=KYIV)
    text = markdown.decode("utf-8")
    assert "Times: Europe/Kyiv" in text and "2025-03-04 07:06 EET" in text
