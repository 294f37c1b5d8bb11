"""A resident correcting what the report just made was about: 不对，我想说的是电梯坏了; 不对，
我是说厨房水管有点渗水，不紧急的; a second 不对，我想说的是水管漏了，不是电梯. The report is
withdrawn (nobody has taken it yet) and the one meant filed in its place — where the report
was, when its address had been corrected to a relative's. Found from outside: a second
correction joined the order it corrected as a repeat, 我是说 opened a duplicate with the
correction words as its summary at the resident's own home, and the wrong one stayed urgent."""

from __future__ import annotations

import re
from dataclasses import replace

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.intake import ParseResult
from bot.messages import Incoming
from bot.orders import queries
from bot.orders.corrections import UNTAKEN
from bot.orders.dispatch import Place
from bot.orders.duplicates import things, with_state_of, without_denied
from bot.orders.service import OrderService
from bot.roster import residents
from handlers.corrections import RECENT
from handlers.reports import create, new_order, parse_here, safety_lines
from handlers.several import report_each
from models.orders import Order

# 不对，我想说的是电梯坏了; 说错了，是楼道灯不亮; 不对，我是说…: the report was about another thing
_WHAT = re.compile(
    r"^\s*(?:不对|不是|说错了|打错了|写错了|搞错了|弄错了)[，,。.!！\s]*"
    r"(?:我)?(?:想说的是|要说的是|要报的是|想报的是|应该是|是说|说的是|的意思是|是)[，,：:\s]*"
)
_MIN_MEANT = 4  # characters: less is a building or a word, not what the report is about


def corrected_report(text: str) -> str:
    """What the resident meant, less what they say it is not (，不是电梯); "" when the
    message corrects no report."""
    m = _WHAT.match(text)
    rest = without_denied(text[m.end() :]).strip(" ，,。；;") if m else ""
    return rest if len(rest) >= _MIN_MEANT else ""


async def _mistaken(
    message: Incoming, orders: OrderService, clock: Clock, meant: str, urgent: bool
) -> Order | None:
    """The resident's newest report of the last two hours, if nobody has taken it yet and
    ``meant`` names what it is about; None otherwise (the correction is then read as usual:
    a word for whoever took it, or a detail of an emergency told better)."""
    order = await queries.latest_since(orders.session, message.openid, clock.now() - RECENT)
    if order is None or order.status not in UNTAKEN or not things(meant):
        return None
    if order.urgent and urgent and not things(meant).isdisjoint(things(order.text)):
        return None  # the same emergency told better: its responders keep it
    return order


async def replace_mistaken(
    message: Incoming,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None,
) -> str:
    """Withdraw the report the message corrects and file the one meant; "" when the
    message is no such correction."""
    meant = corrected_report(message.text)
    if not meant:
        return ""
    parsed = parse_here(meant, clock, config)
    gone = await _mistaken(message, orders, clock, meant, parsed.urgent)
    if gone is None:
        return ""
    if (told := with_state_of(meant, gone.text)) != meant:
        # 卫生间的下水道 for 厨房下水道堵了: the drain is still 堵了, now in the bathroom
        meant, parsed = told, parse_here(told, clock, config)
    await orders.cancel(message.openid, gone)
    again = replace(message, content=meant)
    return texts.REPORT_REPLACED.format(number=gone.id) + await _file(
        orders, again, parsed, gone, inbound_id
    )


async def _file(
    orders: OrderService,
    message: Incoming,
    parsed: ParseResult,
    gone: Order,
    inbound_id: int | None,
) -> str:
    """The report meant: where the withdrawn one was when that was not the resident's home
    (the address corrected to their mother's stays), else read as any report."""
    home = await residents.home_of(orders.session, message.openid)
    at_home = (
        home is not None
        and (home.building, home.estate_code, home.community_id)
        == (gone.building, gone.estate_code, gone.community_id)
        and gone.unit in (None, home.unit)
        and gone.room in (None, home.room)
    )
    if parsed.address is not None or not gone.building or at_home:
        return await report_each(orders, message, parsed, orders.clock, inbound_id)
    place = Place(gone.building, gone.unit, gone.room, gone.estate_code, gone.community_id)
    reply, _ = await create(orders, message, new_order(message.text, parsed, place), inbound_id)
    safety = safety_lines(parsed, message.text)
    return f"{safety}\n{reply}" if safety else reply
