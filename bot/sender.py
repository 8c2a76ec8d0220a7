"""Everything the bot says goes through here: one lane per chat, each within its budget.

A handler commits what an update changes, queues what the bot has to say, and
returns: it never waits for Telegram to accept a message, so a group at its flood
limit holds up neither the next update of another chat nor the acknowledgement of
the batch. Each chat's lane sends one message at a time when its budget
(``bot.flood``) has room, most urgent first; replies may use the share of a group's
minute kept for them, the rest may not:

1. replies to commands and buttons (in memory: a read that is lost in a crash can
   be asked again);
2. flag confirmations, 3. verdict notices and assignments (durable, from the
   outbox in the store);
4. term-watch cards (in memory, and dropped when the chat has no room for them);
5. the live list of open flags (/board), edited with the latest state at most once
   every ``board_every_s``.

While a lane waits for room, confirmations (and notices) pile up in the outbox and
go out as one message ("#21–#27 flagged"). What Telegram answers is handled here:
a 403 (the bot was removed or blocked) drops the chat's queue, "message is not
modified" counts as done, a deleted board is posted again, a deleted command is
answered without the reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any, Final

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot import render_log, timezones
from bot.flood import FloodControl, replying
from bot.i18n import Html, t
from bot.language import group_language
from bot.playbook import Lang, Playbook, as_lang
from bot.render import Rendered, esc, shorten
from bot.store import Flag, Store
from bot.store.outbox import OutboxItem
from bot.web import links

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

LIVE_LIST_ROWS: Final = 15
# An in-memory reply that Telegram keeps failing (network trouble) is given up on
# after this many tries; durable items are retried until they go out.
REPLY_TRIES: Final = 3
# Requests to Telegram under way at once, over all lanes. Four keep up with Telegram's
# 30 a second at round trips up to 130 ms. More buy nothing and cost much: httpx
# checks every idle connection of its pool for every request (a getpeername and a
# poll each), so each connection kept open makes every send dearer.
MAX_IN_FLIGHT: Final = 4
MAX_BACKOFF_S: Final = 30.0
# Messages whose content the sender remembers, to skip edits that change nothing.
SHOWN_KEPT: Final = 4096


class Priority(enum.IntEnum):
    REPLY = 0
    WATCH = 3


@dataclass(frozen=True, slots=True)
class Shown:
    """What a message shows: its text (None: an edit of the buttons only) and buttons."""

    text: str | None
    keyboard: InlineKeyboardMarkup | None


@dataclass
class Job:
    """One message to send: ``send`` makes the call, ``on_sent`` learns the result.

    ``shows`` is what the message will show once sent, and ``edits`` the message
    (chat id, message id) an edit changes: an edit to what that message already shows
    is not sent at all (Telegram would refuse it, at the cost of the group's budget).
    """

    priority: Priority
    send: Callable[[], Awaitable[Any]]
    on_sent: Callable[[Any], Awaitable[None]] | None = None
    tries: int = 0
    shows: Shown | None = None
    edits: tuple[int, int] | None = None


class _Outcome(enum.Enum):
    SENT = "sent"
    UNCHANGED = "unchanged"  # "message is not modified": what was wanted is there
    LATER = "later"  # a network fault: try again after a backoff
    PAUSED = "paused"  # a 429: try again when the chat's pause is over
    GONE = "gone"  # 403: the bot can no longer write to the chat
    FAILED = "failed"  # Telegram refused it: a bug to fix, not to retry forever


class Sender:
    """All lanes. ``submit`` and ``kick`` return at once; ``idle`` waits for quiet."""

    def __init__(
        self,
        flood: FloodControl,
        *,
        settings: Settings,
        store: Callable[[], Store],
        playbook: Callable[[], Playbook],
    ) -> None:
        # The store is opened, and the playbook reloaded, after the sender is made:
        # each is asked for when needed.
        self._store = store
        self.settings = settings
        self.playbook = playbook
        self.flood = flood
        self.bot: Bot | None = None
        self._lanes: dict[int, _Lane] = {}
        # Chats the bot can no longer write to (403, or removed): nothing is sent there
        # until it is added back.
        self._gone: set[int] = set()
        self.in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        # What each message the bot sent or edited last showed, most recent last.
        self._shown: OrderedDict[tuple[int, int], Shown] = OrderedDict()

    @property
    def store(self) -> Store:
        return self._store()

    async def start(self, bot: Bot) -> None:
        """Resume what a previous run left undelivered."""
        self.bot = bot
        for chat_id in await self.store.outbox.chats():
            self.kick(chat_id)

    def submit(self, chat_id: int, job: Job) -> None:
        self._lane(chat_id).add(job)

    def kick(self, chat_id: int) -> None:
        """The chat's outbox has something new."""
        self._lane(chat_id).outbox_changed()

    def _lane(self, chat_id: int) -> _Lane:
        lane = self._lanes.get(chat_id)
        if lane is None:
            lane = self._lanes[chat_id] = _Lane(self, chat_id)
        return lane

    async def idle(self) -> None:
        """Wait until every lane has said everything it had to say."""
        while busy := [lane.task for lane in self._lanes.values() if lane.task is not None]:
            await asyncio.gather(*busy, return_exceptions=True)

    async def stop(self, grace_s: float = 5.0) -> None:
        """Say what can be said within ``grace_s``; the outbox keeps the rest."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.idle(), grace_s)
        for lane in self._lanes.values():
            if lane.task is not None:
                lane.task.cancel()
        await asyncio.gather(
            *(lane.task for lane in self._lanes.values() if lane.task is not None),
            return_exceptions=True,
        )

    def already_shows(self, message: tuple[int, int], shows: Shown) -> bool:
        """Whether ``message`` shows ``shows`` already, as far as this run knows."""
        shown = self._shown.get(message)
        return (
            shown is not None
            and shows.text in (None, shown.text)
            and shows.keyboard == shown.keyboard
        )

    def remember(self, message: tuple[int, int], shows: Shown) -> None:
        if shows.text is None:
            shown = self._shown.get(message)
            if shown is None:
                return
            shows = Shown(shown.text, shows.keyboard)
        self._shown[message] = shows
        self._shown.move_to_end(message)
        if len(self._shown) > SHOWN_KEPT:
            self._shown.popitem(last=False)

    def is_gone(self, chat_id: int) -> bool:
        return chat_id in self._gone

    def gone(self, chat_id: int, reason: str) -> None:
        if chat_id not in self._gone:
            self._gone.add(chat_id)
            log.warning("chat %s no longer takes messages (%s); its log is kept", chat_id, reason)
        self.flood.forget(chat_id)

    async def forget_chat(self, chat_id: int) -> None:
        """Drop what was still to be said in the chat, queued or in the outbox."""
        lane = self._lanes.get(chat_id)
        if lane is not None:
            lane.replies.clear()
            lane.watch.clear()
            lane.outbox_dirty = False
        await self.store.outbox.drop_chat(chat_id)

    def back(self, chat_id: int) -> None:
        """The bot was added to the chat again."""
        self._gone.discard(chat_id)

    async def live_list(self, chat_id: int, lang: Lang, bot_username: str) -> Rendered:
        """The chat's live list as it is now: its open flags in its time zone, with the
        button to the board (an edit without it would drop it). Drawn here both for
        /board and for every refresh."""
        page = await self.store.open_flags(chat_id, limit=LIVE_LIST_ROWS)
        where = timezones.zone(await self.store.get_timezone(chat_id))
        link = links.board_link(self.settings, bot_username, chat_id)
        rendered = render_log.live_list(page.items, page.total, lang, where)
        return links.with_board_button(rendered, link, lang)

    def language(self, value: str | None) -> Lang:
        return as_lang(value) or self.settings.default_language

    async def chat_language(self, chat_id: int, fallback: str | None) -> Lang:
        """What the group reads (bot.language); ``fallback`` for a chat with none."""
        found = await group_language(self.store, self.settings, chat_id)
        return found or self.language(fallback)


class _Lane:
    def __init__(self, sender: Sender, chat_id: int) -> None:
        self.sender = sender
        self.chat_id = chat_id
        self.replies: deque[Job] = deque()
        self.watch: deque[Job] = deque()
        self.outbox_dirty = False
        self.task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._last_board = -sender.flood.budget.board_every_s
        self._failures = 0

    # -- scheduling --------------------------------------------------------------------

    def add(self, job: Job) -> None:
        if job.priority == Priority.WATCH:
            if self.sender.flood.is_crowded(self.chat_id):
                return  # no room now: a watch card later would be stale
            self.watch.append(job)
        else:
            self.replies.append(job)
        self._start()

    def outbox_changed(self) -> None:
        self.outbox_dirty = True
        self._start()

    def _start(self) -> None:
        self._wake.set()
        if self.task is None:
            self.task = asyncio.create_task(self._run(), name=f"sender:{self.chat_id}")

    async def _run(self) -> None:
        try:
            while self.replies or self.watch or self.outbox_dirty:
                try:
                    await self._step()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("sending to chat %s failed", self.chat_id)
                    await self._backoff()
        finally:
            self.task = None

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake early when new work arrives (it may be more urgent)."""
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def _backoff(self) -> None:
        self._failures += 1
        await asyncio.sleep(min(MAX_BACKOFF_S, 0.5 * 2**self._failures))

    async def _step(self) -> None:
        if self.sender.is_gone(self.chat_id):
            await self.sender.forget_chat(self.chat_id)
            return
        wait = self.sender.flood.wait_time(self.chat_id, reply=bool(self.replies))
        if wait > 0:
            if self.watch and self.sender.flood.is_crowded(self.chat_id):
                log.debug(
                    "chat %s over budget: %d watch cards dropped", self.chat_id, len(self.watch)
                )
                self.watch.clear()
            # A reply that arrives meanwhile may fit where the rest does not: look again.
            await self._sleep(wait)
            return
        if self.replies:
            await self._send_job(self.replies[0], self.replies)
            return
        items = await self.sender.store.outbox.pending(self.chat_id) if self.outbox_dirty else []
        if not items:
            self.outbox_dirty = False
        confirmations = [item for item in items if item.kind == "confirmation"]
        notices = [item for item in items if item.kind == "notice"]
        assignments = [item for item in items if item.kind == "assignment"]
        boards = [item for item in items if item.kind == "board"]
        if confirmations:
            await self._confirm(confirmations)
        elif notices:
            await self._notify(notices)
        elif assignments:
            await self._announce_assignment(assignments[0])
        elif self.watch:
            await self._send_job(self.watch[0], self.watch)
        elif boards:
            due = self._last_board + self.sender.flood.budget.board_every_s - time.monotonic()
            if due > 0:
                await self._sleep(due)
            else:
                await self._board(boards)

    # -- calling Telegram ----------------------------------------------------------------

    async def _call(self, send: Callable[[], Awaitable[Any]]) -> tuple[_Outcome, Any]:
        try:
            async with self.sender.in_flight:
                result = await send()
        except Forbidden as exc:
            return _Outcome.GONE, exc
        except ChatMigrated as exc:
            # The log moves with the migration update; what was queued here follows it.
            self.sender.kick(exc.new_chat_id)
            return _Outcome.FAILED, exc
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return _Outcome.UNCHANGED, exc
            return _Outcome.FAILED, exc
        except RetryAfter as exc:
            return _Outcome.PAUSED, exc
        except TelegramError as exc:
            log.info("sending to chat %s: %s; will retry", self.chat_id, exc)
            return _Outcome.LATER, exc
        self._failures = 0
        return _Outcome.SENT, result

    async def _settle(self, outcome: _Outcome, error: Any) -> bool:
        """Handle what went wrong; True when the item is finished with."""
        if outcome is _Outcome.GONE:
            self.sender.gone(self.chat_id, str(error))
            await self.sender.forget_chat(self.chat_id)
            return True
        if outcome is _Outcome.LATER:
            await self._backoff()
            return False
        if outcome is _Outcome.PAUSED:
            return False  # the next step waits for the chat's budget, pause included
        if outcome is _Outcome.FAILED:
            log.error("Telegram refused a message to chat %s: %s", self.chat_id, error)
        return True

    async def _send_job(self, job: Job, queue: deque[Job]) -> None:
        job.tries += 1
        if job.edits is not None and job.shows and self.sender.already_shows(job.edits, job.shows):
            outcome, result = _Outcome.UNCHANGED, None
        elif job.priority == Priority.REPLY:
            with replying():
                outcome, result = await self._call(job.send)
        else:
            outcome, result = await self._call(job.send)
        if outcome is _Outcome.SENT and job.on_sent is not None:
            await job.on_sent(result)
        if outcome in (_Outcome.SENT, _Outcome.UNCHANGED) and job.shows is not None:
            # An edit may fall back to a new message (the old one was deleted).
            message = (
                (result.chat.id, result.message_id) if isinstance(result, Message) else job.edits
            )
            if message is not None:
                self.sender.remember(message, job.shows)
        finished = outcome in (_Outcome.SENT, _Outcome.UNCHANGED) or await self._settle(
            outcome, result
        )
        if outcome is _Outcome.PAUSED:
            job.tries -= 1  # Telegram said when: waiting is not failing
        if not finished and job.tries >= REPLY_TRIES:
            log.error(
                "gave up sending to chat %s after %d tries",
                self.chat_id,
                job.tries,
                exc_info=result,
            )
            finished = True
        if finished and queue and queue[0] is job:
            queue.popleft()

    # -- the outbox ----------------------------------------------------------------------

    def _bot(self) -> Bot:
        bot = self.sender.bot
        if bot is None:
            raise RuntimeError("the sender has not been started")
        return bot

    def _reply_to(self, message_chat_id: int, message_id: int | None) -> ReplyParameters | None:
        # A message kept from before the group became a supergroup is in another chat.
        if message_id is None or message_chat_id != self.chat_id:
            return None
        return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)

    async def _confirm(self, items: Sequence[OutboxItem]) -> None:
        # One topic per message: a forum's confirmations go where their /flag was; the
        # rest wait their turn. All in the group's language.
        first = items[0]
        assert first.flag is not None
        lang = await self.sender.chat_language(self.chat_id, first.flag.announce_lang)
        alike = [
            item for item in items if item.flag and item.flag.thread_id == first.flag.thread_id
        ]
        flags = [item.flag for item in alike if item.flag is not None]
        store = self.sender.store
        earlier = await store.flags_numbered(
            self.chat_id, [flag.seen_before for flag in flags if flag.seen_before is not None]
        )
        where = timezones.zone(await store.get_timezone(self.chat_id)) if earlier else UTC
        rendered, covered = render_log.merged_confirmation(
            flags, self.sender.playbook(), lang, earlier, where
        )
        done = alike[:covered]
        reply_to = (
            self._reply_to(first.flag.message_chat_id, first.flag.message_id)
            if covered == 1
            else None
        )
        outcome, result = await self._call(
            lambda: self._bot().send_message(
                self.chat_id,
                rendered.text,
                reply_markup=rendered.keyboard,
                message_thread_id=first.flag.thread_id if first.flag else None,
                reply_parameters=reply_to,
            )
        )
        if outcome is _Outcome.SENT:
            self.sender.remember(
                (result.chat.id, result.message_id), Shown(rendered.text, rendered.keyboard)
            )
            await self.sender.store.outbox.delivered(
                done, confirmation=(result.chat.id, result.message_id)
            )
        elif await self._settle(outcome, result):
            await self.sender.store.outbox.delivered(done)

    async def _notify(self, items: Sequence[OutboxItem]) -> None:
        notices = [(item, item.flag) for item in items if item.flag is not None]
        orphans = [item for item in items if item.flag is None]
        if orphans:  # the flag was purged before its notice went out
            await self.sender.store.outbox.delivered(orphans)
        if not notices:
            return
        # A notice is for the flagger, in the group's language as everything said there.
        # One topic per message; notices in another topic wait their turn.
        first_flag = notices[0][1]
        lang = await self.sender.chat_language(self.chat_id, first_flag.announce_lang)
        notices = [(item, flag) for item, flag in notices if flag.thread_id == first_flag.thread_id]
        if len(notices) == 1:
            item, flag = notices[0]
            text = _notice_text(flag, item, lang)
            # The later flags that said the same now show this verdict: say which.
            repeats = await self.sender.store.repeated_by(self.chat_id, flag.number)
            if repeats:
                numbers = render_log.numbers_said(repeats[:20])
                text += "\n" + t(lang, "repeated_by", count=len(repeats), numbers=numbers)
            rendered = Rendered(text)
            reply_to = self._reply_to(
                flag.confirmation_chat_id or flag.message_chat_id, flag.confirmation_message_id
            )
        else:
            rendered = render_log.merged_notices(
                [(flag, str(item.detail.get("status")), _by(item)) for item, flag in notices],
                lang,
            )
            reply_to = None
        outcome, result = await self._call(
            lambda: self._bot().send_message(
                self.chat_id,
                rendered.text,
                message_thread_id=first_flag.thread_id,
                reply_parameters=reply_to,
            )
        )
        if outcome in (_Outcome.SENT, _Outcome.UNCHANGED) or await self._settle(outcome, result):
            await self.sender.store.outbox.delivered([item for item, _ in notices])

    async def _announce_assignment(self, item: OutboxItem) -> None:
        """ "#12 assigned to @analyst": the assignee has work to do. In the flag's
        language and topic, under its confirmation."""
        flag = item.flag
        if flag is None:  # the flag was purged before it went out
            await self.sender.store.outbox.delivered([item])
            return
        lang = await self.sender.chat_language(self.chat_id, flag.announce_lang)
        text = t(lang, "assigned", number=flag.number, assignee=str(item.detail.get("assignee")))
        reply_to = self._reply_to(
            flag.confirmation_chat_id or flag.message_chat_id, flag.confirmation_message_id
        )
        outcome, result = await self._call(
            lambda: self._bot().send_message(
                self.chat_id,
                text,
                message_thread_id=flag.thread_id,
                reply_parameters=reply_to,
            )
        )
        if outcome in (_Outcome.SENT, _Outcome.UNCHANGED) or await self._settle(outcome, result):
            await self.sender.store.outbox.delivered([item])

    async def _board(self, items: Sequence[OutboxItem]) -> None:
        store = self.sender.store
        board = await store.get_live_list(self.chat_id)
        if board is None:
            await store.outbox.delivered(items)
            return
        lang = await self.sender.chat_language(self.chat_id, board.lang)
        rendered = await self.sender.live_list(self.chat_id, lang, self._bot().username)
        shows, shown_in = Shown(rendered.text, rendered.keyboard), (self.chat_id, board.message_id)
        if self.sender.already_shows(shown_in, shows):
            # A refresh after a change the live list does not show (a closed flag withdrawn).
            await store.outbox.delivered(items)
            return
        self._last_board = time.monotonic()
        outcome, result = await self._call(
            lambda: self._bot().edit_message_text(
                rendered.text,
                chat_id=self.chat_id,
                message_id=board.message_id,
                reply_markup=rendered.keyboard,
            )
        )
        if outcome is _Outcome.FAILED and "not found" in str(result).lower():
            # Someone deleted the board: post it again, and edit that one from now on.
            outcome, result = await self._call(
                lambda: self._bot().send_message(
                    self.chat_id,
                    rendered.text,
                    message_thread_id=board.thread_id,
                    reply_markup=rendered.keyboard,
                )
            )
            if outcome is _Outcome.SENT:
                shown_in = (self.chat_id, result.message_id)
                await store.set_live_list(self.chat_id, result.message_id)
        if outcome in (_Outcome.SENT, _Outcome.UNCHANGED):
            self.sender.remember(shown_in, shows)
        if outcome in (_Outcome.SENT, _Outcome.UNCHANGED) or await self._settle(outcome, result):
            await store.outbox.delivered(items)


