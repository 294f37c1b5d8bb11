"""While an emergency's address is asked: a follow-up about one of the resident's emergencies
is handled as one, and the address, once given, goes to every emergency of theirs still
without one. Found from outside: with a fall, a man with a knife and an e-bike fire reported
one after another, 救护车来了，人已经送医院了 and 刚才那个拿刀的是看错了 were answered
"没关系。能说个楼号吗" and lost, and the address then went to the fire only — the fall in the
resident's own bathroom stayed with no address and no grid leader told."""

from __future__ import annotations

from datetime import timedelta

from bot import texts
from bot.chat import conversation
from bot.clock import Clock
from bot.intake import ParseResult
from bot.messages import Incoming
from bot.orders import queries
from bot.orders.dispatch import Place
from bot.orders.service import OrderService
from handlers.doorless import ask_place
from handlers.follow_up import calm_emergency, emergency_detail
from handlers.reports import ASK_PLACE_FOR, in_public_place
from models.orders import Order

_RECENT = timedelta(hours=2)  # the emergencies a follow-up may be about (handlers/follow_up.py)


async def follow_up_while_asked(
    message: Incoming, parsed: ParseResult, asked: Order, orders: OrderService, clock: Clock
) -> str:
    """A message with no place in it that is a follow-up (人已经送医院了, 刚才那个拿刀的是看错了):
    handled as it is when nothing is asked, and the address asked on; "" when it is not one.
    More of the very danger asked about is left to the question (questions.py notes it)."""
    if parsed.urgent and parsed.hazard in (None, asked.hazard):
        return ""
    said = await calm_emergency(message, orders, clock, parsed)
    said = said or await emergency_detail(message, orders, clock, parsed)
    if not said:
        return ""
    now = await conversation.current(orders.session, message.openid, clock.now())
    if now is not None and now.state == ASK_PLACE_FOR and now.data.get("order_id") == asked.id:
        said += ask_place(asked.hazard, asked.text)  # (a calmed one asked its own already)
    return said


async def place_the_others(orders: OrderService, openid: str, asked: Order, place: Place) -> str:
    """The address given for ``asked`` goes to the resident's other open emergencies of the
    last hours that were sent out with none (each asked the same "哪栋楼几单元几号？"); the
    line saying which ("" when there are none). A shared place (小区门口) keeps its words."""
    since = orders.clock.now() - _RECENT
    placed = []
    for other in await queries.open_urgent_since(orders.session, openid, since):
        if other.id == asked.id or other.building or other.unit or other.room:
            continue
        if in_public_place(other.text):
            continue
        await orders.add_place(other, openid, place)
        placed.append(other.id)
    if not placed:
        return ""
    numbers = "、".join(f"#{n}" for n in sorted(placed))
    return texts.ADDRESS_ALSO_FOR.format(numbers=numbers)
