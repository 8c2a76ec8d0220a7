"""A whole transcript checked against the playbook (principle 8: record every word).

Pure: bytes and a file name in, the statements that match a known claim or loaded
term out, each with where it is (a line, a paragraph or a cue's time) and who said
it where the transcript names them. Nothing here touches Telegram or the store; the
handler runs :func:`check` off the event loop, since a 2 MB file takes seconds.

Reading a file is decided in this order, so a file is never guessed at twice:
the extension picks the parser (plain text and Markdown, SubRip and WebVTT through
webvtt-py, Word through python-docx); a byte-order mark picks the encoding, else
strict UTF-8, else UTF-16 without a mark when its text reads as text, else
Windows-1251 (what Russian and Ukrainian Windows save in), refused when what it
gives has control characters no transcript has.
"""

from __future__ import annotations

import enum
import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from bot.flag_input import split_speaker
from bot.folding import normalize
from bot.search import SearchIndex, informative
from bot.text_rules import LIMITS, Kind

# Transcripts are text: 2 MB is some 300,000 words, a long day's talks.
MAX_BYTES = 2 * 1024 * 1024
# A .docx is a zip: what it unpacks to is bounded too, so a small file cannot
# become gigabytes in memory.
MAX_UNPACKED = 40 * 1024 * 1024

EXTENSIONS = (".txt", ".md", ".srt", ".vtt", ".docx")
# A line longer than this many words is split into sentences, so each is matched on
# its own (the search reads a statement of up to about 40 words as one query).
_LONG_LINE_WORDS = 40
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
# Markdown's emphasis and block markers around a transcript's lines and names.
_MARKDOWN_LEAD = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)+")
_MARKDOWN_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
# A time a transcript's line starts with, and a subtitle's dialogue dash.
_LEADING_TIME = re.compile(
    r"^(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?\s+)?(?:[-–—]\s*(?=\w))?"
)
# A speaker is a name: at most three words, each a capital or an initial ("С. Лавров",
# "LAVROV", "Head of delegation" is not; "Голова делегації" is, as two words).
_MAX_NAME_WORDS = 3


class Problem(enum.StrEnum):
    """Why a file gives nothing to check; each has its own reply."""

    TOO_BIG = "too_big"
    UNPACKS_TOO_BIG = "unpacks_too_big"
    UNSUPPORTED = "unsupported"
    EMPTY = "empty"
    UNDECODABLE = "undecodable"
    NOT_WORD = "not_word"
    NOT_SUBTITLES = "not_subtitles"


