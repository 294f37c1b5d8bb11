"""What residents send: their shortcuts (``commands``) and reports in free text or voice
(``reports``). The two are separate routers so the questions the bot asks (handlers/questions.py)
sit between them: a command is answered as usual while a question waits."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from bot import texts
from bot.chat import conversation
from bot.chat.filters import Command, HasText, MsgType, halfwidth
from bot.chat.router import Router
from bot.clock import Clock
from bot.config import Config
from bot.intake import ParseResult
from bot.messages import Incoming
from bot.orders import queries
from bot.orders.dispatch import Place
from bot.orders.duplicates import things
from bot.orders.lifecycle import OPEN_VALUES
from bot.orders.service import OrderService, Refused
from bot.roster import residents
from bot.roster.cache import RosterView
from handlers import replies
from handlers.locate import locate, question
from handlers.reports import (
    earlier_text,
    in_public_place,
    parse_here,
    place_earlier_reports,
    report,
    safety_lines,
)
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


_SHOWN = 5
_WAITING_REPORT = ("await_address", "await_estate")  # handlers/reports.py, locate.py


@commands.message(Command("查询", "我的工单", "工单"))
async def my_orders(message: Incoming, orders: OrderService, config: Config) -> str:
    found = await queries.resident_orders(orders.session, message.openid, limit=_SHOWN + 1)
    said = replies.resident_orders(found[:_SHOWN], await orders.roster(), config.tz)
    # more than are shown: say so
    return said + texts.MORE_ORDERS if len(found) > _SHOWN else said


async def cancel_order(orders: OrderService, openid: str, number: int | None) -> str:
    if number is None:
        open_orders = await queries.open_orders_of(orders.session, openid)
        if not open_orders:
            return texts.CANCEL_NOTHING
        if len(open_orders) > 1:
            listed = "\n".join(f"#{o.id} {o.summary}" for o in open_orders[:_SHOWN])
            return texts.CANCEL_WHICH.format(number=open_orders[0].id, orders=listed)
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
    if m is None:
        # 取消 while a report waits for its address: that report is withdrawn, not filed
        pending = await conversation.current(orders.session, message.openid, orders.clock.now())
        if pending is not None and pending.state in _WAITING_REPORT:
            await conversation.forget(orders.session, message.openid)
            summary = str(pending.data.get("text") or "")[:20]
            return texts.PENDING_WITHDRAWN.format(summary=summary)
    return await cancel_order(orders, message.openid, int(m.group(1)) if m else None)


async def bind_home(openid: str, parsed: ParseResult, orders: OrderService, text: str = "") -> str:
    """Register the resident's home; the reports they filed without an address go there too."""
    session, clock, roster = orders.session, orders.clock, orders.roster_cache
    a = parsed.address
    if a is None or a.building is None:
        return texts.BIND_NEEDS_ADDRESS
    view = await roster.get(session)
    place = Place(a.building, a.unit, a.room)
    if view.several() or view.estates:
        place, options = locate(view, place, text, None)
        if options:
            return texts.BIND_NAME_ESTATE.format(question=question(options))
        known = view.candidates(Place(a.building, estate=place.estate))
        if place.community is None or (place.community, place.estate) not in known:
            # 青和居99栋: the estate is named, but it has no such building
            return texts.UNKNOWN_BUILDING.format(building=a.building)
    elif view.buildings and a.building.upper() not in view.buildings:
        return texts.UNKNOWN_BUILDING.format(building=a.building)
    await residents.register_home(session, openid, place, clock.now())
    also = earlier_text(await place_earlier_reports(orders, openid, place))
    if a.room is None:  # enough to find the building's people, not the home's
        return texts.BOUND_PARTLY.format(place=_label(view, place)) + also
    return texts.BOUND.format(place=_label(view, place)) + also


def _label(view: RosterView, place: Place) -> str:
    """The address as the resident would say it: with the estate on a street of several."""
    estate = view.estate_name(place.community, place.estate) if view.several() else None
    return (estate or "") + place.label()


@commands.message(Command("绑定", "登记地址", "登记"))
async def bind(message: Incoming, args: str, orders: OrderService, config: Config) -> str:
    parsed = parse_here(args or message.text, orders.clock, config)
    return await bind_home(message.openid, parsed, orders, args or message.text)


_LOW_VERDICT = re.compile(
    r"^(?:[12一二]\s*[分星]?|不满意|很不满意|非常不满意|差评|太差了?)[。.!！]*$"
)

_BARE_NUMBER = re.compile(r"^\s*(?:[#＃]\s*\d{1,9}|\d{2,9})\s*$")  # a bare 1-5 is a rating


async def _own_order(orders: OrderService, openid: str, text: str) -> Order | None:
    found = await queries.find(orders.session, int(halfwidth(text).strip().lstrip("#")))
    return found if found is not None and found.resident_openid == openid else None


# 没修好, 还是堵, 又坏了: the resident says a finished order is not done
_NOT_FIXED = re.compile(
    r"没修好|没弄好|没有修好|没解决|没有解决|修了还是|还是(?:堵|漏|坏|不亮|不行|不通|没水|没电|老样子)"
    r"|又(?:坏|漏|堵|不亮)了"
)
_DONE_WINDOW = timedelta(days=14)


