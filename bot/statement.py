"""The post-round statement, drafted from the record. Pure: no I/O, no Telegram.

Principle 10: define the results of the talks before Moscow does. The draft holds
the round's name and dates, the team's talking points, the other side's statements
the team found false or misleading (with the playbook's rebuttal and source where a
claim entry matched, else the team's verdict note, and who said it and when), the
loaded terms they used (with what the playbook says they mean, and the definitions
they gave in the round, from the register of their definitions), and the sources it
cites. Every line comes from the content, the log, the register or the points; the
bot invents nothing, and the draft says it is a draft.

Open flags are left out, never presented as false: the draft's note to its editor
counts them and gives their numbers, so the lead knows to draft again after the
verdicts. Verified, unverifiable and retracted flags are left out too.

A draft is a list of :class:`Block` of plain text; the message (Telegram HTML), the
Markdown and the Word document each render the same blocks, so they say the same.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Final, Literal

from bot import timezones
from bot.export import md_escape
from bot.i18n import t
from bot.playbook import Claim, Lang, Playbook, Term
from bot.render import esc, utf16_len
from bot.render_log import when
from bot.store import Definition, Flag, Point, Round, Status, Store

BlockKind = Literal[
    "title", "mark", "dates", "heading", "point", "claim", "term", "para", "quote", "note", "source"
]

# What the draft presents: verdicts the team reached. Open is never among them.
PRESENTED: Final = (Status.FALSE, Status.MISLEADING)
STATUS_ICON: Final = {Status.FALSE: "❌", Status.MISLEADING: "⚠️"}
# Below Telegram's 4,096 characters, counted in UTF-16 on the HTML sent, which is
# never shorter than the text Telegram counts once it has parsed the tags.
MESSAGE_BUDGET: Final = 4000
# The message's own tags, never in the text (every piece of it is escaped).
_TAG: Final = re.compile(r"</?[a-z]+>")
# Characters Word's XML cannot hold: C0 controls but tab and line breaks, and
# surrogates (a lone one cannot be encoded at all).
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str


@dataclass(frozen=True, slots=True)
class Draft:
    lang: Lang
    round_name: str
    blocks: tuple[Block, ...]
    # Flags still open in the round, left out of the statement.
    left_out: tuple[int, ...]

    @property
    def is_empty(self) -> bool:
        """Nothing to state: no talking points and no false or misleading statement."""
        return not any(block.kind in ("point", "claim") for block in self.blocks)

    def lines(self) -> list[str]:
        """The draft's text, a line per block, as every format holds it."""
        return [block.text for block in self.blocks]


def _plain(lang: Lang, key: str, **values: object) -> str:
    """An i18n string as plain text: ``t()`` escapes for HTML, the draft is not HTML."""
    return html.unescape(t(lang, key, **values))


def _entries(flag: Flag, playbook: Playbook) -> tuple[list[Claim], list[Term]]:
    claims: list[Claim] = []
    terms: list[Term] = []
    for ref in flag.matches:
        kind, _, key = ref.partition(":")
        if kind == "claim" and isinstance(found := playbook.get("claim", key), Claim):
            claims.append(found)
        elif kind == "term" and isinstance(found := playbook.get("term", key), Term):
            terms.append(found)
    return claims, terms


def _source_line(source_id: str, playbook: Playbook, lang: Lang) -> str | None:
    source = playbook.sources.get(source_id)
    if source is None:
        return None
    title = source.title_in(lang)
    quoted = f"«{title}»" if lang == "uk" else f"“{title}”"
    line = f"{source.publication}, {quoted}, {source.date_in(lang)}"
    return f"{line}, {source.url}" if source.url else line


def _dates(round_: Round, lang: Lang, where: tzinfo) -> str:
    start = when(round_.started_at, lang, where)
    if round_.ended_at is None:
        return _plain(lang, "statement_dates_open", start=start)
    return _plain(lang, "statement_dates", start=start, end=when(round_.ended_at, lang, where))


