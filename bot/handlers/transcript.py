"""/check: a whole transcript checked against the playbook (principle 8).

A member sends the transcript as a file: in the team's group with the caption
/check or by replying /check to it, in a private chat just the file. The answer
lists the known claims and loaded terms it contains, a page at a time, each with a
button that flags it into the log through the log's one door (bot.flaglog).

Nothing is stored until someone taps a button, and the file never is: the check's
result is kept in memory for an hour (a few per chat), since a button's 64 bytes
cannot carry the statement. Reading and matching a large file takes seconds, so it
runs in a worker thread while the bot goes on serving every other chat.
"""

from __future__ import annotations

import asyncio
import html
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, tzinfo

from telegram import Document, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import access, callbacks, render_transcript, text_rules, transcript
from bot.context import AnyApplication
from bot.flaglog import FlagLog, Refused, refusal_text
from bot.handlers import guards
from bot.handlers.common import (
    NEW_MESSAGES,
    Context,
    actor,
    is_private,
    language,
    pressed,
    reply,
    show_in_place,
)
from bot.i18n import t
from bot.playbook import Lang
from bot.render import Rendered, shorten
from bot.store import Flag
from bot.transcript import Checked, Finding, Problem

log = logging.getLogger(__name__)

# A check's result is kept this long, at most this many per chat and in all: with
# at most KEPT_FINDINGS statements of at most 4 KB each, some 80 MB at the very worst.
KEPT_SECONDS = 3600.0
KEPT_PER_CHAT = 3
KEPT_IN_ALL = 64
# Findings kept of one check: a page of five each, sixty pages.
KEPT_FINDINGS = 300

_CHECKS_KEY = "transcript checks"
_RUNNING_KEY = "transcript checks running"
# Checks read and matched at once, across chats: each takes a core for seconds and
# holds its file, so a burst of uploads waits its turn instead of starving lookups.
RUNNING_AT_ONCE = 2


@dataclass
class KeptCheck:
    checked: Checked
    flaggable: bool
    kept_at: float
    seen: dict[int, Flag] = field(default_factory=dict)
    # Findings flagged from this check: index -> flag number.
    flagged: dict[int, int] = field(default_factory=dict)
    # How many statements matched: more than the findings kept past KEPT_FINDINGS.
    found: int = 0
    # The chat's time zone, for when the flags seen before were made.
    zone: tzinfo = UTC


class KeptChecks:
    """The results of recent checks by (chat, id): bounded and expiring."""

    def __init__(
        self,
        seconds: float = KEPT_SECONDS,
        per_chat: int = KEPT_PER_CHAT,
        in_all: int = KEPT_IN_ALL,
    ) -> None:
        self.seconds, self.per_chat, self.in_all = seconds, per_chat, in_all
        self._checks: OrderedDict[tuple[int, str], KeptCheck] = OrderedDict()

    def keep(self, chat_id: int, check: KeptCheck) -> str:
        self._forget_expired()
        check_id = secrets.token_urlsafe(6)
        self._checks[(chat_id, check_id)] = check
        of_chat = [key for key in self._checks if key[0] == chat_id]
        for key in of_chat[: max(0, len(of_chat) - self.per_chat)]:
            del self._checks[key]
        while len(self._checks) > self.in_all:
            self._checks.popitem(last=False)
        return check_id

    def get(self, chat_id: int, check_id: str) -> KeptCheck | None:
        self._forget_expired()
        return self._checks.get((chat_id, check_id))

    def _forget_expired(self) -> None:
        now = time.monotonic()
        while self._checks:
            key, oldest = next(iter(self._checks.items()))
            if now - oldest.kept_at <= self.seconds:
                return
            del self._checks[key]


def kept_checks(context: Context) -> KeptChecks:
    checks: KeptChecks = context.application.bot_data.setdefault(_CHECKS_KEY, KeptChecks())
    return checks


def running_checks(context: Context) -> asyncio.Semaphore:
    running: asyncio.Semaphore = context.application.bot_data.setdefault(
        _RUNNING_KEY, asyncio.Semaphore(RUNNING_AT_ONCE)
    )
    return running


