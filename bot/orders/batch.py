"""What a unit of work reads about orders once, not once per report.

A batch of inbound reports asks the same questions again and again: how many orders does
each member of the chain hold, how many did this resident open in the last hour, is there an
open order this report repeats. The answers are read here once per batch (or once per
member), kept in the staging buffer's memo (bot.storage.staged), and the orders the batch
has staged but not yet written are added in memory. These reads are ``AWARE``: they do not
force the staged rows out. Anything else that runs in the transaction does, and that empties
the memo, so a read never outlives a change it could have missed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders.duplicates import PlaceKey, place_key
from bot.orders.lifecycle import HELD_VALUES, OPEN_VALUES, Status
from bot.orders.state import FreshOrder
from bot.storage.staged import AWARE, staged_for
from models.orders import Order

_ORDERS = cast(Table, Order.__table__)
_SENDERS = "batch_senders"  # session.info: who wrote the messages of this batch
_HELD = frozenset(HELD_VALUES)
DONE_VALUES = (Status.RESOLVED.value, Status.CLOSED.value)


async def prefetch(session: AsyncSession, openids: list[str]) -> None:
    """Note who wrote this batch: the first per-resident read asks about all of them."""
    session.info[_SENDERS] = openids


def senders(session: AsyncSession) -> list[str]:
    return list(session.info.get(_SENDERS) or ())


@dataclass
class Reads:
    """One transaction's reads, good until its staged rows go out."""

    fresh: list[FreshOrder] = field(default_factory=list)  # staged, not written yet
    # the same orders as a report compares them (open until written: nothing else sees them)
    fresh_candidates: list[Candidate] = field(default_factory=list)
    held: dict[int, int] = field(default_factory=dict)  # member id -> orders held, as read
    mine: dict[str, list[Candidate]] = field(default_factory=dict)  # open, per sender
    near: dict[tuple[str, str], list[Candidate]] = field(default_factory=dict)  # per building
    opened: dict[str, int] | None = None  # resident -> orders opened in the last hour, as read
    done: dict[str, list[Candidate]] = field(default_factory=dict)  # finished, per sender
    urgent: dict[str, list[Urgent]] = field(default_factory=dict)  # open emergencies, per sender


async def reads(session: AsyncSession) -> Reads:
    staged = await staged_for(session)
    found = staged.memo.get("orders")
    if found is None:
        found = staged.memo["orders"] = Reads()
    return cast(Reads, found)


async def settled(session: AsyncSession) -> None:
    """Write the ORM's pending changes first, as its autoflush would before a query."""
    sync = session.sync_session  # (the async session's properties are proxies: slower)
    if sync.new or sync.dirty or sync.deleted:
        await session.flush()


async def created(session: AsyncSession, order: FreshOrder) -> None:
    """A new order was staged: later reads of this batch count it."""
    memo = await reads(session)
    memo.fresh.append(order)
    o = order
    place = place_key(o.building, o.unit, o.room, o.community_id, o.estate_code)
    row = (o.id, o.resident_openid, o.building, o.unit, o.room, o.community_id, o.estate_code)
    memo.fresh_candidates.append(
        Candidate(*row, o.text, o.summary, o.category, o.created_at, place)
    )


_HELD_BY = (
    select(_ORDERS.c.assignee_id, func.count())
    .where(
        _ORDERS.c.status.in_(HELD_VALUES),
        _ORDERS.c.assignee_id.in_(bindparam("ids", expanding=True)),
    )
    .group_by(_ORDERS.c.assignee_id)
    .execution_options(**AWARE)
)


async def held_counts(
    session: AsyncSession,
    member_ids: Iterable[int],
    also: Callable[[], Iterable[int]] = tuple,
) -> dict[int, int]:
    """Open orders each member holds (only those asked about: the table can be large);
    ``also``: members to read with them if they must be read (they may be asked next)."""
    wanted = set(member_ids)
    if not wanted:
        return {}
    await settled(session)
    memo = await reads(session)
    missing = wanted - memo.held.keys()
    if missing:
        missing |= set(also()) - memo.held.keys()
    if missing:
        conn = await session.connection()
        found = await conn.execute(_HELD_BY, {"ids": sorted(missing)})
        memo.held.update(dict.fromkeys(missing, 0))
        memo.held.update({int(k): int(n) for k, n in found.all()})
    counts = {k: memo.held[k] for k in wanted}
    for order in memo.fresh:
        holder = order.assignee_id
        if holder is not None and holder in counts and order.status in _HELD:
            counts[holder] += 1
    return counts


_OPENED = (
    select(_ORDERS.c.resident_openid, func.count())
    .where(
        _ORDERS.c.resident_openid.in_(bindparam("openids", expanding=True)),
        _ORDERS.c.created_at >= bindparam("since", type_=_ORDERS.c.created_at.type),
    )
    .group_by(_ORDERS.c.resident_openid)
    .execution_options(**AWARE)
)


