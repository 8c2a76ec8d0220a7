"""The playbook's content: pydantic models and YAML loading with ``file:line`` errors.

Content lives in ``content/*.yaml``. Each file is a mapping whose top-level keys are
entry kinds (``sources``, ``principles``, ``terms``, ``tactics``, ``claims``), each a
list of entries. A kind may be split over several files. Everything a user reads is
given in English and Ukrainian; validation refuses anything less.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from bot.folding import normalize

if TYPE_CHECKING:
    import yaml

Lang = Literal["en", "uk"]
LANGUAGES: tuple[Lang, ...] = ("en", "uk")
Kind = Literal["principle", "term", "tactic", "claim", "person", "event"]
KINDS: tuple[Kind, ...] = ("principle", "term", "tactic", "claim", "person", "event")


def as_lang(value: object) -> Lang | None:
    """``value`` as a supported language code, or None."""
    return "uk" if value == "uk" else "en" if value == "en" else None


def as_kind(value: object) -> Kind | None:
    for kind in KINDS:
        if value == kind:
            return kind
    return None


# Ids appear in callback data and deep links (``/start term-<id>``), which allow only
# ``[A-Za-z0-9_-]`` and 64 characters in all, so they are short lowercase slugs.
EntryId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
# A date as precise as the source gives it: a year, a month or a day (ISO 8601), or a
# day the source gives without its year ("--12-29", ISO 8601's reduced form).
PartialDate = Annotated[
    str,
    StringConstraints(
        pattern=r"^((19|20)\d\d(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?"
        r"|--(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))$"
    ),
]


def has_year(date: str) -> bool:
    """False for a day the source gives without its year ("--12-29")."""
    return not date.startswith("--")


NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Model(BaseModel):
    # Validators are built when content is first validated, not at import: a start
    # that reads the built library from its cache (bot/library_cache.py) never needs them.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Text(Model):
    """A text every user reads, so both languages are required."""

    en: NonEmpty
    uk: NonEmpty

    def __call__(self, lang: Lang) -> str:
        return self.uk if lang == "uk" else self.en


class Aliases(Model):
    """Other ways people say or type an entry; Russian is what a delegate hears."""

    en: list[NonEmpty] = []
    uk: list[NonEmpty] = []
    ru: list[NonEmpty] = []

    def all(self) -> list[str]:
        return [*self.en, *self.uk, *self.ru]


Ask = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=200)]


class Asks(Model):
    """How people ask about an entry in their own words: a description of it as a
    delegate would give it, not a synonym of its title. Search reads these."""

    en: list[Ask] = []
    uk: list[Ask] = []
    ru: list[Ask] = []

    def all(self) -> list[str]:
        return [*self.en, *self.uk, *self.ru]


class Source(Model):
    """One of the public articles the playbook is drawn from."""

    id: EntryId
    publication: NonEmpty
    title: NonEmpty
    author: str = ""
    date: NonEmpty
    url: str = ""
    # The article's own Ukrainian title, author and date, where it has them: a
    # Ukrainian card cites those.
    title_uk: str = ""
    author_uk: str = ""
    date_uk: str = ""
    # How a person's card names the article after each statement ("VOA").
    short: str = ""

    def title_in(self, lang: Lang) -> str:
        return self.title_uk if lang == "uk" and self.title_uk else self.title

    def date_in(self, lang: Lang) -> str:
        return self.date_uk if lang == "uk" and self.date_uk else self.date


class Citation(Model):
    """Where an entry's facts come from: the article and the attribution it gives."""

    source: EntryId
    attribution: str = ""
    attribution_uk: str = ""

    def attribution_in(self, lang: Lang) -> str:
        return self.attribution_uk if lang == "uk" and self.attribution_uk else self.attribution


