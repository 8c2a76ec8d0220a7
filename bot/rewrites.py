"""Other readings of a typed query, which search scores alongside the query as typed.

Pure string work, no index: the keyboard layout swapped (Russian or Ukrainian typed on
the Latin layout and back), numbers and years said as words turned into digits, dates
in any of the usual written or spoken forms turned into date tokens that the index
also holds for every dated entry, and the vocabulary of roles and titles in three
languages read as one. Each reading counts as a rewrite; search charges a small
penalty per rewrite so that the query as typed wins whenever it does as well.

Dates are parsed here by hand over the three languages' month names rather than with
a date library: dateparser, the one that knows Ukrainian and Russian, costs 0.2 s to
import and 0.25 s more on its first parse (start-up to the first poll must stay under
a second), finds dates inside a sentence only through its slow search_dates (50 ms on
"2 июня Стамбул"), misreads "talks on 30 вересня 2022" as 2022 alone, and fills in the
current year when none is given, where search must know that none was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# -- keyboard layouts -------------------------------------------------------------------

# What each key of a US keyboard types on the Russian and the Ukrainian layout, with
# Shift for the punctuation keys that carry letters there (б ю ж х ъ/ї э/є ё).
_LATIN_KEYS = "qwertyuiop[]asdfghjkl;'zxcvbnm,./`{}:\"<>~"
_RUSSIAN_KEYS = "йцукенгшщзхъфывапролджэячсмитьбю.ёхъжэбюё"
_UKRAINIAN_KEYS = "йцукенгшщзхїфівапролджєячсмитьбю.'хїжєбю'"
_TO_RUSSIAN = str.maketrans(dict(zip(_LATIN_KEYS, _RUSSIAN_KEYS, strict=True)))
_TO_UKRAINIAN = str.maketrans({**dict(zip(_LATIN_KEYS, _UKRAINIAN_KEYS, strict=True)), "\\": "ґ"})
# Back: Cyrillic typed on the Latin layout. One table serves both languages.
_TO_LATIN_KEYS = str.maketrans(
    {
        **{c: k for k, c in zip(_LATIN_KEYS[:34], _RUSSIAN_KEYS[:34], strict=True)},
        **{c: k for k, c in zip(_LATIN_KEYS[:34], _UKRAINIAN_KEYS[:34], strict=True)},
        "ґ": "\\",
    }
)
_LATIN_LETTER = re.compile(r"[a-z]")
_CYRILLIC_LETTER = re.compile(r"[а-яёіїєґ]")


def layout_swaps(query: str) -> list[str]:
    """The query as it would read on the other keyboard layout: Latin letters as the
    Russian and the Ukrainian layout would have typed them, or Cyrillic as the Latin
    one would. A query that mixes both scripts was not typed on the wrong layout."""
    text = query.casefold()
    latin = _LATIN_LETTER.search(text) is not None
    cyrillic = _CYRILLIC_LETTER.search(text) is not None
    if latin == cyrillic:
        return []
    if cyrillic:
        return [text.translate(_TO_LATIN_KEYS)]
    return list(dict.fromkeys([text.translate(_TO_RUSSIAN), text.translate(_TO_UKRAINIAN)]))


# -- numbers said as words ------------------------------------------------------------

_ENGLISH_NUMBERS = {
    **dict.fromkeys(("one", "first"), 1),
    **dict.fromkeys(("two", "second"), 2),
    **dict.fromkeys(("three", "third"), 3),
    **dict.fromkeys(("four", "fourth"), 4),
    **dict.fromkeys(("five", "fifth"), 5),
    **dict.fromkeys(("six", "sixth"), 6),
    **dict.fromkeys(("seven", "seventh"), 7),
    **dict.fromkeys(("eight", "eighth"), 8),
    **dict.fromkeys(("nine", "ninth"), 9),
    **dict.fromkeys(("ten", "tenth"), 10),
    **dict.fromkeys(("eleven", "eleventh"), 11),
    **dict.fromkeys(("twelve", "twelfth"), 12),
    **dict.fromkeys(("thirteen", "thirteenth"), 13),
    **dict.fromkeys(("fourteen", "fourteenth"), 14),
    **dict.fromkeys(("fifteen", "fifteenth"), 15),
    **dict.fromkeys(("sixteen", "sixteenth"), 16),
    **dict.fromkeys(("seventeen", "seventeenth"), 17),
    **dict.fromkeys(("eighteen", "eighteenth"), 18),
    **dict.fromkeys(("nineteen", "nineteenth"), 19),
    **dict.fromkeys(("twenty", "twentieth"), 20),
    **dict.fromkeys(("thirty", "thirtieth"), 30),
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
}
# Ukrainian and Russian numerals, cardinal and ordinal, by the stem that every case
# form starts with once folded (і ї → и, є ё → е, ь and apostrophes gone): "двадцять",
# "двадцатого" and "двадцятому" all start with "двадцат"/"двадцят".
_SLAVIC_NUMBER_STEMS = {
    "одиннадцат": 11,
    "одинадцят": 11,
    "двенадцат": 12,
    "дванадцят": 12,
    "тринадцат": 13,
    "тринадцят": 13,
    "четирнадцат": 14,
    "чотирнадцят": 14,
    "пятнадцат": 15,
    "пятнадцят": 15,
    "шестнадцат": 16,
    "шистнадцят": 16,
    "семнадцат": 17,
    "симнадцят": 17,
    "восемнадцат": 18,
    "висимнадцят": 18,
    "девятнадцат": 19,
    "девятнадцят": 19,
    "двадцат": 20,
    "двадцят": 20,
    "тридцат": 30,
    "тридцят": 30,
    "сорок": 40,
    "пятдесят": 50,
    "шестдесят": 60,
    "шистдесят": 60,
    "семдесят": 70,
    "симдесят": 70,
    "восемдесят": 80,
    "висимдесят": 80,
    "девяност": 90,
    "тисяч": 1000,
    "один": 1,
    "одн": 1,
    "перв": 1,
    "перш": 1,
    "два": 2,
    "дви": 2,
    "две": 2,
    "втор": 2,
    "друг": 2,
    "три": 3,
    "трет": 3,
    "четир": 4,
    "чотир": 4,
    "четверт": 4,
    "пят": 5,
    "шест": 6,
    "шист": 6,
    "шост": 6,
    "сем": 7,
    "сим": 7,
    "седм": 7,
    "сом": 7,
    "восем": 8,
    "висим": 8,
    "восм": 8,
    "девят": 9,
    "десят": 10,
}
# Longest first, so "двадцат" is not read as "два".
_SLAVIC_NUMBER = re.compile(
    "(" + "|".join(sorted(_SLAVIC_NUMBER_STEMS, key=len, reverse=True)) + r")(?:[аеиоуяюхмгь]{0,4})"
)
_JOINERS = frozenset({"and", "и"})
_YEAR_WORDS = frozenset(
    {"year", "рик", "року", "роци", "роком", "год", "года", "году", "годом", "г", "р"}
)


def number_value(word: str) -> int | None:
    """The number one folded word says ("five", "п'ять", "пятого"), or None."""
    if word in _ENGLISH_NUMBERS:
        return _ENGLISH_NUMBERS[word]
    found = _SLAVIC_NUMBER.fullmatch(word)
    return _SLAVIC_NUMBER_STEMS[found[1]] if found else None


def _compose(values: Sequence[int]) -> int:
    """The number a run of number words says: "two thousand fourteen" 2014, "twenty
    fourteen" and "nineteen ninety one" as years, "twenty two" 22."""
    if (
        len(values) >= 2
        and values[0] in (19, 20)
        and 10 <= values[1] < 100
        and 1000 not in values
        and 100 not in values
    ):
        return values[0] * 100 + sum(values[1:])
    total = current = 0
    for value in values:
        if value == 1000:
            total += max(current, 1) * 1000
            current = 0
        elif value == 100:
            current = max(current, 1) * 100
        else:
            current += value
    return total + current


