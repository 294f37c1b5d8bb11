"""What residents send: their shortcuts (``commands``) and reports in free text or voice
(``reports``). The two are separate routers so the questions the bot asks (handlers/questions.py)
sit between them: a command is answered as usual while a question waits."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.chat.filters import Command, HasText, MsgType
from bot.chat.router import Router
from bot.clock import Clock
from bot.config import Config
from bot.intake import ParseResult, parse
from bot.messages import Incoming
from bot.orders import queries
from bot.orders.dispatch import Place
from bot.orders.service import OrderService, Refused
from bot.roster import residents
from bot.roster.cache import RosterCache, RosterView
from handlers import replies
from handlers.locate import locate, question
from handlers.reports import local_now, report
from models.orders import Order

commands = Router("resident commands")
reports = Router("resident reports")

_ORDER_NUMBER = re.compile(r"#?\s*(\d{1,12})")
_GREETING = re.compile(r"^(您好|你好|在吗|早上好|上午好|下午好|晚上好|hi|hello|哈喽|嗨)", re.I)
_CHAT_REPLIES = {
    "thanks": texts.CHAT_REPLY,
    "greeting": texts.GREETING_REPLY,
    "ack": texts.ACK_REPLY,
    "rating": texts.NO_SURVEY_REPLY,  # a survey answer when a survey is open: handlers/survey.py
    "unclear": texts.UNCLEAR_REPLY,
}


@commands.message(Command("查询", "我的工单", "工单"))
async def my_orders(message: Incoming, orders: OrderService, config: Config) -> str:
    found = await queries.resident_orders(orders.session, message.openid)
    return replies.resident_orders(found, await orders.roster(), config.tz)


async def cancel_order(orders: OrderService, openid: str, number: int | None) -> str:
    if number is None:
        open_orders = await queries.open_orders_of(orders.session, openid)
        if not open_orders:
            return texts.CANCEL_NOTHING
        if len(open_orders) > 1:
            return texts.CANCEL_WHICH.format(number=open_orders[0].id)
        order: Order | None = open_orders[0]
    else:
        order = await queries.find(orders.session, number)
    if order is None:
        raise Refused(texts.ORDER_NOT_FOUND.format(number=number))
    await orders.cancel(openid, order)
    return texts.CANCELLED.format(number=order.id)


@commands.message(Command("取消", "撤销", "撤回"))
async def cancel(message: Incoming, args: str, orders: OrderService) -> str:
    m = _ORDER_NUMBER.search(args)
    return await cancel_order(orders, message.openid, int(m.group(1)) if m else None)


async def bind_home(
    openid: str,
    parsed: ParseResult,
    session: AsyncSession,
    clock: Clock,
    roster: RosterCache,
    text: str = "",
) -> str:
    a = parsed.address
    if a is None or a.building is None:
        return texts.BIND_NEEDS_ADDRESS
    view = await roster.get(session)
    place = Place(a.building, a.unit, a.room)
    if view.several() or view.estates:
        place, options = locate(view, place, text, None)
        if options:
            return texts.BIND_NAME_ESTATE.format(question=question(options))
        if place.community is None:
            return texts.UNKNOWN_BUILDING.format(building=a.building)
    elif view.buildings and a.building.upper() not in view.buildings:
        return texts.UNKNOWN_BUILDING.format(building=a.building)
    await residents.register_home(session, openid, place, clock.now())
    return texts.BOUND.format(place=_label(view, place))


def _label(view: RosterView, place: Place) -> str:
    """The address as the resident would say it: with the estate on a street of several."""
    estate = view.estate_name(place.community, place.estate) if view.several() else None
    return (estate or "") + place.label()


@commands.message(Command("绑定", "登记地址", "登记"))
async def bind(
    message: Incoming,
    args: str,
    session: AsyncSession,
    clock: Clock,
    config: Config,
    roster: RosterCache,
) -> str:
    parsed = parse(args or message.text, local_now(clock, config))
    return await bind_home(message.openid, parsed, session, clock, roster, args or message.text)


@reports.message(MsgType("text", "voice"), HasText())
async def on_text(
    message: Incoming,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None = None,
) -> str:
    text, session = message.text, orders.session
    parsed = parse(text, local_now(clock, config))
    intent = parsed.intent
    if intent == "bind":
        return await bind_home(
            message.openid, parsed, session, clock, orders.roster_cache, message.text
        )
    if intent == "status":
        return await my_orders(message, orders, config)
    if intent == "cancel":
        m = _ORDER_NUMBER.search(text)
        return await cancel_order(orders, message.openid, int(m.group(1)) if m else None)
    if intent == "help":
        return texts.HELP
    if intent == "chat":
        kind = parsed.chat_kind or ("greeting" if _GREETING.match(text.strip()) else "unclear")
        return _CHAT_REPLIES.get(kind, texts.UNCLEAR_REPLY)
    return await report(orders, message, parsed, clock, inbound_id)
