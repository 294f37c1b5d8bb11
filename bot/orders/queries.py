"""The read side: the orders a resident or a member sees, and lookups by number."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders.audience import grid_of
from bot.orders.dispatch import Place
from bot.orders.lifecycle import HELD_VALUES, OPEN_VALUES, Status
from bot.roster.cache import RosterView
from bot.roster.files.spec import split_building_key
from models.community import Member
from models.orders import Order, OrderEvent, OrderFollower


async def find(session: AsyncSession, number: int) -> Order | None:
    return await session.get(Order, number)


async def resident_orders(session: AsyncSession, openid: str, limit: int = 5) -> list[Order]:
    """The resident's latest orders, newest first."""
    rows = await session.execute(
        select(Order)
        .where(Order.resident_openid == openid)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(limit)
    )
    return list(rows.scalars())


async def follows(session: AsyncSession, number: int, openid: str) -> bool:
    """The resident reported the same problem to order ``number`` (orders.join)."""
    found = await session.execute(
        select(OrderFollower.order_id).where(
            OrderFollower.order_id == number, OrderFollower.openid == openid
        )
    )
    return found.first() is not None


async def placed_by(session: AsyncSession, number: int, actor: str) -> bool:
    """``actor`` gave or corrected order ``number``'s address (a "place" entry of its history)."""
    found = await session.execute(
        select(OrderEvent.id)
        .where(
            OrderEvent.order_id == number, OrderEvent.action == "place", OrderEvent.actor == actor
        )
        .limit(1)
    )
    return found.first() is not None


async def followed_orders(session: AsyncSession, openid: str, limit: int = 10) -> list[Order]:
    """Orders of other residents the resident reported too (已在 #N 中处理), newest first."""
    followed = select(OrderFollower.order_id).where(OrderFollower.openid == openid)
    rows = await session.execute(
        select(Order)
        .where(Order.id.in_(followed), Order.resident_openid != openid)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(limit)
    )
    return list(rows.scalars())


async def open_orders_of(session: AsyncSession, openid: str) -> list[Order]:
    rows = await session.execute(
        select(Order)
        .where(Order.resident_openid == openid, Order.status.in_(OPEN_VALUES))
        .order_by(Order.created_at.desc())
    )
    return list(rows.scalars())


async def held_by(session: AsyncSession, member_id: int, limit: int = 20) -> list[Order]:
    """What a member holds and has not finished: urgent first, then oldest first."""
    rows = await session.execute(
        select(Order)
        .where(Order.assignee_id == member_id, Order.status.in_(HELD_VALUES))
        .order_by(Order.urgent.desc(), Order.created_at)
        .limit(limit)
    )
    return list(rows.scalars())


async def awaiting_rating(session: AsyncSession, openid: str, since: datetime) -> list[Order]:
    """The resident's resolved orders awaiting a verdict (resolved after ``since``), newest
    first — and those the survey's time closed unrated: a late verdict still counts."""
    rows = await session.execute(
        select(Order)
        .where(
            Order.resident_openid == openid,
            or_(
                Order.status == Status.RESOLVED.value,
                and_(Order.status == Status.CLOSED.value, Order.rating.is_(None)),
            ),
            Order.resolved_at >= since,
        )
        .order_by(Order.resolved_at.desc())
        .limit(10)
    )
    return list(rows.scalars())


async def rated_since(session: AsyncSession, openid: str, since: datetime) -> list[Order]:
    """The resident's orders closed by their rating after ``since``, newest first: a score
    sent soon after may change it."""
    rows = await session.execute(
        select(Order)
        .where(
            Order.resident_openid == openid,
            Order.status == Status.CLOSED.value,
            Order.rating.is_not(None),
            Order.closed_at >= since,
        )
        .order_by(Order.closed_at.desc())
        .limit(10)
    )
    return list(rows.scalars())