def spoken_numbers(words: Sequence[str]) -> list[str]:
    """Runs of number words as digits: "twenty fourteen" "2014", "двадцять другий рік"
    "2022 рик", "june second" "june 2". A lone number word is left alone unless a
    month or a year word stands beside it: "one" and "другий" are words too."""
    out: list[str] = []
    index = 0
    while index < len(words):
        values: list[int] = []
        end = index
        while end < len(words):
            value = number_value(words[end])
            if value is not None:
                values.append(value)
                end += 1
            elif values and words[end] in _JOINERS and end + 1 < len(words):
                if number_value(words[end + 1]) is None:
                    break
                end += 1
            else:
                break
        if not values:
            out.append(words[index])
            index += 1
            continue
        before = words[index - 1] if index else ""
        after = words[end] if end < len(words) else ""
        beside_date = any(_month_of(w) is not None for w in (before, after))
        if len(values) < 2 and not beside_date and after not in _YEAR_WORDS:
            out.extend(words[index:end])
            index = end
            continue
        number = _compose(values)
        if after in _YEAR_WORDS and number < 100:
            number += 2000 if number <= 50 else 1900
        out.append(str(number))
        index = end
    return out


# -- dates --------------------------------------------------------------------------

# Month names as folded (normalize()): English with their short forms, Ukrainian and
# Russian in every case a date puts them in.
_MONTH_PATTERNS = (
    r"january|jan|сичен\w*|сичн\w*|январ\w*",
    r"february|feb|лютии|лютого|лютому|феврал\w*",
    r"march|mar|березен\w*|березн\w*|март|марта|марте",
    r"april|apr|квитен\w*|квитн\w*|апрел\w*",
    r"may|травен\w*|травн\w*|маи|мая|мае",
    r"june|jun|червен\w*|червн\w*|июн\w*",
    r"july|jul|липен\w*|липн\w*|июл\w*",
    r"august|aug|серпен\w*|серпн\w*|август\w*",
    r"september|sept|sep|вересен\w*|вересн\w*|сентябр\w*",
    r"october|oct|жовтен\w*|жовтн\w*|октябр\w*",
    r"november|nov|листопад\w*|ноябр\w*",
    r"december|dec|груден\w*|грудн\w*|декабр\w*",
)
_MONTHS = [re.compile(pattern) for pattern in _MONTH_PATTERNS]


