"""A resident's open orders when their information is erased (``mulin privacy erase``).

An order no neighbour follows is cancelled before the erasure: with its words, phone and door
gone and nobody to ask, whoever holds it could do nothing with it (found from outside, pass 9:
it stayed 待接单 in the member's 待办 reading 已按居民要求删除, and he was never told). Its
history says why, and its holder — and everyone told of it as an emergency — hears it in plain
words. An order a neighbour follows stays open: the thing is still broken for them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import StoppedClock
from bot.config import Config
from bot.orders import queries
from bot.orders.office_service import OfficeService
from bot.roster.cache import RosterCache
from models.orders import OrderFollower


async def cancel_unfollowed(
    session: AsyncSession, openid: str, config: Config, now: datetime
) -> int:
    """Cancel the resident's open orders no one else follows; how many were cancelled."""
    still_open = await queries.open_orders_of(session, openid)
    if not still_open:
        return 0
    followed = set(
        await session.scalars(
            select(OrderFollower.order_id).where(
                OrderFollower.order_id.in_([o.id for o in still_open]),
                OrderFollower.openid != openid,
            )
        )
    )
    service = OfficeService(session, StoppedClock(now), config, RosterCache())
    cancelled = 0
    for order in still_open:
        if order.id not in followed:
            await service.cancel_erased(order)
            cancelled += 1
    return cancelled
