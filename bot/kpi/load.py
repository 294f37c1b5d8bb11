"""The facts the figures read, loaded for a period with SQLAlchemy Core: one pass over the
period's orders, one over their reopen/吹哨 events, and the (small) roster in memory."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import column, literal, select, table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.kpi.facts import OrderFact
from models.base import UTCDateTime
from models.community import Building, Community, Grid, Member
from models.orders import OrderEvent
from models.visits import Visit

REOPEN, WHISTLE = "reopen", "escalate"  # order_events.action of 重办 and 吹哨
# the timers' escalations: a reopen starts the order's level afresh, the history keeps them
ESCALATIONS = ("timer:escalate_grid", "timer:escalate_staff")
ESCALATED = "escalated"

# The orders table with untyped columns: times come back as the driver gives them and are made
# aware here (one C call each), instead of through the ORM's type per value — the difference
# between about 5 s and under 1 s for a month of 100,000 orders.
_FIELDS = (
    "id", "created_at", "status", "category", "urgent", "assignee_id", "building", "summary",
    "assigned_at", "accepted_at", "resolved_at", "closed_at", "rating", "escalation_level",
    "overdue_at", "community_id", "estate_code",
)  # fmt: skip
# (public: the figures page's reader, bot.kpi.rows, reads it too)
ORDERS = table("orders", *(column(name) for name in (*_FIELDS, "merged_into", "version")))
_C = ORDERS.c


def utc(value: object) -> datetime | None:
    """A stored time as an aware UTC datetime: SQLite hands back naive UTC text, PostgreSQL
    datetimes. (Parsing with the offset appended is several times faster than ``replace``.)"""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:
            value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"not a time: {value!r}")
    if value.tzinfo is UTC:  # asyncpg's timestamptz: already as wanted
        return value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def time_bound(when: datetime) -> Any:
    """A time bound compared with the untyped columns, bound as the tables store times."""
    return literal(when, UTCDateTime())


def place_of(community: str | None, grid: str) -> str:
    """A grid's place, unique across a street: ``"qhj:G01"``."""
    return f"{community or ''}:{grid}"


@dataclass(frozen=True, slots=True)
class Names:
    """Display names of the codes facts carry: communities, grids and members."""

    communities: dict[str, str] = field(default_factory=dict)
    grids: dict[str, str] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)
    grid_leaders: dict[str, str] = field(default_factory=dict)  # grid code -> member key
    # grid codes repeat across a street's communities: by place, "community:grid"
    places: dict[str, str] = field(default_factory=dict)  # place -> grid name
    place_leaders: dict[str, str] = field(default_factory=dict)  # place -> member key


@dataclass(frozen=True, slots=True)
class Roster:
    """What placing an order needs: its community, its building's grid, its assignee's key."""

    names: Names
    community_of_member: dict[int, int]
    member_key: dict[int, str]
    community_code: dict[int, str]
    # building number -> {(community id, estate code): grid code or None}
    buildings: dict[str, dict[tuple[int, str], str | None]]
    first: int | None = None  # the community of orders from before streets
    # equal for two rosters that place every order alike (a cache of figures keys on it)
    version: int = 0


async def roster_of(conn: AsyncConnection) -> Roster:
    """The communities, grids, buildings and members, read whole (they are small)."""
    rows = (await conn.execute(select(Community).order_by(Community.id))).all()
    communities = {r.id: (r.code, r.name) for r in rows}
    first = next((r.id for r in rows if r.kind != "street"), None)
    grid_rows = (await conn.execute(select(Grid).order_by(Grid.id))).all()

    def code_of(community_id: int) -> str | None:
        found = communities.get(community_id)
        return found[0] if found else None

    grids = {r.id: (r.code, r.name) for r in grid_rows}
    buildings: dict[str, dict[tuple[int, str], str | None]] = defaultdict(dict)
    query = select(
        Building.number, Building.community_id, Building.estate_code, Building.grid_id
    ).order_by(Building.id)  # in a fixed order: ``_place`` takes the first match
    placed = (await conn.execute(query)).all()
    for r in placed:
        grid = grids[r.grid_id][0] if r.grid_id in grids else None
        buildings[r.number][(r.community_id, r.estate_code)] = grid
    members = (
        await conn.execute(
            select(Member.id, Member.key, Member.name, Member.community_id).order_by(Member.id)
        )
    ).all()
    return Roster(
        names=Names(
            communities={code: name for code, name in communities.values()},
            grids={code: name for code, name in grids.values()},
            members={m.key: m.name for m in members},
            grid_leaders={r.code: r.leader_key for r in grid_rows if r.leader_key and r.active},
            places={place_of(code_of(r.community_id), r.code): r.name for r in grid_rows},
            place_leaders={
                place_of(code_of(r.community_id), r.code): r.leader_key
                for r in grid_rows
                if r.leader_key and r.active
            },
        ),
        community_of_member={m.id: m.community_id for m in members},
        member_key={m.id: m.key for m in members},
        community_code={i: code for i, (code, _) in communities.items()},
        buildings=dict(buildings),
        first=first,
        version=hash(
            (
                tuple(map(repr, rows)),
                tuple(map(repr, grid_rows)),
                tuple(map(repr, placed)),
                tuple(map(repr, members)),
            )
        ),
    )


