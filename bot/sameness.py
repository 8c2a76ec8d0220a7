"""Whether two flagged statements say the same claim ("seen before"), pure.

A statement is read once into a :class:`Reading`: the stems of the words that say
what it is about (the search's own folding, stemming and Cyrillic→Latin keys, so
inflection, spelling and transliteration do not matter; a few words people use for
one another read as one), the numbers and dates it names (numbers said as words
read as digits), the words it capitalises, how often it denies ("not", "never",
"refuses", "не", "відмовляється", …) and the playbook entries it matched. The log
keeps each flag's reading (:func:`stored`), so an earlier flag is not read again.
Two readings say the same claim when

- they deny alike (Russia "is ready" against "is not ready" or "refuses" talks),
  name no different numbers or dates, match no two different known claims of the
  playbook, and neither swaps a name or a direction of the other's (Istanbul for
  Minsk, "back" for "up");
- and either most of the shorter statement's words are in the longer one and they
  make at least half of the longer (other words, word order, another speaker), or
  both matched the same known claim of the playbook, or, said in two scripts (where
  words cannot be compared), exactly the same playbook entries.

Precision comes first: a doubtful pair is not the same. ``tests/test_seen_pairs.py``
measures it on the labelled pairs in ``tests/data/seen_pairs.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from typing import Final

from bot.folding import normalize
from bot.rewrites import (
    is_date_token,
    named_dates,
    number_value,
    numeric_dates,
    spoken_numbers,
)
from bot.search import FILLER, word_keys

# Words that deny what the sentence says, as normalize() folds them (apostrophes
# dropped: "isn't" is "isnt"; і ї й → и, є → е).
_DENIALS_AS_TYPED = (
    "not no never nor none nobody nothing neither cannot "
    "isnt arent wasnt werent dont doesnt didnt wont cant couldnt shouldnt wouldnt "
    "hasnt havent hadnt mustnt neednt aint "
    "не ні ніколи немає нема жоден жодна жодне жодного жодних жодної ніхто ніщо нічого "
    "нет никогда никто ничто ничего никаких никакого никакой никакие ни нельзя"
)
DENIALS: Final = frozenset(normalize(_DENIALS_AS_TYPED).split())
# Ukrainian and Russian deny once however many denials a clause has ("ніколи не",
# "никогда не", "нет никаких"); English ones each count ("never promised not to").
_CONCORD: Final = frozenset(word for word in DENIALS if not word.isascii())
# Verbs of refusal deny what follows them ("refuses talks" is "is not ready for
# talks"); matched as the start of a folded word, so every form counts.
_REFUSALS_AS_TYPED = (
    "refus reject renounc deny denie denied declin відмов відкид відхил отказ откаж отверг отклон"
)
_REFUSALS: Final = tuple(normalize(_REFUSALS_AS_TYPED).split())
# "give up" is a refusal only with both words.
_GIVE_UP: Final = ("give", "gave", "giving", "gives", "given")

# Words that only point or place ("its", "near", "these"): not what a claim says.
_POINTERS_AS_TYPED = (
    "its his her own near around these those both each only even still already very "
    "свій своя своє свою свого своїх свої наш наша наше наші нашу ваш ця цей ці цих цю "
    "біля коло свой свое своя свои своих наша наши этот эта это эти этих тот те около возле"
)
# Words of obligation and hedging say how, not what: "must", "has to", "повинна",
# "должны" state the same claim.
_MODALS_AS_TYPED = (
    "must need needs ought to has have had will would shall should may might "
    "має мають повинен повинна повинно повинні мусить мусять треба потрібно слід "
    "должен должна должно должны обязан обязана обязано обязаны надо нужно следует "
    "будет будут буде будуть"
)
_MODALS: Final = frozenset(normalize(_MODALS_AS_TYPED + " " + _POINTERS_AS_TYPED).split())

# Words people use for one another at the table, read as one ("talks" are
# "negotiations"); the first of each group stands for the rest.
_SYNONYMS_AS_TYPED: Final = (
    "negotiations talks negotiate",
    "prohibit ban forbid",
    "promise commitment pledge",
    "east eastward",
    "return back",
    "переговори перемовини",
    "заборонити заборона",
    "запретить запрет",
)

# Directions whose swap turns a claim into its opposite: "scaling back" against
# "scaling up". Written as typed; compared as the stems word_keys gives.
_OPPOSITES_AS_TYPED: Final = (
    ("back", "up"),
    ("continue", "stop"),
    ("start", "end"),
    ("increase", "decrease"),
    ("more", "less"),
    ("accept", "reject"),
    ("agree", "refuse"),
    ("open", "close"),
    ("reopen", "close"),
    ("відкрити", "закрити"),
    ("открыть", "закрыть"),
    ("скоротити", "збільшити"),
    ("продовжити", "припинити"),
    ("сократить", "увеличить"),
    ("продолжить", "прекратить"),
)

# Multiples said as words: "fivefold", "by half", "twice", "вдвое".
_MULTIPLES: Final = {"half": 2, "twice": 2, "double": 2, "вдвое": 2, "вдвичи": 2, "удвичи": 2}
_FOLD_SUFFIX: Final = re.compile(r"^([a-z]+)fold$")

# What "most of the shorter statement" and "half of the longer" mean.
SHORTER_SHARE: Final = 0.8
LONGER_SHARE: Final = 0.5
# A statement must say this much for its words alone to match another's.
MIN_SHARED: Final = 2
# Two stems this long that start alike are one word in two forms.
_PREFIX: Final = 5
_NAME_PREFIX: Final = 4


def _stem(word: str) -> str:
    return word_keys(word)[-1]


_SAME_AS: Final = {
    _stem(word): _stem(group.split()[0])
    for group in _SYNONYMS_AS_TYPED
    for word in normalize(group).split()
}


def _key(word: str) -> str:
    stem = _stem(word)
    return _SAME_AS.get(stem, stem)


_OPPOSITES: Final = tuple((_key(normalize(a)), _key(normalize(b))) for a, b in _OPPOSITES_AS_TYPED)


@dataclass(frozen=True, slots=True)
class Reading:
    """A statement as the matcher compares it."""

    keys: frozenset[str]
    numbers: frozenset[str]
    # Keys of words written with a capital: names and places.
    names: frozenset[str]
    denials: int
    # The playbook entries it matched ("claim:…", "term:…").
    refs: frozenset[str]
    cyrillic: bool


def stored(reading: Reading) -> str:
    """The reading as the log keeps it beside the statement (all but its playbook
    entries, which the flag keeps anyway), so an earlier flag is never read again."""
    return "\t".join(
        (
            " ".join(sorted(reading.keys)),
            " ".join(sorted(reading.numbers)),
            " ".join(sorted(reading.names)),
            str(reading.denials),
            "c" if reading.cyrillic else "",
        )
    )


def from_stored(kept: str, refs: Iterable[str] = ()) -> Reading | None:
    """A reading :func:`stored` kept, with the flag's playbook entries; None when it
    is not one (then read the statement again)."""
    fields = kept.split("\t")
    if len(fields) != _STORED_FIELDS or not fields[3].isdecimal():
        return None
    keys, numbers, names, denials, script = fields
    return Reading(
        keys=frozenset(keys.split()),
        numbers=frozenset(numbers.split()),
        names=frozenset(names.split()),
        denials=int(denials),
        refs=frozenset(refs),
        cyrillic=script == "c",
    )


_STORED_FIELDS: Final = 5


def _is_refusal(word: str) -> bool:
    return word.startswith(_REFUSALS)


def _number_of(word: str) -> str | None:
    if word.isdigit():
        return str(int(word))
    if word in _MULTIPLES:
        return str(_MULTIPLES[word])
    fold = _FOLD_SUFFIX.match(word)
    if fold:
        value = number_value(fold[1])
        return None if value is None else str(value)
    value = number_value(word)
    return None if value is None else str(value)


def _capitalised(text: str) -> set[str]:
    """Keys of the words written with a capital, a sentence's first word included:
    names and places. A first word that is no name only makes the matcher more
    cautious (it may see a swap of names where there is none)."""
    found: set[str] = set()
    for raw in re.findall(r"[^\W\d_][\w'’-]*", text):
        if raw[:1].isupper():
            found.update(_key(word) for word in normalize(raw).split())
    return found


def read(statement: str, refs: Iterable[str] = ()) -> Reading:
    """``statement`` as the matcher compares it; ``refs`` are the playbook entries it
    matched, as a flag keeps them (``"claim:law-prohibits-negotiations"``)."""
    if any(ch.isdigit() for ch in statement):
        words = named_dates(spoken_numbers(normalize(numeric_dates(statement)).split()))
    else:
        # Without a figure there is no date to read: a month takes a day or a year.
        words = spoken_numbers(normalize(statement).split())
        if any(word.isdigit() for word in words):
            words = named_dates(words)
    denials = concord = 0
    keys: set[str] = set()
    numbers: set[str] = set()
    for index, word in enumerate(words):
        if word in _CONCORD:
            concord = 1
            continue
        if word in DENIALS or _is_refusal(word):
            denials += 1
            continue
        if word == "up" and index and words[index - 1] in _GIVE_UP:
            denials += 1
            keys.discard(_key(words[index - 1]))
            continue
        if word in FILLER or word in _MODALS:
            continue
        number = word if is_date_token(word) else _number_of(word)
        if number is not None:
            numbers.add(number)
            continue
        keys.add(_key(word))
    return Reading(
        keys=frozenset(keys),
        numbers=frozenset(numbers),
        names=frozenset(_capitalised(statement) & keys),
        denials=denials + concord,
        refs=frozenset(refs),
        cyrillic=sum(map(_is_cyrillic, words)) * 2 > len(words),
    )


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u052f" for ch in word)


def _swapped(only_a: Set[str], only_b: Set[str]) -> bool:
    return any(
        (a in only_a and b in only_b) or (b in only_a and a in only_b) for a, b in _OPPOSITES
    )


def _shared(a: frozenset[str], b: frozenset[str]) -> set[str]:
    """The keys of ``a`` also in ``b``, a key counting when another form of the word
    is there: stems that agree in their first five letters ("скорочує", "скоротить")."""
    found = set(a & b)
    for key in a - b:
        if len(key) >= _PREFIX and any(other[:_PREFIX] == key[:_PREFIX] for other in b):
            found.add(key)
    return found


def conflict(a: Reading, b: Reading) -> bool:
    """Whether the two cannot be the same claim whatever their words share: one
    denies what the other asserts, they name other numbers, or one swaps a name or
    a direction of the other's."""
    if a.denials != b.denials:
        return True
    claims_a, claims_b = _claims(a), _claims(b)
    if claims_a and claims_b and not claims_a & claims_b:
        # The playbook knows them as two different claims.
        return True
    if a.numbers and b.numbers and a.numbers != b.numbers:
        return True
    only_a, only_b = a.keys - _shared(b.keys, a.keys), b.keys - _shared(a.keys, b.keys)
    # Names compare only in one script: "Росією" is "Russia", not another name; and
    # by their first four letters, so Ukrainian and Russian forms agree.
    if a.cyrillic == b.cyrillic and _other_name(a, only_a, b) and _other_name(b, only_b, a):
        return True
    return _swapped(only_a, only_b)


