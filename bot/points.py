"""Talking points: the one service every change to them goes through.

Points are the team's prepared lines for a round (principle 10: define the results
before Moscow does). Any member proposes one; chat admins edit, reorder and remove
them (``access.COMMAND_ROLES`` says so, and only there). Each operation checks the
text and the rule, writes through the store (which keeps the history) and returns
the point, or a :class:`Refusal` that says why and what to do instead.

Nothing is announced beyond the reply to whoever acted, so nothing needs the outbox
yet; a change made from somewhere other than the chat would queue its notice there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from bot import text_rules
from bot.access import COMMAND_ROLES, Role
from bot.store import Point, PointEvent, PointNotFound, Round, Store
from bot.store.models import name_key

MAX_POINT_CHARS: Final = text_rules.LIMITS[text_rules.Kind.POINT]

# Asks Telegram, only when the rule needs it, whether the actor administers the chat.
AdminCheck = Callable[[], Awaitable[bool]]


@dataclass(frozen=True)
class Refusal:
    """Why an operation was not done: an i18n key and the values it names."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Listing:
    """The points being prepared: the open round's, else those for the next round."""

    round: Round | None
    points: list[Point]

    def number_of(self, point: Point) -> int:
        return next(index for index, item in enumerate(self.points, 1) if item.id == point.id)


def check_text(text: str) -> str | Refusal:
    """The text as it will be kept, or why it cannot be. Markup is kept as typed: every
    renderer shows it as text."""
    checked = text_rules.check(text, text_rules.Kind.POINT)
    if isinstance(checked, text_rules.Refused):
        if checked.problem is text_rules.Problem.TOO_LONG:
            return Refusal("point_too_long", {"limit": checked.limit, "length": len(text.strip())})
        return Refusal("point_bad_text")
    if not checked:
        return Refusal("points_usage")
    return checked


async def may(command: str, is_admin: AdminCheck) -> bool:
    """Whether the actor may use ``command`` ("points edit"), as COMMAND_ROLES says."""
    role = COMMAND_ROLES[command]
    return role is Role.MEMBER or await is_admin()


async def listing(store: Store, chat_id: int) -> Listing:
    current = await store.current_round(chat_id)
    points = await store.points.listed(chat_id, current.id if current else None)
    return Listing(current, points)


async def propose(
    store: Store, chat_id: int, text: str, *, by_id: int, by_name: str, is_admin: AdminCheck
) -> Point | Refusal:
    if not await may("points add", is_admin):
        return Refusal("admins_only")
    checked = check_text(text)
    if isinstance(checked, Refusal):
        return checked
    return await store.points.add(chat_id, checked, by_id=by_id, by_name=by_name)


async def _resolve(store: Store, chat_id: int, which: int, *, by_id: bool) -> Point | Refusal:
    """The live point a command's number (its place on the list) or a button's id
    names, in this chat only."""
    shown = await listing(store, chat_id)
    if by_id:
        found = next((point for point in shown.points if point.id == which), None)
        return found or Refusal("point_gone")
    if 0 < which <= len(shown.points):
        return shown.points[which - 1]
    return Refusal("point_not_found", {"number": which})


async def edit(
    store: Store,
    chat_id: int,
    which: int,
    text: str,
    *,
    by_id: int,
    by_name: str,
    is_admin: AdminCheck,
    which_is_id: bool = False,
) -> Point | Refusal:
    if not await may("points edit", is_admin):
        return Refusal("admins_only")
    checked = check_text(text)
    if isinstance(checked, Refusal):
        return checked
    point = await _resolve(store, chat_id, which, by_id=which_is_id)
    if isinstance(point, Refusal):
        return point
    try:
        return await store.points.edit(chat_id, point.id, checked, by_id=by_id, by_name=by_name)
    except PointNotFound:
        return Refusal("point_gone")


async def remove(
    store: Store,
    chat_id: int,
    which: int,
    *,
    by_id: int,
    by_name: str,
    is_admin: AdminCheck,
    which_is_id: bool = False,
) -> Point | Refusal:
    if not await may("points remove", is_admin):
        return Refusal("admins_only")
    point = await _resolve(store, chat_id, which, by_id=which_is_id)
    if isinstance(point, Refusal):
        return point
    try:
        return await store.points.remove(chat_id, point.id, by_id=by_id, by_name=by_name)
    except PointNotFound:
        return Refusal("point_gone")


async def move(
    store: Store,
    chat_id: int,
    which: int,
    to: int,
    *,
    by_id: int,
    by_name: str,
    is_admin: AdminCheck,
    which_is_id: bool = False,
) -> list[Point] | Refusal:
    """Put a point at place ``to`` of its list; the list as it now stands."""
    if not await may("points move", is_admin):
        return Refusal("admins_only")
    point = await _resolve(store, chat_id, which, by_id=which_is_id)
    if isinstance(point, Refusal):
        return point
    try:
        return await store.points.move(chat_id, point.id, to, by_id=by_id, by_name=by_name)
    except PointNotFound:
        return Refusal("point_gone")


@dataclass(frozen=True)
class Exported:
    """The points an export covers, removed ones too, with their histories."""

    points: list[Point]
    histories: dict[int, list[PointEvent]]
    round_names: dict[int, str]


async def for_export(store: Store, chat_id: int, round_name: str | None) -> Exported:
    """The chat's points, or those of the rounds of that name (as /export scopes flags)."""
    rounds = await store.rounds(chat_id)
    names = {r.id: r.name for r in rounds}
    chosen = await store.points.for_export(chat_id)
    if round_name is not None:
        wanted = {r.id for r in rounds if name_key(r.name) == name_key(round_name)}
        chosen = [point for point in chosen if point.round_id in wanted]
    histories = await store.points.history_for(chat_id, [point.id for point in chosen])
    return Exported(chosen, histories, names)
