"""Content validation: every class of mistake is reported as file:line, and `check` exits 1."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.playbook import ContentError, load_playbook
from bot.services import Library
from tests.conftest import CONTENT, ROOT, make_settings, start_bot, stop_bot
from tests.support.fake_bot_api import FakeBotAPI

GOOD_TERM = """\
terms:
  - id: extra-term
    title:
      en: Extra
      uk: Додатковий
    summary:
      en: A summary.
      uk: Підсумок.
    kremlin_phrase:
      en: a phrase
      uk: фраза
    meaning:
      en: a meaning
      uk: значення
    used_for:
      en: a use
      uk: використання
    answer:
      en: an answer
      uk: відповідь
    related_principles: [1]
    sources:
      - source: edm-bezsmertny-2025
        attribution: test
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


def problems_for(directory: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_playbook(directory)
    return [str(problem) for problem in caught.value.problems]


def write_extra(content: Path, text: str) -> Path:
    path = content / "extra.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_content_is_valid() -> None:
    playbook = load_playbook(CONTENT)
    assert [p.number for p in playbook.principles] == list(range(1, 11))


def test_a_valid_extra_file_is_merged(content: Path) -> None:
    write_extra(content, GOOD_TERM)
    assert load_playbook(content).get("term", "extra-term") is not None


def test_yaml_syntax_error_names_file_and_line(content: Path) -> None:
    path = write_extra(content, GOOD_TERM.replace("      uk: Підсумок.", "      uk: [unclosed"))
    [problem] = problems_for(content)
    assert problem.startswith(f"{path}:")
    assert "YAML syntax error" in problem


def test_unknown_field_names_its_line(content: Path) -> None:
    path = write_extra(
        content, GOOD_TERM.replace("    answer:\n", "    colour: red\n    answer:\n")
    )
    [problem] = problems_for(content)
    assert problem.startswith(f"{path}:18:")
    assert "unknown field 'colour'" in problem


def test_missing_ukrainian_text_is_refused(content: Path) -> None:
    path = write_extra(content, GOOD_TERM.replace("      uk: значення\n", ""))
    [problem] = problems_for(content)
    assert problem.startswith(f"{path}:12:")  # the line of `meaning:`
    assert "missing field 'uk'" in problem and "Ukrainian" in problem


def test_duplicate_id_names_both_places(content: Path) -> None:
    path = write_extra(content, GOOD_TERM.replace("id: extra-term", "id: root-causes"))
    [problem] = problems_for(content)
    # Files load in name order, so extra.yaml's is the first definition.
    assert problem.startswith(f"{content / 'terms.yaml'}:5: duplicate id 'root-causes'")
    assert f"first defined at {path}:2" in problem


def test_broken_cross_reference_is_reported(content: Path) -> None:
    path = write_extra(
        content, GOOD_TERM.replace("related_principles: [1]", "related_principles: [42]")
    )
    [problem] = problems_for(content)
    assert problem.startswith(f"{path}:21:")
    assert "unknown principle '42'" in problem


def test_wrong_type_is_reported(content: Path) -> None:
    path = write_extra(
        content, GOOD_TERM.replace("related_principles: [1]", "related_principles: one")
    )
    [problem] = problems_for(content)
    assert problem.startswith(f"{path}:21:")
    assert "related_principles" in problem


def test_unknown_source_and_missing_citation(content: Path) -> None:
    write_extra(content, GOOD_TERM.replace("source: edm-bezsmertny-2025", "source: nowhere"))
    assert any("unknown source 'nowhere'" in p for p in problems_for(content))


def test_every_problem_is_listed_not_just_the_first(content: Path) -> None:
    text = GOOD_TERM.replace("      uk: значення\n", "").replace(
        "    answer:\n", "    colour: red\n    answer:\n"
    )
    write_extra(content, text)
    assert len(problems_for(content)) == 2


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "check", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_command_prints_one_summary_line_and_exits_0() -> None:
    done = run_check("--content", str(CONTENT))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    assert "10 principles" in done.stdout


def test_check_command_prints_file_line_problems_and_exits_1(content: Path) -> None:
    path = write_extra(
        content, GOOD_TERM.replace("    answer:\n", "    colour: red\n    answer:\n")
    )
    done = run_check("--content", str(content))
    assert done.returncode == 1
    assert f"{path}:18: terms.0.colour: unknown field 'colour'" in done.stderr


def test_check_command_on_a_missing_directory_exits_1(tmp_path: Path) -> None:
    done = run_check("--content", str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert "content directory not found" in done.stderr


async def test_sighup_reloads_content_and_keeps_the_old_when_invalid(
    api: FakeBotAPI, tmp_path: Path, content: Path, library: Library
) -> None:
    running = await start_bot(api, make_settings(api, tmp_path, content_dir=content), library)
    services = running.services
    try:
        write_extra(content, GOOD_TERM)
        os.kill(os.getpid(), signal.SIGHUP)
        await asyncio.sleep(0.2)
        assert services.library.playbook.get("term", "extra-term") is not None

        write_extra(content, GOOD_TERM.replace("id: extra-term", "id: root-causes"))
        os.kill(os.getpid(), signal.SIGHUP)
        await asyncio.sleep(0.2)
        assert services.library.playbook.get("term", "extra-term") is not None, "old content kept"
        [reply] = await running.say(501, api.user(501, "Ann"), "/term extra")
        assert "Extra" in reply["text"]
    finally:
        await stop_bot(running)


def test_a_term_gives_exactly_one_sides_phrase(content: Path) -> None:
    both = GOOD_TERM.replace(
        "    meaning:\n", "    ukraine_phrase:\n      en: ours\n      uk: наше\n    meaning:\n"
    )
    write_extra(content, both)
    [problem] = problems_for(content)
    assert "exactly one of 'kremlin_phrase' and 'ukraine_phrase'" in problem


EXTRA_PERSON = """\
people:
  - id: extra-person
    title:
      en: Ivan Extra
      uk: Іван Екстра
    name_ru: Иван Экстра
    summary:
      en: A summary.
      uk: Підсумок.
    role:
      en: a role
      uk: посада
    side: russia
    statements:
      - date: "2022-03-29"
        said:
          en: said
          uk: сказав
        source: fp-mackinnon-gramer-2022
    aliases:
      en:
        - Extra
    sources:
      - source: fp-mackinnon-gramer-2022
        attribution: test
events:
  - id: extra-event
    date: "2022-03"
    title:
      en: An extra event
      uk: Додаткова подія
    summary:
      en: A summary.
      uk: Підсумок.
    what:
      en: what happened
      uk: що сталося
    people: [extra-person, lavrov]
    sources:
      - source: voa-polygraph-2022
        attribution: test
"""


def test_valid_people_and_events_are_merged_and_cross_linked(content: Path) -> None:
    write_extra(content, EXTRA_PERSON)
    playbook = load_playbook(content)
    person = playbook.get("person", "extra-person")
    event = playbook.get("event", "extra-event")
    assert person is not None and event is not None
    assert event in playbook.linked(person)
    assert person in playbook.linked(event)


def test_an_event_naming_an_unknown_person_is_reported(content: Path) -> None:
    path = write_extra(
        content, EXTRA_PERSON.replace("people: [extra-person, lavrov]", "people: [nobody]")
    )
    [problem] = problems_for(content)
    assert problem.startswith(f"{path}:")
    assert "extra-event: people refers to unknown person 'nobody'" in problem


def test_a_statement_without_a_known_source_is_reported(content: Path) -> None:
    write_extra(
        content,
        EXTRA_PERSON.replace(
            "        source: fp-mackinnon-gramer-2022\n", "        source: hearsay\n", 1
        ),
    )
    [problem] = problems_for(content)
    assert "extra-person: unknown source 'hearsay'" in problem


def test_two_people_answering_to_one_name_are_reported(content: Path) -> None:
    write_extra(content, EXTRA_PERSON.replace("        - Extra\n", "        - Lavrov\n"))
    [problem] = problems_for(content)
    # extra.yaml loads first, so the shipped Lavrov is the one reported.
    assert "lavrov: name 'Lavrov' is also extra-person's" in problem
    assert "must name one person" in problem


def test_a_date_must_be_a_year_a_month_or_a_day(content: Path) -> None:
    write_extra(content, EXTRA_PERSON.replace('date: "2022-03"', 'date: "March 2022"'))
    [problem] = problems_for(content)
    assert "events.0.date" in problem
