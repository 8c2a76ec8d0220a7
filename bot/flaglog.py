"""The flag log's one door: every change to a chat's log goes through here.

The chat's commands and buttons and the board's API only read what was typed, call
one of these operations and show its answer. Each operation checks the rule for it
(``bot.access``, from ``COMMAND_ROLES``), writes through the store, whose triggers
queue in the same transaction what the group is to hear (bot.store.outbox), and
wakes the chat's sender to say it. It answers with the flag, ``Done``, or with a
``Refused`` that says why and, rendered by :func:`refusal_text`, what to do instead.

Every text it is given passes bot.text_rules first: text the log cannot keep (a lone
surrogate, a NUL, a bidi control, too long) is refused, BAD_TEXT, before anything is
read or written.

A change that changes nothing (the verdict a flag already has, the same assignee,
the same text, a second withdrawal) stores nothing and announces nothing: ``Done``
with ``changed`` False, which the chat and the board say as "already so".
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot import access, sameness, text_rules
from bot.access import Actor
from bot.flag_input import split_speaker
from bot.i18n import t
from bot.playbook import Lang
from bot.render import shorten
from bot.services import Services
from bot.store import Flag, FlagNotFound, Status, Store, Updated
from bot.text_rules import Kind

# An assignee is a Telegram username or a name; anything longer is cut.
MAX_ASSIGNEE = 64


class Change(enum.StrEnum):
    """The changes the log takes."""

    FLAG = "flag"
    VERDICT = "verdict"
    ASSIGN = "assign"
    RETRACT = "retract"
    NOTE = "note"
    EDIT = "edit"


# Whose each change is: that of the chat command that makes it (access.COMMAND_ROLES).
# A note (on the board) is any member's, as a flag is; an edit follows one of the
# flagged message, which Telegram lets only its author make.
_COMMAND = {
    Change.FLAG: "flag",
    Change.VERDICT: "verify",
    Change.ASSIGN: "assign",
    Change.RETRACT: "unflag",
    Change.NOTE: "flag",
    Change.EDIT: "flag",
}


class Why(enum.Enum):
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    EMPTY = "empty"
    # Text the log cannot keep or that would mislead its reader (bot.text_rules).
    BAD_TEXT = "bad_text"
    # Evidence that is no https:// link: the board opens evidence through Telegram.
    NOT_A_LINK = "bad_url"


@dataclass(frozen=True, slots=True)
class Refused:
    """Nothing changed: ``why``, for ``change`` to flag ``number`` (None for a new one);
    for BAD_TEXT, ``text`` says which text and what is wrong with it."""

    why: Why
    change: Change
    number: int | None = None
    text: text_rules.Refused | None = None


@dataclass(frozen=True, slots=True)
class Done:
    """The flag as it is now; ``changed`` False when it already was so."""

    flag: Flag
    changed: bool = True


Answer = Done | Refused

# What to say for each refusal: why, and what to do instead.
_NOT_ALLOWED = {
    Change.VERDICT: "not_allowed_verdict",
    Change.ASSIGN: "not_allowed_assign",
    Change.RETRACT: "not_allowed_unflag",
}


def refusal_text(
    refused: Refused, lang: Lang, *, in_chat: bool = True, in_button: bool = False
) -> str:
    """The refusal as the chat and the board both say it; an empty statement in the
    chat is answered with how to use /flag, on the board with what to type. A button's
    pop-up gets the short form: it holds 200 characters, and no command in it can be
    tapped."""
    if refused.text is not None:
        return text_rules.explain(refused.text, lang)
    if refused.why is Why.NOT_FOUND:
        return t(lang, "flag_not_found", number=refused.number)
    if refused.why is Why.NOT_ALLOWED:
        key = _NOT_ALLOWED[refused.change]
        if in_button and refused.change is Change.VERDICT:
            key = "not_allowed_verdict_short"
        return t(lang, key, number=refused.number)
    if refused.why is Why.NOT_A_LINK:
        return t(lang, "evidence_not_link")
    return t(lang, "flag_usage" if in_chat and refused.change is Change.FLAG else "nothing_typed")


def unchanged_text(change: Change, flag: Flag, lang: Lang) -> str:
    """What a change that found the flag already so says."""
    number = flag.number
    if change is Change.VERDICT:
        return t(lang, "already_status", number=number, status=t(lang, f"status_{flag.status}"))
    if change is Change.ASSIGN and flag.assignee:
        return t(lang, "already_assigned", number=number, assignee=flag.assignee)
    if change is Change.ASSIGN:
        return t(lang, "already_unassigned", number=number)
    if change is Change.RETRACT:
        return t(lang, "already_retracted", number=number)
    return t(lang, "already_text", number=number)


def _checked(text: str, kind: Kind, change: Change, number: int | None) -> str | Refused:
    """``text`` as the log keeps it, or why not (bot.text_rules: the door's one rule)."""
    checked = text_rules.check(text, kind)
    if isinstance(checked, text_rules.Refused):
        return Refused(Why.BAD_TEXT, change, number, checked)
    return checked


class FlagLog:
    """The operations on one bot's logs; cheap to make, it holds only the services."""

    def __init__(self, services: Services) -> None:
        self._services = services

    @property
    def _store(self) -> Store:
        return self._services.require_store()

    def _announce(self, chat_id: int) -> None:
        """The change is committed with what it announces queued in the outbox: the
        sender says it when the group's budget has room."""
        self._services.require_sender().kick(chat_id)

    async def _flag_to_change(
        self, chat_id: int, actor: Actor, change: Change, number: int
    ) -> Flag | Refused:
        found = await self._store.get_flag(chat_id, number)
        if found is None:
            return Refused(Why.NOT_FOUND, change, number)
        if not await access.may(_COMMAND[change], actor, found):
            return Refused(Why.NOT_ALLOWED, change, number)
        return found

    async def flag(
        self,
        chat_id: int,
        actor: Actor,
        statement: str,
        *,
        author: str | None = None,
        note: str | None = None,
        **origin: Any,
    ) -> Answer:
        """Log ``statement`` under the chat's next number, matched against the
        playbook's terms and claims, with its confirmation queued.

        ``"Lavrov: …"`` names the speaker, whether typed after /flag, on the board or
        in the message a /flag replies to; otherwise the speaker is ``author``, who
        wrote that message; ``note`` is what the flagger added to a reply-flag.
        ``origin`` is the rest of :meth:`Store.add_flag`'s fields:
        the Telegram message it came from, its topic, the language to confirm it in.
        The same command again (the same message, sender and date) adds nothing.
        """
        if not await access.may(_COMMAND[Change.FLAG], actor):
            return Refused(Why.NOT_ALLOWED, Change.FLAG)
        if origin.get("message_id") is not None:
            existing = await self._store.flag_from_command(
                origin.get("message_chat_id") or chat_id,
                origin["message_id"],
                flagged_by_id=actor.id,
                message_date=origin.get("message_date"),
            )
            if existing is not None:
                # Telegram sent the command again (the bot stopped before acknowledging
                # it, see bot.polling): the flag exists, and its confirmation, if it
                # never went out, is still in the outbox.
                self._announce(chat_id)
                return Done(existing, changed=False)
        checked = _checked(statement, Kind.STATEMENT, Change.FLAG, None)
        kept_note = _checked(note or "", Kind.NOTE, Change.FLAG, None)
        if isinstance(checked, Refused):
            return checked
        if isinstance(kept_note, Refused):
            return kept_note
        speaker, text = split_speaker(checked)
        if not text:
            return Refused(Why.EMPTY, Change.FLAG)
        refs = self._playbook_refs(text)
        reading = sameness.read(text, refs)
        earlier = await self._earlier(chat_id, text, reading)
        added = await self._store.add_flag(
            chat_id,
            text=text,
            speaker=speaker or author,
            flagged_by_id=actor.id,
            flagged_by_name=actor.name,
            source_author=author,
            matches=refs,
            note=kept_note or None,
            seen_before=None if earlier is None else earlier.number,
            seen_key=sameness.stored(reading),
            **origin,
        )
        self._announce(chat_id)
        return Done(added)

    def _playbook_refs(self, statement: str) -> list[str]:
        """The playbook's terms and claims the statement mentions, as a flag keeps them."""
        hits = self._services.library.index.mentions(statement, kinds=("term", "claim"))
        return [f"{hit.entry.kind}:{hit.entry.id}" for hit in hits]

    async def seen_before(
        self,
        chat_id: int,
        statement: str,
        *,
        refs: Sequence[str] | None = None,
        before: int | None = None,
    ) -> Flag | None:
        """The earliest flag of this chat (numbered below ``before``, not withdrawn)
        that says the same claim as ``statement``, in any round, words, speaker or
        language; None unless the matcher is confident (bot.sameness).

        ``statement`` is what was said, without a "Speaker:" before it. ``refs`` are
        its playbook matches when the caller has them; otherwise they are found here.
        Reads only a few candidates through the store's indexes, so a transcript's
        statements may be checked one by one. Changes nothing.
        """
        if refs is None:
            refs = self._playbook_refs(statement)
        return await self._earlier(chat_id, statement, sameness.read(statement, refs), before)

    async def _earlier(
        self, chat_id: int, statement: str, reading: sameness.Reading, before: int | None = None
    ) -> Flag | None:
        candidates = await self._store.seen_candidates(
            chat_id, sameness.search_words(statement), sorted(reading.refs), before=before
        )
        readings = []
        for candidate in candidates:
            kept = candidate.seen_key
            earlier = sameness.from_stored(kept, candidate.matches) if kept else None
            readings.append(
                (candidate.number, earlier or sameness.read(candidate.text, candidate.matches))
            )
        number = sameness.best_match(reading, readings)
        return next((found.flag() for found in candidates if found.number == number), None)

    async def verdict(
        self, chat_id: int, actor: Actor, number: int, status: Status, note: str = ""
    ) -> Answer:
        """A verdict, with its notice to the flagger queued."""
        kept_note = _checked(note, Kind.NOTE, Change.VERDICT, number)
        if isinstance(kept_note, Refused):
            return kept_note
        return await self._change(
            chat_id,
            actor,
            Change.VERDICT,
            number,
            lambda by, _: self._store.set_status(
                chat_id, number, status, note=kept_note or None, **by
            ),
        )

    async def assign(self, chat_id: int, actor: Actor, number: int, assignee: str | None) -> Answer:
        """Give the flag to someone to check (None or "" unassigns), said in the group.
        The assignee may then give the verdict, so only the flagger or a chat admin
        may assign."""
        named = _checked(assignee or "", Kind.NAME, Change.ASSIGN, number)
        if isinstance(named, Refused):
            return named
        who = shorten(named, MAX_ASSIGNEE) or None
        return await self._change(
            chat_id,
            actor,
            Change.ASSIGN,
            number,
            lambda by, _: self._store.assign(chat_id, number, who, **by),
        )

    async def retract(self, chat_id: int, actor: Actor, number: int, reason: str | None) -> Answer:
        """Withdraw the flag: it keeps its number and stays in the log, marked so."""
        why = _checked(reason or "", Kind.REASON, Change.RETRACT, number)
        if isinstance(why, Refused):
            return why
        return await self._change(
            chat_id,
            actor,
            Change.RETRACT,
            number,
            lambda by, _: self._store.retract(chat_id, number, why or None, **by),
        )

    async def note(self, chat_id: int, actor: Actor, number: int, note: str) -> Answer:
        """A note in the flag's record and its exports."""
        text = _checked(note, Kind.NOTE, Change.NOTE, number)
        if isinstance(text, Refused):
            return text
        return await self._note(chat_id, actor, number, text)

    async def evidence(self, chat_id: int, actor: Actor, number: int, url: str) -> Answer:
        """A link to the source that settles it, kept as a note so exports carry it:
        text the log keeps (bot.text_rules), and an https:// link, the only kind the
        board opens (through Telegram)."""
        link = _checked(url, Kind.LINK, Change.NOTE, number)
        if isinstance(link, Refused):
            return link
        parts = urlsplit(link)
        if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in link):
            return Refused(Why.NOT_A_LINK, Change.NOTE, number)
        return await self._note(chat_id, actor, number, f"Evidence: {link}")

    async def _note(self, chat_id: int, actor: Actor, number: int, text: str) -> Answer:
        if not text:
            return Refused(Why.EMPTY, Change.NOTE, number)
        return await self._change(
            chat_id,
            actor,
            Change.NOTE,
            number,
            lambda by, _: self._store.add_note(chat_id, number, text, **by),
        )

    async def edit_text(self, chat_id: int, actor: Actor, number: int, statement: str) -> Answer:
        """Follow an edit of the flagged message (or of the /flag itself): the new text
        replaces the statement, the old one stays in the history. A "Speaker:" before
        it is dropped when it names the flag's own speaker, as it was when flagged."""
        whole = _checked(statement, Kind.STATEMENT, Change.EDIT, number)
        if isinstance(whole, Refused):
            return whole
        if not whole:
            return Refused(Why.EMPTY, Change.EDIT, number)
        speaker, said = split_speaker(whole)

        def text_of(flag: Flag) -> str:
            same = speaker is not None and speaker.casefold() == (flag.speaker or "").casefold()
            return said if same and said else whole

        async def write(by: dict[str, Any], flag: Flag) -> Updated:
            # The new words may mention other playbook entries, and repeat another
            # earlier flag or none.
            text = text_of(flag)
            refs = self._playbook_refs(text)
            reading = sameness.read(text, refs)
            earlier = await self._earlier(chat_id, text, reading, before=flag.number)
            return await self._store.edit_text(
                chat_id,
                number,
                text,
                matches=refs,
                seen_before=None if earlier is None else earlier.number,
                seen_key=sameness.stored(reading),
                **by,
            )

        return await self._change(chat_id, actor, Change.EDIT, number, write)

    async def _change(
        self,
        chat_id: int,
        actor: Actor,
        change: Change,
        number: int,
        write: Callable[[dict[str, Any], Flag], Awaitable[Updated]],
    ) -> Answer:
        """Check the rule for ``change`` on the flag, then ``write(by, flag)``: ``by``
        names the actor for the flag's history, ``flag`` is the flag as it was read."""
        found = await self._flag_to_change(chat_id, actor, change, number)
        if isinstance(found, Refused):
            return found
        by: dict[str, Any] = {"by_id": actor.id, "by_name": actor.name}
        try:
            updated = await write(by, found)
        except FlagNotFound:
            # Purged since it was read.
            return Refused(Why.NOT_FOUND, change, number)
        if updated.changed:
            self._announce(chat_id)
        return Done(updated.flag, updated.changed)
