"""A report kept waiting for its address, filed without one because a new matter came first.
What the resident is told says truthfully what became of it: a new order, or an order it was
found to repeat. Found from outside: a request joined to an old fire order was announced as
that fire order "已先登记…还没有地址"."""

from __future__ import annotations

from typing import Any

from bot import texts
from bot.chat import conversation
from bot.clock import Clock
from bot.config import Config
from bot.messages import Incoming
from bot.orders.dispatch import Place
from bot.orders.service import OrderService
from bot.orders.state import FreshOrder
from handlers.reports import file_waiting

_SUMMARY = 20  # characters of the waiting report quoted back


async def file_before_new_matter(
    orders: OrderService, message: Incoming, data: dict[str, Any], clock: Clock, config: Config
) -> str:
    """The waiting report, created without an address (staff will ask), before a new matter;
    the line saying so ends with a newline ("" when nothing is to be said)."""
    await conversation.forget(orders.session, message.openid)
    reply, order = await file_waiting(orders, message, data, Place(), clock, config, None)
    if order is None:  # over the hourly limit: said, not dropped silently
        return f"{reply}\n" if reply else ""
    if isinstance(order, FreshOrder):
        return texts.PENDING_FILED.format(summary=order.summary, number=order.id)
    waiting = str(data.get("text") or "")[:_SUMMARY]
    return texts.PENDING_JOINED.format(summary=waiting, number=order.id)