def _by(item: OutboxItem) -> str:
    return str(item.detail.get("by_name") or "?")


def _notice_text(flag: Flag, item: OutboxItem, lang: Lang) -> str:
    """ "Verdict for #12: False", who gave it and, unless they judged it themselves, the
    flagger named (and so notified); the note labelled."""
    status = str(item.detail.get("status") or flag.status)
    label = t(lang, f"status_{status}")
    if item.detail.get("by_id") == flag.flagged_by_id:
        text = t(lang, "verdict_set", number=flag.number, status=label, by=_by(item))
    else:
        flagger = Html(render_log.mention(flag.flagged_by_id, flag.flagged_by_name))
        text = t(
            lang, "verdict_notify", flagger=flagger, number=flag.number, status=label, by=_by(item)
        )
    if flag.note:
        label = esc(t(lang, "flag_note"))
        text += f"\n{label}: <i>{esc(shorten(flag.note.splitlines()[-1], 300))}</i>"
    return text


def reply_job(message: Message, rendered: Rendered, **kwargs: Any) -> Job:
    """Answer ``message`` in its chat and topic; in groups as a reply to it."""
    return Job(
        Priority.REPLY,
        lambda: message.reply_text(rendered.text, reply_markup=rendered.keyboard, **kwargs),
        shows=Shown(rendered.text, rendered.keyboard),
    )