def _place(
    roster: Roster, building: str | None, assignee: int | None, at: tuple[Any, Any] = (None, None)
) -> tuple[int | None, str | None]:
    """(community id, grid code) of an order: the community it was filed in (orders from before
    streets: the first community), and the grid of its building in that community and estate."""
    community, estate = at
    if community is None:
        community = roster.first
        if community is None and assignee is not None:
            community = roster.community_of_member.get(assignee)
    where = roster.buildings.get(building or "", {})
    grid = where.get((community, estate or "")) if community is not None else None
    if grid is None and community is not None and not estate:
        grid = next((g for (c, _), g in where.items() if c == community and g), None)
    return community, grid


async def marks_of(conn: AsyncConnection, start: Any, end: Any) -> dict[str, set[int]]:
    """The orders written in [start, end) reopened (重办), escalated beyond the community
    (吹哨) and escalated by the timers at least once: ``{REOPEN: ids, WHISTLE: ids,
    ESCALATED: ids}``."""
    ids = select(_C.id).where(_C.created_at >= start, _C.created_at < end)
    wanted = (REOPEN, WHISTLE, *ESCALATIONS)
    stmt = (
        select(OrderEvent.order_id, OrderEvent.action)
        .distinct()
        .where(OrderEvent.action.in_(wanted), OrderEvent.order_id.in_(ids))
    )
    out: dict[str, set[int]] = {REOPEN: set(), WHISTLE: set(), ESCALATED: set()}
    for order_id, action in await conn.execute(stmt):
        out[ESCALATED if action in ESCALATIONS else action].add(order_id)
    return out


# the history entries that set an order's assignment and acceptance (bot.orders.lifecycle:
# ``assign`` for a dispatch, a decline's next member and a hand-on, ``reassign`` for 转派)
_GIVEN = ("assign", "decline", "reassign")
_ROUND = (*_GIVEN, "accept", REOPEN)

Round = tuple[datetime | None, datetime | None]  # (assigned, accepted) as they stood


async def first_rounds_of(conn: AsyncConnection, start: Any, end: Any) -> dict[int, Round]:
    """The orders written in [start, end) that were reopened (重办), each with its assignment
    and acceptance as they stood when it was first reopened: the response to the resident's
    report, read from the history (the order's own columns hold the last round's)."""
    ids = select(_C.id).where(_C.created_at >= start, _C.created_at < end)
    reopened = select(OrderEvent.order_id).where(
        OrderEvent.action == REOPEN, OrderEvent.order_id.in_(ids)
    )
    stmt = (
        select(OrderEvent.order_id, OrderEvent.action, OrderEvent.to_status, OrderEvent.at)
        .where(OrderEvent.order_id.in_(reopened), OrderEvent.action.in_(_ROUND))
        .order_by(OrderEvent.order_id, OrderEvent.at, OrderEvent.id)
    )
    out: dict[int, Round] = {}
    done: set[int] = set()
    for order_id, action, to_status, at in await conn.execute(stmt):
        if order_id in done:
            continue
        assigned, accepted = out.get(order_id, (None, None))
        if action == REOPEN:
            done.add(order_id)
            if assigned is None and accepted is None:
                out.pop(order_id, None)  # nothing to read: the order's own columns stand
            continue
        if action == "accept":
            accepted = utc(at)
        elif to_status == "assigned":  # (left with nobody, it stays received)
            assigned = utc(at)
            accepted = None if action == "reassign" else accepted
        out[order_id] = (assigned, accepted)
    return {i: r for i, r in out.items() if i in done}


