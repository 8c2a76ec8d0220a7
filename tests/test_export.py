"""Export renderers: hostile text must survive each format intact or safely escaped."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.export import CSV_HEADER, md_escape, message_link, to_csv, to_json, to_markdown
from bot.store import Flag, FlagEvent

AT = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
LATER = datetime(2025, 3, 4, 6, 0, 0, tzinfo=UTC)

HOSTILE = [
    'He said "never", then, well, yes',
    "line one\nline two\r\nline three",
    "a | b | c",
    "**bold** _it_ `code` ~~gone~~ [link](http://x) <b>tag</b> &amp;",
    "# not a heading",
    "1. not a list",
    "- not a bullet",
    "> not a quote",
    "=SUM(A1:A9)",
    "+380 99 123 45 67",
    "-5% GDP",
    "@everyone",
    "    four spaces",
    "Лавров: «это провокация» 🙂",
    "tab\there",
    "nul\x00byte",
    "\\ backslash \\",
    "",
]


def make_flag(number: int = 1, **changes: object) -> Flag:
    flag = Flag(
        chat_id=-1001234567890,
        number=number,
        created_at=AT,
        updated_at=AT,
        round_id=1,
        round_name="Round 1",
        text="We never shelled the port",
        speaker="Lavrov",
        flagged_by_id=11,
        flagged_by_name="Alice",
        message_chat_id=-1001234567890,
        message_id=500 + number,
        message_date=None,
        source_message_id=None,
        thread_id=None,
        announce_lang="en",
        source_link=None,
        source_author=None,
        confirmation_chat_id=None,
        confirmation_message_id=None,
        status="open",
        assignee=None,
        assignee_may_judge=False,
        note=None,
        matches=("term:root-causes",),
        retracted_at=None,
        retract_reason=None,
    )
    return replace(flag, **changes)  # type: ignore[arg-type]


def event(
    number: int, action: str, old: str | None, new: str | None, note: str | None = None
) -> FlagEvent:
    return FlagEvent(
        number=number,
        action=action,
        old_value=old,
        new_value=new,
        note=note,
        by_id=22,
        by_name="Bob",
        at=LATER,
    )


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def as_typed(value: str) -> str:
    """What a CSV cell should hold for a given field: no control bytes, never a formula."""
    cleaned = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value)
    return "'" + cleaned if cleaned[:1] in ("=", "+", "-", "@", "\t", "\r") else cleaned


# -- CSV ----------------------------------------------------------------------------


def test_csv_round_trips_hostile_text() -> None:
    flags = [
        make_flag(i + 1, text=text, speaker=text or None, note=text or None, assignee=text or None)
        for i, text in enumerate(HOSTILE)
    ]
    rows = read_csv(to_csv(flags, {}))
    assert tuple(rows[0]) == CSV_HEADER
    assert len(rows) == len(HOSTILE) + 1
    columns = {name: index for index, name in enumerate(CSV_HEADER)}
    for text, row in zip(HOSTILE, rows[1:], strict=True):
        assert len(row) == len(CSV_HEADER)
        for field in ("text", "speaker", "note", "assignee"):
            assert row[columns[field]] == as_typed(text)


def test_csv_columns() -> None:
    flag = make_flag(
        7,
        status="false",
        assignee="Carol",
        matches=("term:a", "claim:b"),
        note="checked",
        retracted_at=LATER,
        retract_reason="duplicate",
        source_message_id=499,
    )
    history = {7: [event(7, "created", None, "open"), event(7, "status", "open", "false")]}
    [_, row] = read_csv(to_csv([flag], history))
    record = dict(zip(CSV_HEADER, row, strict=True))
    assert record["number"] == "7"
    assert record["time (UTC)"] == "2025-03-04T05:06:07Z"
    assert record["round"] == "Round 1"
    assert record["flagged by"] == "Alice"
    assert record["status"] == "False"
    assert record["status code"] == "false"
    assert record["lang"] == "en"
    assert record["matches"] == "term:a; claim:b"
    assert record["retracted"] == "2025-03-04T06:00:00Z duplicate"
    assert record["link"] == "https://t.me/c/1234567890/499"
    assert record["history"].splitlines() == [
        "2025-03-04 06:00 created (Bob)",
        "2025-03-04 06:00 status: Open → False (Bob)",
    ]


def test_csv_neutralises_formulas() -> None:
    [_, row] = read_csv(to_csv([make_flag(text='=HYPERLINK("http://evil","x")')], {}))
    assert row[CSV_HEADER.index("text")] == '\'=HYPERLINK("http://evil","x")'


@given(st.text())
def test_csv_any_text_stays_one_cell(text: str) -> None:
    [header, row] = read_csv(to_csv([make_flag(text=text)], {}))
    assert len(row) == len(header)
    assert row[CSV_HEADER.index("text")] == as_typed(text)


def test_csv_of_nothing_is_a_header() -> None:
    assert read_csv(to_csv([], {})) == [list(CSV_HEADER)]


# -- Markdown -----------------------------------------------------------------------


def test_markdown_escapes_inline_markup() -> None:
    assert md_escape("**bold** _it_ `code`") == r"\*\*bold\*\* \_it\_ \`code\`"
    assert md_escape("[link](http://x)") == r"\[link\](http://x)"
    assert md_escape("<b>tag</b> & a | b ~x~") == r"\<b\>tag\</b\> \& a \| b \~x\~"
    assert md_escape("\\") == "\\\\"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# not a heading", r"\# not a heading"),
        ("1. not a list", r"1\. not a list"),
        ("2) not a list", r"2\) not a list"),
        ("- not a bullet", r"\- not a bullet"),
        ("+ not a bullet", r"\+ not a bullet"),
        ("> not a quote", r"\> not a quote"),
        ("===", r"\==="),
        ("    four spaces", "four spaces"),
        ("plain words, 3.5% more.", "plain words, 3.5% more."),
    ],
)
def test_markdown_escapes_line_starts(text: str, expected: str) -> None:
    assert md_escape(text) == expected


def test_markdown_report() -> None:
    flags = [
        make_flag(1, text="line one\n# line two | **x**", speaker="Лавров_1"),
        make_flag(2, status="false", assignee="Carol", note="first\nsecond"),
        make_flag(3, retracted_at=LATER, retract_reason="oops"),
    ]
    history = {2: [event(2, "status", "open", "false", note="see *source*")]}
    text = to_markdown(flags, history, chat_title="Team [UA] *core*", round_name="Round_1").decode(
        "utf-8"
    )
    lines = text.splitlines()
    assert lines[0] == r"# Flag log: Team \[UA\] \*core\*"
    assert r"Round: Round\_1 · 3 flags" in text
    assert "- Open: 1" in lines and "- False: 1" in lines and "- Retracted: 1" in lines
    assert "## #1 · Open" in lines
    assert "> line one" in lines
    assert r"> \# line two \| \*\*x\*\*" in lines
    assert r"2025-03-04 05:06 UTC · Round 1 · **Лавров\_1**" in lines
    assert "- Assigned to: Carol" in lines
    assert "  - first" in lines and "  - second" in lines
    assert "## #3 · Retracted (was Open)" in lines
    assert "- Retracted: 2025-03-04 06:00 UTC — oops" in lines
    assert "- Link: <https://t.me/c/1234567890/501>" in lines
    assert r"  - 2025-03-04 06:00 UTC status: Open → False (Bob): see \*source\*" in lines


@given(st.text())
def test_markdown_flag_text_cannot_escape_its_quote(text: str) -> None:
    report = to_markdown([make_flag(text=text)], {}, chat_title="T", round_name=None)
    lines = report.decode("utf-8").splitlines()
    start = lines.index("## #1 · Open") + 4
    end = lines.index("", start)
    for line in lines[start:end]:
        assert line == ">" or line.startswith("> ")
        body = line[2:]
        # Every markup character is escaped, and no line can start a block.
        assert not re.search(r"(?<!\\)(?:\\\\)*[*_`\[\]<>|~&#]", body)
        assert not re.match(r"[+\-=>]|\d+[.)]", body)


def test_markdown_of_nothing() -> None:
    text = to_markdown([], {}, chat_title=None, round_name=None).decode("utf-8")
    assert "# Flag log: this chat" in text
    assert "All rounds · 0 flags" in text
    assert "No flags." in text


# -- JSON ---------------------------------------------------------------------------


def test_json_loads_with_everything() -> None:
    flags = [make_flag(i + 1, text=text) for i, text in enumerate(HOSTILE)]
    flags.append(make_flag(99, status="verified", retracted_at=LATER, retract_reason="x"))
    history = {99: [event(99, "created", None, "open"), event(99, "retract", None, "x", "x")]}
    data = to_json(flags, history)
    assert "Лавров".encode() in data  # not \\u-escaped
    document = json.loads(data)
    assert document["format"] == "playbook-bot/flags"
    assert [item["text"] for item in document["flags"][:-1]] == HOSTILE
    last = document["flags"][-1]
    assert last["number"] == 99
    assert last["created_at"] == "2025-03-04T05:06:07Z"
    assert last["retracted_at"] == "2025-03-04T06:00:00Z"
    assert last["flagged_by"] == {"id": 11, "name": "Alice"}
    assert last["matches"] == ["term:root-causes"]
    assert [change["action"] for change in last["history"]] == ["created", "retract"]
    assert last["history"][1]["by"] == {"id": 22, "name": "Bob"}
    assert document["flags"][0]["history"] == []


# -- links --------------------------------------------------------------------------


def test_message_links() -> None:
    assert message_link(make_flag(source_message_id=42)) == "https://t.me/c/1234567890/42"
    assert message_link(make_flag(message_id=43)) == "https://t.me/c/1234567890/43"
    assert message_link(make_flag(source_link="https://t.me/channel/7")) == "https://t.me/channel/7"
    assert message_link(make_flag(message_chat_id=-4242, message_id=5)) == ""  # basic groups
    migrated = make_flag(chat_id=-1004242, message_chat_id=-4242, message_id=5)
    assert message_link(migrated) == "", "flagged in the group before it became a supergroup"
    assert message_link(make_flag(message_id=None)) == ""


def test_a_ukrainian_export_says_words_and_keeps_codes() -> None:
    flag = make_flag(7, status="misleading", matches=("term:root-causes", "claim:gone"))
    history = {7: [event(7, "created", None, "open"), event(7, "status", "open", "misleading")]}
    titles = {"term:root-causes": "Ліквідація першопричин"}
    [header, row] = read_csv(to_csv([flag], history, lang="uk", titles=titles))
    record = dict(zip(header, row, strict=True))
    assert record["статус"] == "Маніпуляція" and record["код статусу"] == "misleading"
    assert record["мова"] == "uk"
    assert record["всесвітній час"] == "2025-03-04T05:06:07Z"
    assert record["збіги з порадником"] == "Ліквідація першопричин; claim:gone"
    assert record["історія"].splitlines()[-1].endswith("вердикт: На перевірці → Маніпуляція (Bob)")

    document = json.loads(to_json([flag], history, lang="uk", titles=titles))
    assert document["lang"] == "uk"
    [item] = document["flags"]
    assert (item["status"], item["status_label"]) == ("misleading", "Маніпуляція")
    assert item["matches"] == ["term:root-causes", "claim:gone"]
    assert item["match_titles"] == ["Ліквідація першопричин", "claim:gone"]
    assert [change["new_value"] for change in item["history"]] == ["open", "misleading"]

    report = to_markdown(
        [flag], history, chat_title=None, round_name=None, lang="uk", titles=titles
    ).decode()
    assert report.startswith("# Журнал позначок: цей чат")
    assert "Усі раунди · 1 позначка · Час: всесвітній час" in report
    assert "## #7 · Маніпуляція" in report
    assert "4 березня 2025, 05:06 · Round 1 · **Lavrov**" in report
    assert "- Збіги з порадником: Ліквідація першопричин, claim:gone" in report
