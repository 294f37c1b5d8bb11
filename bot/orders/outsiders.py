"""Members and orders that are not theirs: whose community an order is in, and what a member
who declined an order (退单) is told when they name it again."""

from __future__ import annotations

from bot import texts
from bot.orders.lifecycle import OPEN_VALUES
from bot.roster.cache import RosterView
from models.community import Member
from models.orders import Order


def same_community(view: RosterView, member: Member, community_id: int | None) -> bool:
    """Members act on their own community's orders; the street office's staff on all."""
    home = view.communities.get(member.community_id)
    if home is not None and home.kind == "street":
        return True
    order_community = community_id if community_id is not None else view.default_community
    return order_community is None or member.community_id == order_community


def declined_said(order: Order, member: Member, view: RosterView) -> str | None:
    """What a member who declined ``order`` hears when they name it again: who has it now.
    Found from outside: they were told no such order could be found, and doubted the number.
    None when they did not decline it."""
    if member.id not in (order.declined_by or []):
        return None
    if order.status not in OPEN_VALUES:
        status = texts.STATUS_NAMES.get(order.status, order.status)
        return texts.MEMBER_DECLINED_DONE.format(number=order.id, status=status)
    holder = view.by_id.get(order.assignee_id) if order.assignee_id is not None else None
    if holder is None:
        return texts.MEMBER_DECLINED_NOBODY.format(number=order.id)
    return texts.MEMBER_DECLINED_HELD.format(number=order.id, who=holder.name)
