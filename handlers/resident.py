"""What residents send: their shortcuts (``commands``) and reports in free text or voice
(``reports``). The two are separate routers so the questions the bot asks (handlers/questions.py)
sit between them: a command is answered as usual while a question waits."""

from __future__ import annotations

import re

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
from bot.orders.service import OrderService, Refused
from bot.roster import residents
from bot.roster.cache import RosterView
from bot.roster.doors import doubtful_door
from handlers import replies
from handlers.contacts import asks_contacts, contacts
from handlers.corrections import correct_recent_place, estate_corrected
from handlers.follow_up import (
    calm_emergency,
    emergency_detail,
    hurry_up,
    note_on_open_order,
    order_named,
)
from handlers.home import asks_home_on_file, home_on_file
from handlers.locate import ASK_BIND_ESTATE, ask_bind, locate, place_named_estate
from handlers.meant import replace_mistaken
from handlers.not_fixed import NOT_FIXED, NOT_FIXED_SHORT, reopen_not_fixed
from handlers.notices import notices_asked, set_notices
from handlers.own_orders import order_of, orders_list
from handlers.phone_given import phone_for_open_order
from handlers.privacy import erase_withdraw, erasure_withdrawn
from handlers.reports import (
    adopt_waiting,
    earlier_text,
    parse_here,
    place_earlier_reports,
)
from handlers.several import report_each
from handlers.short_words import short_word
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
    return await orders_list(orders, message.openid, config.tz)


async def cancel_order(
    orders: OrderService, openid: str, number: int | None, text: str = ""
) -> str:
    if number is None:
        open_orders = await queries.open_orders_of(orders.session, openid)
        if not open_orders:
            return texts.CANCEL_NOTHING
        if len(open_orders) > 1 and text and (meant := order_named(text, open_orders)):
            open_orders = [meant]  # 课堂那个事不用了，取消吧: the order it names
        if len(open_orders) > 1:
            listed = "\n".join(f"#{o.id} {o.summary}" for o in open_orders[:_SHOWN])
            said = texts.CANCEL_WHICH.format(number=open_orders[0].id, orders=listed)
            more = len(open_orders) - _SHOWN  # found from outside: the rest went unmentioned
            return said + texts.CANCEL_MORE.format(more=more) if more > 0 else said
        order: Order | None = open_orders[0]
    else:
        order = await queries.find(orders.session, number)
    joined = order is not None and order.resident_openid != openid
    if joined and number and await queries.follows(orders.session, number, openid):
        # a neighbour's order their report joined: theirs to follow, not to withdraw
        return texts.FOLLOWED_NO_CANCEL.format(number=number)
    if order is None:
        raise Refused(texts.ORDER_NOT_FOUND.format(number=number))
    await orders.cancel(openid, order)
    return texts.CANCELLED.format(number=order.id)


@commands.message(Command("取消", "撤销", "撤回"))
async def cancel(message: Incoming, args: str, orders: OrderService) -> str:
    if (on := notices_asked(message.text)) is not None:  # 取消订阅, 取消推送: the notices
        return await set_notices(message, orders, orders.clock, on)
    if erasure_withdrawn(message, {}):  # 撤回刚才的删除申请: the privacy request, no order
        return await erase_withdraw(message, orders, orders.clock)
    m = _ORDER_NUMBER.search(args)
    if m is None:
        # 取消 while a report waits for its address: that report is withdrawn, not filed
        pending = await conversation.current(orders.session, message.openid, orders.clock.now())
        if pending is not None and pending.state in _WAITING_REPORT:
            await conversation.forget(orders.session, message.openid)
            summary = str(pending.data.get("text") or "")[:20]
            return texts.PENDING_WITHDRAWN.format(summary=summary)
    return await cancel_order(orders, message.openid, int(m.group(1)) if m else None, args)


async def bind_home(openid: str, parsed: ParseResult, orders: OrderService, text: str = "") -> str:
    """Register the resident's home; the reports they filed without an address go there too."""
    session, roster = orders.session, orders.roster_cache
    pending = await conversation.current(session, openid, orders.clock.now())
    if pending is not None and pending.state == ASK_BIND_ESTATE:
        await conversation.forget(session, openid)  # a new 绑定 replaces the one asked about
    a = parsed.address
    if a is None or a.building is None:
        return texts.BIND_NEEDS_ADDRESS
    view = await roster.get(session)
    place = Place(a.building, a.unit, a.room)
    if (part := doubtful_door(a.unit, a.room)) is not None:  # 1栋9单元9999: nothing moves
        said = texts.DOUBTFUL_DOOR[part].format(place=place.label(), unit=a.unit, room=a.room)
        return said + texts.BIND_DOUBTFUL_AGAIN
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
    if (kept := await _fuller_home(orders, openid, place)) is not None:
        return texts.HOME_ALREADY_FULLER.format(place=view.address(kept))
    return await bind_place(orders, openid, place)


