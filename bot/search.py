"""One ranked search over every kind of playbook entry. Pure: no Telegram here.

People type on phones, in a hurry, in three languages and two scripts, and ask in
their own words. So every word is folded to one key: case, accents and apostrophes go;
Cyrillic is transliterated to Latin (unidecode's tables) and Latin spellings of the
same sounds are merged (kyivskyi, kievskiy and київський all meet); Ukrainian and
Russian inflections are stemmed (Snowball, PyStemmer), English ones too. Typos are
forgiven (rapidfuzz edit distance on keys), prefixes taken, question and filler words
never count against an entry, principles are found by number however written, and
each entry's ``asks`` (how delegates describe it) are searched with its names.

A query is also read other ways (bot/rewrites.py: the other keyboard layout, numbers
and dates said or written any way, words run together or split apart, the vocabulary
of offices), each reading scored and each entry keeping its best, less a point per
rewrite. People are found by surname and role too, events by date, place and who
took part; a title typed exactly beats an alias that only mentions it.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import jellyfish
import Stemmer
from rapidfuzz import fuzz, process
from unidecode import unidecode

from bot.folding import normalize
from bot.playbook import AnyEntry, Event, Kind, Person, Principle, Text
from bot.rewrites import (
    ROLE_VOCABULARY_AS_TYPED,
    entry_date_tokens,
    is_date_token,
    is_month,
    layout_swaps,
    named_dates,
    numeric_dates,
    spoken_numbers,
)

# A hit at or above this score is a confident answer: it may open a card directly and
# may speak up unasked (term watch). Below it the bot only offers suggestions.
CONFIDENT = 72.0
# A confident hit this far ahead of the next one is the answer; otherwise the user
# chooses between the few best.
CLEAR_LEAD = 8.0
# A score this high is an entry's own name, typed as it is.
EXACT = 98.0
# Below CONFIDENT, a hit this good opens its card only this far ahead of any other.
ALONE = 60.0
ALONE_LEAD = 15.0
# How many choices a search that is not sure offers.
CHOICES = 3
# How many entries, best by word coverage, get the whole-phrase comparison.
SHORTLIST = 12
# A short prefix ("re") could stand for hundreds of words; the first few are enough.
_MAX_PREFIX_WORDS = 50
# Words found in more entries than this do not gather candidates, only score them.
_GATHER_LIMIT = 500
# Hits below this are noise and are not even offered as suggestions.
SUGGEST = 45.0

_STOPWORDS_AS_TYPED = (
    "a an the of to in on at for and or is are was be by with from as it its that this "
    "what who how do does about into than not no "
    "і й в у на з із зі с со о об про по до за що что це это як как та а але но чи ли не "
    "для від от из його его їх их ми ви ти ні вони они мы вы"
)
# Compared after normalize(), so they are folded the same way as queries.
STOPWORDS = frozenset(normalize(_STOPWORDS_AS_TYPED).split())

# Words that frame a question or a report of what was said rather than name a topic:
# "what do they mean by X", "що означає X", "что значит X". They never count against
# an entry; a query of nothing else finds nothing (the bot then offers the lists).
# Greetings are among them: people greet a bot ("привіт", "как дела").
_FILLER_AS_TYPED = (
    "what whats which why when where whom whose mean means meaning meant they them their "
    "theyre we us our you your i me my is are was were be been being do does did done can "
    "could should would will shall tell explain show say says said saying call calls called "
    "there here so just really actually also please any some one ones thing things keep "
    "kept hear heard about something exactly have has had having ours yours cant dont "
    "wont isnt arent doesnt didnt hello hi hey thanks thank ok okay want wants "
    "що таке такий така яке які який яка означає означають значить тобто вони їм нам нас "
    "ми мені кажуть каже казати говорять говорить мають має мати увазі під чому коли де "
    "хто чи ну ось оце все всі бути привіт дякую справи щоб хочуть хоче "
    "что такое такой какое какие какой какая значит значат означает означают они им нас "
    "мне говорят говорит сказали имеют имеет иметь виду под почему когда где кто ли вот "
    "всё все быть привет спасибо дела здравствуйте чтобы хотят хочет "
    # What dictation writes down of hesitation: it never counts against an entry.
    "uh uhh um umm er erm ah hmm like literally basically anyway "
    "ну ем еее эм ээ эээ э хм мм типа короче"
)
FILLER = STOPWORDS | frozenset(normalize(_FILLER_AS_TYPED).split())


def tokens(text: str) -> list[str]:
    return normalize(text).split()


def content_tokens(words: Sequence[str]) -> list[str]:
    kept = [w for w in words if w not in STOPWORDS]
    return kept or list(words)


def informative(words: Sequence[str]) -> list[str]:
    """The words of a query that say what it is about."""
    return [w for w in words if w not in FILLER]


# -- one form for every script and spelling ------------------------------------------

# unidecode's tables, read once for the Cyrillic block: a str.translate is ten times
# quicker than calling unidecode on every word.
_TO_LATIN = {code: unidecode(chr(code)) for code in range(0x0400, 0x0530)}
# Latin spellings of one Cyrillic sound, merged: щ shch/sch, ш sh, ж zh, ч ch, х kh/h,
# ц ts; г is g in Russian and h in Ukrainian; е/и/і/ы/й are written e, i, y or j.
_SOUNDS = (
    ("shch", "s"),
    ("sch", "s"),
    ("sh", "s"),
    ("zh", "z"),
    ("ch", "c"),
    ("kh", "h"),
    ("ts", "c"),
    ("tz", "c"),
    ("cz", "c"),
    ("ck", "k"),
    ("ph", "f"),
)
_LETTERS = str.maketrans({"g": "h", "j": "i", "y": "i", "e": "i", "w": "v", "q": "k", "x": "ks"})
_REPEATS = re.compile(r"(.)\1+")
_RUSSIAN = Stemmer.Stemmer("russian")
_ENGLISH = Stemmer.Stemmer("english")


def skeleton(latin: str) -> str:
    """The sounds of a Latin-spelled word, however it was transliterated."""
    for sound, letter in _SOUNDS:
        latin = latin.replace(sound, letter)
    return _REPEATS.sub(r"\1", latin.translate(_LETTERS))


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u052f" for ch in word)


@lru_cache(maxsize=65536)
def word_keys(word: str) -> tuple[str, ...]:
    """The keys a normalized word is indexed and looked up under: its whole spelling,
    then its stem, both as Latin sounds. Ukrainian and Russian share the Russian
    stemmer: after normalize() their endings are alike (-ами, -ах, -ою, -их)."""
    if word.isdigit() or is_date_token(word):
        return (word,)
    if _is_cyrillic(word):
        whole = skeleton(word.translate(_TO_LATIN))
        stem = skeleton(_RUSSIAN.stemWord(word).translate(_TO_LATIN))
    else:
        whole = skeleton(word)
        stem = skeleton(_ENGLISH.stemWord(word))
    if len(stem) < 4 or stem == whole:
        return (whole,)
    return (whole, stem)


def fold(text: str) -> str:
    """A phrase as the stems of its informative words, for comparing whole phrases."""
    return " ".join(word_keys(word)[-1] for word in informative(normalize(text).split()))


# -- principles by number --------------------------------------------------------------

_ORDINALS = {
    1: "first перший первый",
    2: "second другий второй",
    3: "third третій третий",
    4: "fourth четвертий четвертый",
    5: "fifth пятий пятый",
    6: "sixth шостий шестой",
    7: "seventh сьомий седьмой",
    8: "eighth восьмий восьмой",
    9: "ninth девятий девятый",
    10: "tenth десятий десятый",
}
_CARDINALS = {
    1: "one один одна",
    2: "two два дві две",
    3: "three три",
    4: "four чотири четыре",
    5: "five пять",
    6: "six шість шесть",
    7: "seven сім семь",
    8: "eight вісім восемь",
    9: "nine девять",
    10: "ten десять",
}
_PRINCIPLE_WORDS = "principle principles rule rules принцип принципи принципы правило number номер"
# "4", "#4", "4th", "4-й", "№4"
_DIGITS = re.compile(r"(?:no)?(\d{1,6})(?:st|nd|rd|th|и|ии|ои|ого|ому|ому|тии|ии)?")


def _keyed(table: dict[int, str], *, stems: bool) -> dict[str, int]:
    keyed: dict[str, int] = {}
    for number, words in table.items():
        for word in normalize(words).split():
            for key in word_keys(word) if stems else word_keys(word)[:1]:
                keyed.setdefault(key, number)
    return keyed


_NUMBER_KEYS = _keyed(_CARDINALS, stems=False) | _keyed(_ORDINALS, stems=True)
_PRINCIPLE_KEYS = frozenset(
    key for word in normalize(_PRINCIPLE_WORDS).split() for key in word_keys(word)
)


def _misspelt_principle(key: str) -> bool:
    """ "principel", "prinicple", "принцыпу": a typo of the word, not another word."""
    return len(key) >= 6 and any(
        fuzz.ratio(key, principle) >= 80 for principle in _PRINCIPLE_KEYS if len(principle) >= 6
    )


def principle_number(query: str) -> int | None:
    """The principle number a query asks for ("4", "#4", "fourth", "principle four",
    "четвертий принцип", "rule 4"), in range or not; None if it asks something else."""
    return _principle_number(informative(normalize(query).split()))


def _principle_number(words: Sequence[str]) -> int | None:
    numbers: list[int] = []
    named = False
    for word in words:
        if (digits := _DIGITS.fullmatch(word)) is not None:
            numbers.append(int(digits[1]))
            continue
        keys = word_keys(word)
        if any(key in _PRINCIPLE_KEYS for key in keys) or _misspelt_principle(keys[0]):
            named = True
            continue
        number = next((_NUMBER_KEYS[key] for key in keys if key in _NUMBER_KEYS), None)
        if number is None:
            return None
        numbers.append(number)
    if len(numbers) != 1 or not (named or numbers[0] <= 99):
        return None
    return numbers[0]


@dataclass(frozen=True)
class Hit:
    entry: AnyEntry
    score: float

    @property
    def confident(self) -> bool:
        return self.score >= CONFIDENT


@dataclass(frozen=True)
class Answer:
    """What a search comes to: one entry to open, a few to choose from, or nothing.

    ``missing_number`` is a principle number asked for that the playbook lacks."""

    opens: AnyEntry | None = None
    choices: list[Hit] = field(default_factory=list)
    missing_number: int | None = None


def _clearly_leads(hits: Sequence[Hit], words: int) -> bool:
    """One entry is the answer: confident and well ahead; or the very name of an entry
    that no other entry is named ("добра воля" over the claim "лише добра воля");
    or, for a description of two words or more, not quite confident but with nothing
    else near (a paraphrase of one entry; "peace" alone is no description)."""
    top = hits[0].score
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    if top >= CONFIDENT and top - runner_up >= CLEAR_LEAD:
        return True
    if top >= EXACT and runner_up < EXACT:
        return True
    return words >= 2 and top >= ALONE and top - runner_up >= ALONE_LEAD


def entry_keys(entry: AnyEntry) -> list[str]:
    """Names of an entry: titles in both languages and every alias."""
    return entry.search_keys()


# Text fields that answer or rebut rather than describe: searching them would find an
# entry by what it says back ("answer", "counter") instead of by what it is.
_NOT_SEARCHED = frozenset(
    {"title", "answer", "counter", "facts", "used_for", "why", "said_on", "example"}
)


def entry_text(entry: AnyEntry) -> list[str]:
    """Everything else a query may reasonably hit: every descriptive text field, so an
    entry kind added later is searched without a change here."""
    parts: list[str] = []
    for name in type(entry).model_fields:
        value = getattr(entry, name)
        if isinstance(value, Text) and name not in _NOT_SEARCHED:
            parts += [value.en, value.uk]
    return parts


# A card opens directly only if less than this share of the query's words are unknown.
_UNKNOWN_SHARE = 0.5
# A word the playbook never uses says less about which entry is meant than its rarest
# word does: it counts at this share of that word's weight.
_UNKNOWN_WEIGHT = 0.5

# Weight of a word by where it occurs: in a name it says what the entry is about;
# in the ways people ask about it, nearly as much; in the body text it may be incidental.
_KEY_WEIGHT = 1.0
_ASK_WEIGHT = 0.9
_TEXT_WEIGHT = 0.55
# When a query is both one entry's title and another's alias, the title wins.
_ALIAS_WEIGHT = 0.98


def _name_words(names: Iterable[str]) -> list[frozenset[str]]:
    found: list[frozenset[str]] = []
    for name in names:
        words = frozenset(word_keys(w)[-1] for w in informative(name.split()))
        # A single short word ("spin") is too common to say what a query is about.
        if words and (len(words) > 1 or len(next(iter(words))) >= 5):
            found.append(words)
    return list(dict.fromkeys(found))


# -- fields that name an entry besides its titles ---------------------------------------

# A role says who a person is as well as a name does ("Kremlin spokesman"), a little
# less surely: two people may share one ("foreign minister").
_ROLE_WEIGHT = 0.97
# A person's dated statements place them on a date, less surely than an event's date.
_STATEMENT_DATE_WEIGHT = 0.5
# Who took part in an event says which event is meant ("Zelenskyy at the UN").
_PARTICIPANT_WEIGHT = 0.8
_ROLE_PARTS = re.compile(r"[;,()]")
# A word in capitals in an entry's text is a name the sources use ("CBS", "ООН"): more
# than a word of the text, less than the names and asks of an entry about it.
_INITIALISM_WEIGHT = 0.9
_INITIALISM = re.compile(r"\b[A-ZА-ЯІЇЄҐ]{2,6}s?\b")
_CONNECTORS = frozenset({"of", "for", "a", "an", "the", "and", "on", "in"})


def _role_key(word: str) -> str:
    """A word of the role vocabulary as it is matched: Ukrainian and Russian by stem,
    in any case; English as spelled ("negotiating" is no "negotiator")."""
    keys = word_keys(word)
    return keys[0] if word.isascii() else keys[-1]


def _role_phrases() -> dict[tuple[str, ...], tuple[str, ...]]:
    """The role vocabulary by the keys of each way of saying it."""
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    for canonical, ways in ROLE_VOCABULARY_AS_TYPED.items():
        target = tuple(normalize(canonical).split())
        for way in ways.split(","):
            keys = tuple(_role_key(word) for word in normalize(way).split())
            if keys:
                phrases.setdefault(keys, target)
    return phrases


_ROLE_PHRASES = _role_phrases()
_LONGEST_ROLE_PHRASE = max(len(keys) for keys in _ROLE_PHRASES)
# Words that only qualify an office: a query with none of the offices is no role.
_QUALIFIERS = frozenset({("russian",), ("ukrainian",), ("turkish",), ("us",), ("former",)})


def role_words(words: Sequence[str]) -> list[str]:
    """Words naming an office, in any of the three languages and any inflection, as
    the one English form roles are also indexed in: "пресс-секретарь Путина" reads
    "spokesman kremlin"; other words are kept as they are. Words with no office among
    them ("Ukraine", "Russia's") are left as typed."""
    keys = [_role_key(word) for word in words]
    out: list[str] = []
    office = False
    index = 0
    while index < len(words):
        for size in range(min(_LONGEST_ROLE_PHRASE, len(words) - index), 0, -1):
            target = _ROLE_PHRASES.get(tuple(keys[index : index + size]))
            if target is not None:
                out.extend(target)
                office = office or target not in _QUALIFIERS
                index += size
                break
        else:
            out.append(words[index])
            index += 1
    return out if office else list(words)


def role_names(role: str) -> list[str]:
    """A role as names a person may be asked for by: whole and in its parts ("Russia's
    chief negotiator (March 2022); former culture minister"), each also in the role
    vocabulary's one form."""
    parts = [role, *_ROLE_PARTS.split(role)]
    found: list[str] = []
    for part in parts:
        words = normalize(part).split()
        said = [w for w in informative(words) if not w.isdigit() and not is_month(w)]
        # "(March 2022)" says when, not who.
        if len(said) < 2 and not any(len(w) >= 5 for w in said):
            continue
        found += [" ".join(words), " ".join(role_words(words))]
    return list(dict.fromkeys(found))


_CAPITALISED = re.compile(r"[A-Z][\w.'’-]*")


def acronyms(text: str) -> list[str]:
    """Initialisms a name in capitals may be typed as: "Joint Chiefs of Staff" JCS,
    "Center for a New American Security" CNAS, "UN Security Council" UNSC. Every run
    of capitalised words (joined by of, for, a, the) gives its own and its tails'."""
    words = text.replace("U.S.", "US").split()
    found: list[str] = []
    run: list[str] = []
    for word in [*words, "."]:
        bare = word.strip(".,;:()\"'«»“”’")
        if bare and _CAPITALISED.fullmatch(bare) and bare[0].isascii():
            run.append(bare.replace(".", "") if bare.isupper() else bare[0])
            continue
        if bare.casefold() in _CONNECTORS and run:
            continue
        for start in range(len(run) - 1):
            initials = "".join(run[start:]).casefold()
            if len(initials) >= 3:
                found.append(initials)
        run = []
    return list(dict.fromkeys(found))


def surnames(person: Person) -> list[str]:
    """A person's family name in each language: said alone, it names them."""
    found = []
    for name in (person.title.en, person.title.uk, person.name_ru):
        words = normalize(name).split()
        if len(words) > 1 and len(words[-1]) >= 4:
            found.append(words[-1])
    return found


# A rival whose name is this much closer to what was typed, and whose score is this
# near, makes the lead unclear however far ahead the leader's words put it.
_CLOSER_NAME = 0.02
_CLOSER_SPAN = 15.0
# How sure a date alone is to name the event of that day (a name: 90).
_DATE_NAMED = 80.0
# A title typed exactly is as close as a name gets.
_TITLE_EXACTLY = 0.999


@dataclass(frozen=True)
class _Ranking:
    """What a search found: hits best first; the reading (folded words) the best came
    from; and, for each hit, how close that reading was to its nearest name."""

    hits: list[Hit]
    reading: tuple[str, ...]
    closeness: list[float]

    def named_exactly(self) -> bool:
        """Whether the query is the leader's very title (a person's surname counts)
        and no other entry's: a name beats an alias that only mentions it ("Medinsky"
        is the person; the tactic that quotes him has his name as an alias)."""
        return self.closeness[0] >= _TITLE_EXACTLY and (
            len(self.closeness) < 2 or self.closeness[1] < _TITLE_EXACTLY
        )

    def rival_named_closer(self) -> bool:
        """Whether the runner-up's name is closer to the query than the leader's while
        its score is near: the leader won on words its text holds ("вільне
        волевиявлення народу" is nearer the claim's name than the term's)."""
        if len(self.hits) < 2:
            return False
        return (
            self.closeness[1] > self.closeness[0] + _CLOSER_NAME
            and self.hits[0].score - self.hits[1].score < _CLOSER_SPAN
        )


@dataclass(frozen=True)
class _Alias:
    """A name as mentions() looks for it: the stems of its words, so that any
    inflection of it is found ("с киевским режимом")."""

    entry_index: int
    words: tuple[str, ...]
    # A one-word name must be long enough not to be an everyday word.
    distinctive: bool


class SearchIndex:
    """Built once per content load; ``search`` is then read-only and cheap."""

    def __init__(self, entries: Iterable[AnyEntry]) -> None:
        self.entries: list[AnyEntry] = list(entries)
        # Per entry: its names and asks, folded, each with a weight; and joined, names
        # apart from asks, for substring tests.
        self._name_texts: list[tuple[str, ...]] = []
        self._name_weights: list[tuple[float, ...]] = []
        self._joined: list[tuple[str, str]] = []
        # Per entry: the stems of each name's content words, to see a name inside a query.
        self._name_words: list[list[frozenset[str]]] = []
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        self._aliases: list[_Alias] = []
        self._numbers: dict[int, int] = {}

        # Typos are looked for among the words of names and asks only: a typo of a word
        # that only the body text uses would find little, and the list is a third as long.
        typo_targets: set[str] = set()

        # English words of names and asks by how they sound (Metaphone), so that a
        # dictated homophone ("route causes") or a spelling by ear meets them.
        sounds: dict[str, set[str]] = defaultdict(set)
        heard: dict[str, set[str]] = defaultdict(set)
        # Every word as the content spells it (folded), and those of names and asks:
        # the parts a run-together word splits into, and what split words join into.
        words_as_typed: set[str] = set()
        name_words_as_typed: set[str] = set()

        def post(text: str, index: int, weight: float) -> None:
            for word in normalize(text).split():
                if word in STOPWORDS:
                    continue
                words_as_typed.add(word)
                if weight > _TEXT_WEIGHT:
                    name_words_as_typed.add(word)
                keys = word_keys(word)
                if weight > _TEXT_WEIGHT and not is_date_token(word) and not word.isdigit():
                    typo_targets.update(keys)
                    if word.isascii() and len(word) >= 4:
                        sounds[jellyfish.metaphone(word)].add(keys[0])
                        heard[jellyfish.metaphone(word)].add(word)
                for key in keys:
                    if weight > postings[key].get(index, 0.0):
                        postings[key][index] = weight

        people = {entry.id: entry for entry in self.entries if isinstance(entry, Person)}
        for index, entry in enumerate(self.entries):
            if isinstance(entry, Principle):
                self._numbers[entry.number] = index
            names = [normalize(k) for k in entry_keys(entry)]
            titles = {normalize(entry.title.en), normalize(entry.title.uk)}
            # A name beats a mention: "Medinsky" is the person's name, and only an
            # alias of the tactic that quotes him.
            if isinstance(entry, Person):
                titles.update(surnames(entry))
                names += surnames(entry)
            names += acronyms(entry.title.en)
            roles: list[str] = []
            dates: list[str] = []
            if isinstance(entry, Person):
                for role in (entry.role.en, entry.role.uk):
                    roles += role_names(role)
                    names += acronyms(role)
                for statement in entry.statements:
                    for token in entry_date_tokens(statement.date):
                        post(token, index, _STATEMENT_DATE_WEIGHT)
            if isinstance(entry, Event):
                if entry.place is not None:
                    names.append(normalize(entry.place.en))
                    names.append(normalize(entry.place.uk))
                    names += acronyms(entry.place.en)
                dates = entry_date_tokens(entry.date)
                for person_id in entry.people:
                    if (person := people.get(person_id)) is not None:
                        for name in (*person.speaker_names(), *surnames(person)):
                            post(name, index, _PARTICIPANT_WEIGHT)
            asks = entry.asks.all()
            folded: dict[str, float] = {}
            for name in dict.fromkeys(names):
                if name:
                    weight = 1.0 if name in titles else _ALIAS_WEIGHT
                    folded.setdefault(fold(name), weight)
            for role in roles:
                folded.setdefault(fold(role), _ROLE_WEIGHT)
            for ask in asks:
                folded.setdefault(fold(ask), _ASK_WEIGHT)
            kept = [(name, weight) for name, weight in folded.items() if name]
            # Tokens sorted once here: fuzz.ratio on them is token_sort_ratio.
            self._name_texts.append(tuple(" ".join(sorted(name.split())) for name, _ in kept))
            self._name_weights.append(tuple(weight for _, weight in kept))
            self._joined.append(
                (
                    " | ".join(f" {n} " for n, w in kept if w > _ASK_WEIGHT),
                    " | ".join(f" {n} " for n, w in kept if w <= _ASK_WEIGHT),
                )
            )
            # An event's exact date names it as well as its title does.
            day_names = [frozenset({d}) for d in dates if is_date_token(d)]
            self._name_words.append(_name_words([*names, *roles]) + day_names)
            for name in names:
                words = content_tokens(name.split())
                if words:
                    stems = tuple(word_keys(word)[-1] for word in words)
                    distinctive = len(words) > 1 or len(words[0]) >= 7
                    self._aliases.append(_Alias(index, stems, distinctive))
                post(name, index, _KEY_WEIGHT)
            for role in roles:
                post(role, index, _ROLE_WEIGHT)
            for date in dates:
                post(date, index, _KEY_WEIGHT)
            for ask in asks:
                post(ask, index, _ASK_WEIGHT)
            for text in entry_text(entry):
                post(text, index, _TEXT_WEIGHT)
                for initialism in _INITIALISM.findall(text):
                    post(initialism, index, _INITIALISM_WEIGHT)
        self._postings = dict(postings)
        self._sounds = {
            code: tuple(sorted(keys)) for code, keys in sounds.items() if len(code) >= 2
        }
        # The same, as the content spells them, for reading a dictated query anew.
        self._heard = {
            code: tuple(sorted(words)) for code, words in heard.items() if len(code) >= 2
        }
        self._name_keys = frozenset(typo_targets)
        self._words_as_typed = frozenset(words_as_typed)
        self._name_words_as_typed = frozenset(name_words_as_typed)
        self._vocabulary = list(self._postings)
        self._typo_vocabulary = sorted(typo_targets, key=lambda key: (len(key), key))
        self._typo_lengths = [len(key) for key in self._typo_vocabulary]
        self._sorted_vocabulary = sorted(self._vocabulary)
        total = max(len(self.entries), 1)
        self._idf = {
            word: math.log(1 + total / len(found)) for word, found in self._postings.items()
        }
        self._unknown_idf = _UNKNOWN_WEIGHT * math.log(1 + total)
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
        self._cache_words()

    def _cache_words(self) -> None:
        self._expand = lru_cache(maxsize=4096)(self._expand_uncached)
        self._alias_words_near = lru_cache(maxsize=8192)(self._alias_words_near_uncached)

    # The index is pickled to disk (bot/library_cache.py); its caches of typed words
    # are bound methods of this object, so they are left out and made anew.
    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        del state["_expand"], state["_alias_words_near"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._cache_words()

    def forget_cached_words(self) -> None:
        """Empty the typed-word caches (benchmarks measure new queries with them)."""
        self._expand.cache_clear()
        self._alias_words_near.cache_clear()
        word_keys.cache_clear()

    # -- words ----------------------------------------------------------------

    def _expand_uncached(self, word: str) -> tuple[tuple[str, float], ...]:
        """Index keys a typed word may stand for, with how sure we are."""
        found: dict[str, float] = {}
        keys = word_keys(word)
        for key in keys:
            if key in self._postings:
                found[key] = 1.0
        whole = keys[0]
        # A date is the date it says, not one a typo away.
        if is_date_token(word):
            return tuple(found.items())
        # The plural of an abbreviation ("POWs", "MFAs") is the abbreviation: the
        # stemmer leaves words this short alone.
        if not found and word.isascii() and word.endswith("s") and 3 <= len(word) - 1 <= 4:
            singular = word_keys(word[:-1])[0]
            if singular in self._postings:
                found[singular] = 1.0
        # A word spelled as the content spells it is taken as meant; its other forms
        # are found through its stem. Prefixes are for words typed half-way.
        for prefix in () if found else keys:
            if len(prefix) < (3 if prefix is whole else 4) or prefix.isdigit():
                continue
            # The sorted vocabulary holds every key with this prefix in one run.
            start = bisect.bisect_left(self._sorted_vocabulary, prefix)
            for candidate in self._sorted_vocabulary[start : start + _MAX_PREFIX_WORDS]:
                if not candidate.startswith(prefix):
                    break
                found.setdefault(candidate, 0.9)
        # A word the content uses is taken as typed: looking for typos of it costs more
        # than anything else in a search and would only add noise.
        if len(whole) >= 5 and not whole.isdigit() and not found.keys() & set(keys):
            cutoff = 75.0 if len(whole) < 7 else 80.0
            # ratio = 2 * common / (len(a) + len(b)): only words of nearby length can
            # reach the cutoff, and the list sorted by length holds them in one run.
            stretch = 200 / cutoff - 1
            low = bisect.bisect_left(self._typo_lengths, math.ceil(len(whole) / stretch))
            high = bisect.bisect_right(self._typo_lengths, math.floor(len(whole) * stretch))
            for candidate, ratio, _ in process.extract(
                whole,
                self._typo_vocabulary[low:high],
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                limit=8,
            ):
                similarity = ratio / 100 * 0.95
                if similarity > found.get(candidate, 0.0):
                    found[candidate] = similarity
        # An English word heard rather than read: "route" for "root", "peace" for
        # "piece". Sounds alike counts as much as a close typo.
        if len(word) >= 4 and word.isascii() and not found.keys() & set(keys):
            for candidate in self._sounds.get(jellyfish.metaphone(word), ()):
                # Metaphone keeps few letters of a short word: "pows" would sound like
                # "peace". The spellings must be alike too.
                if (
                    candidate != whole
                    and found.get(candidate, 0.0) < _SOUNDS_ALIKE
                    and fuzz.ratio(whole, candidate) >= _SPELT_ALIKE
                ):
                    found[candidate] = _SOUNDS_ALIKE
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
        return self._ranked(query, kinds).hits[:limit]

    def _ranked(self, query: str, kinds: Sequence[Kind] | None) -> _Ranking:
        """Every hit, best first, over the query and its rewrites."""
        text = normalize(query)
        if not text:
            return _Ranking([], (), [])
        words = informative(text.split())
        number = _principle_number(words)
        if number is not None:
            found = self._numbers.get(number)
            if found is None or (kinds is not None and self.entries[found].kind not in kinds):
                return _Ranking([], tuple(words), [])
            return _Ranking([Hit(self.entries[found], 100.0)], tuple(words), [1.0])
        best: dict[int, tuple[float, float, tuple[str, ...]]] = {}
        for reading, rewrites in self._readings(query, text.split()).items():
            penalty = _REWRITE_PENALTY * rewrites
            for index, (score, phrase) in self._scores(informative(reading)).items():
                score -= penalty
                if score > best.get(index, (0.0,))[0]:
                    best[index] = (score, phrase, reading)
        ranked = sorted(
            (
                (round(score, 1), _KIND_ORDER.get(self.entries[i].kind, 9), i, phrase, reading)
                for i, (score, phrase, reading) in best.items()
                if score >= SUGGEST and (kinds is None or self.entries[i].kind in kinds)
            ),
            key=lambda found: (-found[0], found[1]),
        )
        return _Ranking(
            [Hit(self.entries[i], score) for score, _, i, _, _ in ranked],
            ranked[0][4] if ranked else tuple(words),
            [phrase for _, _, _, phrase, _ in ranked],
        )

    def _readings(self, query: str, words: Sequence[str]) -> dict[tuple[str, ...], int]:
        """The query as typed, and each other reading of it with how many rewrites it
        took: dates and numbers said in words, run-together or split words, the
        vocabulary of roles, and, where the typed words are unknown to the playbook,
        the other keyboard layout."""
        readings: dict[tuple[str, ...], int] = {}

        def add(reading: Sequence[str], rewrites: int) -> None:
            key = tuple(reading)
            if key and rewrites < readings.get(key, 99):
                readings[key] = rewrites

        def read(raw: str, words: Sequence[str], rewrites: int) -> None:
            add(words, rewrites)
            dated = numeric_dates(raw)
            plain = normalize(dated).split() if dated != raw else list(words)
            plain = named_dates(spoken_numbers(plain))
            if plain != list(words):
                rewrites += 1
                add(plain, rewrites)
            joined = self._joined_words(plain)
            if joined != plain:
                add(joined, rewrites + 1)
            split = self._split_words(joined)
            if split != joined:
                add(split, rewrites + 1 + (joined != plain))
            roles = role_words(split)
            if roles != split:
                add(roles, rewrites + 1)
            heard = self._heard_words(split)
            if heard != split:
                add(heard, rewrites + 1)

        read(query, words, 0)
        # The other layout is tried only for a query the playbook mostly does not know
        # (a typo is not a wrong layout), and kept only if the playbook mostly knows
        # what it reads as.
        if self._mostly_unknown(informative(words)):
            for swapped in layout_swaps(query):
                swapped_words = normalize(swapped).split()
                if not self._mostly_unknown(informative(swapped_words)):
                    read(swapped, swapped_words, 1)
        return readings

    def _mostly_unknown(self, words: Sequence[str]) -> bool:
        return sum(1 for word in words if not self._known(word)) * 2 > len(words)

    def _heard_words(self, words: Sequence[str]) -> list[str]:
        """English words that no name uses, read as the name word they sound and look
        like ("route causes" is "root causes"): dictation writes homophones. Only
        beside a word the playbook knows as typed: "xyzzy" alone is no "seize"."""
        if not any(self._known(word) for word in informative(words)):
            return list(words)
        out: list[str] = []
        for word in words:
            keys = word_keys(word)
            if len(word) < 4 or not word.isascii() or any(k in self._name_keys for k in keys):
                out.append(word)
                continue
            alike = [
                (fuzz.ratio(keys[0], word_keys(candidate)[0]), candidate)
                for candidate in self._heard.get(jellyfish.metaphone(word), ())
            ]
            best = max(alike, default=(0.0, word))
            out.append(best[1] if best[0] >= _SPELT_ALIKE else word)
        return out

    def _known(self, word: str) -> bool:
        """Whether the playbook has this word, in any of its forms."""
        return word.isdigit() or any(key in self._postings for key in word_keys(word))

    def _joined_words(self, words: Sequence[str]) -> list[str]:
        """Words dictation split apart ("good will", "de nazi fication") joined again
        where the playbook names something by the joined word."""
        out: list[str] = []
        index = 0
        while index < len(words):
            for size in (3, 2):
                if index + size <= len(words):
                    joined = "".join(words[index : index + size])
                    if joined in self._name_words_as_typed:
                        out.append(joined)
                        index += size
                        break
            else:
                out.append(words[index])
                index += 1
        return out

    def _split_words(self, words: Sequence[str]) -> list[str]:
        """Words typed without spaces ("selfdetermination", "киевскийрежим") split into
        the playbook's own words, as few as will do."""
        out: list[str] = []
        for word in words:
            if len(word) < _SPLIT_MIN or word.isdigit() or self._known(word):
                out.append(word)
                continue
            out.extend(self._segment(word) or [word])
        return out

    def _segment(self, word: str) -> list[str] | None:
        size = len(word)
        if size > _SPLIT_MAX:
            return None
        # fewest[i]: the fewest parts word[:i] splits into, and where its last begins.
        fewest: list[tuple[int, int] | None] = [None] * (size + 1)
        fewest[0] = (0, 0)
        for end in range(1, size + 1):
            for start in range(max(0, end - _SPLIT_PART_MAX), end):
                before = fewest[start]
                if before is None or (end - start == size):
                    continue
                part = word[start:end]
                if not self._is_part(part, last=end == size):
                    continue
                if fewest[end] is None or before[0] + 1 < fewest[end][0]:  # type: ignore[index]
                    fewest[end] = (before[0] + 1, start)
        if fewest[size] is None:
            return None
        parts: list[str] = []
        end = size
        while end:
            start = fewest[end][1]  # type: ignore[index]
            parts.append(word[start:end])
            end = start
        parts.reverse()
        # Little words only join others: "talksasaweapon", not "главн" + "ы" + "й".
        if parts[0] in STOPWORDS or parts[-1] in STOPWORDS:
            return None
        return parts

    def _is_part(self, part: str, *, last: bool) -> bool:
        """A word of the playbook as it spells it; the last part may be inflected."""
        if part in STOPWORDS or (len(part) >= 3 and part in self._words_as_typed):
            return True
        return last and len(part) >= 5 and word_keys(part)[-1] in self._postings

    def _scores(self, words: Sequence[str]) -> dict[int, tuple[float, float]]:
        """Each candidate entry's score for one reading of a query (informative words),
        and how close the reading is to the entry's nearest name, 0..1."""
        if not words:
            return {}
        scores: dict[int, tuple[float, float]] = {}
        coverage = self._coverage(words)
        # Only the best few by word coverage earn the costlier whole-phrase comparison.
        shortlist = sorted(coverage, key=coverage.__getitem__, reverse=True)[:SHORTLIST]
        stems = [word_keys(word)[-1] for word in words]
        for index, phrase in self._phrase_similarities(" ".join(stems), shortlist).items():
            score = 100 * (0.55 * coverage[index] + 0.45 * phrase)
            score = max(score, 100 * phrase if phrase >= 0.9 else 0.0, self._named(index, stems))
            scores[index] = (score, phrase)
        return scores

    def best(self, query: str, *, kinds: Sequence[Kind] | None = None) -> Hit | None:
        """The one confident answer to a query, if there is one."""
        hits = self.search(query, kinds=kinds, limit=2)
        if hits and hits[0].confident:
            return hits[0]
        return None

    def answer(self, query: str, *, kinds: Sequence[Kind] | None = None) -> Answer:
        """Open a card only when one entry clearly leads; else offer the best few."""
        number = principle_number(query)
        if number is not None and number not in self._numbers:
            return Answer(missing_number=number)
        ranking = self._ranked(query, kinds)
        if not ranking.hits:
            return Answer()
        if number is not None:
            return Answer(opens=ranking.hits[0].entry)
        if self._leads_clearly(ranking):
            return Answer(opens=ranking.hits[0].entry)
        return Answer(choices=ranking.hits[:CHOICES])

    def _leads_clearly(self, ranking: _Ranking) -> bool:
        hits = ranking.hits
        words = informative(ranking.reading)
        return (
            (_clearly_leads(hits, len(words)) or ranking.named_exactly())
            and not ranking.rival_named_closer()
            and self._mostly_known(words, exactly=hits[0].score < CONFIDENT)
        )

    def _mostly_known(self, words: Sequence[str], *, exactly: bool) -> bool:
        """Whether the playbook knows most of a query's words: "record a video" is not
        sure enough to open a card, though it may offer one. ``exactly``: only words the
        content spells so count, not prefixes or typos of its words ("дела", "delay")."""
        floor = 1.0 if exactly else 0.0
        unknown = sum(1 for word in words if not any(s >= floor for _, s in self._expand(word)))
        return unknown < _UNKNOWN_SHARE * len(words)

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
        for found, weight in zip(expansions, weights, strict=True):
            for index, value in self._best_among(found, candidates).items():
                covered[index] += weight * value
        return {index: value / total for index, value in covered.items() if value > 0}

    def _best_among(
        self, found: Sequence[tuple[str, float]], candidates: set[int]
    ) -> dict[int, float]:
        """For each candidate, the best of a typed word's keys in it. Each key is
        matched from whichever side is smaller: its postings or the candidates."""
        best: dict[int, float] = {}
        for key, similarity in found:
            postings = self._postings[key]
            if len(postings) <= len(candidates):
                pairs = [(i, w) for i, w in postings.items() if i in candidates]
            else:
                pairs = [(i, postings[i]) for i in candidates if i in postings]
            for index, field_weight in pairs:
                value = similarity * field_weight
                if value > best.get(index, 0.0):
                    best[index] = value
        return best

    def _named(self, index: int, stems: Sequence[str]) -> float:
        """A query that says an entry's name in full, with other words around it
        ("are the referendums legal"), is about that entry: from 50 (not yet sure) to
        90, the more of the query its names cover."""
        present = set(stems)
        covered: set[str] = set()
        for name in self._name_words[index]:
            if name <= present:
                covered |= name
        if not covered:
            return 0.0
        # Rarer words say more: a date beside a place names the day's event, not the
        # place's.
        weights = [self._idf.get(stem, self._unknown_idf) for stem in stems]
        share = sum(w for stem, w in zip(stems, weights, strict=True) if stem in covered) / sum(
            weights
        )
        # A date alone names the day's event less surely than its title does: a title
        # that says the day ("Lavrov to Sputnik, 29 December") outranks another event
        # of that day.
        if all(is_date_token(stem) for stem in covered):
            return 50.0 + (_DATE_NAMED - 50.0) * share
        return 50.0 + 40.0 * share

    def _phrase_similarities(self, text: str, shortlist: Sequence[int]) -> dict[int, float]:
        """How close the whole query is to each shortlisted entry's best name, 0..1.

        The names are scored in one rapidfuzz call per scorer, in C, rather than one
        Python call per name: on a phone-sized query that is most of the search's time.
        """
        names: list[str] = []
        owners: list[int] = []
        weights: list[float] = []
        for index in shortlist:
            entry_names = self._name_texts[index]
            names.extend(entry_names)
            owners.extend([index] * len(entry_names))
            weights.extend(self._name_weights[index])
        best = dict.fromkeys(shortlist, 0.0)
        if not names:
            return best
        for _, similarity, position in process.extract(
            " ".join(sorted(text.split())), names, scorer=fuzz.ratio, limit=None, score_cutoff=30
        ):
            index = owners[position]
            weighted = similarity * weights[position]
            if weighted > best[index]:
                best[index] = weighted
        # A query that is a whole-word part of a name ("root causes") is as good as the
        # name, as long as it is not a single short word. Each entry's names are joined
        # into one string, so this is one substring test per entry and kind of name.
        if len(text) >= 5:
            padded = f" {text} "
            for index in shortlist:
                named, asked = self._joined[index]
                if padded in named:
                    best[index] = max(best[index], 92.0 * _ALIAS_WEIGHT)
                elif padded in asked:
                    best[index] = max(best[index], 92.0 * _ASK_WEIGHT)
        return {index: value / 100 for index, value in best.items()}

    # -- mentions -------------------------------------------------------------

    def mentions(
        self, message: str, *, kinds: Sequence[Kind] = ("term", "claim"), limit: int = 3
    ) -> list[Hit]:
        """Entries whose name or alias a longer message contains, confident ones only;
        and, for a statement of a few words, the entry search would open for it.

        Every distinctive word of the alias must appear, in any inflection, near each
        other, allowing typos in longer words; single-word aliases must be long enough
        not to be everyday words. A statement is also searched as a query, with every
        rewrite search makes, so a claim said in other words than its aliases'
        ("a law that forbids it from negotiating") is still matched.
        """
        words = normalize(message).split()
        if not words:
            return []
        positions: dict[str, list[int]] = defaultdict(list)
        for position, word in enumerate(words):
            positions[word_keys(word)[-1]].append(position)
        near = self._typo_matches(positions)
        found: dict[int, float] = {}
        for position in self._candidate_aliases(positions.keys() | near.keys()):
            alias = self._aliases[position]
            entry = self.entries[alias.entry_index]
            if entry.kind not in kinds:
                continue
            if not alias.distinctive:
                continue
            score = _alias_score(alias.words, positions, near)
            if score is not None and score > found.get(alias.entry_index, 0.0):
                found[alias.entry_index] = score
        hits = [Hit(self.entries[i], s) for i, s in found.items() if s >= CONFIDENT]
        if _STATEMENT_WORDS[0] <= len(informative(words)) <= _STATEMENT_WORDS[1]:
            ranking = self._ranked(message, kinds)
            if ranking.hits and ranking.hits[0].confident and self._leads_clearly(ranking):
                said = ranking.hits[0]
                if all(hit.entry is not said.entry for hit in hits):
                    hits.append(said)
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


# A message of this many informative words is a statement that mentions() also
# searches as a query: fewer is a word or two of talk, more is a speech.
_STATEMENT_WORDS = (3, 40)
# What each rewrite of a query costs its hits: a reading as typed that does as well wins.
_REWRITE_PENALTY = 1.0
# How sure a word that sounds like a word of the playbook is to mean it.
_SOUNDS_ALIKE = 0.85
# ...and how alike the spellings (their keys, fuzz.ratio) of words that sound alike must be.
_SPELT_ALIKE = 60.0
# Words typed together are looked for in words this long, in parts at most this long.
_SPLIT_MIN = 7
_SPLIT_MAX = 48
_SPLIT_PART_MAX = 24

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
