"""Whether a member may hand an order to another (转派): not across estates, unless the sender
is staff or of the street office. On a street whose estates share building numbers, 3栋1单元301
means two different homes: a member of the other estate would go to the wrong door."""

from __future__ import annotations

from bot import texts
from bot.orders.permissions import estates_of
from bot.orders.state import OrderFacts
from bot.roster.cache import RosterView, card
from models.community import Member


def street_level(view: RosterView, member: Member) -> bool:
    """A member of the street office (duty staff): they act in every community."""
    home = view.communities.get(member.community_id)
    return home is not None and home.kind == "street"


def refusal(view: RosterView, sender: Member, order: OrderFacts, new: Member) -> str | None:
    """Why ``sender`` may not hand ``order`` to ``new`` (陈秀英 of 青和居 sending a 3栋 order to
    东亭's 林志远); None when they may."""
    if street_level(view, sender) or "staff" in (sender.roles or []):
        return None  # staff may; the push to the new holder names the estate
    theirs = _other_estate(view, order, new)
    if theirs is None:
        return None
    return texts.MEMBER_REASSIGN_OTHER_ESTATE.format(
        name=new.name, estate=theirs, number=order.id, here=_where(view, order)
    )


def _community(view: RosterView, order: OrderFacts) -> int | None:
    return order.community_id if order.community_id is not None else view.default_community


def _where(view: RosterView, order: OrderFacts) -> str:
    """Where the order is: its address, else its community."""
    community = _community(view, order)
    c = view.communities.get(community) if community is not None else None
    return view.order_address(order).strip() or (c.name if c is not None else "")


def _other_estate(view: RosterView, order: OrderFacts, new: Member) -> str | None:
    """The estate (or community) ``new`` answers for when it is not the order's; None when
    ``new`` is of the order's estate, of no place in particular, or of the street office."""
    if street_level(view, new):
        return None
    community = _community(view, order)
    if community is not None and new.community_id != community:
        names = [e.name for e in view.estates if e.community_id == new.community_id]
        theirs = view.communities.get(new.community_id)
        return names[0] if len(names) == 1 else (theirs.name if theirs is not None else "")
    estates = estates_of(card(new), view.index_for(community).grid_of_building) - {""}
    if not order.estate_code or not estates or order.estate_code.upper() in estates:
        return None
    return view.estate_name(community, sorted(estates)[0]) or sorted(estates)[0]


def passed_on_by(order: OrderFacts, sender: Member, new: Member) -> dict[str, list[int]]:
    """The holder who hands the order on (转派) is counted as having passed it, as with 退单:
    if the one it went to never answers, the timer sends it on up the chain, not back to
    them (found from outside: an urgent order came straight back to the member who had just
    said it should go to someone else). Nothing when someone else's order is sent on."""
    if order.assignee_id != sender.id or new.id == sender.id:
        return {}
    return {"declined_by": [*(order.declined_by or []), sender.id]}
