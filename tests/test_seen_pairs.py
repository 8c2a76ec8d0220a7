"""How well "seen before" tells the same claim from a different one, measured.

tests/data/seen_pairs.yaml holds pairs of flagged statements in English, Ukrainian
and Russian, labelled same or different and tagged by kind; each is read as /flag
reads it (a "Speaker:" split off, the playbook's claims matched) and compared with
bot.sameness. The table of precision and recall per kind is printed (pytest -s).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import sameness
from bot.flag_input import split_speaker
from bot.services import Library

PAIRS = Path(__file__).parent / "data" / "seen_pairs.yaml"
HELD_OUT = Path(__file__).parent / "data" / "seen_pairs_held_out.yaml"
PRECISION_TARGET = 0.95
RECALL_TARGET = 0.80


def _reading(library: Library, typed: str) -> sameness.Reading:
    _, statement = split_speaker(typed)
    hits = library.index.mentions(statement, kinds=("term", "claim"))
    return sameness.read(statement, [f"{hit.entry.kind}:{hit.entry.id}" for hit in hits])


def _judged(library: Library, path: Path) -> list[tuple[dict[str, Any], bool]]:
    pairs = yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]
    return [
        (pair, sameness.same_claim(_reading(library, pair["a"]), _reading(library, pair["b"])))
        for pair in pairs
    ]


def _table(judged: list[tuple[dict[str, Any], bool]]) -> tuple[float, float, str]:
    """Overall precision and recall, and the table by kind."""
    counts: Counter[tuple[str, str]] = Counter()
    for pair, said_same in judged:
        truth = "same" if pair["same"] else "different"
        outcome = "tp" if pair["same"] and said_same else "fn" if pair["same"] else "fp"
        if not pair["same"] and not said_same:
            outcome = "tn"
        for kind in (pair["kind"], f"lang {pair['lang']}", "all"):
            counts[kind, outcome] += 1
        counts[truth, outcome] += 1
    kinds = sorted(
        {kind for kind, _ in counts}, key=lambda k: (k == "all", k.startswith("lang"), k)
    )
    lines = [f"{'kind':<16}{'pairs':>6}{'match':>7}{'wrong':>7}{'missed':>8}{'recall':>8}"]
    for kind in kinds:
        tp, fp, fn, tn = (counts[kind, o] for o in ("tp", "fp", "fn", "tn"))
        recall = f"{tp / (tp + fn):.0%}" if tp + fn else "-"
        lines.append(f"{kind:<16}{tp + fp + fn + tn:>6}{tp:>7}{fp:>7}{fn:>8}{recall:>8}")
    tp, fp, fn = (counts["all", o] for o in ("tp", "fp", "fn"))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    lines.append(f"precision {precision:.1%}, recall {recall:.1%}")
    return precision, recall, "\n".join(lines)


def _mistakes(judged: list[tuple[dict[str, Any], bool]]) -> str:
    return "\n".join(
        f"  {'missed' if pair['same'] else 'wrong '} [{pair['kind']}] {pair['a']!r} / {pair['b']!r}"
        for pair, said_same in judged
        if said_same != pair["same"]
    )


def test_the_labelled_pairs_meet_the_targets(library: Library) -> None:
    judged = _judged(library, PAIRS)
    assert len(judged) >= 150
    assert {pair["lang"] for pair, _ in judged} >= {"en", "uk", "ru"}
    precision, recall, table = _table(judged)
    print(f"\nseen_pairs.yaml\n{table}\n{_mistakes(judged)}")
    assert precision >= PRECISION_TARGET, table
    assert recall >= RECALL_TARGET, table


def test_the_held_out_pairs_are_reported(library: Library) -> None:
    """Written after the matcher was tuned on seen_pairs.yaml: reported, and held to
    the precision target only (a small slice's recall swings with one pair)."""
    if not HELD_OUT.exists():
        pytest.skip("no held-out slice")
    judged = _judged(library, HELD_OUT)
    precision, _, table = _table(judged)
    print(f"\nseen_pairs_held_out.yaml\n{table}\n{_mistakes(judged)}")
    assert precision >= PRECISION_TARGET, table
