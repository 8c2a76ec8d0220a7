"""Interface strings: both languages say the same things, and counts are said right."""

from __future__ import annotations

import string

import pytest

from bot.i18n import STRINGS, Plural, plural_form, t
from bot.playbook import LANGUAGES


def _forms(value: str | Plural) -> list[str]:
    if isinstance(value, Plural):
        return [value.one, value.many] + ([value.few] if value.few is not None else [])
    return [value]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_exists_in_both_languages_with_the_same_blanks(key: str) -> None:
    assert set(STRINGS[key]) == set(LANGUAGES)
    blanks = {
        lang: {frozenset(_fields(form)) for form in _forms(STRINGS[key][lang])}
        for lang in LANGUAGES
    }
    assert blanks["en"] == blanks["uk"], key


def test_every_ukrainian_plural_has_its_three_forms() -> None:
    for key, by_lang in STRINGS.items():
        value = by_lang["uk"]
        if isinstance(value, Plural):
            assert value.few is not None, key
        assert isinstance(by_lang["en"], Plural) == isinstance(value, Plural), key


@pytest.mark.parametrize(
    ("count", "english", "ukrainian"),
    [(1, "one", "one"), (2, "many", "few"), (5, "many", "many"), (21, "many", "one")],
)
def test_plural_forms_by_count(count: int, english: str, ukrainian: str) -> None:
    assert plural_form(count, "en") == english
    assert plural_form(count, "uk") == ukrainian


@pytest.mark.parametrize(
    ("count", "english", "ukrainian"),
    [
        (1, "(1 flag, with", "(1 позначка з"),
        (2, "(2 flags, with", "(2 позначки з"),
        (5, "(5 flags, with", "(5 позначок з"),
        (21, "(21 flags, with", "(21 позначка з"),
    ],
)
def test_the_purge_question_counts_flags_in_both_languages(
    count: int, english: str, ukrainian: str
) -> None:
    assert english in t("en", "purge_confirm", count=count)
    assert ukrainian in t("uk", "purge_confirm", count=count)


@pytest.mark.parametrize(
    ("count", "english", "ukrainian"),
    [
        (1, "Export of 1 flag:", "Експорт 1 позначки:"),
        (2, "Export of 2 flags:", "Експорт 2 позначок:"),
        (5, "Export of 5 flags:", "Експорт 5 позначок:"),
        (21, "Export of 21 flags:", "Експорт 21 позначки:"),
    ],
)
def test_the_export_counts_flags_in_both_languages(
    count: int, english: str, ukrainian: str
) -> None:
    assert t("en", "export_done", count=count).startswith(english)
    assert t("uk", "export_done", count=count).startswith(ukrainian)


@pytest.mark.parametrize(
    ("key", "counts"),
    [
        ("summary_total", ("1 flag", "2 flags", "5 flags", "21 flags")),
        ("purged", ("Deleted 1 flag ", "Deleted 2 flags", "Deleted 5 flags", "Deleted 21 flags")),
        ("count_people", ("1 person", "2 people", "5 people", "21 people")),
    ],
)
def test_english_counts(key: str, counts: tuple[str, ...]) -> None:
    for count, expected in zip((1, 2, 5, 21), counts, strict=True):
        assert expected in t("en", key, count=count)


@pytest.mark.parametrize(
    ("key", "counts"),
    [
        ("summary_total", ("1 позначка", "2 позначки", "5 позначок", "21 позначка")),
        ("purged", ("1 позначку", "2 позначки", "5 позначок", "21 позначку")),
        ("board_more", ("1 позначка", "2 позначки", "5 позначок", "21 позначка")),
        ("count_principles", ("1 принцип", "2 принципи", "5 принципів", "21 принцип")),
        ("count_people", ("1 особа", "2 особи", "5 осіб", "21 особа")),
        ("principle_range", ("1 принцип:", "2 принципи:", "5 принципів:", "21 принцип:")),
    ],
)
def test_ukrainian_counts(key: str, counts: tuple[str, ...]) -> None:
    for count, expected in zip((1, 2, 5, 21), counts, strict=True):
        assert expected in t("uk", key, count=count)


def test_teen_numbers_take_the_many_form_in_ukrainian() -> None:
    assert "11 позначок" in t("uk", "summary_total", count=11)
    assert "12 позначок" in t("uk", "summary_total", count=12)
    assert "22 позначки" in t("uk", "summary_total", count=22)