async def latest_since(session: AsyncSession, openid: str, since: datetime) -> Order | None:
    """The resident's newest order created after ``since`` (a photo or a place joins it)."""
    return (
        await session.execute(
            select(Order)
            .where(Order.resident_openid == openid, Order.created_at >= since)
            .order_by(Order.created_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def open_urgent_since(session: AsyncSession, openid: str, since: datetime) -> list[Order]:
    """The resident's emergencies still open that were reported after ``since``, newest first:
    the ones a follow-up (救护车来了, 刚才那个拿刀的是看错了) may be about."""
    rows = await session.execute(
        select(Order)
        .where(
            Order.resident_openid == openid,
            Order.created_at >= since,
            Order.urgent.is_(True),
            Order.status.in_(OPEN_VALUES),
        )
        .order_by(Order.created_at.desc())
    )
    return list(rows.scalars())


async def recently_done(session: AsyncSession, openid: str, since: datetime) -> list[Order]:
    """The resident's orders resolved or closed after ``since`` — their own, and those they
    reported too (a neighbour told it was done may say it is not) — newest first: what
    没修好 may be about once the survey is answered or gone."""
    followed = select(OrderFollower.order_id).where(OrderFollower.openid == openid)
    rows = await session.execute(
        select(Order)
        .where(
            or_(Order.resident_openid == openid, Order.id.in_(followed)),
            Order.status.in_((Status.RESOLVED.value, Status.CLOSED.value)),
            Order.resolved_at >= since,
        )
        .order_by(Order.resolved_at.desc())
        .limit(10)
    )
    return list(rows.scalars())


async def unowned(
    session: AsyncSession, view: RosterView, member: Member, limit: int = 20
) -> list[Order]:
    """Orders nobody holds that this member may take (urgent first, then oldest): staff see
    their community's, the street's duty staff every community of the street, a grid leader
    those of their grids."""
    communities = [
        cid
        for cid, index in view.indexes.items()
        if member.key in index.staff or member.key in index.street_staff
    ]
    own = view.index_for(member.community_id)
    grids = {grid for grid, key in own.grid_leader.items() if key == member.key}
    if not communities and not grids:
        return []
    query = select(Order).where(
        Order.status == Status.RECEIVED.value,
        Order.assignee_id.is_(None),
        Order.merged_into.is_(None),
    )
    if not communities:
        query = query.where(
            _of_communities(view, [member.community_id]), Order.building.is_not(None)
        )
    else:
        query = query.where(_of_communities(view, communities))
    rows = await session.execute(query.order_by(Order.urgent.desc(), Order.created_at).limit(500))
    found = []
    for order in rows.scalars():
        index = view.index_for(order.community_id)
        place = Place(order.building, order.unit, order.room, order.estate_code or None)
        community = order.community_id if order.community_id is not None else view.default_community
        if community in communities or grid_of(index, place) in grids:
            found.append(order)
    return found[:limit]


def _of_communities(view: RosterView, ids: list[int]) -> ColumnElement[bool]:
    """Orders of these communities; an order filed with no community (the resident never
    said which estate) belongs to the first, as on the console, so it is never nobody's."""
    where = Order.community_id.in_(ids)
    if view.default_community in ids:
        return or_(where, Order.community_id.is_(None))
    return where


_UNACCEPTED = (Status.RECEIVED.value, Status.ASSIGNED.value)


async def grid_board(
    session: AsyncSession, view: RosterView, member: Member, limit: int = 200
) -> list[Order]:
    """Every open order in the buildings of the member's grids, whoever holds it, overdue
    first and then oldest: what a grid leader answers for (the weekly digest and 网格工单)."""
    index = view.index_for(member.community_id)
    grids = {grid for grid, key in index.grid_leader.items() if key == member.key}
    grids |= set(member.grids or [])
    keys = {b for b, g in index.grid_of_building.items() if g in grids}
    numbers = sorted({split_building_key(k)[1] for k in keys})
    if not numbers:
        return []
    community = Order.community_id == member.community_id
    if member.community_id == view.default_community:
        community = or_(community, Order.community_id.is_(None))
    rows = await session.execute(
        select(Order)
        .where(
            Order.status.in_(OPEN_VALUES),
            Order.merged_into.is_(None),
            Order.building.in_(numbers),
            community,
        )
        .order_by(Order.overdue_at.is_(None), Order.created_at)
        .limit(limit * 2)
    )
    found = []
    for o in rows.scalars():
        place = Place(o.building, o.unit, o.room, o.estate_code or None, o.community_id)
        # an order filed without its estate: by its building number (audience.grid_of)
        if place.key in keys or grid_of(index, place) in grids:
            found.append(o)
    # an emergency nobody has accepted comes before any routine order, however old
    found.sort(key=lambda o: not (o.urgent and o.status in _UNACCEPTED))
    return found[:limit]