def draft(
    round_: Round,
    flags: Sequence[Flag],
    points: Sequence[Point],
    playbook: Playbook,
    lang: Lang,
    where: tzinfo,
    definitions: Sequence[Definition] = (),
) -> Draft:
    """The statement for ``round_`` from its flags, live talking points (in order) and
    the definitions they gave of playbook terms in the round (in the order recorded)."""
    standing = [flag for flag in flags if not flag.retracted]
    presented = [flag for flag in standing if flag.status in PRESENTED]
    left_out = tuple(flag.number for flag in standing if flag.status is Status.OPEN)
    blocks = [
        Block("mark", _plain(lang, "statement_mark")),
        Block("title", _plain(lang, "statement_title", name=round_.name)),
        Block("dates", _dates(round_, lang, where)),
    ]
    if left_out:
        # For the editor, first: what is not in the draft yet, and why.
        open_refs = ", ".join(f"#{number}" for number in left_out)
        text = _plain(lang, "statement_left_out", count=len(left_out), numbers=open_refs)
        blocks.append(Block("note", text))
    if points:
        blocks.append(Block("heading", _plain(lang, "statement_points")))
        blocks += [Block("point", f"{n}. {point.text}") for n, point in enumerate(points, 1)]
    cited: dict[str, None] = {}
    used_terms: dict[str, tuple[Term, list[int]]] = {}
    if presented:
        blocks.append(Block("heading", _plain(lang, "statement_claims")))
    for flag in presented:
        claims, _ = _entries(flag, playbook)
        label = t(lang, f"status_{flag.status}")
        blocks.append(Block("claim", f"{STATUS_ICON[flag.status]} {label}"))
        blocks.append(Block("quote", flag.text))
        said = when(flag.created_at, lang, where)
        speaker = flag.speaker or flag.source_author
        if speaker:
            byline = _plain(
                lang, "statement_said_by", speaker=speaker, when=said, number=flag.number
            )
        else:
            byline = _plain(lang, "statement_said_unknown", when=said, number=flag.number)
        blocks.append(Block("para", byline))
        if claims:
            claim = claims[0]
            blocks.append(Block("para", _plain(lang, "statement_facts", facts=claim.facts(lang))))
            for citation in claim.sources:
                source = _source_line(citation.source, playbook, lang)
                if source is not None:
                    cited.setdefault(citation.source)
                    blocks.append(Block("para", _plain(lang, "statement_source", source=source)))
        elif flag.note:
            note = " ".join(line.strip() for line in flag.note.splitlines() if line.strip())
            blocks.append(Block("para", _plain(lang, "statement_note", note=note)))
        else:
            blocks.append(Block("note", _plain(lang, "statement_no_rebuttal")))
    for flag in standing:
        for term in _entries(flag, playbook)[1]:
            if term.kremlin_phrase is None:
                continue  # Ukraine's own terms are not theirs to be answered
            used_terms.setdefault(term.id, (term, []))[1].append(flag.number)
    given: dict[str, list[Definition]] = {}
    for definition in definitions:
        defined = playbook.get("term", definition.term_key) if definition.term_key else None
        if isinstance(defined, Term) and defined.kremlin_phrase is not None:
            # A term they defined is a term they used, flagged or not.
            used_terms.setdefault(defined.id, (defined, []))
            given.setdefault(defined.id, []).append(definition)
    if used_terms:
        blocks.append(Block("heading", _plain(lang, "statement_terms")))
        for term, numbers in used_terms.values():
            line = _plain(
                lang,
                "statement_term",
                title=term.title(lang),
                phrase=term.phrase(lang),
                meaning=term.meaning(lang),
            )
            blocks.append(Block("term", line))
            if numbers:
                refs = ", ".join(f"#{number}" for number in numbers)
                used = _plain(lang, "statement_term_used", count=len(numbers), numbers=refs)
                blocks.append(Block("para", used))
            for definition in given.get(term.id, ()):
                key = "statement_their_definition" + ("_by" if definition.speaker else "")
                said = _plain(lang, key, speaker=definition.speaker or "", text=definition.text)
                blocks.append(Block("para", said))
            for citation in term.sources:
                cited.setdefault(citation.source)
    cites = [found for sid in cited if (found := _source_line(sid, playbook, lang))]
    if cites:
        blocks.append(Block("heading", _plain(lang, "statement_sources")))
        blocks += [Block("source", f"• {cite}") for cite in cites]
    return Draft(lang, round_.name, tuple(blocks), left_out)


# -- a Telegram message, split cleanly --------------------------------------------------

_TAGS: Final[dict[BlockKind, tuple[str, str]]] = {
    "mark": ("<i>", "</i>"),
    "title": ("📝 <b>", "</b>"),
    "dates": ("", ""),
    "heading": ("\n<b>", "</b>"),
    "point": ("", ""),
    "source": ("", ""),
    "claim": ("\n<b>", "</b>"),
    "term": ("\n<b>", "</b>"),
    "quote": ("<blockquote>", "</blockquote>"),
    "para": ("", ""),
    "note": ("<i>", "</i>"),
}