class Unreadable(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class Place(enum.StrEnum):
    LINE = "line"
    PARAGRAPH = "paragraph"
    TIME = "time"


@dataclass(frozen=True, slots=True)
class Statement:
    """What one speaker said at one place: a line (or a sentence of a long one), a
    Word paragraph, or a subtitle cue."""

    text: str
    speaker: str | None
    place: Place
    # The line or paragraph number (from 1), or the cue's start as hh:mm:ss.
    at: str


@dataclass(frozen=True, slots=True)
class Finding:
    statement: Statement
    # The matched entries as the log keeps them: "claim:law-prohibits-negotiations".
    matches: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Checked:
    file_name: str
    statements: int
    findings: tuple[Finding, ...]


def extension(file_name: str) -> str:
    return PurePosixPath(file_name.casefold()).suffix


def supported(file_name: str) -> bool:
    return extension(file_name) in EXTENSIONS


# -- decoding -------------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# What a transcript of these talks is written in, beyond ASCII: Latin, Greek and
# Cyrillic letters, punctuation, currency, letterlike symbols (№) and arrows.
_SCRIPTS = "\u00a0-\u024f\u0370-\u052f\u2000-\u206f\u20a0-\u20cf\u2100-\u21ff\u2e00-\u2e7f"
# Anything but tab, line and page breaks, printable ASCII and those scripts: looked at
# one by one, which in a transcript is a few characters, not megabytes of them.
_UNCOMMON = re.compile(f"[^\t\n\r\f\v\x20-\x7e{_SCRIPTS}]")


def _reads_as_text(text: str) -> bool:
    """Whether decoded text is text a person wrote: letters, digits, spaces and
    punctuation of the scripts a transcript of these talks is in, and no NUL or other
    control character. What UTF-16 read from Windows-1251 bytes gives (CJK, private
    use) fails, as does a binary file read as any encoding."""
    odd = 0
    for found in _UNCOMMON.finditer(text):
        category = unicodedata.category(found.group())
        if category == "Cc":
            return False
        if category not in ("Cf", "So"):  # soft hyphens, direction marks; emoji
            odd += 1
    return odd <= len(text) // 100


def decode(data: bytes) -> str:
    """The text of a plain-text file; raises Unreadable(UNDECODABLE) when no encoding
    of a transcript reads it as text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding.removesuffix("-sig"))
            except UnicodeDecodeError:
                raise Unreadable(Problem.UNDECODABLE) from None
            if not _reads_as_text(text):
                raise Unreadable(Problem.UNDECODABLE)
            return text
    for text in _readings(data):
        if _reads_as_text(text):
            return text
    raise Unreadable(Problem.UNDECODABLE)


def _readings(data: bytes) -> Iterator[str]:
    """The file read as UTF-8, as UTF-16 without a mark where it may be, then as
    Windows-1251, each as far as it decodes at all."""
    encodings = ["utf-8"]
    if len(data) % 2 == 0 and _has_utf16_zeros(data):
        encodings += ["utf-16-le", "utf-16-be"]
    for encoding in [*encodings, "cp1251"]:
        try:
            yield data.decode(encoding)
        except UnicodeDecodeError:
            continue


def _has_utf16_zeros(data: bytes) -> bool:
    """UTF-16 without a mark: spaces, digits and Latin letters give a NUL at every
    other byte; no Windows-1251 text has NULs."""
    sample = data[:4096]
    zeros = sample.count(0)
    return zeros >= len(sample) // 20


# -- reading each format --------------------------------------------------------------------


def statements(data: bytes, file_name: str) -> list[Statement]:
    """The file's statements in order; raises Unreadable for a file it cannot read."""
    if len(data) > MAX_BYTES:
        raise Unreadable(Problem.TOO_BIG)
    kind = extension(file_name)
    if kind not in EXTENSIONS:
        raise Unreadable(Problem.UNSUPPORTED)
    if not data.strip(b" \t\r\n"):
        raise Unreadable(Problem.EMPTY)
    if kind == ".docx":
        found = list(_split(_docx_paragraphs(data), Place.PARAGRAPH))
    elif kind in (".srt", ".vtt"):
        found = list(_cues(decode(data), kind))
    else:
        lines = decode(data).splitlines()
        if kind == ".md":
            lines = [_markdown_plain(line) for line in lines]
        found = list(_split(enumerate(lines, start=1), Place.LINE))
    if not found:
        raise Unreadable(Problem.EMPTY)
    return found


def _markdown_plain(line: str) -> str:
    return _MARKDOWN_EMPHASIS.sub("", _MARKDOWN_LEAD.sub("", line))


def _docx_paragraphs(data: bytes) -> Iterator[tuple[int, str]]:
    """Each paragraph of the Word document's body, and of its tables (a transcript
    laid out as a table of speaker and words reads as "Speaker: words")."""
    # python-docx and lxml (some 15 MB) are loaded only when a Word file comes in,
    # as bot.statement does.
    import docx
    from docx.opc.exceptions import OpcError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(item.file_size for item in archive.infolist()) > MAX_UNPACKED:
                raise Unreadable(Problem.UNPACKS_TOO_BIG)
        document = docx.Document(io.BytesIO(data))
    # A damaged package: no zip, no Word parts, another Office type, or XML lxml cannot
    # parse (its XMLSyntaxError is a SyntaxError).
    except (zipfile.BadZipFile, OpcError, KeyError, ValueError, SyntaxError):
        raise Unreadable(Problem.NOT_WORD) from None
    number = 0
    for paragraph in document.paragraphs:
        number += 1
        yield number, paragraph.text
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells]
            number += 1
            if len(cells) == 2 and cells[0] and _is_name(cells[0]):
                yield number, f"{cells[0]}: {cells[1]}"
            else:
                yield number, " ".join(cell for cell in cells if cell)