def same_words(a: Reading, b: Reading) -> bool:
    """Most of the shorter statement is in the longer, and half of the longer."""
    shared = min(len(_shared(a.keys, b.keys)), len(_shared(b.keys, a.keys)))
    shorter, longer = sorted((len(a.keys), len(b.keys)))
    if shared < min(MIN_SHARED, shorter) or not shorter:
        return False
    return shared >= SHORTER_SHARE * shorter and shared >= LONGER_SHARE * longer


def _claims(reading: Reading) -> set[str]:
    return {ref for ref in reading.refs if ref.startswith("claim:")}


def _other_name(a: Reading, only_a: Set[str], b: Reading) -> bool:
    return any(
        all(key[:_NAME_PREFIX] != other[:_NAME_PREFIX] for other in b.keys)
        for key in a.names & only_a
    )


def same_entries(a: Reading, b: Reading) -> bool:
    """Both matched the same known claim of the playbook; or, said in two scripts
    (where their words cannot be compared), exactly the same entries."""
    if _claims(a) & _claims(b):
        return True
    return a.cyrillic != b.cyrillic and bool(a.refs) and a.refs == b.refs


def same_claim(a: Reading, b: Reading) -> bool:
    """Whether the two statements say the same claim (see the module's docstring)."""
    if conflict(a, b):
        return False
    return same_words(a, b) or same_entries(a, b)


def search_words(statement: str) -> list[str]:
    """The words, as typed, that a full-text index should look earlier statements up
    by: those that say what it is about, longest first (the rarer, as a rule), at
    most eight. As typed, because the index keeps words unfolded ("київ", not "кийв")."""
    words = []
    for typed in _TYPED_WORD.findall(statement.casefold()):
        folded = normalize(typed)
        if folded and folded not in FILLER and folded not in _MODALS and folded not in DENIALS:
            words.append(typed)
    return sorted(dict.fromkeys(words), key=len, reverse=True)[:8]


_TYPED_WORD: Final = re.compile(r"[^\W_]+")


def best_match(new: Reading, earlier: Sequence[tuple[int, Reading]]) -> int | None:
    """Of the earlier statements (number, reading), the one ``new`` repeats: the
    earliest that says the same claim; None when none does."""
    for number, reading in sorted(earlier):
        if same_claim(new, reading):
            return number
    return None
