"""Thin chat handlers, one module per audience, included into the dispatcher in priority order.

A handler reads what a filter found, calls a service (the order service, the roster), and
words the reply from bot.texts. No SQL here.
"""

from __future__ import annotations

from typing import Any

from bot.chat.router import Dispatcher, Next
from bot.messages import Incoming, Reply
from bot.orders.service import OrderService, Refused


async def refusals_as_replies(nxt: Next, message: Incoming, data: dict[str, Any]) -> Reply | None:
    """A service's plain-Chinese refusal is the answer, not an error."""
    try:
        return await nxt(message, data)
    except Refused as refusal:
        return Reply(text=refusal.reply)


async def order_service(nxt: Next, message: Incoming, data: dict[str, Any]) -> Reply | None:
    """Handlers ask for ``orders`` by name: the order service of this unit of work."""
    if "session" in data and "roster" in data:
        data["orders"] = OrderService(
            data["session"], data["clock"], data["config"], data["roster"]
        )
    return await nxt(message, data)


def build_dispatcher() -> Dispatcher:
    from handlers import common, events, members, resident

    dp = Dispatcher()
    dp.middleware(refusals_as_replies)
    dp.middleware(order_service)
    dp.include_router(events.router)
    dp.include_router(common.router)
    dp.include_router(members.router)
    dp.include_router(resident.router)
    return dp