def _cues(text: str, kind: str) -> Iterator[Statement]:
    """Each subtitle cue: its text without tags, its start, and its speaker from a
    ``<v Speaker>`` voice tag or a leading "NAME:"."""
    import webvtt  # loaded only when subtitles come in
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    lines = text.splitlines()
    try:
        captions = webvtt.from_buffer(lines, format=kind.removeprefix("."))
    except (MalformedFileError, MalformedCaptionError):
        raise Unreadable(Problem.NOT_SUBTITLES) from None
    speaker: str | None = None
    for caption in captions.captions:
        said = _plain(caption.text)
        named, rest = _named(said)
        voice = caption.voice
        if voice:
            speaker, said = voice.strip(), said
        elif named is not None:
            speaker, said = named, rest
        if said:
            yield from _sentences(said, speaker, Place.TIME, caption.start.split(".")[0])


def _named(line: str) -> tuple[str | None, str]:
    """("Лавров", "…") for "Лавров: …" when what stands before the colon is a name;
    a time the line starts with ("[00:12:03] LAVROV: …") and a dialogue dash before
    the name are left out."""
    line = _LEADING_TIME.sub("", line, count=1)
    speaker, said = split_speaker(line)
    if speaker is None or not _is_name(speaker):
        return None, line
    return speaker, said


def _is_name(text: str) -> bool:
    words = text.replace(".", ". ").split()
    if not 0 < len(words) <= _MAX_NAME_WORDS:
        return False
    if not words[0][0].isupper():
        return False
    return len(words) <= 2 or all(word[0].isupper() for word in words)


def _plain(line: str) -> str:
    """A line's words, spaced once, without the invisible format characters Word and
    subtitle tools leave (soft hyphens, direction marks), which the log would refuse."""
    return " ".join("".join(c for c in line if unicodedata.category(c) != "Cf").split())


def _split(numbered: Iterable[tuple[int, str]], place: Place) -> Iterator[Statement]:
    """Statements of numbered lines: a "NAME:" starts a speaker's turn, which goes on
    over the lines after it until the next name."""
    speaker: str | None = None
    for number, line in numbered:
        text = _plain(line)
        if not text:
            continue
        named, said = _named(text)
        if named is not None:
            speaker, text = named, said
        if text:
            yield from _sentences(text, speaker, place, str(number))


def _sentences(text: str, speaker: str | None, place: Place, at: str) -> Iterator[Statement]:
    """A line as one statement, or, when it is long, one per sentence; none longer
    than the log takes."""
    parts = [text] if len(text.split()) <= _LONG_LINE_WORDS else _SENTENCE_END.split(text)
    limit = LIMITS[Kind.STATEMENT] - 100
    for part in parts:
        part = part.strip()
        while part:
            yield Statement(part[:limit], speaker, place, at)
            part = part[limit:]


# -- matching -------------------------------------------------------------------------------


def matches(index: SearchIndex, statement: str) -> tuple[str, ...]:
    """The known claims and loaded terms a statement names, as /flag matches them."""
    if len(informative(normalize(statement).split())) == 0:
        return ()
    hits = index.mentions(statement, kinds=("term", "claim"))
    return tuple(f"{hit.entry.kind}:{hit.entry.id}" for hit in hits)


# How long matching holds the interpreter before it lets the event loop run.
_YIELD_EVERY_S = 0.002


def find(index: SearchIndex, found: Sequence[Statement]) -> list[Finding]:
    """The statements that match, in order. Run in a worker thread beside the event
    loop, it hands the loop the interpreter every 2 ms rather than at Python's switch
    interval (5 ms), so a lookup meanwhile waits less each time it needs to run
    (bench/transcript.py measures it)."""
    findings = []
    last_yield = time.perf_counter()
    for statement in found:
        refs = matches(index, statement.text)
        if refs:
            findings.append(Finding(statement, refs))
        if time.perf_counter() - last_yield >= _YIELD_EVERY_S:
            time.sleep(0)
            last_yield = time.perf_counter()
    return findings


def check(data: bytes, file_name: str, index: SearchIndex) -> Checked | Problem:
    """The file read and matched, or why it cannot be."""
    try:
        found = statements(data, file_name)
    except Unreadable as unreadable:
        return unreadable.problem
    return Checked(file_name, len(found), tuple(find(index, found)))