async def seen_before(
    context: Context, chat_id: int, findings: Sequence[Finding]
) -> dict[int, Flag]:
    """The chat's earlier flag that says the same claim as each finding, by index,
    as a new flag finds it (FlagLog.seen_before: bot.sameness, confident only)."""
    flag_log = FlagLog(context.services)
    found = {}
    for index, finding in enumerate(findings):
        said = finding.statement.text
        earlier = await flag_log.seen_before(chat_id, said, refs=finding.matches)
        if earlier is not None:
            found[index] = earlier
    return found


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size // 1024 + 1} KB"


def _problem_text(problem: Problem, name: str, lang: Lang, size: int | None = None) -> str:
    if problem is Problem.TOO_BIG:
        return t(lang, "check_too_big", name=name, size=_size(size or transcript.MAX_BYTES + 1))
    return t(lang, f"check_{problem}", name=name)


async def _download(
    update: Update, context: Context, document: Document, name: str, lang: Lang
) -> bytes | None:
    """The file's bytes; None once the sender is told why not."""
    try:
        found = await context.bot.get_file(document.file_id)
        data = bytes(await found.download_as_bytearray())
    except BadRequest as error:
        # Telegram lets bots download files of up to 20 MB, whatever size it reported.
        key = "check_too_big_for_telegram" if "too big" in str(error).lower() else None
        await reply(update, context, Rendered(t(lang, key or "check_download_failed", name=name)))
        return None
    except TelegramError as error:
        log.warning("could not download a transcript: %s", error)
        await reply(update, context, Rendered(t(lang, "check_download_failed", name=name)))
        return None
    if len(data) > transcript.MAX_BYTES:
        await reply(
            update, context, Rendered(_problem_text(Problem.TOO_BIG, name, lang, len(data)))
        )
        return None
    return data


async def _check(
    update: Update, context: Context, document: Document, lang: Lang, *, flaggable: bool
) -> None:
    """Check the document and answer with its findings, or with why it cannot be read."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    file_name = document.file_name or ""
    # A name with half an emoji (a lone surrogate) cannot be quoted back to Telegram.
    readable = text_rules.is_unicode(file_name) and file_name.strip()
    name = shorten(file_name if readable else f"transcript{transcript.extension(file_name)}", 80)
    if not transcript.supported(file_name):
        await reply(update, context, Rendered(_problem_text(Problem.UNSUPPORTED, name, lang)))
        return
    if document.file_size is not None and document.file_size > transcript.MAX_BYTES:
        text = _problem_text(Problem.TOO_BIG, name, lang, document.file_size)
        await reply(update, context, Rendered(text))
        return
    data = await _download(update, context, document, name, lang)
    if data is None:
        return
    index = context.library.index
    # Seconds of work for a large file: off the event loop, so other chats go on.
    async with running_checks(context):
        result = await asyncio.to_thread(transcript.check, data, file_name, index)
    if isinstance(result, Problem):
        await reply(update, context, Rendered(_problem_text(result, name, lang, len(data))))
        return
    if not result.findings:
        text = t(lang, "check_nothing", name=name, count=result.statements)
        await reply(update, context, Rendered(text))
        return
    found = len(result.findings)
    result = Checked(name, result.statements, result.findings[:KEPT_FINDINGS])
    kept = KeptCheck(result, flaggable, time.monotonic(), found=found)
    if flaggable:
        kept.seen = await seen_before(context, chat.id, result.findings)
        kept.zone = await guards.chat_zone(context, chat.id)
    check_id = kept_checks(context).keep(chat.id, kept)
    await reply(update, context, _page(context, kept, check_id, 0, lang))


def _page(context: Context, kept: KeptCheck, check_id: str, number: int, lang: Lang) -> Rendered:
    return render_transcript.page(
        kept.checked,
        number,
        context.library.playbook,
        lang,
        check_id=check_id,
        flaggable=kept.flaggable,
        seen=kept.seen,
        flagged=kept.flagged,
        found=kept.found,
        where=kept.zone,
    )


def _addressed_elsewhere(message: Message, username: str) -> bool:
    """ "/check@OtherBot": a command for another bot in the group."""
    first = (message.caption or message.text or "").split(maxsplit=1)[0]
    _, at, name = first.partition("@")
    return bool(at) and name.casefold() != username.casefold()


async def _in_group(update: Update, context: Context, document: Document | None) -> None:
    """/check in a group: only where the chat keeps a log, whose buttons flag into it."""
    lang = await language(update, context)
    if not await access.is_enrolled(update, context):
        chat = update.effective_chat
        log.info(
            "chat %s keeps no log: /enable there, or list it in ALLOWED_CHATS", chat and chat.id
        )
        await reply(update, context, Rendered(t(lang, "check_not_enrolled")))
        return
    if document is None:
        await reply(update, context, Rendered(t(lang, "check_usage")))
        return
    await _check(update, context, document, lang, flaggable=True)


async def caption_command(update: Update, context: Context) -> None:
    """A document sent with the caption /check."""
    message = update.effective_message
    if message is None or _addressed_elsewhere(message, context.bot.username):
        return
    if is_private(update):
        await private_document(update, context)
        return
    await _in_group(update, context, message.document)


async def check_command(update: Update, context: Context) -> None:
    """/check as a reply to a document; alone it says how to send one."""
    message = update.effective_message
    if message is None:
        return
    replied = message.reply_to_message
    document = replied.document if replied is not None else None
    if is_private(update):
        lang = await language(update, context)
        if document is None:
            await reply(update, context, Rendered(t(lang, "check_usage_private")))
            return
        await _check(update, context, document, lang, flaggable=False)
        return
    await _in_group(update, context, document)


async def private_document(update: Update, context: Context) -> None:
    """A document sent to the bot in a private chat: checked, without flag buttons."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    lang = await language(update, context)
    await _check(update, context, message.document, lang, flaggable=False)