async def reports_since(session: AsyncSession, openid: str, since: datetime) -> int:
    """Orders this resident opened since ``since`` (the hourly limit).

    Read for every sender of the batch at its first report, so ``since`` is the first
    report's: a limit per hour, not per microsecond.
    """
    memo = await reads(session)
    if memo.opened is None or openid not in memo.opened:
        await settled(session)
        wanted = sorted({openid, *senders(session)} - set(memo.opened or {}))
        conn = await session.connection()
        found = await conn.execute(_OPENED, {"openids": wanted, "since": since})
        memo.opened = {**(memo.opened or {}), **dict.fromkeys(wanted, 0)}
        memo.opened.update({k: int(n) for k, n in found.all()})
    mine = sum(1 for o in memo.fresh if o.resident_openid == openid and o.created_at >= since)
    return memo.opened[openid] + mine


class Candidate(NamedTuple):
    """An open order a report could repeat: its place, its words, its number (a tuple:
    a batch reads a few hundred of them)."""

    id: int
    resident_openid: str
    building: str | None
    unit: str | None
    room: str | None
    community_id: int | None
    estate_code: str | None
    text: str
    summary: str
    category: str
    created_at: datetime
    place: PlaceKey  # compared with each report's (bot.orders.duplicates)


_CANDIDATE_COLUMNS = tuple(
    _ORDERS.c[name]
    for name in (
        "id",
        "resident_openid",
        "building",
        "unit",
        "room",
        "community_id",
        "estate_code",
        "text",
        "summary",
        "category",
        "created_at",
    )
)


def _candidate(row: Any) -> Candidate:
    number, openid, building, unit, room, community, estate, text, summary, category, at = row
    place = place_key(building, unit, room, community, estate)
    return Candidate(
        number, openid, building, unit, room, community, estate, text, summary, category, at, place
    )


def _open_since(*where: Any) -> Any:
    return (
        select(*_CANDIDATE_COLUMNS)
        .where(
            _ORDERS.c.status.in_(OPEN_VALUES),
            _ORDERS.c.created_at >= bindparam("since", type_=_ORDERS.c.created_at.type),
            _ORDERS.c.merged_into.is_(None),
            *where,
        )
        .order_by(_ORDERS.c.created_at.desc())
        .execution_options(**AWARE)
    )


# every open order of the batch's senders; the newest of a building's, per category
_OF_SENDERS = _open_since(_ORDERS.c.resident_openid.in_(bindparam("openids", expanding=True)))
_IN_BUILDING = _open_since(
    _ORDERS.c.building == bindparam("building"), _ORDERS.c.category == bindparam("category")
).limit(bindparam("n"))


async def _of_senders(
    session: AsyncSession, memo: Reads, openid: str, since: datetime
) -> list[Candidate]:
    if openid not in memo.mine:
        wanted = sorted({openid, *senders(session)} - memo.mine.keys())
        conn = await session.connection()
        for key in wanted:
            memo.mine[key] = []
        found = await conn.execute(_OF_SENDERS, {"openids": wanted, "since": since})
        for row in found.all():
            memo.mine[row.resident_openid].append(_candidate(row))
    return memo.mine[openid]


# the batch's senders' orders finished since ``since`` (what a report may tell again)
_DONE_OF_SENDERS = (
    select(*_CANDIDATE_COLUMNS)
    .where(
        _ORDERS.c.resident_openid.in_(bindparam("openids", expanding=True)),
        _ORDERS.c.status.in_(DONE_VALUES),
        _ORDERS.c.resolved_at >= bindparam("since", type_=_ORDERS.c.resolved_at.type),
    )
    .order_by(_ORDERS.c.resolved_at.desc())
    .execution_options(**AWARE)
)


async def done_of(session: AsyncSession, openid: str, since: datetime) -> list[Candidate]:
    """The resident's orders resolved or closed since ``since``, newest first: read once per
    batch for every sender (a staged order is never finished, so none is added in memory)."""
    memo = await reads(session)
    if openid not in memo.done:
        wanted = sorted({openid, *senders(session)} - memo.done.keys())
        for key in wanted:
            memo.done[key] = []
        conn = await session.connection()
        found = await conn.execute(_DONE_OF_SENDERS, {"openids": wanted, "since": since})
        for row in found.all():
            memo.done[row.resident_openid].append(_candidate(row))
    return memo.done[openid]


async def open_without_place(session: AsyncSession, openid: str, since: datetime) -> list[int]:
    """The resident's written open orders with no building, from the batch's read of every
    sender's open orders (the first reader's ``since`` decides the window): no statement of
    its own, so a report that names its address costs nothing more for asking."""
    memo = await reads(session)
    return [c.id for c in await _of_senders(session, memo, openid, since) if c.building is None]