async def _fuller_home(orders: OrderService, openid: str, place: Place) -> Place | None:
    """The home on file when ``place`` is only part of it (东亭3栋2单元 from a resident whose
    home is 东亭3栋2单元501): kept, not cut back to the stairwell."""
    home = await residents.home_of(orders.session, openid)
    if home is None or not home.room or place.room is not None or home.building != place.building:
        return None
    if place.unit not in (None, home.unit) or place.estate not in (None, home.estate_code):
        return None
    return Place(home.building, home.unit, home.room, home.estate_code, home.community_id)


async def bind_place(orders: OrderService, openid: str, place: Place) -> str:
    """Register ``place`` (its estate settled) as the resident's home and say so."""
    view = await orders.roster()
    await residents.register_home(orders.session, openid, place, orders.clock.now())
    also = earlier_text(await place_earlier_reports(orders, openid, place))
    if place.room is None and place.unit:  # 绑定 3栋2单元: only the door is missing
        example = f"{place.building}栋{place.unit}单元501"
        return texts.BOUND_NO_DOOR.format(place=_label(view, place), example=example) + also
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

_ASKED_MAX = 30  # characters: a longer message says more than a question by number
_BARE_NUMBER = re.compile(r"^\s*(?:[#＃]\s*\d{1,9}|\d{2,9})\s*$")  # a bare 1-5 is a rating
# 323现在是谁在办？, #323 进度怎么样: a question about an order named by its number
_NUMBER_ASKED = re.compile(
    r"^\s*[#＃]?\s*(\d{1,9})(?!\d|\s*(?:栋|幢|号楼|楼|单元|层|室|座|点|分|元|块))"
    r"\s*(?:号单?|单子?|那单|那个)?.{0,8}"
    r"(?:谁|进度|怎么样|咋样|到哪|什么时候|啥时候|几时|办了|好了[吗没]|处理了|状态|有人管)"
)


# 9999现在是谁在办？: the number and a question about it, nothing else — an order's number,
# never a room to bind or a report, whoever's order it is
_ONLY_ASKED = re.compile(
    r"^\s*[#＃]?\s*(\d{1,9})\s*(?:号工单|号单|号|工单|单子?|那单|那个)?的?\s*(?:现在|目前|到底|还)?"
    r"\s*是?\s*(?:谁在办|谁在管|谁在处理|谁负责|谁处理|谁办|谁管|进度|怎么样|咋样|到哪|办了|好了[吗没]"
    r"|处理了|处理得怎么样|状态|有人管)"
)


async def _own_order(orders: OrderService, openid: str, text: str) -> Order | None:
    return await order_of(orders, openid, int(halfwidth(text).strip().lstrip("#")))


async def _order_asked_about(orders: OrderService, openid: str, text: str) -> Order | None:
    """The resident's own order a bare number (322) or a question by number (323现在是谁在办？)
    names; None for anything else."""
    asked = _NUMBER_ASKED.match(halfwidth(text)) if len(text) <= _ASKED_MAX else None
    if not (_BARE_NUMBER.match(text) or asked):
        return None
    return await _own_order(orders, openid, asked.group(1) if asked else text)


async def _by_number(message: Incoming, orders: OrderService, config: Config) -> str:
    """The answer to a message about an order by its number; "" for anything else."""
    text = message.text
    if mine := await _order_asked_about(orders, message.openid, text):
        # 322 alone, from someone who has order #322: a photo sent just before joins it, or
        # they ask about it (not a room to bind)
        if _BARE_NUMBER.match(text) and (
            joined := await adopt_waiting(orders, message.openid, mine)
        ):
            return texts.ATTACHED_TO.format(number=mine.id) + joined
        theirs = () if mine.resident_openid == message.openid else (mine.id,)
        return replies.resident_orders([mine], await orders.roster(), config.tz, theirs)
    if len(text) <= _ASKED_MAX and (asked := _ONLY_ASKED.match(halfwidth(text))):
        return texts.ORDER_NOT_FOUND.format(number=asked.group(1))  # not theirs, or none
    return ""


