"""Every card, list and keyboard of the shipped content passes Telegram's checks."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import render
from bot.callbacks import MAX_BYTES, open_entry, parse
from bot.i18n import STRINGS, Plural, t
from bot.playbook import KINDS, LANGUAGES, Lang
from bot.render import Rendered
from bot.services import Library
from tests.conftest import assert_valid_message
from tests.support.telegram_rules import callback_data_error, html_error


def assert_sendable(rendered: Rendered) -> None:
    assert_valid_message(rendered.text)
    if rendered.keyboard is not None:
        assert callback_data_error(rendered.keyboard.to_dict()) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_card_is_valid_telegram_html_within_limits(library: Library, lang: Lang) -> None:
    for entry in library.playbook.entries():
        card = render.card(entry, library.playbook, lang)
        assert_sendable(card)
        assert entry.title(lang).split()[0] in card.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_list_page_is_sendable(library: Library, lang: Lang) -> None:
    for kind in KINDS:
        assert_sendable(render.entry_list(kind, library.playbook, lang))
    assert_sendable(render.welcome(lang))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_timeline_page_and_year_is_sendable(library: Library, lang: Lang) -> None:
    playbook = library.playbook
    for page in range(-(-len(playbook.events) // render.TIMELINE_PAGE)):
        assert_sendable(render.timeline(playbook, lang, page))
    for year in {event.date[:4] for event in playbook.events} | {"1999"}:
        assert_sendable(render.timeline(playbook, lang, 0, year))
    assert_sendable(render.timeline_matches("<&>", playbook.events, lang))


def test_an_oversized_entry_is_shortened_not_rejected(library: Library) -> None:
    entry = library.playbook.terms[0]
    huge = entry.model_copy(
        update={"meaning": entry.meaning.model_copy(update={"en": "<&> " * 3000})}
    )
    card = render.card(huge, library.playbook, "en")
    assert_sendable(card)
    assert "&lt;&amp;&gt;" in card.text


def test_callback_data_round_trips_and_rejects_forgeries() -> None:
    data = open_entry("term", "a" * 40)
    assert len(data.encode()) <= MAX_BYTES
    parsed = parse(data)
    assert parsed is not None and parsed.key == "a" * 40  # type: ignore[union-attr]
    for forged in ["", "o:", "o:x:y", "l:t:abc", "f:v:-3:false", "f:v:0:false", "log:x:", "zz"]:
        assert parse(forged) is None
    with pytest.raises(ValueError, match="64 bytes"):
        open_entry("term", "x" * 70)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_miss_and_results_escape_any_query(library_for_hypothesis: Library, query: str) -> None:
    hits = library_for_hypothesis.index.search(query)
    assert_sendable(render.miss(query or "?", hits, "en"))
    if hits:
        assert_sendable(render.results(query or "?", hits, "uk"))


@pytest.fixture(scope="module")
def library_for_hypothesis(library: Library) -> Library:
    return library


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_interface_string_is_valid_telegram_html(lang: Lang) -> None:
    for key, texts in STRINGS.items():
        assert set(texts) == set(LANGUAGES), key
        found = texts[lang]
        forms = (
            [found.one, found.few or found.many, found.many]
            if isinstance(found, Plural)
            else [found]
        )
        for count, form in zip((1, 2, 5), forms, strict=False):
            filled = string.Formatter().parse(form)
            values: dict[str, object] = {name: "<&>" for _, name, _, _ in filled if name}
            if isinstance(found, Plural):
                values["count"] = count
            text = t(lang, key, **values)
            assert html_error(text) is None, (key, html_error(text))