def is_month(word: str) -> bool:
    """Whether a folded word is a month's name in one of the three languages."""
    return _month_of(word) is not None


def _month_of(word: str) -> int | None:
    for number, pattern in enumerate(_MONTHS, start=1):
        if pattern.fullmatch(word):
            return number
    return None


_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th|go|e|i|ogo|ого|е|и|го)?")
_YEAR = re.compile(r"(19\d\d|20\d\d)(?:r|g|р|г)?")


def date_token(year: int | None, month: int, day: int | None) -> str:
    """The one word a date is indexed and looked up as: ``dt`` and its digits, as
    precise as it was given (year and month; month and day; or all three)."""
    if day is None:
        return f"dt{year:04d}{month:02d}"
    if year is None:
        return f"dt{month:02d}{day:02d}"
    return f"dt{year:04d}{month:02d}{day:02d}"


def is_date_token(word: str) -> bool:
    return word.startswith("dt") and word[2:].isdigit() and len(word) in (6, 8, 10)


def entry_date_tokens(date: str) -> list[str]:
    """Every date token under which a (partial) ISO date may be looked up; a day given
    without its year ("--12-29") is found by day and month."""
    if date.startswith("--"):
        month, day = (int(part) for part in date[2:].split("-"))
        return [date_token(None, month, day)]
    parts = [int(part) for part in date.split("-")]
    year = parts[0]
    found = [str(year)]
    if len(parts) >= 2:
        found.append(date_token(year, parts[1], None))
    if len(parts) == 3:
        found += [date_token(None, parts[1], parts[2]), date_token(year, parts[1], parts[2])]
    return found


def _valid(month: int, day: int | None) -> bool:
    return 1 <= month <= 12 and (day is None or 1 <= day <= 31)


_NUMERIC_DATE = re.compile(
    r"(?<![\d.])(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})([./])(\d{1,2})(?:\5(\d{4}|\d{2}))?)(?![\d])"
)


def numeric_dates(query: str) -> str:
    """Dates written in figures, before punctuation is folded away: "02/06/2025",
    "27.09.2022", "2.06", "2025-06-02". Day first, as in Ukraine and Europe; month
    first only where the day-first reading is no date."""

    def token(found: re.Match[str]) -> str:
        if found[1]:
            month, day = int(found[2]), int(found[3])
            return f" {date_token(int(found[1]), month, day)} " if _valid(month, day) else found[0]
        first, second = int(found[4]), int(found[6])
        year_text = found[7]
        year: int | None = None
        if year_text:
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        if _valid(second, first):
            return f" {date_token(year, second, first)} "
        if _valid(first, second):
            return f" {date_token(year, first, second)} "
        return found[0]

    return _NUMERIC_DATE.sub(token, query)