class Entry(Model):
    id: EntryId
    title: Text
    summary: Text
    aliases: Aliases = Aliases()
    asks: Asks = Asks()
    related_principles: list[int] = []
    related_terms: list[EntryId] = []
    related_tactics: list[EntryId] = []
    related_claims: list[EntryId] = []
    sources: list[Citation] = Field(min_length=1)

    @property
    def kind(self) -> Kind:
        raise NotImplementedError

    def search_keys(self) -> list[str]:
        """Names of the entry: titles in both languages and every alias."""
        return [self.title.en, self.title.uk, *self.aliases.all()]

    def related_refs(self) -> Iterator[tuple[Kind, str]]:
        for number in self.related_principles:
            yield "principle", str(number)
        for kind, ids in (
            ("term", self.related_terms),
            ("tactic", self.related_tactics),
            ("claim", self.related_claims),
        ):
            for entry_id in ids:
                yield kind, entry_id  # type: ignore[misc]


class Principle(Entry):
    number: int = Field(ge=1, le=99)
    guidance: Text
    why: Text

    @property
    def kind(self) -> Kind:
        return "principle"


class Term(Entry):
    # A term is either Moscow's (what the Kremlin says) or, rarely, Ukraine's own (what
    # Ukraine asks for, such as security guarantees): exactly one of the two is given.
    kremlin_phrase: Text | None = None
    ukraine_phrase: Text | None = None
    # Whose words the phrase is when they are a report's, not Moscow's own ("the Financial
    # Times, as reported by Foreign Policy"): the card must not say "Moscow says".
    reported_by: Text | None = None
    meaning: Text
    used_for: Text
    answer: Text

    @model_validator(mode="after")
    def _one_phrase(self) -> Term:
        if (self.kremlin_phrase is None) == (self.ukraine_phrase is None):
            raise ValueError("give exactly one of 'kremlin_phrase' and 'ukraine_phrase'")
        return self

    @property
    def ukrainian_side(self) -> bool:
        return self.ukraine_phrase is not None

    @property
    def phrase(self) -> Text:
        phrase = self.kremlin_phrase or self.ukraine_phrase
        assert phrase is not None
        return phrase

    @property
    def kind(self) -> Kind:
        return "term"


class Tactic(Entry):
    recognise: Text
    counter: Text
    example: Text | None = None

    @property
    def kind(self) -> Kind:
        return "tactic"


Verdict = Literal["false", "misleading", "unsubstantiated", "lacks-context"]


class Claim(Entry):
    quote: Text
    speaker: Text
    said_on: Text
    verdict: Verdict
    # Whose verdict it is: a cited source's (its id, and its own words, e.g. VOA's
    # "misleading"), or, with neither given, the playbook's own reading.
    verdict_by: EntryId | None = None
    verdict_words: Text | None = None
    facts: Text

    @model_validator(mode="after")
    def _verdict_words_with_its_source(self) -> Claim:
        if (self.verdict_by is None) != (self.verdict_words is None):
            raise ValueError("give 'verdict_by' and 'verdict_words' together, or neither")
        if self.verdict_by is not None and self.verdict_by not in (c.source for c in self.sources):
            raise ValueError(f"verdict_by '{self.verdict_by}' is not among the claim's sources")
        return self

    @property
    def kind(self) -> Kind:
        return "claim"


# "history": someone the sources cite from the past, not at any table (Lenin, 1914).
Side = Literal["russia", "ukraine", "united-states", "turkey", "independent", "history"]
SIDES: tuple[Side, ...] = (
    "russia",
    "ukraine",
    "united-states",
    "turkey",
    "independent",
    "history",
)


class Statement(Model):
    """One thing a source reports a person said or did, with when and where it says so."""

    date: PartialDate
    # True when the source gives only when it reported it, not when it was said.
    reported: bool = False
    said: Text
    source: EntryId
    attribution: str = ""
    attribution_uk: str = ""

    def attribution_in(self, lang: Lang) -> str:
        return self.attribution_uk if lang == "uk" and self.attribution_uk else self.attribution


class Person(Entry):
    """Someone the sources quote on the talks; ``title`` is the name in en and uk."""

    name_ru: NonEmpty
    role: Text
    side: Side
    statements: list[Statement] = Field(min_length=1)

    @property
    def kind(self) -> Kind:
        return "person"

    def search_keys(self) -> list[str]:
        return [*super().search_keys(), self.name_ru]

    def speaker_names(self) -> list[str]:
        """Every way a flag's speaker may name this person."""
        return [self.title.en, self.title.uk, self.name_ru, *self.aliases.all()]


