"""An order nobody has taken yet that moved to another place: the address given after an
emergency went out without one, or an address corrected. It goes to the people of the new
place, and whoever was paged before is told it moved — a live "回复接单" prompt left with
them would send a second person to the door, or none if they thought it was theirs; so is the
grid leader alerted to an emergency that is now another grid's."""

from __future__ import annotations

from bot.orders import lifecycle as lc
from bot.orders.audience import grid_leader
from bot.orders.core import OrderCore
from bot.orders.lifecycle import Change, Notice
from bot.orders.tells import Tell
from bot.roster.cache import RosterView
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
    view = await orders.roster()
    was = view.key_of(order.assignee_id)
    alerted = grid_leader(view, order) if order.urgent else None
    await orders.apply(order, Change(change.values, change.history), actor)
    if was is not None and await _still_theirs(orders, order, was):
        # the estate confirmed as the one it was sent to (青和居): the holder hears only the
        # address, not the order again as new (found from outside: 新工单 pushed twice and
        # 派给 the same member twice on its history)
        view = await orders.roster()
        member = view.by_key.get(was)
        told = change.notices + _left_behind(view, order, alerted, member, was)
        await orders.apply(order, Change({}, (), told), "system")
        return member
    member = await orders.dispatch(order)
    if member is None or member.key == was:
        told = change.notices
    elif was is not None:
        told = (Notice(Tell.TAKEN_FROM_YOU, lc.member(was), {"to": member.key}),)
    else:
        told = ()
    told += _left_behind(await orders.roster(), order, alerted, member, was)
    if told:
        await orders.apply(order, Change({}, (), told), "system")
    return member


def _left_behind(
    view: RosterView, order: Order, alerted: Member | None, member: Member | None, was: str | None
) -> tuple[Notice, ...]:
    """The grid leader ``alerted`` to the emergency where it was, when its new place is
    another grid's (found from outside: 陈秀英 was paged 紧急 for 青和居3栋, the resident
    answered 东亭, and only the representative heard it had gone)."""
    if alerted is None:
        return ()
    watching = {was, *(m.key for m in (member, grid_leader(view, order)) if m is not None)}
    if alerted.key in watching:
        return ()  # still theirs to watch, or told it was taken from them
    return (
        Notice(Tell.URGENT_MOVED, lc.member(alerted.key), {"to": member.key} if member else {}),
    )


async def _still_theirs(orders: OrderCore, order: Order, was: str) -> bool:
    """Whether the chain of the order's new place gives it to ``was``, who has it now."""
    _, decision = await orders.choose(order, (), order.declined_by or [])
    return decision.member_id == was