def named_dates(words: Sequence[str]) -> list[str]:
    """Dates with a month's name, in folded words: "2 червня", "june 2 2025", "29th of
    march", "march 2022", "30 вересня 2022 року". A month's name alone is left."""
    out: list[str] = []
    index = 0
    while index < len(words):
        month = _month_of(words[index])
        if month is None:
            out.append(words[index])
            index += 1
            continue
        day: int | None = None
        # A day before the month ("2 червня", "29th of march") or after it ("june 2").
        if out and (found := _DAY.fullmatch(out[-1])) and _valid(month, int(found[1])):
            day = int(found[1])
            out.pop()
        elif (
            len(out) >= 2
            and out[-1] == "of"
            and (found := _DAY.fullmatch(out[-2]))
            and _valid(month, int(found[1]))
        ):
            day = int(found[1])
            del out[-2:]
        end = index + 1
        if (
            day is None
            and end < len(words)
            and (found := _DAY.fullmatch(words[end]))
            and _valid(month, int(found[1]))
            and not _YEAR.fullmatch(words[end])
        ):
            day = int(found[1])
            end += 1
        year: int | None = None
        if end < len(words) and (found := _YEAR.fullmatch(words[end])):
            year = int(found[1])
            end += 1
            if end < len(words) and words[end] in _YEAR_WORDS:
                end += 1
        if day is None and year is None:
            out.append(words[index])
            index += 1
            continue
        out.append(date_token(year, month, day))
        index = end
    return out


# -- roles and titles ----------------------------------------------------------------

# The words people use for an office, in English, Ukrainian and Russian, as the one
# English form the index also keeps each role in: "пресс-секретарь Путина", "речник
# Кремля" and "Kremlin spokesman" all read "kremlin spokesman". Longer phrases first.
ROLE_VOCABULARY_AS_TYPED = {
    "foreign minister": (
        "foreign minister, minister of foreign affairs, top diplomat, "
        "министр иностранных дел, глава мид, глава мзс, міністр закордонних справ, "
        "голова мзс, керівник мзс, очільник мзс, глава дипломатии"
    ),
    "deputy foreign minister": (
        "deputy foreign minister, замглавы мид, заместитель министра иностранных дел, "
        "замминистра иностранных дел, заступник міністра закордонних справ, "
        "заступник глави мзс"
    ),
    "secretary of state": (
        "secretary of state, госсекретарь, государственный секретарь, держсекретар, "
        "державний секретар"
    ),
    "state department": (
        "state department, госдеп, госдепартамент, государственный департамент, держдеп, "
        "державний департамент, державного департаменту"
    ),
    "spokesman": (
        "spokesman, spokesperson, spokeswoman, press secretary, пресс-секретарь, "
        "прес-секретар, прессекретар, речник, официальный представитель"
    ),
    "kremlin": "kremlin, кремль, кремлевский, кремлівський, putin's, путина, путіна",
    "chief negotiator": (
        "chief negotiator, top negotiator, lead negotiator, head of the delegation, "
        "главный переговорщик, глава делегации, головний перемовник, голова делегації, "
        "главный перемовник"
    ),
    "negotiator": "negotiator, переговорщик, перемовник, переговірник",
    "culture minister": "culture minister, minister of culture, министр культуры, міністр культури",
    "deputy prime minister": (
        "deputy prime minister, vice premier, вице-премьер, віцепрем'єр, віце-прем'єр, "
        "віцепрем'єр-міністр"
    ),
    "special envoy": (
        "special envoy, спецпосланник, специальный посланник, спеціальний посланець, "
        "спецпредставитель, спецпосланець"
    ),
    "envoy": "envoy, посланник, посланець, посланниця",
    "ambassador": "ambassador, посол, посолка",
    "adviser": "adviser, advisor, советник, радник",
    "chief of staff": (
        "chief of staff, керівник офісу президента, керівника офісу президента, "
        "глава офиса президента"
    ),
    "chairman": "chairman, chair, председатель, голова",
    "joint chiefs": (
        "joint chiefs, окнш, обєднаного комітету начальників штабів, "
        "объединенного комитета начальников штабов"
    ),
    "president": "president, президент",
    "former": "former, ex, бывший, колишній, экс",
    "analyst": "analyst, аналитик, аналітик, аналітикиня",
    "diplomat": "diplomat, дипломат, дипломатка",
    "cia": "cia, цру",
    "russian": "russia, russia's, russian, российский, российского, россии, російський, росії, рф",
    "ukrainian": ("ukraine, ukraine's, ukrainian, украинский, украины, український, україни"),
    "turkish": "turkey, turkey's, turkish, турецкий, турции, турецький, туреччини, türkiye",
    "us": "us, usa, u.s., american, united states, сша, американский, американський",
}
