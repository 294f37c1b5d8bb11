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
from bot.orders.duplicates import content_chars, things
from bot.orders.lifecycle import OPEN_VALUES
from bot.orders.service import OrderService, Refused
from bot.roster import residents
from bot.roster.cache import RosterView
from handlers import replies
from handlers.home import asks_home_on_file, home_on_file
from handlers.locate import ask_bind, locate, place_named_estate
from handlers.reports import (
    ASK_PLACE_FOR,
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
_SHOWN_OPEN = 10  # open orders are all listed, up to this many
_WAITING_REPORT = ("await_address", "await_estate")  # handlers/reports.py, locate.py


@commands.message(Command("查询", "我的工单", "工单"))
async def my_orders(message: Incoming, orders: OrderService, config: Config) -> str:
    # every open order first (found from outside: the five newest, a cancelled one among
    # them, hid two open orders), then the latest finished ones up to five
    still_open = await queries.open_orders_of(orders.session, message.openid)
    recent = await queries.resident_orders(orders.session, message.openid, limit=_SHOWN + 1)
    shown = {o.id for o in still_open}
    found = still_open + [o for o in recent if o.id not in shown]
    limit = min(max(_SHOWN, len(still_open)), _SHOWN_OPEN)
    said = replies.resident_orders(found[:limit], await orders.roster(), config.tz)
    # more than are shown: say so
    return said + texts.MORE_ORDERS.format(shown=limit) if len(found) > limit else said


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
    session, roster = orders.session, orders.roster_cache
    a = parsed.address
    if a is None or a.building is None:
        return texts.BIND_NEEDS_ADDRESS
    view = await roster.get(session)
    place = Place(a.building, a.unit, a.room)
    if view.several() or view.estates:
        place, options = locate(view, place, text, None)
        if options:  # the answer may be the estate's name alone (handlers/places.py)
            return await ask_bind(orders, openid, place, options)
        known = view.candidates(Place(a.building, estate=place.estate))
        if place.community is None or (place.community, place.estate) not in known:
            # 青和居99栋: the estate is named, but it has no such building
            return texts.UNKNOWN_BUILDING.format(building=a.building)
    elif view.buildings and a.building.upper() not in view.buildings:
        return texts.UNKNOWN_BUILDING.format(building=a.building)
    return await bind_place(orders, openid, place)


async def bind_place(orders: OrderService, openid: str, place: Place) -> str:
    """Register ``place`` (its estate settled) as the resident's home and say so."""
    view = await orders.roster()
    await residents.register_home(orders.session, openid, place, orders.clock.now())
    also = earlier_text(await place_earlier_reports(orders, openid, place))
    if place.room is None:  # enough to find the building's people, not the home's
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
    r"没修好|没弄好|没有修好|没解决|没有解决|修了还是"
    r"|还是(?:在)?(?:堵|漏|坏|不亮|不行|不通|没水|没电|老样子|滴|渗|不热|不转|不响|一样|那样)"
    r"|还在(?:漏|滴|渗|堵)|又(?:坏|漏|堵|不亮)了"
    # 师傅根本没来, 压根没人来过: said of an order marked done
    r"|(?:师傅|人|工人|维修的)(?:根本|压根|都|就)?没(?:有)?(?:来|上门)过?"
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


# the words of pressing itself, which say nothing of which order is meant
_PRESSING_CHARS = frozenset(
    "快点些赶紧抓尽催怎么还没人来到修处理回复能不有管到底事情那个什么时候都天啊"
)


def _words_in_common(text: str, order_text: str) -> int:
    return len((content_chars(text) - _PRESSING_CHARS) & content_chars(order_text))


async def _pressed_order(
    openid: str, text: str, orders: OrderService, clock: Clock
) -> Order | None:
    """Which open order "hurry up" is about: the one naming the same thing (厨房灯到底什么时候
    来修), else the one sharing its words (孩子课堂那个事能不能快点), else the latest of the
    last day; None when it names a thing no open order has (门也坏了 快点: another thing)."""
    still_open = await queries.open_orders_of(orders.session, openid)
    if not still_open:
        return None
    named = things(text)
    if named:
        return next((o for o in still_open if not named.isdisjoint(things(o.text))), None)
    best = max(still_open, key=lambda o: _words_in_common(text, o.text))
    if _words_in_common(text, best.text) >= 2:
        return best
    latest = await queries.latest_since(orders.session, openid, clock.now() - _HURRY_WINDOW)
    return latest if latest is not None and latest.status in OPEN_VALUES else None


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
    latest = await _pressed_order(message.openid, text, orders, clock)
    if latest is None:
        return ""
    if parsed.urgent and (not latest.urgent or parsed.hazard not in (None, latest.hazard)):
        return ""
    await orders.hurry(latest, message.openid, text)
    noted = texts.HURRY_NOTED.format(number=latest.id)
    if parsed.urgent:
        return safety_lines(replace(parsed, hazard=latest.hazard), text) + "\n" + noted
    return noted


# 是的 流了很多血, 人还是没醒: more about the emergency just reported, not a new one
_DETAIL_OPENING = re.compile(r"^(?:是的|是啊|对的|对|嗯|恩|还在|还是|现在|刚才|人|他|她|老人|孩子)")
# 阀门关了 窗户打开了, 消防车来了 火灭了, 人送医院了: what has been done since, or how it ended
_SINCE = re.compile(
    r"关了|关掉了|打开了|开窗|出来了|灭了|扑灭|救出来|送医院|送走|拉走|接走|没事了|醒了|止住"
    r"|(?:消防车|消防队|救护车|120|119|110|警察|民警|医生|物业|保安)(?:已经|也)?(?:来了|到了|走了)"
)
_DETAIL_MAX = 60  # characters: a longer message is read as a report of its own
_DETAIL_WINDOW = timedelta(hours=2)  # while the emergency is still open


def _same_place(parsed: ParseResult, order: Order) -> bool:
    """The message names no place, or only parts that agree with the emergency's (302 for
    an emergency at 4栋1单元302)."""
    if parsed.address is None:
        return True
    given = (parsed.address.building, parsed.address.unit, parsed.address.room)
    held = (order.building, order.unit, order.room)
    return any(given) and all(g is None or g == h for g, h in zip(given, held, strict=True))


async def _emergency_detail(
    message: Incoming, orders: OrderService, clock: Clock, parsed: ParseResult
) -> str:
    """The resident's open emergency of the last two hours that this short message tells
    more of (what is seen now, what was done, how it ended), with no other place of its own:
    noted on it and pushed to whoever should act; "" when there is none, and the message is
    read as usual."""
    text = message.text.strip()
    if in_public_place(text) or len(text) > _DETAIL_MAX:
        return ""
    if parsed.address is not None and parsed.address.building is not None:
        return ""  # a building of its own: a report of its own (and no query for it)
    if not (parsed.urgent or parsed.danger or _DETAIL_OPENING.match(text) or _SINCE.search(text)):
        return ""
    since = clock.now() - _DETAIL_WINDOW
    latest = await queries.latest_since(orders.session, message.openid, since)
    if latest is None or not latest.urgent or latest.status not in OPEN_VALUES:
        return ""
    if not _same_place(parsed, latest):
        return ""
    named = things(text)
    if (
        named
        and named.isdisjoint(things(latest.text))
        and not (parsed.danger or _SINCE.search(text))
    ):
        return ""  # 楼道灯也坏了: another thing, told calmly
    await orders.hurry(latest, message.openid, text, detail=True)
    noted = texts.DETAIL_NOTED.format(number=latest.id)
    if parsed.urgent and not _SINCE.search(text):
        # the advice is the emergency's own: 阀门关了 after a gas smell is not a flood
        return safety_lines(replace(parsed, hazard=latest.hazard), text) + "\n" + noted
    return noted


# 不是打架，是楼上装修; 没那么急; 看错了 不是着火: the emergency just reported is not one
_CALM = re.compile(
    r"^(?:其实|哦|噢|啊|呃|嗯|那个)?[，,\s]*(?:不是|没有|没)(?:在)?(?:打架|打人|着火|失火|火灾|冒烟|煤气|燃气|漏气|爆炸|急事|紧急)"
    r"|(?:不是|没有?)(?:什么)?(?:紧急|急事|危险)|没那么急|不用那么急|不着急的|虚惊|搞错了|看错了|弄错了|误会了?"
)


async def _calm_emergency(
    message: Incoming, orders: OrderService, clock: Clock, parsed: ParseResult
) -> str:
    """The resident's open emergency of the last two hours, said not to be one: made an
    ordinary order, its holder told why; the place asked when it has none yet. "" when
    there is none."""
    text = message.text.strip()
    if parsed.urgent or len(text) > _DETAIL_MAX or not _CALM.search(text):
        return ""
    latest = await queries.latest_since(
        orders.session, message.openid, clock.now() - _DETAIL_WINDOW
    )
    if latest is None or not latest.urgent or latest.status not in OPEN_VALUES:
        return ""
    await orders.calm(latest, message.openid, text)
    reply = texts.EMERGENCY_CALMED.format(number=latest.id)
    if not latest.building and not in_public_place(latest.text):
        data = {"order_id": latest.id}
        await conversation.remember(
            orders.session, message.openid, ASK_PLACE_FOR, data, clock.now()
        )
        reply += texts.EMERGENCY_CALMED_ASK_PLACE
    return reply


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
    if placed := await place_named_estate(orders, message.openid, text):
        return placed  # 青和居 alone, after a report was filed without its estate
    if asks_home_on_file(text):
        return await home_on_file(message.openid, orders)
    if intent == "bind":
        return await bind_home(message.openid, parsed, orders, message.text)
    calmed = await _calm_emergency(message, orders, clock, parsed)
    if calmed:
        return calmed
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
