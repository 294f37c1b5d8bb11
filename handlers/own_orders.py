"""The orders a resident may ask about: their own, and those their report joined as the same
problem a neighbour had reported (已在 #12 中处理). Found from outside: a neighbour told "your
order #12 was accepted… finished" got 没有找到您的工单 #12 when asking about it, and 查询 did
not list it."""

from __future__ import annotations

from datetime import tzinfo

from bot import texts
from bot.orders import queries
from bot.orders.lifecycle import OPEN_VALUES
from bot.orders.service import OrderService
from handlers import replies
from models.orders import Order

_SHOWN = 5
_SHOWN_OPEN = 10  # open orders are all listed, up to this many


async def order_of(orders: OrderService, openid: str, number: int) -> Order | None:
    """Order ``number`` when the resident reported it or reported the same problem to it."""
    found = await queries.find(orders.session, number)
    if found is None or found.resident_openid == openid:
        return found
    return found if await queries.follows(orders.session, number, openid) else None


async def orders_list(orders: OrderService, openid: str, tz: tzinfo) -> str:
    """查询: every open order first (found from outside: the five newest, a cancelled one among
    them, hid two open orders), then the latest finished ones up to five — the resident's
    own and those they reported too, marked so."""
    session = orders.session
    followed = await queries.followed_orders(session, openid, limit=_SHOWN_OPEN)
    still_open = _newest_first(
        await queries.open_orders_of(session, openid)
        + [o for o in followed if o.status in OPEN_VALUES]
    )
    recent = _newest_first(
        await queries.resident_orders(session, openid, limit=_SHOWN + 1)
        + [o for o in followed if o.status not in OPEN_VALUES]
    )
    shown = {o.id for o in still_open}
    found = still_open + [o for o in recent if o.id not in shown]
    limit = min(max(_SHOWN, len(still_open)), _SHOWN_OPEN)
    theirs = {o.id for o in followed}
    said = replies.resident_orders(found[:limit], await orders.roster(), tz, theirs)
    # more than are shown: say so
    return said + texts.MORE_ORDERS.format(shown=limit) if len(found) > limit else said


def _newest_first(found: list[Order]) -> list[Order]:
    return sorted(found, key=lambda o: (o.created_at, o.id), reverse=True)