def _cut(text: str, room: int) -> list[str]:
    """``text`` in pieces whose HTML fits ``room``, cut at a space where one is near."""
    pieces: list[str] = []
    while utf16_len(esc(text)) > room:
        size, end = 0, 0
        while end < len(text) and size + utf16_len(esc(text[end])) <= room:
            size += utf16_len(esc(text[end]))
            end += 1
        space = text.rfind(" ", 0, end)
        if space > end * 0.6:
            end = space
        pieces.append(text[:end].strip())
        text = text[end:].strip()
    pieces.append(text)
    return [piece for piece in pieces if piece]


def to_messages(draft: Draft, budget: int = MESSAGE_BUDGET) -> list[str]:
    """The draft as Telegram HTML messages, each under ``budget`` characters, split
    between blocks (inside one only when a block alone is longer)."""
    lines: list[str] = []
    for block in draft.blocks:
        opening, closing = _TAGS[block.kind]
        room = budget - utf16_len(opening) - len(closing)
        lines += [f"{opening}{esc(piece)}{closing}" for piece in _cut(block.text, room)]
    parts: list[str] = []
    current = ""
    for line in lines:
        joined = f"{current}\n{line}" if current else line
        if utf16_len(joined) > budget:
            parts.append(current)
            joined = line.lstrip("\n")
        current = joined
    if current:
        parts.append(current)
    return parts


def to_text(draft: Draft) -> str:
    """The draft as the chat shows it, without markup: the text the board shows and a
    press officer copies (each message of the chat, tags taken off, one after another)."""
    lines = [f"{_TAG.sub('', _TAGS[block.kind][0])}{block.text}" for block in draft.blocks]
    return "\n".join(lines)


# -- files to edit ---------------------------------------------------------------------


def to_markdown(draft: Draft) -> bytes:
    """The draft in Markdown; text from the log is escaped, so it reads as typed."""
    out: list[str] = []
    for block in draft.blocks:
        text = " ".join(line for line in md_escape(block.text).split("\n") if line)
        if block.kind == "title":
            out += [f"# {text}", ""]
        elif block.kind == "heading":
            out += [f"## {text}", ""]
        elif block.kind in ("claim", "term"):
            out += [f"### {text}", ""]
        elif block.kind in ("mark", "note"):
            out += [f"*{text}*", ""]
        elif block.kind == "quote":
            out += [f"> {text}", ""]
        else:
            out += [text, ""]
    return "\n".join(out).encode("utf-8")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def to_docx(draft: Draft) -> bytes:
    """The draft as a Word document: a paragraph per block, styled by its kind."""
    # python-docx and lxml are imported only when someone drafts a statement.
    from docx import Document

    document = Document()
    names: dict[BlockKind, str] = {
        "title": "Title",
        "heading": "Heading 1",
        "claim": "Heading 2",
        "term": "Heading 2",
        "quote": "Quote",
    }
    # Each style looked up once, and set by id on the paragraph's XML: python-docx
    # resolves a style given by name (or object) by scanning every style of the
    # document for each paragraph, which took 1.2 s of a 500-flag draft.
    style_ids = {kind: document.styles[name].style_id for kind, name in names.items()}
    for block in draft.blocks:
        paragraph = document.add_paragraph()
        run = paragraph.add_run()
        text = _xml_safe(block.text)
        if "\n" in text or "\t" in text:
            run.text = text  # line breaks and tabs become Word's own
        else:
            # One text element at once: the ``text`` setter walks the text a character
            # at a time, half of what remained of a 500-flag draft's time.
            run._r.add_t(text)
        if block.kind in ("mark", "note"):
            run.italic = True
        elif block.kind in style_ids:
            paragraph._p.get_or_add_pPr().style = style_ids[block.kind]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# The one reading of the store here: the chat (handlers.points) and the board
# (bot.web) both draft through it.
async def draft_for_round(
    store: Store, playbook: Playbook, chat_id: int, chosen: Round, lang: Lang
) -> Draft:
    """The statement of ``chosen`` as the chat and the board both draft it."""
    # A name can be reused; the statement is of this round only.
    flags = [f for f in await store.export_flags(chat_id, chosen.name) if f.round_id == chosen.id]
    listed = await store.points.listed(chat_id, chosen.id)
    where = timezones.zone(await store.get_timezone(chat_id))
    given = [d for d in await store.definitions.of_chat(chat_id) if d.round_id == chosen.id]
    return draft(chosen, flags, listed, playbook, lang, where, given)


def filename(chosen: Round, lang: Lang, suffix: str) -> str:
    """The draft's file name, the chat's and the board's alike."""
    return f"statement-{_slug(chosen.name)}-{lang}.{suffix}"


def _slug(name: str) -> str:
    kept = "".join(ch if ch.isalnum() else "-" for ch in name.casefold())
    return "-".join(part for part in kept.split("-") if part)[:40] or "round"