async def page_button(update: Update, context: Context) -> None:
    found = await pressed(update, context, callbacks.TranscriptPage)
    chat = update.effective_chat
    if found is None or chat is None:
        return
    query, parsed = found
    lang = await language(update, context)
    kept = kept_checks(context).get(chat.id, parsed.check_id)
    if kept is None:
        await query.answer(t(lang, "check_expired"), show_alert=True)
        return
    await query.answer()
    await show_in_place(update, context, _page(context, kept, parsed.check_id, parsed.page, lang))


async def flag_button(update: Update, context: Context) -> None:
    """A finding's button: flag its statement, with its speaker and where it is in the
    transcript as the flag's note."""
    found = await pressed(update, context, callbacks.TranscriptFlag)
    if found is None:
        return
    query, parsed = found
    here = await guards.button_here(update, context)
    if here is None:
        return
    lang = here.lang
    kept = kept_checks(context).get(here.chat_id, parsed.check_id)
    if kept is None or parsed.index >= len(kept.checked.findings):
        await query.answer(t(lang, "check_expired"), show_alert=True)
        return
    number = kept.flagged.get(parsed.index)
    if number is not None:
        await query.answer(t(lang, "check_already_flagged", number=number))
        return
    finding = kept.checked.findings[parsed.index]
    statement = finding.statement
    place = render_transcript.place(finding, lang)
    # t() escapes what it fills in for Telegram; the log keeps plain text.
    note = html.unescape(t(lang, "check_flag_note", name=kept.checked.file_name, place=place))
    pressed_on = query.message if isinstance(query.message, Message) else None
    topic = pressed_on.message_thread_id if pressed_on and pressed_on.is_topic_message else None
    answer = await FlagLog(context.services).flag(
        here.chat_id,
        actor(update, context),
        statement.text,
        author=statement.speaker,
        note=note,
        message_id=None,
        thread_id=topic,
        announce_lang=lang,
    )
    if isinstance(answer, Refused):
        await query.answer(refusal_text(answer, lang, in_button=True), show_alert=True)
        return
    kept.flagged[parsed.index] = answer.flag.number
    await query.answer(t(lang, "check_flag_done", number=answer.flag.number))


def register(application: AnyApplication) -> None:
    application.bot_data[_CHECKS_KEY] = KeptChecks()
    application.bot_data[_RUNNING_KEY] = asyncio.Semaphore(RUNNING_AT_ONCE)
    application.add_handler(CommandHandler("check", check_command, filters=NEW_MESSAGES))
    captioned = filters.CaptionRegex(r"^/check(?:@\w+)?(?:\s|$)")
    application.add_handler(
        MessageHandler(NEW_MESSAGES & filters.Document.ALL & captioned, caption_command)
    )
    application.add_handler(
        MessageHandler(
            NEW_MESSAGES & filters.ChatType.PRIVATE & filters.Document.ALL, private_document
        )
    )
    application.add_handler(
        CallbackQueryHandler(flag_button, pattern=callbacks.TranscriptFlag.matches)
    )
    application.add_handler(
        CallbackQueryHandler(page_button, pattern=callbacks.TranscriptPage.matches)
    )
