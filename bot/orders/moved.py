"""An order nobody has taken yet that moved to another place: the address given after an
emergency went out without one, or an address corrected. It goes to the people of the new
place, and whoever was paged before is told it moved — a live "回复接单" prompt left with
them would send a second person to the door, or none if they thought it was theirs."""

from __future__ import annotations

from bot.orders import lifecycle as lc
from bot.orders.core import OrderCore
from bot.orders.lifecycle import Change, Notice
from bot.orders.tells import Tell
from models.community import Member
from models.orders import Order


async def send_to_place(
    orders: OrderCore, order: Order, change: Change, actor: str
) -> Member | None:
    """Write the place ``change`` (its history in ``actor``'s name: the resident said it),
    then dispatch the order again in the system's name — nobody chose the new member but the
    chain. The change's notices (the address, to whoever holds it) go out only when it stayed
    with them or went to nobody: a new holder's push names the place already. Returns who
    has it now."""
    was = (await orders.roster()).key_of(order.assignee_id)
    await orders.apply(order, Change(change.values, change.history), actor)
    if was is not None and await _still_theirs(orders, order, was):
        # the estate confirmed as the one it was sent to (青和居): the holder hears only the
        # address, not the order again as new (found from outside: 新工单 pushed twice and
        # 派给 the same member twice on its history)
        await orders.apply(order, Change({}, (), change.notices), "system")
        return (await orders.roster()).by_key.get(was)
    member = await orders.dispatch(order)
    if member is None or member.key == was:
        told = change.notices
    elif was is not None:
        told = (Notice(Tell.TAKEN_FROM_YOU, lc.member(was), {"to": member.key}),)
    else:
        told = ()
    if told:
        await orders.apply(order, Change({}, (), told), "system")
    return member


async def _still_theirs(orders: OrderCore, order: Order, was: str) -> bool:
    """Whether the chain of the order's new place gives it to ``was``, who has it now."""
    _, decision = await orders.choose(order, (), order.declined_by or [])
    return decision.member_id == was
