"""A finished emergency the resident reopens (a low rating, 还是坏的) is done again as an
ordinary order: the fire is out, what is left is a follow-up. Reopened as urgent it went to the
member off duty by then as 【紧急】新工单, with 10-minute reminders, and was chased all week as
紧急待接单 (found from outside)."""

from __future__ import annotations

from bot import texts
from bot.orders.core import OrderCore
from bot.orders.lifecycle import Change, History
from models.orders import Order


async def as_ordinary(orders: OrderCore, order: Order, actor: str) -> None:
    """Make ``order`` ordinary before it is dispatched again, when a resident reopens it (staff
    who reopen an emergency decide for themselves: they can mark it urgent on the console)."""
    if not order.urgent or not actor.startswith("resident:"):
        return
    note = History("calm", texts.HISTORY_REOPENED_ORDINARY)
    await orders.apply(order, Change({"urgent": False}, (note,)), actor)
