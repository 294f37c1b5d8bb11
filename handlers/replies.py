"""Chat wording of what the read side returns: lists of orders for residents and members."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import tzinfo

from bot import texts
from bot.orders.lifecycle import HELD_VALUES, Status
from bot.orders.wording import place_text, who
from bot.roster.cache import RosterView
from models.orders import Order

_FINISHED = (Status.RESOLVED.value, Status.CLOSED.value)


def resident_orders(
    orders: Sequence[Order], view: RosterView, tz: tzinfo, followed: Collection[int] = ()
) -> str:
    """A resident's orders, one a line; those in ``followed`` (a neighbour reported them, the
    resident's report joined) say so."""
    if not orders:
        return texts.NO_ORDERS
    lines = [texts.ORDERS_HEADER]
    for o in orders:
        holder = view.by_id.get(o.assignee_id) if o.assignee_id else None
        by = f"，{holder.name}" if holder and o.status in HELD_VALUES else ""
        if holder and o.status in _FINISHED:  # found from outside: who did it was not said
            by = texts.RESIDENT_DONE_BY.format(name=holder.name)
        local = o.created_at.astimezone(tz).strftime("%m-%d %H:%M")
        status = (
            texts.RESIDENT_STATUS_RECEIVED
            if o.status == "received"
            else texts.STATUS_NAMES[o.status]
        )
        also = texts.ORDER_FOLLOWED_TAG if o.id in followed else ""
        lines.append(f"#{o.id} {status}{by}｜{o.summary}（{local}）{also}")
    return "\n".join(lines)


def member_open(orders: Sequence[Order], view: RosterView, unowned: Sequence[Order] = ()) -> str:
    """What a member holds, then what nobody holds that they may take (接单 N); overdue
    ones are flagged."""
    if not orders and not unowned:
        return texts.MEMBER_NO_OPEN
    parts = []
    if orders:
        parts.append("\n".join([texts.MEMBER_OPEN_HEADER, *(_line(o, view) for o in orders)]))
    if unowned:
        first = unowned[0].id
        lines = [*(_line(o, view) for o in unowned), texts.MEMBER_UNOWNED_HINT.format(number=first)]
        parts.append("\n".join([texts.MEMBER_UNOWNED_HEADER, *lines]))
    return "\n\n".join(parts)


_BOARD_SHOWN = 15


def grid_board(orders: Sequence[Order], view: RosterView) -> str:
    """A grid leader's whole board: each open order with who holds it, overdue first."""
    if not orders:
        return texts.GRID_BOARD_EMPTY
    overdue = sum(o.overdue_at is not None for o in orders)
    lines = [texts.GRID_BOARD_HEADER.format(open=len(orders), overdue=overdue)]
    for o in orders[:_BOARD_SHOWN]:
        holder = view.by_id.get(o.assignee_id) if o.assignee_id else None
        by = f"（{holder.name}）" if holder else texts.GRID_BOARD_NOBODY
        lines.append(_line(o, view) + by)
    if len(orders) > _BOARD_SHOWN:
        lines.append(texts.GRID_BOARD_MORE.format(more=len(orders) - _BOARD_SHOWN))
    return "\n".join(lines)


def _line(o: Order, view: RosterView) -> str:
    urgent = texts.URGENT_TAG if o.urgent else ""
    flag = texts.OVERDUE_TAG if o.overdue_at is not None else ""
    place = view.order_address(o)
    return f"#{o.id} {flag}{texts.STATUS_NAMES[o.status]}{urgent} {place}{o.summary}"


__all__ = ["grid_board", "member_open", "place_text", "resident_orders", "who"]
