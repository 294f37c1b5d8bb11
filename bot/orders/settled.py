"""A resident telling more of their emergency, which may say it is over (火灭了, 人已经出来了，
没事了) or going again (又烧起来了). While it is over, the timers do not tell them "nobody has
it yet — call 110" as if it were still going on; they are asked whether it can be closed
(bot.orders.timers)."""

from __future__ import annotations

from datetime import datetime

from bot.orders import lifecycle as lc
from bot.orders.service import OrderService
from bot.orders.state import OrderFacts
from models.orders import Order


def settle(o: OrderFacts, over: bool | None, now: datetime) -> lc.Change:
    """``over``: the emergency said to be over (True), going again (False), or neither."""
    if over is None or not o.urgent or over == (o.settled_at is not None):
        return lc.Change({})
    return lc.Change({"settled_at": now if over else None})


async def tell_more(
    orders: OrderService,
    order: Order,
    openid: str,
    text: str,
    over: bool | None,
    detail: bool = True,
) -> None:
    """More of an emergency (or, not ``detail``, "hurry up"), noted and pushed as by
    OrderService.hurry, with whether it says the emergency is over in the same change."""
    now = orders.clock.now()
    change = lc.hurry(order, text, now, detail).then(settle(order, over, now))
    await orders.apply(order, change, f"resident:{openid}")
