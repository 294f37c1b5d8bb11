"""The figures page's read of the orders: one plain tuple per order in scope, its times as
POSIX seconds worked out by the database, its place found through the roster.

The figures of :mod:`bot.kpi.figures` read :class:`~bot.kpi.facts.OrderFact` records with
aware datetimes; building 100,000 of those (five datetimes each) was most of the page's cost.
Here the database hands back each time as the float ``datetime.timestamp()`` would give for
the stored value — PostgreSQL's ``date_part('epoch', …)`` and SQLite's whole seconds plus
microseconds, both an exact count of microseconds divided by a million, so the same float —
and only the columns the figures read. An order the floats cannot decide (a time on a
deadline) is rebuilt as an ``OrderFact`` (:func:`fact_of`) and measured the reference way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.kpi.facts import OrderFact
from bot.kpi.load import (
    ESCALATED,
    ORDERS,
    REOPEN,
    WHISTLE,
    Roster,
    first_rounds_of,
    level_of,
    marks_of,
    place_of,
    time_bound,
    who,
)
from bot.observability import heap

_C = ORDERS.c

# One order: the first eleven are :func:`bot.kpi.measure.measure_stamps`'s arguments, then
# its number, category and :class:`Who`.
Row = tuple[Any, ...]
(
    CREATED, STATUS, URGENT, ASSIGNED, ACCEPTED, RESOLVED, RATING, REOPENED, LEVEL, WHISTLED,
    OVERDUE, ID, CATEGORY, WHO,
) = range(14)  # fmt: skip


@dataclass(slots=True, eq=False)  # compared and hashed by identity: one per distinct place
class Who:
    """Where an order belongs: shared by every order of one building, assignee, community
    and estate (a few hundred for a month of 100,000 orders)."""

    admitted: bool  # by the scope's community and grid filters
    place: str | None  # "community:grid", the page's grid cut
    member: str | None  # the assignee's roster key
    community: str | None
    grid: str | None
    member_name: str | None
    building: str | None


@dataclass(frozen=True, slots=True)
class Filter:
    """Which orders a page counts (None: any): the communities the viewer may see, and the
    page's community, grid and category filters."""

    allowed: frozenset[str] | None = None
    community: str | None = None
    grid: str | None = None
    category: str | None = None

    def admits_place(self, community: str | None, grid: str | None) -> bool:
        """The community and grid filters (the category is checked order by order)."""
        return (
            (self.allowed is None or community in self.allowed)
            and (self.community is None or community == self.community)
            and (self.grid is None or grid == self.grid)
        )


def seconds(name: str, dialect: str, modern: bool = sqlite3.sqlite_version_info >= (3, 38)) -> str:
    """SQL for the stored time in column ``name`` as POSIX seconds (NULL stays NULL). SQLite
    keeps ``YYYY-MM-DD HH:MM:SS.ffffff`` text: whole seconds from the first 19 characters
    (never from the fraction, which SQLite would round to milliseconds and could carry into
    the next second), microseconds from the rest, padded when short."""
    if dialect == "sqlite":
        whole = (
            f"unixepoch(substr({name}, 1, 19))"  # SQLite 3.38+: a little cheaper
            if modern
            else f"CAST(strftime('%s', substr({name}, 1, 19)) AS INTEGER)"
        )
        return (
            f"(({whole} * 1000000 + CAST(substr({name} || '000000', 21, 6) AS INTEGER))"
            " / 1000000.0)"
        )
    return f"date_part('epoch', {name})"


_SELECT = (
    "SELECT {created_at}, status, urgent, {assigned_at}, {accepted_at}, {resolved_at}, rating,"
    " escalation_level, overdue_at IS NOT NULL, id, category, assignee_id, building,"
    " community_id, estate_code FROM orders"
    " WHERE created_at >= {lo} AND created_at < {hi} AND merged_into IS NULL"
    " ORDER BY created_at"
)


def _sql(dialect: str, lo: str, hi: str) -> str:
    times = ("created_at", "assigned_at", "accepted_at", "resolved_at")
    return _SELECT.format(**{name: seconds(name, dialect) for name in times}, lo=lo, hi=hi)


async def _fetch(conn: AsyncConnection, start: datetime, end: datetime) -> Sequence[Any]:
    """The rows of :data:`_SELECT`, fetched by the driver itself: for 100,000 rows
    SQLAlchemy's result rows cost as much as PostgreSQL's whole answer (about 0.15 s), and
    nothing here needs them. The statement runs on the session's own connection (inside its
    transaction when one is open); the bounds are bound as the tables store times."""
    dialect = conn.dialect.name
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None
    if dialect == "postgresql":  # asyncpg: aware datetimes for timestamptz
        return list(await driver.fetch(_sql(dialect, "$1", "$2"), start, end))
    if dialect != "sqlite":
        raise ValueError(f"figures: unsupported database {dialect}")
    bounds = [f"{t.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}" for t in (start, end)]  # naive UTC
    cursor = driver.cursor()  # bot.storage.sqlite_fused: execute and fetch in one hop
    await cursor.execute(_sql(dialect, "?", "?"), bounds)
    return list(await cursor.fetchall())


