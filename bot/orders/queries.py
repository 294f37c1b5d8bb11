"""The read side: the orders a resident or a member sees, and lookups by number."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders.lifecycle import HELD_VALUES, OPEN_VALUES, Status
from models.orders import Order


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
    first."""
    rows = await session.execute(
        select(Order)
        .where(
            Order.resident_openid == openid,
            Order.status == Status.RESOLVED.value,
            Order.resolved_at >= since,
        )
        .order_by(Order.resolved_at.desc())
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


async def recently_done(session: AsyncSession, openid: str, since: datetime) -> list[Order]:
    """The resident's orders resolved or closed after ``since``, newest first: what 没修好
    may be about once the survey is answered or gone."""
    rows = await session.execute(
        select(Order)
        .where(
            Order.resident_openid == openid,
            Order.status.in_((Status.RESOLVED.value, Status.CLOSED.value)),
            Order.resolved_at >= since,
        )
        .order_by(Order.resolved_at.desc())
        .limit(10)
    )
    return list(rows.scalars())
