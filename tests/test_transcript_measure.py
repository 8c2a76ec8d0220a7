"""How well a checked transcript finds what it should: precision and recall on a
transcript of 224 lines (tests/data/transcript_mixed.txt) mixing the sources' claims
and Moscow's loaded terms, reworded in English, Ukrainian and Russian, with neutral
lines and lines that share their words but not their meaning. Its labels
(transcript_mixed.tsv) were written before the matching was tuned.

The same lines are checked as .txt, .srt, .vtt (speakers as voice tags) and .docx,
so every reader is measured, not only plain text. Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest

from bot import transcript
from bot.flag_input import split_speaker
from bot.services import Library
from bot.transcript import Checked

DATA = Path(__file__).parent / "data"
# Floors a little under what this transcript gives, untuned, in every format: 89.7%
# precision (61 right, 7 wrong: words of a claim in a Ukrainian delegate's mouth, "the
# will of our people") and 91.0% recall (6 missed: paraphrases and Russian "сокращаем"
# for scaling back). A change that loses matches or adds false ones fails here.
MIN_PRECISION = 0.88
MIN_RECALL = 0.88


@dataclass(frozen=True)
class Line:
    text: str
    expected: frozenset[str]
    optional: frozenset[str]

    @property
    def language(self) -> str:
        if not re.search(r"[а-яА-ЯіїєґІЇЄҐ]", self.text):
            return "en"
        return "uk" if re.search(r"[іїєґІЇЄҐʼ]", self.text) else "ru"


def labelled() -> list[Line]:
    lines = []
    for row in (DATA / "transcript_mixed.tsv").read_text(encoding="utf-8").splitlines():
        if row.startswith("#"):
            continue
        *labels, text = row.split("\t")
        refs = [ref for ref in labels if ref != "-"]
        lines.append(
            Line(
                text,
                frozenset(ref for ref in refs if not ref.startswith("?")),
                frozenset(ref[1:] for ref in refs if ref.startswith("?")),
            )
        )
    return lines


LINES = labelled()


def as_srt() -> tuple[bytes, dict[str, int]]:
    """Each line a cue, ten seconds apart; the cue's start names its line."""
    blocks, lines_at = [], {}
    for number, line in enumerate(LINES, start=1):
        if not line.text:
            continue
        at = f"{number // 360:02d}:{number // 6 % 60:02d}:{number % 6 * 10:02d}"
        lines_at[at] = number
        blocks.append(f"{len(blocks) + 1}\n{at},000 --> {at},900\n{line.text}\n")
    return "\n".join(blocks).encode("utf-8-sig"), lines_at


def as_vtt() -> tuple[bytes, dict[str, int]]:
    """Each line a cue, the speaker as a voice tag."""
    blocks, lines_at = ["WEBVTT\n"], {}
    for number, line in enumerate(LINES, start=1):
        if not line.text:
            continue
        at = f"{number // 360:02d}:{number // 6 % 60:02d}:{number % 6 * 10:02d}"
        lines_at[at] = number
        speaker, said = split_speaker(line.text)
        text = f"<v {speaker}>{said}" if speaker else line.text
        blocks.append(f"{at}.000 --> {at}.900\n{text}\n")
    return "\n".join(blocks).encode(), lines_at


def as_docx() -> bytes:
    document = docx.Document()
    for line in LINES:
        document.add_paragraph(line.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def found_by_line(checked: Checked, lines_at: dict[str, int] | None) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for finding in checked.findings:
        at = finding.statement.at
        number = lines_at[at] if lines_at is not None else int(at)
        found.setdefault(number, set()).update(finding.matches)
    return found


def score(found: dict[int, set[str]]) -> dict[str, Counter[str]]:
    """True and false positives and misses, in all and per language."""
    tally: dict[str, Counter[str]] = {"all": Counter()}
    for number, line in enumerate(LINES, start=1):
        got = found.get(number, set())
        counts = Counter(
            tp=len(got & line.expected),
            fp=len(got - line.expected - line.optional),
            fn=len(line.expected - got),
        )
        tally["all"].update(counts)
        tally.setdefault(line.language, Counter()).update(counts)
    return tally


def rates(counts: Counter[str]) -> tuple[float, float]:
    precision = counts["tp"] / max(1, counts["tp"] + counts["fp"])
    recall = counts["tp"] / max(1, counts["tp"] + counts["fn"])
    return precision, recall


def test_the_transcript_file_is_its_labels_second_column() -> None:
    text = (DATA / "transcript_mixed.txt").read_text(encoding="utf-8")
    assert text.splitlines() == [line.text for line in LINES]
    assert len(LINES) >= 200
    assert {line.language for line in LINES if line.expected} == {"en", "uk", "ru"}


def formats() -> dict[str, tuple[bytes, str, dict[str, int] | None]]:
    srt, srt_at = as_srt()
    vtt, vtt_at = as_vtt()
    return {
        "txt": ((DATA / "transcript_mixed.txt").read_bytes(), "mixed.txt", None),
        "srt": (srt, "mixed.srt", srt_at),
        "vtt": (vtt, "mixed.vtt", vtt_at),
        "docx": (as_docx(), "mixed.docx", None),
    }


@pytest.mark.parametrize("kind", ["txt", "srt", "vtt", "docx"])
def test_precision_and_recall_on_a_mixed_transcript(library: Library, kind: str) -> None:
    data, name, lines_at = formats()[kind]
    checked = transcript.check(data, name, library.index)
    assert isinstance(checked, Checked), checked
    tally = score(found_by_line(checked, lines_at))
    for part in ("all", "en", "uk", "ru"):
        precision, recall = rates(tally[part])
        counts = tally[part]
        print(
            f"\n{kind} {part}: precision {precision:.1%} recall {recall:.1%} "
            f"(tp {counts['tp']}, fp {counts['fp']}, fn {counts['fn']})",
            end="",
        )
    precision, recall = rates(tally["all"])
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL


def test_what_it_misses_and_wrongly_finds_is_listed(library: Library) -> None:
    """Not a measure: the misses and false finds of the .txt, for whoever tunes it."""
    data, name, _ = formats()["txt"]
    checked = transcript.check(data, name, library.index)
    assert isinstance(checked, Checked)
    found = found_by_line(checked, None)
    for number, line in enumerate(LINES, start=1):
        got = found.get(number, set())
        missed, wrong = line.expected - got, got - line.expected - line.optional
        if missed or wrong:
            print(f"\nline {number}: missed {sorted(missed)} wrong {sorted(wrong)}: {line.text}")
