"""One ranked search over every kind of playbook entry. Pure: no Telegram here.

People type on phones, in a hurry, in three languages: so matching folds case,
accents, apostrophes and the letters Ukrainian and Russian spell differently
(і/и/ы, є/э/е, ї, ё, ґ), forgives typos (rapidfuzz edit distance on words), takes
word prefixes, and finds principles by number.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.playbook import AnyEntry, Kind, Lang, Principle

# A hit at or above this score is a confident answer: it may open a card directly and
# may speak up unasked (term watch). Below it the bot only offers suggestions.
CONFIDENT = 72.0
# How many entries, best by word coverage, get the whole-phrase comparison.
SHORTLIST = 24
# A short prefix ("re") could stand for hundreds of words; the first few are enough.
_MAX_PREFIX_WORDS = 50
# Words found in more entries than this do not gather candidates, only score them.
_GATHER_LIMIT = 500
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
    return entry.search_keys()


def entry_text(entry: AnyEntry) -> list[str]:
    """Everything else a query may reasonably hit."""
    return entry.search_texts()


# Weight of a word by where it occurs: in a name it says what the entry is about;
# in the body text it may be incidental.
_KEY_WEIGHT = 1.0
_TEXT_WEIGHT = 0.55
# When a query is both one entry's title and another's alias, the title wins.
_ALIAS_WEIGHT = 0.98


@dataclass(frozen=True)
class _Alias:
    entry_index: int
    words: tuple[str, ...]


class SearchIndex:
    """Built once per content load; ``search`` is then read-only and cheap."""

    def __init__(self, entries: Iterable[AnyEntry]) -> None:
        self.entries: list[AnyEntry] = list(entries)
        # Per entry: its names, each with a weight (a title outranks an alias).
        self._keys: list[list[tuple[str, float]]] = []
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        self._aliases: list[_Alias] = []
        self._numbers: dict[str, int] = {}
        for index, entry in enumerate(self.entries):
            if isinstance(entry, Principle):
                self._numbers[str(entry.number)] = index
            keys = [normalize(k) for k in entry_keys(entry)]
            titles = {normalize(entry.title.en), normalize(entry.title.uk)}
            self._keys.append(
                [(k, 1.0 if k in titles else _ALIAS_WEIGHT) for k in dict.fromkeys(keys) if k]
            )
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
        self._sorted_vocabulary = sorted(self._vocabulary)
        total = max(len(self.entries), 1)
        self._idf = {
            word: math.log(1 + total / len(found)) for word, found in self._postings.items()
        }
        self._unknown_idf = math.log(1 + total)
        self._expand = lru_cache(maxsize=4096)(self._expand_uncached)
        # For mentions(): the aliases each word appears in, and the words of 5+ letters
        # (only those may match with a typo) by length.
        self._aliases_with: dict[str, list[int]] = defaultdict(list)
        self._distinct_words = [len(set(alias.words)) for alias in self._aliases]
        typo_prone: dict[int, set[str]] = defaultdict(set)
        for position, alias in enumerate(self._aliases):
            for word in dict.fromkeys(alias.words):
                self._aliases_with[word].append(position)
                if len(word) >= 5:
                    typo_prone[len(word)].add(word)
        self._typo_prone_by_length = {size: sorted(words) for size, words in typo_prone.items()}
        self._alias_words_near = lru_cache(maxsize=8192)(self._alias_words_near_uncached)

    def forget_cached_words(self) -> None:
        """Empty the typed-word caches (benchmarks measure new queries with them)."""
        self._expand.cache_clear()
        self._alias_words_near.cache_clear()

    # -- words ----------------------------------------------------------------

    def _expand_uncached(self, word: str) -> tuple[tuple[str, float], ...]:
        """Vocabulary words a typed word may stand for, with how sure we are."""
        found: dict[str, float] = {}
        if word in self._postings:
            found[word] = 1.0
        if len(word) >= 3 and not word.isdigit():
            # The sorted vocabulary holds every word with this prefix in one run.
            start = bisect.bisect_left(self._sorted_vocabulary, word)
            for candidate in self._sorted_vocabulary[start : start + _MAX_PREFIX_WORDS]:
                if not candidate.startswith(word):
                    break
                if candidate != word:
                    found.setdefault(candidate, 0.9)
        # A word the content uses is taken as typed: looking for typos of it costs more
        # than anything else in a search and would only add noise.
        if len(word) >= 4 and not word.isdigit() and word not in self._postings:
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
        shortlist = sorted(coverage, key=coverage.__getitem__, reverse=True)[:SHORTLIST]
        for index, phrase in self._phrase_similarities(text, shortlist).items():
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
        """Share of the query's weight each entry covers, 0..1, rarer words counting more.

        Entries are gathered from the query's rarer words only; a word found in
        thousands of entries is then looked up for those candidates, not walked in full.
        That keeps a search over 10,000 entries within a few milliseconds.
        """
        if not words:
            return {}
        expansions = [self._expand(w) for w in words]
        weights = [self._idf_of(w) for w in words]
        total = sum(weights)
        sizes = [sum(len(self._postings[c]) for c, _ in found) for found in expansions]
        smallest = min(sizes)
        candidates: set[int] = set()
        for found, size in zip(expansions, sizes, strict=True):
            if size <= max(_GATHER_LIMIT, smallest):
                for candidate, _ in found:
                    candidates.update(self._postings[candidate])
        covered: dict[int, float] = dict.fromkeys(candidates, 0.0)
        for found, size, weight in zip(expansions, sizes, weights, strict=True):
            if size <= len(candidates):
                best = self._best_by_walking(found)
            else:
                best = self._best_by_lookup(found, candidates)
            for index, value in best.items():
                if index in covered:
                    covered[index] += weight * value
        return {index: value / total for index, value in covered.items() if value > 0}

    def _best_by_walking(self, found: Sequence[tuple[str, float]]) -> dict[int, float]:
        best: dict[int, float] = {}
        for candidate, similarity in found:
            for index, field_weight in self._postings[candidate].items():
                value = similarity * field_weight
                if value > best.get(index, 0.0):
                    best[index] = value
        return best

    def _best_by_lookup(
        self, found: Sequence[tuple[str, float]], candidates: set[int]
    ) -> dict[int, float]:
        best: dict[int, float] = {}
        for candidate, similarity in found:
            postings = self._postings[candidate]
            for index in candidates:
                field_weight = postings.get(index)
                if field_weight is not None and similarity * field_weight > best.get(index, 0.0):
                    best[index] = similarity * field_weight
        return best

    def _phrase_similarities(self, text: str, shortlist: Sequence[int]) -> dict[int, float]:
        """How close the whole query is to each shortlisted entry's best name, 0..1.

        The names are scored in one rapidfuzz call per scorer, in C, rather than one
        Python call per name: on a phone-sized query that is most of the search's time.
        """
        names: list[str] = []
        owners: list[tuple[int, float]] = []
        for index in shortlist:
            for key, weight in self._keys[index]:
                names.append(key)
                owners.append((index, weight))
        best = dict.fromkeys(shortlist, 0.0)
        if not names:
            return best
        for _, similarity, position in process.extract(
            text, names, scorer=fuzz.token_sort_ratio, limit=None, score_cutoff=30
        ):
            index, weight = owners[position]
            best[index] = max(best[index], similarity * weight)
        # A query that is a whole-word part of a name ("root causes") is as good as the
        # name, as long as it is not a single short word.
        if len(text) >= 5:
            padded = f" {text} "
            for name, (index, weight) in zip(names, owners, strict=True):
                if padded in f" {name} ":
                    best[index] = max(best[index], 92.0 * weight)
        return {index: value / 100 for index, value in best.items()}

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
        near = self._typo_matches(positions)
        found: dict[int, float] = {}
        for position in self._candidate_aliases(positions.keys() | near.keys()):
            alias = self._aliases[position]
            entry = self.entries[alias.entry_index]
            if entry.kind not in kinds:
                continue
            # A one-word alias must be long enough not to be an everyday word.
            if len(alias.words) == 1 and len(alias.words[0]) < 7:
                continue
            score = _alias_score(alias.words, positions, near)
            if score is not None and score > found.get(alias.entry_index, 0.0):
                found[alias.entry_index] = score
        hits = [Hit(self.entries[i], s) for i, s in found.items() if s >= CONFIDENT]
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]

    def _candidate_aliases(self, present: Iterable[str]) -> list[int]:
        """Aliases all of whose words are present (exactly or with a typo), in the
        order they were indexed: looking each alias up costs a Python call per alias,
        hundreds per message; most share no word with it."""
        counts: dict[int, int] = defaultdict(int)
        for word in present:
            for position in self._aliases_with.get(word, ()):
                counts[position] += 1
        return sorted(
            position
            for position, count in counts.items()
            if count == self._distinct_words[position]
        )

    def _typo_matches(self, positions: dict[str, list[int]]) -> dict[str, tuple[float, list[int]]]:
        """For each alias word the message has only with a typo: the similarity and the
        places of its closest message word (the first of equals, in message order)."""
        near: dict[str, tuple[float, list[int]]] = {}
        for word, places in positions.items():
            for alias_word, similarity in self._alias_words_near(word):
                if alias_word not in positions and similarity > near.get(alias_word, (0.0,))[0]:
                    near[alias_word] = (similarity, places)
        return near

    def _alias_words_near_uncached(self, word: str) -> tuple[tuple[str, float], ...]:
        """Alias words of 5+ letters within a typo of ``word``, by fuzz.ratio."""
        # ratio = 2 * common / (len(a) + len(b)): at 84 or more, neither word may be
        # more than 1.38 times as long as the other.
        stretch = 200 / _TYPO_CUTOFF - 1
        shortest = max(5, math.ceil(len(word) / stretch - 1e-9))
        longest = math.floor(len(word) * stretch + 1e-9)
        choices = [
            alias_word
            for size in range(shortest, longest + 1)
            for alias_word in self._typo_prone_by_length.get(size, ())
        ]
        return tuple(
            (alias_word, similarity)
            for alias_word, similarity, _ in process.extract(
                word, choices, scorer=fuzz.ratio, score_cutoff=_TYPO_CUTOFF, limit=None
            )
        )


# How close a typed word must be to an alias word to count as it (fuzz.ratio).
_TYPO_CUTOFF = 84.0

_KIND_ORDER: dict[Kind, int] = {
    "principle": 0,
    "term": 1,
    "claim": 2,
    "tactic": 3,
    "person": 4,
    "event": 5,
}


def _alias_score(
    alias: Sequence[str],
    positions: dict[str, list[int]],
    near: dict[str, tuple[float, list[int]]],
) -> float | None:
    matched: list[tuple[float, list[int]]] = []
    for word in alias:
        places = positions.get(word)
        if places is not None:
            matched.append((100.0, places))
            continue
        typo = near.get(word) if len(word) >= 5 else None
        if typo is None:
            return None
        matched.append(typo)
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