async def _reopen_not_fixed(message: Incoming, orders: OrderService, clock: Clock) -> str:
    """Reopen the finished order the resident says is not fixed (the one naming the same
    thing, else the latest); "" when there is none, and the message is read as usual."""
    since = clock.now() - _DONE_WINDOW
    done = await queries.recently_done(orders.session, message.openid, since)
    named = things(message.text)
    if named:  # 门又坏了 after the light was fixed: a new report, not the light's
        done = [o for o in done if not named.isdisjoint(things(o.text))]
    if not done:
        return ""
    order = done[0]
    await orders.rate(message.openid, order, 1, message.text)
    return texts.REOPENED_NOT_FIXED.format(number=order.id)


# 能不能快点 水越来越多了, 怎么还没人来: the resident presses an order just sent, not a new one
_HURRY = re.compile(
    r"快点|快一点|快些|赶紧|抓紧|尽快|催一下|催催|怎么还没(?:人)?(?:来|到|修|处理)|还没(?:有)?人来"
    r"|越来越(?:多|大|严重|厉害|响)"
    # 我妈摔倒那个事到底有没有人管: asked of the order, not a new report
    r"|有没有人管|没人管|没有人管|有人管吗|管不管|没人理|有没有人理|有人来吗|到底.{0,4}(?:管|来)"
)
_HURRY_WINDOW = timedelta(hours=24)
_HURRY_MAX = 30  # characters: a longer message tells something new


async def _hurry_up(
    message: Incoming, orders: OrderService, clock: Clock, parsed: ParseResult
) -> str:
    """The resident's open order of the last day that a short "hurry up" is about: the
    message is noted on it and whoever should act is told; "" when there is none. Said of
    an emergency (还没人来啊 烟越来越大了), the emergency's numbers come first again; an
    emergency of another kind is a report of its own."""
    text = message.text.strip()
    if len(text) > _HURRY_MAX or not _HURRY.search(text):
        return ""
    latest = await queries.latest_since(orders.session, message.openid, clock.now() - _HURRY_WINDOW)
    if latest is None or latest.status not in OPEN_VALUES:
        return ""
    if parsed.urgent and (not latest.urgent or parsed.hazard not in (None, latest.hazard)):
        return ""
    named = things(text)
    if named and named.isdisjoint(things(latest.text)):
        return ""  # 门也坏了 快点: another thing
    await orders.hurry(latest, message.openid, text)
    noted = texts.HURRY_NOTED.format(number=latest.id)
    if parsed.urgent:
        return safety_lines(replace(parsed, hazard=latest.hazard), text) + "\n" + noted
    return noted


# 是的 流了很多血, 人还是没醒: more about the emergency just reported, not a new one
_DETAIL_OPENING = re.compile(r"^(?:是的|是啊|对的|对|嗯|恩|还在|还是|现在|刚才|人|他|她|老人|孩子)")
_DETAIL_MAX = 40  # characters: a longer message is read as a report of its own
_DETAIL_WINDOW = timedelta(minutes=30)


async def _emergency_detail(
    message: Incoming, orders: OrderService, clock: Clock, parsed: ParseResult
) -> str:
    """The resident's emergency of the last half hour that this message tells more of, told
    no address or place of its own: noted on it and pushed to whoever should act; "" when
    there is none, and the message is read as usual."""
    text = message.text.strip()
    if parsed.address is not None or in_public_place(text):
        return ""
    if len(text) > _DETAIL_MAX or not (
        parsed.urgent or parsed.danger or _DETAIL_OPENING.match(text)
    ):
        return ""
    since = clock.now() - _DETAIL_WINDOW
    latest = await queries.latest_since(orders.session, message.openid, since)
    if latest is None or not latest.urgent or latest.status not in OPEN_VALUES:
        return ""
    if parsed.hazard not in (None, latest.hazard):
        return ""  # a danger of another kind: a report of its own
    named = things(text)
    if named and named.isdisjoint(things(latest.text)):
        return ""
    await orders.hurry(latest, message.openid, text, detail=True)
    noted = texts.DETAIL_NOTED.format(number=latest.id)
    if parsed.urgent:
        return safety_lines(replace(parsed, hazard=latest.hazard), text) + "\n" + noted
    return noted


@reports.message(MsgType("text", "voice"), HasText())
async def on_text(
    message: Incoming,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None = None,
) -> str:
    text = message.text
    parsed = parse_here(text, clock, config)
    intent = parsed.intent
    if _BARE_NUMBER.match(text) and (mine := await _own_order(orders, message.openid, text)):
        # 322 alone, from someone who has order #322: they ask about it (not a room to bind)
        return replies.resident_orders([mine], await orders.roster(), config.tz)
    if intent == "bind":
        return await bind_home(message.openid, parsed, orders, message.text)
    if intent in ("status", "order") and not parsed.urgent and _NOT_FIXED.search(text):
        reopened = await _reopen_not_fixed(message, orders, clock)
        if reopened:
            return reopened
    if intent in ("status", "order"):
        hurried = await _hurry_up(message, orders, clock, parsed)
        if hurried:
            return hurried
        detail = await _emergency_detail(message, orders, clock, parsed)
        if detail:
            return detail
    if intent == "status":
        return await my_orders(message, orders, config)
    if intent == "cancel":
        m = _ORDER_NUMBER.search(text)
        return await cancel_order(orders, message.openid, int(m.group(1)) if m else None)
    if intent == "help":
        return texts.HELP
    if intent == "chat":
        kind = parsed.chat_kind or ("greeting" if _GREETING.match(text.strip()) else "unclear")
        if kind == "rating" and _LOW_VERDICT.match(halfwidth(text).strip()):
            return texts.NO_SURVEY_UNHAPPY  # 不满意 with nothing to rate: asked what is wrong
        return _CHAT_REPLIES.get(kind, texts.UNCLEAR_REPLY)
    return await report(orders, message, parsed, clock, inbound_id)
