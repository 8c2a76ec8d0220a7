"""One ranked search over every kind of playbook entry. Pure: no Telegram here.

People type on phones, in a hurry, in three languages: so matching folds case,
accents, apostrophes and the letters Ukrainian and Russian spell differently
(і/и/ы, є/э/е, ї, ё, ґ), forgives typos (rapidfuzz edit distance on words), takes
word prefixes, and finds principles by number.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.playbook import AnyEntry, Claim, Kind, Lang, Principle, Tactic, Term

# A hit at or above this score is a confident answer: it may open a card directly and
# may speak up unasked (term watch). Below it the bot only offers suggestions.
CONFIDENT = 72.0
# Hits below this are noise and are not even offered as suggestions.
SUGGEST = 45.0

_CYRILLIC_FOLD = str.maketrans(
    {
        "і": "и",
        "ї": "и",
        "ы": "и",
        "й": "и",
        "є": "е",
        "э": "е",
        "ё": "е",
        "ґ": "г",
        "ъ": None,
        "ь": None,
    }
)
_APOSTROPHES = re.compile(r"['’ʼ`´‘ʹ]")
_NON_WORD = re.compile(r"[^\w]+|_")


def normalize(text: str) -> str:
    """Fold text to the form both the index and the queries are compared in."""
    text = _APOSTROPHES.sub("", text.casefold())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = stripped.translate(_CYRILLIC_FOLD)
    return " ".join(_NON_WORD.sub(" ", folded).split())


_STOPWORDS_AS_TYPED = (
    "a an the of to in on at for and or is are was be by with from as it its that this "
    "what who how do does about into than not no "
    "і й в у на з із зі с со о об про по до за що что це это як как та а але но чи ли не "
    "для від от из його его їх их ми ви ти ні вони они мы вы"
)
# Compared after normalize(), so they are folded the same way as queries.
STOPWORDS = frozenset(normalize(_STOPWORDS_AS_TYPED).split())


def tokens(text: str) -> list[str]:
    return normalize(text).split()


def content_tokens(words: Sequence[str]) -> list[str]:
    kept = [w for w in words if w not in STOPWORDS]
    return kept or list(words)


@dataclass(frozen=True)
class Hit:
    entry: AnyEntry
    score: float

    @property
    def confident(self) -> bool:
        return self.score >= CONFIDENT


def entry_keys(entry: AnyEntry) -> list[str]:
    """Names of an entry: titles in both languages and every alias."""
    keys = [entry.title.en, entry.title.uk, *entry.aliases.all()]
    return keys


def entry_text(entry: AnyEntry) -> list[str]:
    """Everything else a query may reasonably hit."""
    parts = [entry.summary.en, entry.summary.uk]
    if isinstance(entry, Principle):
        parts += [entry.guidance.en, entry.guidance.uk]
    elif isinstance(entry, Term):
        parts += [
            entry.kremlin_phrase.en,
            entry.kremlin_phrase.uk,
            entry.meaning.en,
            entry.meaning.uk,
        ]
    elif isinstance(entry, Tactic):
        parts += [entry.recognise.en, entry.recognise.uk]
    elif isinstance(entry, Claim):
        parts += [entry.quote.en, entry.quote.uk, entry.speaker.en, entry.speaker.uk]
    return parts


# Weight of a word by where it occurs: in a name it says what the entry is about;
# in the body text it may be incidental.
_KEY_WEIGHT = 1.0
_TEXT_WEIGHT = 0.55


@dataclass(frozen=True)
class _Alias:
    entry_index: int
    words: tuple[str, ...]


class SearchIndex:
    """Built once per content load; ``search`` is then read-only and cheap."""

    def __init__(self, entries: Iterable[AnyEntry]) -> None:
        self.entries: list[AnyEntry] = list(entries)
        self._keys: list[list[str]] = []
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        self._aliases: list[_Alias] = []
        self._numbers: dict[str, int] = {}
        for index, entry in enumerate(self.entries):
            if isinstance(entry, Principle):
                self._numbers[str(entry.number)] = index
            keys = [normalize(k) for k in entry_keys(entry)]
            self._keys.append(sorted(set(k for k in keys if k)))
            for key in keys:
                words = content_tokens(key.split())
                if words:
                    self._aliases.append(_Alias(index, tuple(words)))
                for word in key.split():
                    postings[word][index] = _KEY_WEIGHT
            for text in entry_text(entry):
                for word in tokens(text):
                    if word not in STOPWORDS:
                        postings[word].setdefault(index, _TEXT_WEIGHT)
        self._postings = dict(postings)
        self._vocabulary = list(self._postings)
        total = max(len(self.entries), 1)
        self._idf = {
            word: math.log(1 + total / len(found)) for word, found in self._postings.items()
        }
        self._unknown_idf = math.log(1 + total)
        self._expand = lru_cache(maxsize=4096)(self._expand_uncached)

    # -- words ----------------------------------------------------------------

    def _expand_uncached(self, word: str) -> tuple[tuple[str, float], ...]:
        """Vocabulary words a typed word may stand for, with how sure we are."""
        found: dict[str, float] = {}
        if word in self._postings:
            found[word] = 1.0
        if len(word) >= 3 and not word.isdigit():
            for candidate in self._vocabulary:
                if candidate.startswith(word) and candidate != word:
                    found.setdefault(candidate, 0.9)
        if len(word) >= 4 and not word.isdigit():
            cutoff = 75.0 if len(word) < 7 else 80.0
            for candidate, ratio, _ in process.extract(
                word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8
            ):
                similarity = ratio / 100 * 0.95
                if similarity > found.get(candidate, 0.0):
                    found[candidate] = similarity
        return tuple(found.items())

    def _idf_of(self, word: str) -> float:
        expansions = self._expand(word)
        if not expansions:
            return self._unknown_idf
        return max(self._idf[w] for w, _ in expansions)

    # -- search ---------------------------------------------------------------

    def search(
        self, query: str, *, kinds: Sequence[Kind] | None = None, limit: int = 10
    ) -> list[Hit]:
        """Entries ranked best first, each with a score from 0 to 100."""
        text = normalize(query)
        if not text:
            return []
        scores: dict[int, float] = {}
        if text in self._numbers:
            scores[self._numbers[text]] = 100.0
        words = content_tokens(text.split())
        coverage = self._coverage(words)
        # Only the best few by word coverage earn the costlier whole-phrase comparison.
        shortlist = sorted(coverage, key=coverage.__getitem__, reverse=True)[:40]
        for index in shortlist:
            phrase = self._phrase_similarity(text, index)
            score = 100 * (0.55 * coverage[index] + 0.45 * phrase)
            score = max(score, 100 * phrase if phrase >= 0.9 else 0.0)
            scores[index] = max(scores.get(index, 0.0), score)
        hits = [
            Hit(self.entries[i], round(s, 1))
            for i, s in scores.items()
            if s >= SUGGEST and (kinds is None or self.entries[i].kind in kinds)
        ]
        hits.sort(key=lambda h: (-h.score, _KIND_ORDER[h.entry.kind]))
        return hits[:limit]

    def best(self, query: str, *, kinds: Sequence[Kind] | None = None) -> Hit | None:
        """The one confident answer to a query, if there is one."""
        hits = self.search(query, kinds=kinds, limit=2)
        if hits and hits[0].confident:
            return hits[0]
        return None

    def _coverage(self, words: Sequence[str]) -> dict[int, float]:
        """Share of the query's weight each entry covers, 0..1, rarer words counting more."""
        if not words:
            return {}
        weights = [self._idf_of(w) for w in words]
        total = sum(weights)
        covered: dict[int, float] = defaultdict(float)
        for word, weight in zip(words, weights, strict=True):
            best: dict[int, float] = {}
            for candidate, similarity in self._expand(word):
                for index, field_weight in self._postings[candidate].items():
                    value = similarity * field_weight
                    if value > best.get(index, 0.0):
                        best[index] = value
            for index, value in best.items():
                covered[index] += weight * value
        return {index: value / total for index, value in covered.items()}

    def _phrase_similarity(self, text: str, index: int) -> float:
        best = 0.0
        for key in self._keys[index]:
            similarity = max(fuzz.ratio(text, key), fuzz.token_sort_ratio(text, key))
            # A query that is a whole-word part of a name ("root causes") is as good as
            # the name, as long as it is not a single short word.
            if len(text) >= 5 and f" {text} " in f" {key} ":
                similarity = max(similarity, 92.0)
            best = max(best, similarity)
        return best / 100

    # -- mentions -------------------------------------------------------------

    def mentions(
        self, message: str, *, kinds: Sequence[Kind] = ("term", "claim"), limit: int = 3
    ) -> list[Hit]:
        """Entries whose name or alias a longer message contains, confident ones only.

        Every distinctive word of the alias must appear, near each other, allowing
        typos in longer words; single-word aliases must be long enough not to be
        everyday words.
        """
        words = normalize(message).split()
        if not words:
            return []
        positions: dict[str, list[int]] = defaultdict(list)
        for position, word in enumerate(words):
            positions[word].append(position)
        vocabulary = list(positions)
        found: dict[int, float] = {}
        for alias in self._aliases:
            entry = self.entries[alias.entry_index]
            if entry.kind not in kinds:
                continue
            if len(alias.words) == 1 and len(alias.words[0]) < 7:
                continue
            score = _alias_score(alias.words, positions, vocabulary)
            if score is not None and score > found.get(alias.entry_index, 0.0):
                found[alias.entry_index] = score
        hits = [Hit(self.entries[i], s) for i, s in found.items() if s >= CONFIDENT]
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]


_KIND_ORDER: dict[Kind, int] = {"principle": 0, "term": 1, "claim": 2, "tactic": 3}


def _alias_score(
    alias: Sequence[str], positions: dict[str, list[int]], vocabulary: list[str]
) -> float | None:
    matched: list[tuple[float, list[int]]] = []
    for word in alias:
        if word in positions:
            matched.append((100.0, positions[word]))
            continue
        if len(word) < 5:
            return None
        best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=84.0)
        if best is None:
            return None
        matched.append((best[1], positions[best[0]]))
    # The words must stand close together: within the alias length plus a few words.
    window = len(alias) + 3
    starts = matched[0][1]
    for start in starts:
        if all(any(abs(p - start) <= window for p in places) for _, places in matched[1:]):
            return sum(score for score, _ in matched) / len(matched)
    return None


def language_of(text: str) -> Lang | None:
    """Guess whether a text is Cyrillic, for answering in the user's script."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    return "uk" if cyrillic * 2 > len(letters) else "en"
