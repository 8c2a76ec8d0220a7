"""The command line: ask, export, backup, purge, and clear errors with exit codes."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store
from tests.conftest import ROOT

CHAT = -1001234


def cli(
    *args: str, env: dict[str, str] | None = None, stdin: str | bytes = ""
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_", "WEBHOOK_"))
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "db.sqlite3"

    async def fill() -> None:
        store = await Store.open(path)
        await store.enroll(CHAT, "Delegation", 1)
        await store.start_round(CHAT, "Day 1", 1)
        await store.add_flag(
            CHAT,
            text='root causes, "again"',
            speaker="Lavrov",
            flagged_by_id=1,
            flagged_by_name="Taras",
            message_id=10,
            matches=["term:root-causes"],
        )
        await store.set_status(CHAT, 1, "false", note="see 2022", by_id=2, by_name="Iryna")
        await store.end_round(CHAT, 1)
        await store.add_flag(
            CHAT,
            text="later",
            speaker=None,
            flagged_by_id=1,
            flagged_by_name="Taras",
            message_id=11,
        )
        await store.close()

    asyncio.run(fill())
    return path


def test_ask_prints_the_card_as_plain_text() -> None:
    done = cli("ask", "root cuases")
    assert done.returncode == 0, done.stderr
    assert "Elimination of root causes" in done.stdout
    assert "<b>" not in done.stdout
    assert "[◀ All terms]" in done.stdout


def test_ask_in_ukrainian() -> None:
    done = cli("ask", "першопричини", "--lang", "uk")
    assert "Ліквідація першопричин" in done.stdout


def test_ask_json_lists_ranked_hits() -> None:
    done = cli("ask", "goodwill", "--json")
    hits = json.loads(done.stdout)
    assert hits[0]["kind"] == "term" and hits[0]["id"] == "goodwill"
    assert set(hits[0]) == {"kind", "id", "title", "score"}
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_ask_reads_a_list_of_queries_and_answers_each_on_its_line() -> None:
    """A content editor checks many queries at once: one JSON line per query, in
    order, with the card the bot would open (or null) and the ranked hits."""
    queries = ["Kremlin spokesman", "ltyfwbabrfwbz", "US secretary of state", "", "hello"]
    done = cli("ask", "--json", "-", stdin="\n".join(queries) + "\n")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["query"] for row in rows] == queries
    spokesman, layout, shared, blank, greeting = rows
    assert spokesman["opens"] == "peskov"
    assert spokesman["hits"][0] == {
        "kind": "person",
        "id": "peskov",
        "title": "Dmitry Peskov",
        "score": spokesman["hits"][0]["score"],
    }
    assert layout["opens"] == "denazification"
    # Two secretaries of state: the bot offers both rather than open either.
    assert shared["opens"] is None
    assert {hit["id"] for hit in shared["hits"][:2]} == {"blinken", "rubio"}
    assert blank == {"query": "", "opens": None, "hits": []}
    assert greeting["opens"] is None and greeting["hits"] == []
    for row in rows:
        scores = [hit["score"] for hit in row["hits"]]
        assert scores == sorted(scores, reverse=True)


def test_ask_without_json_reads_a_list_too() -> None:
    done = cli("ask", "-", stdin="medinsky\nrootcauses\n")
    assert done.returncode == 0, done.stderr
    assert "── medinsky" in done.stdout and "── rootcauses" in done.stdout
    assert "Vladimir Medinsky" in done.stdout
    assert "Elimination of root causes" in done.stdout


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"", "no queries on standard input (give one query per line)"),
        (b"\n \n", "no queries on standard input (give one query per line)"),
        (b"goodwill\n\xff\xfe oops\n", "line 2 of standard input is not UTF-8 text"),
    ],
)
def test_ask_with_unreadable_input_is_a_clear_error(stdin: bytes, message: str) -> None:
    done = cli("ask", "--json", "-", stdin=stdin)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == f"error: {message}"


def test_ask_nonsense_suggests_the_lists() -> None:
    done = cli("ask", "qwzx plorb")
    assert done.returncode == 0
    assert "Nothing in the playbook matches" in done.stdout


def test_export_csv_md_json(database: Path, tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(database)}
    done = cli("export", "--chat", str(CHAT), "--format", "csv", env=env)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout.lstrip("\ufeff"))))
    assert rows[1][0] == "1" and rows[1][rows[0].index("text")] == 'root causes, "again"'
    assert len(rows) == 3

    out = tmp_path / "log.md"
    done = cli(
        "export", "--chat", str(CHAT), "--round", "day 1", "--format", "md", "-o", str(out), env=env
    )
    assert done.returncode == 0, done.stderr
    markdown = out.read_text(encoding="utf-8")
    assert "Lavrov" in markdown and "later" not in markdown

    done = cli("export", "--chat", str(CHAT), "--format", "json", env=env)
    exported = json.loads(done.stdout)
    assert [flag["number"] for flag in exported["flags"]] == [1, 2]
    assert [event["action"] for event in exported["flags"][0]["history"]] == ["created", "status"]


def test_export_unknown_round_is_an_error(database: Path) -> None:
    done = cli(
        "export", "--chat", str(CHAT), "--round", "Geneva", env={"DATABASE_PATH": str(database)}
    )
    assert done.returncode == 1
    assert "no round named 'Geneva'" in done.stderr


def test_backup_is_a_consistent_copy(database: Path, tmp_path: Path) -> None:
    copy = tmp_path / "backups" / "copy.sqlite3"
    done = cli("backup", str(copy), env={"DATABASE_PATH": str(database)})
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT count(*) FROM flags").fetchone()[0] == 2


def test_purge_older_than(database: Path) -> None:
    with sqlite3.connect(database) as connection:
        old = (datetime.now(UTC) - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S")
        connection.execute("UPDATE flags SET created_at = ? WHERE number = 1", (old,))
    done = cli("purge", "--older-than", "90d", env={"DATABASE_PATH": str(database)})
    assert done.returncode == 0, done.stderr
    assert "deleted 1 flag created" in done.stdout
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT number FROM flags").fetchall() == [(2,)]


def test_purge_with_a_bad_age_is_a_usage_error() -> None:
    done = cli("purge", "--older-than", "soon")
    assert done.returncode == 2
    assert "expected an age like 90d" in done.stderr


def test_run_without_a_token_explains_botfather(tmp_path: Path) -> None:
    done = cli("run", env={"BOT_TOKEN": "", "DATABASE_PATH": str(tmp_path / "db.sqlite3")})
    assert done.returncode == 2
    assert "@BotFather" in done.stderr and ".env" in done.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WEBHOOK_PORT", "abc"),
        ("ADMIN_IDS", "12,x"),
        ("DEFAULT_LANGUAGE", "fr"),
        ("BOT_API_URL", "ftp://x"),
    ],
)
def test_a_malformed_setting_is_one_line_and_exit_2(name: str, value: str) -> None:
    done = cli("check", env={name: value})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0]


def test_health_reports_ok(tmp_path: Path) -> None:
    done = cli("health", env={"DATABASE_PATH": str(tmp_path / "db.sqlite3")})
    assert done.returncode == 0 and done.stdout.strip() == "ok"


def test_a_corrupt_database_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "db.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    done = cli("health", env={"DATABASE_PATH": str(broken)})
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