class Event(Entry):
    """A dated step in the talks or in a side's position, with who took part."""

    date: PartialDate
    # When the source reported it, where the source does not date the event to the day
    # ("2022" for the grain deal; no year at all): this, not ``date``, orders it.
    reported_on: PartialDate | None = None
    # How to say the date when the source is vaguer than ``date``.
    when: Text | None = None
    place: Text | None = None
    what: Text
    people: list[EntryId] = []

    @model_validator(mode="after")
    def _ordered(self) -> Event:
        if self.reported_on is not None and not has_year(self.reported_on):
            raise ValueError("'reported_on' needs a year: it orders the timeline")
        if not has_year(self.date) and self.reported_on is None:
            raise ValueError("a date without a year needs 'reported_on' to order it")
        return self

    @property
    def order(self) -> str:
        """Where the event stands on the timeline."""
        return self.reported_on if self.reported_on is not None else self.date

    @property
    def kind(self) -> Kind:
        return "event"

    def related_refs(self) -> Iterator[tuple[Kind, str]]:
        for person_id in self.people:
            yield "person", person_id
        yield from super().related_refs()


AnyEntry = Principle | Term | Tactic | Claim | Person | Event


class ContentFile(Model):
    """The shape of one YAML file; every key is optional so kinds can be split."""

    sources: list[Source] = []
    principles: list[Principle] = []
    terms: list[Term] = []
    tactics: list[Tactic] = []
    claims: list[Claim] = []
    people: list[Person] = []
    events: list[Event] = []


def speaker_key(name: str) -> str:
    """A speaker's name folded for matching: case, punctuation, scripts' letter variants."""
    return normalize(name)


