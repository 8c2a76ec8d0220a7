"""A restart reads the built playbook back instead of building it again, and trusts
only a cache file that it signed itself, built from exactly the content it serves."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from bot import services
from bot.library_cache import LibraryCache
from bot.playbook import ContentError
from bot.services import Library

CONTENT = Path(__file__).resolve().parent.parent / "content"
TOKEN = "123456:TEST-token"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped content that a test may edit."""
    return Path(shutil.copytree(CONTENT, tmp_path / "content"))


@pytest.fixture
def cache(tmp_path: Path) -> LibraryCache:
    return LibraryCache(tmp_path / "data" / "playbook.sqlite3.library", TOKEN)


def top_hit(library: Library, query: str) -> str:
    return library.index.search(query)[0].entry.id


def refuse_to_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, a load that tries to build the library fails the test."""

    def fail(directory: Path) -> None:
        raise AssertionError("the library was built, not read from the cache")

    monkeypatch.setattr(services, "load_playbook", fail)


def test_a_restart_reads_the_library_it_built_before(
    content: Path, cache: LibraryCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = Library.load(content, cache)
    assert cache.path.exists()
    refuse_to_build(monkeypatch)
    restarted = Library.load(content, cache)
    assert restarted.playbook.counts() == built.playbook.counts()
    # The search index works as built, typo caches included.
    for query in ("root cuases", "goodwill", "першопричини", "the fourth principle"):
        assert top_hit(restarted, query) == top_hit(built, query)


def test_an_edited_entry_is_served_after_the_restart(content: Path, cache: LibraryCache) -> None:
    Library.load(content, cache)
    terms = content / "terms.yaml"
    text = terms.read_text("utf-8")
    assert "en: Elimination of root causes" in text
    terms.write_text(text.replace("Elimination of root causes", "Deep roots", 1), "utf-8")
    restarted = Library.load(content, cache)
    assert any(entry.title.en == "Deep roots" for entry in restarted.playbook.entries())


def test_a_cache_file_not_signed_with_this_token_is_never_unpickled(
    content: Path, cache: LibraryCache, caplog: pytest.LogCaptureFixture
) -> None:
    Library.load(content, cache)
    data = bytearray(cache.path.read_bytes())
    data[-10] ^= 0xFF  # altered after it was signed
    cache.path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="bot.library_cache"):
        library = Library.load(content, cache)
    assert "bad signature" in caplog.text
    assert top_hit(library, "goodwill")

    # Signed by whoever holds another token: refused the same way.
    LibraryCache(cache.path, "999:another-token").load_or_build(content, str, lambda: "forged")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.library_cache"):
        assert isinstance(Library.load(content, cache), Library)
    assert "bad signature" in caplog.text


def test_garbage_or_a_truncated_file_means_a_rebuild(content: Path, cache: LibraryCache) -> None:
    Library.load(content, cache)
    cache.path.write_bytes(cache.path.read_bytes()[:40])
    assert top_hit(Library.load(content, cache), "goodwill")
    cache.path.write_bytes(b"not a cache at all")
    assert top_hit(Library.load(content, cache), "goodwill")


def test_invalid_content_is_refused_even_with_a_cache_of_the_old_content(
    content: Path, cache: LibraryCache
) -> None:
    Library.load(content, cache)
    (content / "terms.yaml").write_text("terms: [{id: broken}]\n", "utf-8")
    with pytest.raises(ContentError):
        Library.load(content, cache)


def test_an_unwritable_data_folder_only_costs_the_cache(content: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("the cache's folder cannot be made here")
    cache = LibraryCache(blocked / "playbook.sqlite3.library", TOKEN)
    assert top_hit(Library.load(content, cache), "goodwill")
    assert not (blocked / "playbook.sqlite3.library").exists()