async def _corrected(
    message: Incoming,
    orders: OrderService,
    clock: Clock,
    config: Config,
    parsed: ParseResult,
    inbound_id: int | None,
) -> str:
    """A correction of the report just made: 不对，是4栋 moves it (the home on file stays);
    不对，我想说的是电梯坏了 withdraws it and files the one meant; "" for anything else."""
    if corrected := await correct_recent_place(message, orders, clock, parsed):
        return corrected
    return await replace_mistaken(message, orders, clock, config, inbound_id)


async def _aside(message: Incoming, orders: OrderService, clock: Clock, parsed: ParseResult) -> str:
    """A question or a wish beside the reports: the home on file, who answers for it, no
    more notices (退订 / 不要再给我发通知了 — never a cancel); "" for anything else."""
    text = message.text
    if asks_home_on_file(text):
        return await home_on_file(message.openid, orders)
    if asks_contacts(text):
        return await contacts(message.openid, parsed, orders)
    if (on := notices_asked(text)) is not None:
        return await set_notices(message, orders, clock, on)
    return ""


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
    if by_number := await _by_number(message, orders, config):
        return by_number
    if corrected := await _corrected(message, orders, clock, config, parsed, inbound_id):
        return corrected
    if placed := await place_named_estate(orders, message.openid, text):
        return placed  # 青和居 alone, after a report was filed without its estate
    if placed := await estate_corrected(orders, message.openid, text):
        return placed  # 东亭 alone, after a report was placed in the home's estate
    if aside := await _aside(message, orders, clock, parsed):
        return aside
    if phoned := await phone_for_open_order(message, orders, parsed):
        return phoned  # 我电话139…，师傅来之前打个电话: for the order just sent
    if intent == "bind":
        return await bind_home(message.openid, parsed, orders, message.text)
    if said := await short_word(message, orders, clock):
        return said  # 有人吗？ or a bare 嗯 with an emergency open
    calmed = await calm_emergency(message, orders, clock, parsed)
    if calmed:
        return calmed
    # a bare 没解决 reads as chat to the parser; after a finished order it is a verdict
    short = len(text.strip()) <= NOT_FIXED_SHORT
    if (intent in ("status", "order") or short) and not parsed.urgent and NOT_FIXED.search(text):
        reopened = await reopen_not_fixed(message, orders, clock)
        if reopened:
            return reopened
    if intent in ("status", "order"):
        hurried = await hurry_up(message, orders, clock, parsed)
        if hurried:
            return hurried
        detail = await emergency_detail(message, orders, clock, parsed)
        if detail:
            return detail
        if noted := await note_on_open_order(message, orders, clock, parsed):
            return noted
    if intent == "status":
        return await my_orders(message, orders, config)
    if intent == "cancel":
        m = _ORDER_NUMBER.search(text)
        number = int(m.group(1)) if m else None
        return await cancel_order(orders, message.openid, number, text)
    if intent == "help":
        return texts.HELP
    if intent == "chat" and (settled := await emergency_detail(message, orders, clock, parsed)):
        return settled  # 人已经出来了，没事了，谢谢: how the emergency ended, for its holder
    if intent == "chat":
        return await _chat(message, orders, parsed)
    return await report_each(orders, message, parsed, clock, inbound_id)


async def _chat(message: Incoming, orders: OrderService, parsed: ParseResult) -> str:
    """Small talk answered; a member's 收到，马上去 with an urgent order of theirs not yet
    accepted is told how to accept it (found from outside: it got '好的' and the order stayed
    unaccepted while its clock ran)."""
    text = message.text
    kind = parsed.chat_kind or ("greeting" if _GREETING.match(text.strip()) else "unclear")
    if kind == "rating" and _LOW_VERDICT.match(halfwidth(text).strip()):
        return texts.NO_SURVEY_UNHAPPY  # 不满意 with nothing to rate: asked what is wrong
    said = _CHAT_REPLIES.get(kind, texts.UNCLEAR_REPLY)
    view = await orders.roster()
    key = view.own_keys.get(message.openid)
    member = view.by_key.get(key) if key else None
    if member is not None and kind in ("ack", "thanks", "greeting", "unclear"):
        waiting = [
            o
            for o in await queries.held_by(orders.session, member.id)
            if o.urgent and o.status == "assigned"
        ]
        if len(waiting) == 1:
            return texts.MEMBER_ACCEPT_HINT.format(number=waiting[0].id)
    return said
