"""「没修好」「还是坏的」「师傅根本没来」: the resident says a finished order is not done. The
order is found by its number (#31 还是坏的), by the thing it names (楼道灯还是不亮), or — said
vaguely — it is the only one just finished; with several, the resident is asked which, and
right after reopening one, a vague complaint is added to that one.

Found from outside: with two orders just finished, 还是坏的 and then 师傅根本没来 reopened one
each — each reopening dispatches again and alerts the grid leader — though both sentences most
likely concerned the same matter."""

from __future__ import annotations

import re
from datetime import timedelta

from bot import texts
from bot.chat.filters import halfwidth
from bot.clock import Clock
from bot.messages import Incoming
from bot.orders import queries
from bot.orders.duplicates import things
from bot.orders.service import OrderService
from models.orders import Order

# 没修好, 还是堵, 又坏了: the resident says a finished order is not done
NOT_FIXED = re.compile(
    r"没修好|没弄好|没有修好|没解决|没有解决|修了还是"
    r"|还是(?:在)?(?:堵|漏|坏|不亮|不行|不通|没水|没电|老样子|滴|渗|不热|不转|不响|一样|那样)"
    r"|还在(?:漏|滴|渗|堵)|又(?:坏|漏|堵|不亮)了"
    # 师傅根本没来, 压根没人来过: said of an order marked done
    r"|(?:师傅|人|工人|维修的)(?:根本|压根|都|就)?没(?:有)?(?:来|上门)过?"
)
NOT_FIXED_SHORT = 8  # characters: a bare 没解决 reads as chat to the parser
_DONE_WINDOW = timedelta(days=14)
# a vague complaint this soon after the resident reopened an order is about that one
_JUST_REOPENED = timedelta(hours=2)
# #31 还是坏的: the order named by its number first
_NUMBER_FIRST = re.compile(r"^\s*[#＃]?\s*(\d{1,9})(?!\d|\s*(?:栋|幢|号楼|楼|单元|层|室|座))")


def _listed(done: list[Order]) -> str:
    return "、".join(f"#{o.id}（{o.summary}）" for o in done[:5])


async def _just_reopened(orders: OrderService, openid: str, clock: Clock) -> Order | None:
    """The resident's open order reopened most recently, if within the last two hours."""
    since = clock.now() - _JUST_REOPENED
    found = [
        o
        for o in await queries.open_orders_of(orders.session, openid)
        if o.reopened_at is not None and o.reopened_at >= since
    ]
    return max(found, key=lambda o: o.reopened_at or since, default=None)


async def reopen_not_fixed(message: Incoming, orders: OrderService, clock: Clock) -> str:
    """Reopen the finished order the resident says is not fixed, or ask which one; "" when
    there is none, and the message is read as usual."""
    text, openid = message.text, message.openid
    done = await queries.recently_done(orders.session, openid, clock.now() - _DONE_WINDOW)
    number = _NUMBER_FIRST.match(halfwidth(text))
    named = things(text)
    if number is not None:
        done = [o for o in done if o.id == int(number.group(1))]
    elif named:  # 门又坏了 after the light was fixed: a new report, not the light's
        done = [o for o in done if not named.isdisjoint(things(o.text))]
    else:
        if (just := await _just_reopened(orders, openid, clock)) is not None:
            await orders.hurry(just, openid, text, detail=True)  # its holder hears it
            return texts.NOT_FIXED_NOTED.format(number=just.id)
        if len(done) > 1:
            return texts.WHICH_NOT_FIXED.format(orders=_listed(done), number=done[0].id)
    if not done:
        return ""
    order = done[0]
    await orders.reopen_not_fixed(openid, order, text)
    return texts.REOPENED_NOT_FIXED.format(number=order.id)