async def _in_building(
    session: AsyncSession, memo: Reads, building: str, category: str, since: datetime, n: int
) -> list[Candidate]:
    key = (building, category)
    if key not in memo.near:
        conn = await session.connection()
        params = {"building": building, "category": category, "since": since, "n": n}
        found = await conn.execute(_IN_BUILDING, params)
        memo.near[key] = [_candidate(row) for row in found.all()]
    return memo.near[key]


async def open_candidates(
    session: AsyncSession,
    openid: str,
    building: str | None,
    category: str,
    since: datetime,
    limit: int = 50,
) -> list[Candidate]:
    """Open orders a new report could repeat: the same resident's, or the same building's,
    of the same category, opened since ``since``; the newest ``limit``, newest first (those
    staged in this batch are the newest).

    The written ones are read once per batch — every sender's, and each building's per
    category — with the first report's ``since``: a window of a day, not of a microsecond.
    """
    memo = await reads(session)
    staged = [
        o
        for o in reversed(memo.fresh_candidates)
        if o.category == category
        and o.created_at >= since
        and (o.resident_openid == openid or (building is not None and o.building == building))
    ]
    if len(staged) >= limit:
        return staged[:limit]
    await settled(session)
    found = await _of_senders(session, memo, openid, since)
    written = [c for c in found if c.category == category and c.created_at >= since]
    if building:
        ids = {c.id for c in written}
        near = await _in_building(session, memo, building, category, since, limit)
        near = [c for c in near if c.id not in ids and c.created_at >= since]
        if written:  # both come newest first; usually the resident has nothing open
            written = sorted([*written, *near], key=lambda c: c.created_at, reverse=True)
        else:
            written = near
    return [*staged, *written][:limit]


class Urgent(NamedTuple):
    """An open emergency of a sender's, as short words (有人吗, a bare 嗯) ask about it."""

    id: int
    status: str
    created_at: datetime


URGENT_WINDOW = timedelta(hours=24)  # the longest any short word looks back
_URGENT_OF_SENDERS = (
    select(_ORDERS.c.resident_openid, _ORDERS.c.id, _ORDERS.c.status, _ORDERS.c.created_at)
    .where(
        _ORDERS.c.resident_openid.in_(bindparam("openids", expanding=True)),
        _ORDERS.c.urgent.is_(True),
        _ORDERS.c.status.in_(OPEN_VALUES),
        _ORDERS.c.created_at >= bindparam("since", type_=_ORDERS.c.created_at.type),
    )
    .execution_options(**AWARE)
)


async def open_urgent(
    session: AsyncSession, openid: str, now: datetime, within: timedelta
) -> list[Urgent]:
    """The resident's open emergencies reported in the last ``within`` (at most a day), newest
    first: read once per batch for every sender, those staged in it added in memory. Found
    from a profile: every bare 好的 / 收到 asked with a query of its own, and the query first
    wrote out the batch's staged replies."""
    if within > URGENT_WINDOW:
        raise ValueError(f"open_urgent looks back at most {URGENT_WINDOW}")
    memo = await reads(session)
    if openid not in memo.urgent:
        await settled(session)
        wanted = sorted({openid, *senders(session)} - memo.urgent.keys())
        for key in wanted:
            memo.urgent[key] = []
        conn = await session.connection()
        params = {"openids": wanted, "since": now - URGENT_WINDOW}
        for row in (await conn.execute(_URGENT_OF_SENDERS, params)).all():
            memo.urgent[row.resident_openid].append(Urgent(row.id, row.status, row.created_at))
    found = {u.id: u for u in memo.urgent[openid]}
    for o in memo.fresh:
        if o.resident_openid == openid and o.urgent and o.status in OPEN_VALUES:
            found[o.id] = Urgent(o.id, o.status, o.created_at)
    since = now - within
    recent = [u for u in found.values() if u.created_at >= since]
    return sorted(recent, key=lambda u: (u.created_at, u.id), reverse=True)


# a building's orders of one category finished since ``since``: a shared part's problem (the
# stairwell's window) a neighbour may report again
_DONE_IN_BUILDING = (
    select(*_CANDIDATE_COLUMNS)
    .where(
        _ORDERS.c.building == bindparam("building"),
        _ORDERS.c.category == bindparam("category"),
        _ORDERS.c.status.in_(DONE_VALUES),
        _ORDERS.c.resolved_at >= bindparam("since", type_=_ORDERS.c.resolved_at.type),
    )
    .order_by(_ORDERS.c.resolved_at.desc())
    .limit(50)
    .execution_options(**AWARE)
)


async def done_in_building(
    session: AsyncSession, building: str, category: str, since: datetime
) -> list[Candidate]:
    """The building's orders of ``category`` finished since ``since``, newest first (read
    only for a report about a shared part: rare enough not to be memoised)."""
    conn = await session.connection()
    params = {"building": building, "category": category, "since": since}
    return [_candidate(row) for row in (await conn.execute(_DONE_IN_BUILDING, params)).all()]