@dataclass(frozen=True)
class Playbook:
    sources: dict[str, Source]
    principles: list[Principle]
    terms: list[Term]
    tactics: list[Tactic]
    claims: list[Claim]
    people: list[Person] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    _by_key: dict[tuple[Kind, str], AnyEntry] = field(default_factory=dict, repr=False)
    _speakers: dict[str, Person] = field(default_factory=dict, repr=False)
    _mentioned_by: dict[tuple[Kind, str], list[AnyEntry]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries():
            key = entry.number if isinstance(entry, Principle) else entry.id
            self._by_key[(entry.kind, str(key))] = entry
            self._by_key.setdefault((entry.kind, entry.id), entry)
        for person in self.people:
            for name in person.speaker_names():
                self._speakers.setdefault(speaker_key(name), person)
        # Back links: a card shows the people and events that point to it.
        pointing: list[Person | Event] = [*self.people, *self.events]
        for source in pointing:
            for kind, key in source.related_refs():
                self._mentioned_by.setdefault((kind, key), []).append(source)

    def entries(self) -> Iterator[AnyEntry]:
        yield from self.principles
        yield from self.terms
        yield from self.tactics
        yield from self.claims
        yield from self.people
        yield from self.events

    def of_kind(self, kind: Kind) -> list[AnyEntry]:
        lists: dict[Kind, list[Any]] = {
            "principle": self.principles,
            "term": self.terms,
            "tactic": self.tactics,
            "claim": self.claims,
            "person": self.people,
            "event": self.events,
        }
        return list(lists[kind])

    def person_for_speaker(self, speaker: str | None) -> Person | None:
        """The known person a flag's speaker names, typed any way the playbook knows
        ("Лавров", "Lavrov:", "Sergei Lavrov", "FM Lavrov"); None for anyone else.

        Only whole names and aliases count, never a typo: a flag must not be pinned on
        the wrong person.
        """
        if not speaker:
            return None
        words = speaker_key(speaker).split()
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                found = self._speakers.get(" ".join(words[start : start + size]))
                if found is not None:
                    return found
        return None

    def events_of(self, person: Person) -> list[Event]:
        """The events a person took part in, in date order."""
        return [e for e in self.events if person.id in e.people]

    def get(self, kind: Kind, key: str) -> AnyEntry | None:
        """Look an entry up by kind and id (principles also by number)."""
        return self._by_key.get((kind, key))

    def related(self, entry: AnyEntry) -> list[AnyEntry]:
        found = (self.get(kind, key) for kind, key in entry.related_refs())
        return [e for e in found if e is not None]

    def linked(self, entry: AnyEntry) -> list[AnyEntry]:
        """What a card links to: what the entry points to, then the events a person took
        part in and the people and events that point to the entry."""
        key = str(entry.number) if isinstance(entry, Principle) else entry.id
        back: list[AnyEntry] = list(self._mentioned_by.get((entry.kind, key), []))
        if isinstance(entry, Person):
            back = [*self.events_of(entry), *(e for e in back if not isinstance(e, Event))]
        seen: set[int] = {id(entry)}
        linked = []
        for other in [*self.related(entry), *back]:
            if id(other) not in seen:
                seen.add(id(other))
                linked.append(other)
        return linked

    def counts(self) -> dict[str, int]:
        return {
            "principles": len(self.principles),
            "terms": len(self.terms),
            "tactics": len(self.tactics),
            "claims": len(self.claims),
            "people": len(self.people),
            "events": len(self.events),
            "sources": len(self.sources),
        }


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ContentError(Exception):
    """The content directory is invalid; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


Loc = tuple[str | int, ...]


def _node_lines(
    node: yaml.Node, path: Loc, lines: dict[Loc, int], duplicates: list[tuple[Loc, int]]
) -> None:
    """Record the 1-based line of every mapping key and list item, by its path."""
    import yaml

    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                duplicates.append(((*path, key), key_node.start_mark.line + 1))
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _node_lines(value_node, (*path, key), lines, duplicates)
            lines[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _node_lines(item, (*path, index), lines, duplicates)


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get((), 1)


def _describe(error: Any) -> str:
    loc = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    if kind == "missing":
        what = f"missing field '{error['loc'][-1]}'"
        if error["loc"][-1] in LANGUAGES:
            what += " (English and Ukrainian are both required)"
        return f"{loc}: {what}"
    if kind == "extra_forbidden":
        return f"{loc}: unknown field '{error['loc'][-1]}'"
    return f"{loc}: {error['msg']}"


def _load_file(
    path: Path, display: str
) -> tuple[ContentFile | None, dict[Loc, int], list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, {}, [Problem(display, 1, f"cannot read file: {exc}")]
    # Imported here, not at the top: a start that reads the built library from its
    # cache (bot/library_cache.py) parses no YAML, and PyYAML is 60 ms of imports.
    import yaml

    # libyaml's parser, where PyYAML was built with it: the same nodes and marks, and
    # most of the load time otherwise (0.5 s of pure-Python parsing).
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else {}
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        return None, {}, [Problem(display, line, f"YAML syntax error: {exc.problem}")]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(display, 1, f"YAML error: {exc}")]
    lines: dict[Loc, int] = {}
    duplicates: list[tuple[Loc, int]] = []
    if node is not None:
        _node_lines(node, (), lines, duplicates)
    problems = [
        Problem(display, line, f"{'.'.join(map(str, loc))}: duplicate key")
        for loc, line in duplicates
    ]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, lines, [Problem(display, 1, "expected a mapping of kinds to lists of entries")]
    try:
        parsed = ContentFile.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(
                Problem(display, _line_for(tuple(error["loc"]), lines), _describe(error))
            )
        return None, lines, problems
    return parsed, lines, problems


_KIND_KEYS: dict[str, Kind] = {
    "principles": "principle",
    "terms": "term",
    "tactics": "tactic",
    "claims": "claim",
    "people": "person",
    "events": "event",
}


def load_playbook(directory: Path) -> Playbook:
    """Load and cross-check every ``*.yaml`` file in ``directory``.

    Raises ContentError listing every problem found, each with its file and line.
    """
    if not directory.is_dir():
        raise ContentError([Problem(str(directory), 0, "content directory not found")])
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))
    if not files:
        raise ContentError([Problem(str(directory), 0, "no .yaml files in content directory")])

    problems: list[Problem] = []
    sources: dict[str, Source] = {}
    collected: dict[str, list[Any]] = {key: [] for key in _KIND_KEYS}
    # Where each entry was defined, for cross-reference errors: (file, line).
    origin: dict[int, tuple[str, dict[Loc, int], Loc]] = {}
    seen_ids: dict[str, str] = {}
    seen_numbers: dict[int, str] = {}

    all_loaded = True
    for path in files:
        display = str(path)
        parsed, lines, file_problems = _load_file(path, display)
        problems.extend(file_problems)
        if parsed is None:
            all_loaded = False
            continue
        for index, source in enumerate(parsed.sources):
            if source.id in sources:
                problems.append(
                    Problem(
                        display,
                        _line_for(("sources", index, "id"), lines),
                        f"duplicate source id '{source.id}'",
                    )
                )
            sources[source.id] = source
        for key in _KIND_KEYS:
            for index, entry in enumerate(getattr(parsed, key)):
                loc: Loc = (key, index)
                origin[id(entry)] = (display, lines, loc)
                line = _line_for((*loc, "id"), lines)
                if entry.id in seen_ids:
                    problems.append(
                        Problem(
                            display,
                            line,
                            f"duplicate id '{entry.id}' (first defined at {seen_ids[entry.id]})",
                        )
                    )
                else:
                    seen_ids[entry.id] = f"{display}:{line}"
                if isinstance(entry, Principle):
                    number_line = _line_for((*loc, "number"), lines)
                    if entry.number in seen_numbers:
                        problems.append(
                            Problem(
                                display,
                                number_line,
                                f"duplicate principle number {entry.number} "
                                f"(first at {seen_numbers[entry.number]})",
                            )
                        )
                    else:
                        seen_numbers[entry.number] = f"{display}:{number_line}"
                collected[key].append(entry)

    playbook = Playbook(
        sources=sources,
        principles=sorted(collected["principles"], key=lambda p: p.number),
        terms=collected["terms"],
        tactics=collected["tactics"],
        claims=collected["claims"],
        people=collected["people"],
        # The timeline reads in date order; a year sorts before its months.
        events=sorted(collected["events"], key=lambda e: e.order),
    )
    # A file that did not load defines none of its entries: checking references to them
    # would bury its one real problem under dozens of "refers to unknown" ones.
    if all_loaded:
        problems.extend(_cross_reference_problems(playbook, origin))
    if problems:
        raise ContentError(problems)
    return playbook


def _cross_reference_problems(
    playbook: Playbook, origin: dict[int, tuple[str, dict[Loc, int], Loc]]
) -> list[Problem]:
    problems: list[Problem] = []
    field_of: dict[Kind, str] = {
        "principle": "related_principles",
        "term": "related_terms",
        "tactic": "related_tactics",
        "claim": "related_claims",
        "person": "people",
        "event": "related_events",
    }
    for entry in playbook.entries():
        display, lines, loc = origin[id(entry)]
        for kind, key in entry.related_refs():
            if playbook.get(kind, key) is None:
                name = field_of[kind]
                index = getattr(entry, name).index(int(key) if kind == "principle" else key)
                line = _line_for((*loc, name, index), lines)
                problems.append(
                    Problem(display, line, f"{entry.id}: {name} refers to unknown {kind} '{key}'")
                )
        for index, citation in enumerate(entry.sources):
            if citation.source not in playbook.sources:
                line = _line_for((*loc, "sources", index, "source"), lines)
                problems.append(
                    Problem(display, line, f"{entry.id}: unknown source '{citation.source}'")
                )
        if isinstance(entry, Person):
            for index, statement in enumerate(entry.statements):
                if statement.source not in playbook.sources:
                    line = _line_for((*loc, "statements", index, "source"), lines)
                    problems.append(
                        Problem(display, line, f"{entry.id}: unknown source '{statement.source}'")
                    )
    problems.extend(_speaker_problems(playbook, origin))
    return problems


def _speaker_problems(
    playbook: Playbook, origin: dict[int, tuple[str, dict[Loc, int], Loc]]
) -> list[Problem]:
    """Two people answering to one name would pin flags on the wrong one."""
    problems: list[Problem] = []
    owner: dict[str, Person] = {}
    for person in playbook.people:
        display, lines, loc = origin[id(person)]
        for name in person.speaker_names():
            key = speaker_key(name)
            other = owner.setdefault(key, person)
            if other is not person:
                line = _line_for((*loc, "aliases"), lines)
                problems.append(
                    Problem(
                        display,
                        line,
                        f"{person.id}: name '{name}' is also {other.id}'s; a flag's speaker "
                        "must name one person",
                    )
                )
    return problems
