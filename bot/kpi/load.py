"""The facts the figures read, loaded for a period with SQLAlchemy Core: one pass over the
period's orders, one over their reopen/吹哨 events, and the (small) roster in memory."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.kpi.figures import OrderFact
from models.community import Building, Community, Grid, Member
from models.orders import Order, OrderEvent
from models.visits import Visit

REOPEN, WHISTLE = "reopen", "escalate"  # order_events.action of 重办 and 吹哨

_ORDER_COLUMNS = (
    Order.id,
    Order.created_at,
    Order.status,
    Order.category,
    Order.urgent,
    Order.assignee_id,
    Order.building,
    Order.summary,
    Order.assigned_at,
    Order.accepted_at,
    Order.resolved_at,
    Order.closed_at,
    Order.rating,
    Order.escalation_level,
    Order.overdue_at,
)


@dataclass(frozen=True, slots=True)
class Names:
    """Display names of the codes facts carry: communities, grids and members."""

    communities: dict[str, str] = field(default_factory=dict)
    grids: dict[str, str] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)
    grid_leaders: dict[str, str] = field(default_factory=dict)  # grid code -> member key


@dataclass(frozen=True, slots=True)
class _Roster:
    names: Names
    community_of_member: dict[int, int]
    member_key: dict[int, str]
    community_code: dict[int, str]
    # building number -> {community id: grid code or None}
    buildings: dict[str, dict[int, str | None]]


async def _roster(conn: AsyncConnection) -> _Roster:
    communities = {r.id: (r.code, r.name) for r in await conn.execute(select(Community))}
    grid_rows = (await conn.execute(select(Grid))).all()
    grids = {r.id: (r.code, r.name) for r in grid_rows}
    buildings: dict[str, dict[int, str | None]] = defaultdict(dict)
    for r in await conn.execute(select(Building.number, Building.community_id, Building.grid_id)):
        buildings[r.number][r.community_id] = grids[r.grid_id][0] if r.grid_id in grids else None
    members = (
        await conn.execute(select(Member.id, Member.key, Member.name, Member.community_id))
    ).all()
    return _Roster(
        names=Names(
            communities={code: name for code, name in communities.values()},
            grids={code: name for code, name in grids.values()},
            members={m.key: m.name for m in members},
            grid_leaders={r.code: r.leader_key for r in grid_rows if r.leader_key and r.active},
        ),
        community_of_member={m.id: m.community_id for m in members},
        member_key={m.id: m.key for m in members},
        community_code={i: code for i, (code, _) in communities.items()},
        buildings=dict(buildings),
    )


def _place(
    roster: _Roster, building: str | None, assignee: int | None
) -> tuple[int | None, str | None]:
    """(community id, grid code) of an order: its assignee's community, else the only (or first)
    community with that building number."""
    community = roster.community_of_member.get(assignee) if assignee is not None else None
    where = roster.buildings.get(building or "", {})
    if community is None and where:
        community = min(where)
    if community is None and len(roster.community_code) == 1:
        community = next(iter(roster.community_code))
    return community, where.get(community) if community is not None else None


async def _events(conn: AsyncConnection, start: datetime, end: datetime) -> dict[str, set[int]]:
    ids = select(Order.id).where(Order.created_at >= start, Order.created_at < end)
    stmt = (
        select(OrderEvent.order_id, OrderEvent.action)
        .distinct()
        .where(OrderEvent.action.in_((REOPEN, WHISTLE)), OrderEvent.order_id.in_(ids))
    )
    out: dict[str, set[int]] = {REOPEN: set(), WHISTLE: set()}
    for order_id, action in await conn.execute(stmt):
        out[action].add(order_id)
    return out


async def load_facts(
    engine: AsyncEngine | AsyncConnection, start: datetime, end: datetime
) -> tuple[list[OrderFact], Names]:
    """The facts of every order written in [start, end) (aware times; a Period's ``start_utc``
    and ``end_utc``), merged duplicates left out, with the names of the codes they carry."""
    if isinstance(engine, AsyncEngine):
        async with engine.connect() as conn:
            return await load_facts(conn, start, end)
    conn = engine
    roster = await _roster(conn)
    events = await _events(conn, start, end)
    reopened, whistled = events[REOPEN], events[WHISTLE]
    stmt = (
        select(*_ORDER_COLUMNS)
        .where(Order.created_at >= start, Order.created_at < end, Order.merged_into.is_(None))
        .order_by(Order.id)
    )
    facts: list[OrderFact] = []
    codes, keys, names = roster.community_code, roster.member_key, roster.names.members
    for r in await conn.execute(stmt):
        community, grid = _place(roster, r.building, r.assignee_id)
        key = keys.get(r.assignee_id) if r.assignee_id is not None else None
        facts.append(
            OrderFact(
                id=r.id,
                created_at=r.created_at,
                status=r.status,
                category=r.category,
                urgent=bool(r.urgent),
                community=codes.get(community) if community is not None else None,
                grid=grid,
                member=key,
                member_name=names.get(key) if key else None,
                building=r.building,
                summary=r.summary,
                assigned_at=r.assigned_at,
                accepted_at=r.accepted_at,
                resolved_at=r.resolved_at,
                closed_at=r.closed_at,
                rating=r.rating,
                reopened=r.id in reopened,
                escalation_level=r.escalation_level or 0,
                whistled=r.id in whistled,
                overdue=r.overdue_at is not None,
            )
        )
    return facts, roster.names


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