def level_of(level: int | None, escalated: bool) -> int:
    """The order's escalation as the figures count it: its level now, or 1 when the timers
    escalated it before a reopen reset the level."""
    return level or (1 if escalated else 0)


async def load_facts(
    engine: AsyncEngine | AsyncConnection, start: datetime, end: datetime
) -> tuple[list[OrderFact], Names]:
    """The facts of every order written in [start, end) (aware times; a Period's ``start_utc``
    and ``end_utc``), merged duplicates left out, with the names of the codes they carry."""
    if isinstance(engine, AsyncEngine):
        async with engine.connect() as conn:
            return await load_facts(conn, start, end)
    conn = engine
    roster = await roster_of(conn)
    lo, hi = time_bound(start), time_bound(end)
    events = await marks_of(conn, lo, hi)
    rounds = await first_rounds_of(conn, lo, hi)
    stmt = (
        select(*(_C[name] for name in _FIELDS))
        .where(_C.created_at >= lo, _C.created_at < hi, _C.merged_into.is_(None))
        .order_by(_C.id)
    )
    rows = (await conn.execute(stmt)).all()
    return _facts(rows, roster, events, rounds), roster.names


def _facts(
    rows: Any, roster: Roster, events: dict[str, set[int]], rounds: dict[int, Round]
) -> list[OrderFact]:
    """The facts of the fetched orders; a reopened order's response is its first round's."""
    reopened, whistled, escalated = events[REOPEN], events[WHISTLE], events[ESCALATED]
    # (building, assignee) -> community code, grid, member key, member name: a few hundred
    # distinct pairs for a month of 100,000 orders
    places: dict[tuple[Any, ...], tuple[str | None, str | None, str | None, str | None]] = {}
    out: list[OrderFact] = []
    append = out.append
    for r in rows:
        (id_, created, status, category, urgent, assignee, building, summary,
         assigned, accepted, resolved, closed, rating, level, overdue, community, estate) = r  # fmt: skip
        key = (building, assignee, community, estate)
        place = places.get(key)
        if place is None:
            place = places[key] = who(roster, building, assignee, (community, estate))
        first = rounds.get(id_)
        assigned_at, accepted_at = (utc(assigned), utc(accepted)) if first is None else first
        append(
            OrderFact(
                id_,
                utc(created),  # type: ignore[arg-type]  # created_at is NOT NULL
                status,
                category,
                bool(urgent),
                *place,
                building,
                summary or "",
                assigned_at,
                accepted_at,
                utc(resolved),
                utc(closed),
                rating,
                id_ in reopened,
                level_of(level, id_ in escalated),
                id_ in whistled,
                overdue is not None,
            )
        )
    return out


def who(
    roster: Roster, building: str | None, assignee: int | None, at: tuple[Any, Any]
) -> tuple[str | None, str | None, str | None, str | None]:
    """(community code, grid code, member key, member name) of an order."""
    community, grid = _place(roster, building, assignee, at)
    key = roster.member_key.get(assignee) if assignee is not None else None
    return (
        roster.community_code.get(community) if community is not None else None,
        grid,
        key,
        roster.names.members.get(key) if key else None,
    )


@dataclass(frozen=True, slots=True)
class VisitFact:
    member: str
    member_name: str
    grids: tuple[str, ...]
    at: datetime
    minutes: int
    note: str


async def load_visits(engine: AsyncEngine, start: datetime, end: datetime) -> list[VisitFact]:
    """Grid visits (走访) logged in [start, end), oldest first."""
    stmt = (
        select(Member.key, Member.name, Member.grids, Visit.at, Visit.minutes, Visit.note)
        .join(Member, Member.id == Visit.member_id)
        .where(Visit.at >= start, Visit.at < end)
        .order_by(Visit.at, Visit.id)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(stmt)).all()
    return [VisitFact(r[0], r[1], tuple(r[2] or ()), r[3], r[4], r[5] or "") for r in rows]


async def communities_under(conn: AsyncConnection, code: str | None) -> frozenset[str] | None:
    """The community codes an account of ``code`` may see: None (all) without a code or for
    the street office (as the console's board: one street per installation); a community,
    itself."""
    if not code:
        return None
    query = select(Community.kind).where(Community.code == code)
    kind = (await conn.execute(query)).scalar_one_or_none()
    return None if kind == "street" else frozenset({code})
