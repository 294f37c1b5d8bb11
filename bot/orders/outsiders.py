"""Members and orders that are not theirs: whose community an order is in, and what a member
an order left (退单, 转派, or the timer) is told when they name it again."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.orders.event_reads import how_member_left
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


async def declined_said(
    session: AsyncSession, order: Order, member: Member, view: RosterView
) -> str | None:
    """What a member whom ``order`` left — they declined it (退单), handed it on (转派), or the
    timer moved it on — hears when they name it again: how it left them and who has it now.
    Found from outside: they were told no such order could be found, and doubted the number;
    then members the timer had passed by were told 「您已退单」, and one who had handed it on
    was asked to accept it first. None when the order never left them."""
    if member.id not in (order.declined_by or []) or order.assignee_id == member.id:
        return None
    how = texts.MEMBER_LEFT_HOW[
        await how_member_left(session, order.id, member.key, order.reopened_at)
    ]
    if order.status not in OPEN_VALUES:
        status = texts.STATUS_NAMES.get(order.status, order.status)
        return texts.MEMBER_DECLINED_DONE.format(number=order.id, how=how, status=status)
    holder = view.by_id.get(order.assignee_id) if order.assignee_id is not None else None
    if holder is None:
        return texts.MEMBER_DECLINED_NOBODY.format(number=order.id, how=how)
    return texts.MEMBER_DECLINED_HELD.format(number=order.id, how=how, who=holder.name)