async def load_rows(
    conn: AsyncConnection, start: datetime, end: datetime, roster: Roster, scope: Filter
) -> list[Row]:
    """The orders written in [start, end) that ``scope`` admits, merged duplicates left out,
    oldest first."""
    if conn.dialect.name == "sqlite" and conn.in_transaction():
        # every transaction on SQLite takes the write lock (BEGIN IMMEDIATE,
        # bot/storage/engine.py): the long read runs outside one, so writers do not wait on it
        await conn.rollback()
    fetched = await _fetch(conn, start, end)
    lo, hi = time_bound(start), time_bound(end)
    marks = await marks_of(conn, lo, hi)
    rounds = {  # a reopened order's response is its first round's (as bot.kpi.load reads it)
        i: tuple(None if t is None else t.timestamp() for t in first)
        for i, first in (await first_rounds_of(conn, lo, hi)).items()
    }
    out: list[Row] = []
    with heap.paused():
        _place_rows(fetched, roster, scope, (marks, rounds), out)
    return out


def _place_rows(
    fetched: Sequence[Any], roster: Roster, scope: Filter,
    read: tuple[dict[str, set[int]], dict[int, tuple[float | None, ...]]], out: list[Row],
) -> None:  # fmt: skip
    """Each fetched order placed (through the roster, once per distinct place), filtered by
    the scope, as a :data:`Row` appended to ``out``; ``read``: the history's marks and the
    first rounds of reopened orders."""
    marks, rounds = read
    reopened, whistled, want = marks[REOPEN], marks[WHISTLE], scope.category
    escalated = marks[ESCALATED]
    # (building, assignee, community, estate) -> where the order belongs and whether the scope
    # admits the place: a few hundred distinct keys for a month of 100,000 orders
    memo: dict[tuple[Any, ...], Who] = {}
    append = out.append
    for r in fetched:
        (created, status, urgent, assigned, accepted, resolved, rating, level, overdue,
         id_, category, assignee, building, community, estate) = r  # fmt: skip
        key = (building, assignee, community, estate)
        found = memo.get(key)
        if found is None:
            code, grid, member, name = who(roster, building, assignee, (community, estate))
            spot = place_of(code, grid) if grid else None
            admitted = scope.admits_place(code, grid)
            found = memo[key] = Who(admitted, spot, member, code, grid, name, building)
        if not found.admitted or (want is not None and category != want):
            continue
        if id_ in rounds:
            assigned, accepted = rounds[id_]
        append(
            (created, status, bool(urgent), assigned, accepted, resolved, rating,
             id_ in reopened, level_of(level, id_ in escalated), id_ in whistled,
             bool(overdue), id_, category, found)
        )  # fmt: skip


def _time(stamp: float | None) -> datetime | None:
    # the nearest microsecond: exactly the stored time, as the float is within 0.25 µs of it
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC)


def fact_of(r: Row) -> OrderFact:
    """The order as the reference path reads it (for an order on a deadline)."""
    w: Who = r[WHO]
    return OrderFact(
        r[ID], _time(r[CREATED]), r[STATUS], r[CATEGORY], r[URGENT], w.community,  # type: ignore[arg-type]
        w.grid, w.member, w.member_name, w.building, "", _time(r[ASSIGNED]),
        _time(r[ACCEPTED]), _time(r[RESOLVED]), None, r[RATING], r[REOPENED], r[LEVEL],
        r[WHISTLED], r[OVERDUE],
    )  # fmt: skip


async def stamps_of(
    conn: AsyncConnection, ranges: Sequence[tuple[datetime, datetime]]
) -> list[tuple[int, int]]:
    """For each [start, end): (orders written in it, the sum of their versions). Every change
    to an order bumps its version (the ORM's version counter, the timers' bulk writes, the
    privacy jobs) and orders are never deleted, so the pair grows with any change to the
    range's orders — what a cached figure of a finished month is checked against."""
    if not ranges:
        return []
    parts = [
        select(
            literal(i).label("i"),
            func.count(),
            func.coalesce(func.sum(_C.version), 0),
        ).where(_C.created_at >= time_bound(a), _C.created_at < time_bound(b))
        for i, (a, b) in enumerate(ranges)
    ]
    found = {int(i): (int(n), int(v)) for i, n, v in await conn.execute(union_all(*parts))}
    return [found.get(i, (0, 0)) for i in range(len(ranges))]
