"""Reads of an order's history that a reply depends on: who reopened it last, and how a
member came to leave it. Read only on the rare paths that need them (a refusal, a score that
cannot be taken), never on an ordinary message."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders.lifecycle import Action
from models.orders import OrderEvent

Left = Literal["declined", "passed", "timed_out"]


async def reopened_by_office(session: AsyncSession, order_id: int) -> bool:
    """Whether the order's latest reopening (重办) was the office's, not the resident's own
    (没修好, a low rating): after the office's, the resident's survey was withdrawn unasked."""
    actor = await session.scalar(
        select(OrderEvent.actor)
        .where(OrderEvent.order_id == order_id, OrderEvent.action == Action.REOPEN.value)
        .order_by(OrderEvent.id.desc())
        .limit(1)
    )
    return actor is not None and not actor.startswith("resident:")


async def how_member_left(
    session: AsyncSession, order_id: int, member_key: str, since: datetime | None
) -> Left:
    """How a member on the order's list of those it passed came off it (after ``since``, its
    last reopening, when the list starts anew): they declined it (退单), handed it on (转派),
    or — neither in its history — the timer moved it on because they did not accept in time.
    Found from outside: all three were told 「您已退单」."""
    query = select(OrderEvent.action).where(
        OrderEvent.order_id == order_id,
        OrderEvent.actor == f"member:{member_key}",
        OrderEvent.action.in_((Action.DECLINE.value, Action.REASSIGN.value)),
    )
    if since is not None:
        query = query.where(OrderEvent.at >= since)
    action = await session.scalar(query.order_by(OrderEvent.id.desc()).limit(1))
    if action == Action.DECLINE.value:
        return "declined"
    return "passed" if action == Action.REASSIGN.value else "timed_out"
