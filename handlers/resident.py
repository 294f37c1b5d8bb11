"""What residents send: reports in free text or voice, their shortcuts, pictures, locations."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.chat import conversation
from bot.chat.conversation import Pending
from bot.chat.filters import Command, HasText, MsgType, State
from bot.chat.router import Router
from bot.clock import Clock
from bot.config import Config
from bot.intake import ParseResult, parse
from bot.messages import Incoming, Reply
from bot.orders import queries
from bot.orders.dispatch import ROLE_NAMES, Place
from bot.orders.emergency import emergency_numbers
from bot.orders.service import NewOrder, OrderService, Refused
from bot.roster import residents
from bot.roster.cache import RosterCache
from handlers import replies
from models.community import Resident
from models.orders import Order

router = Router("resident")

ASK_ADDRESS = "await_address"
ATTACH_WINDOW = timedelta(minutes=10)
RATING_WINDOW = timedelta(days=14)
_ORDER_NUMBER = re.compile(r"#?\s*(\d{1,12})")
_RATING = re.compile(
    r"^\s*(?:([1-5一二三四五])\s*(?:分|星)?|(非常满意|很满意|满意|一般|还行|不满意|很不满意|没修好|没解决))\s*[。.!！]*\s*$"
)
_RATING_WORDS = {
    "非常满意": 5,
    "很满意": 5,
    "满意": 5,
    "一般": 3,
    "还行": 3,
    "不满意": 1,
    "很不满意": 1,
    "没修好": 1,
    "没解决": 1,
}
_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_SKIP = {"跳过", "不用", "不方便", "不说了"}
_GREETING = re.compile(r"^(您好|你好|在吗|早上好|上午好|下午好|晚上好|hi|hello|哈喽|嗨)", re.I)


def _local_now(clock: Clock, config: Config) -> datetime:
    return clock.now().astimezone(config.tz)


def _place(parsed: ParseResult, home: Resident | None) -> Place | None:
    if parsed.address is not None:
        a = parsed.address
        if a.building is None and home is not None and home.building and a.room:
            # "1502的…" from someone whose building we know
            return Place(home.building, a.unit or home.unit, a.room)
        return Place(a.building, a.unit, a.room)
    if home is not None and home.building:
        return Place(home.building, home.unit, home.room)
    return None


def _new_order(text: str, parsed: ParseResult, place: Place) -> NewOrder:
    pt = parsed.preferred_time
    return NewOrder(
        text=text,
        category=parsed.category or "other",
        urgent=parsed.urgent,
        summary=parsed.summary or text.strip()[:30],
        place=place,
        phones=parsed.phones,
        preferred_start=datetime.fromisoformat(pt.start) if pt else None,
        preferred_end=datetime.fromisoformat(pt.end) if pt else None,
    )


async def _create(orders: OrderService, openid: str, new: NewOrder, inbound_id: int | None) -> str:
    order, member = await orders.report(openid, new, inbound_id)
    roles = "、".join(ROLE_NAMES.get(r, r) for r in member.roles or []) if member else ""
    who = f"{member.name}（{roles or '社区成员'}）" if member else None
    parts = []
    if new.urgent:
        numbers = emergency_numbers(new.text)
        if numbers:
            parts.append(texts.emergency_first(numbers))
    parts.append(texts.order_created(order.id, who))
    if new.urgent:
        parts.append(texts.URGENT_NOTED)
    return "\n".join(parts)


def held_reply(message: Incoming) -> Reply | None:
    """The answer to a message kept in the spool while the database is away: no order number
    yet, but an emergency still gets its numbers at once."""
    if message.msg_type == "event":
        return None
    text = message.text
    if text:
        parsed = parse(text, datetime.now(UTC))
        numbers = emergency_numbers(text) if parsed.urgent else []
        if numbers:
            return Reply(text=texts.HELD_URGENT.format(advice=texts.emergency_first(numbers)))
    return Reply(text=texts.HELD)


# -- shortcuts -----------------------------------------------------------------------------
@router.message(Command("查询", "我的工单", "工单"))
async def my_orders(message: Incoming, orders: OrderService, config: Config) -> str:
    found = await queries.resident_orders(orders.session, message.openid)
    return replies.resident_orders(found, await orders.roster(), config.tz)


async def _cancel(orders: OrderService, openid: str, number: int | None) -> str:
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
    assert order is not None
    await orders.cancel(openid, order)
    return texts.CANCELLED.format(number=order.id)


@router.message(Command("取消", "撤销", "撤回"))
async def cancel(message: Incoming, args: str, orders: OrderService) -> str:
    m = _ORDER_NUMBER.search(args)
    await conversation.forget(orders.session, message.openid)
    return await _cancel(orders, message.openid, int(m.group(1)) if m else None)


async def _bind(
    openid: str, parsed: ParseResult, session: AsyncSession, clock: Clock, roster: RosterCache
) -> str:
    a = parsed.address
    if a is None or a.building is None:
        return texts.BIND_NEEDS_ADDRESS
    view = await roster.get(session)
    if view.buildings and a.building.upper() not in view.buildings:
        return texts.UNKNOWN_BUILDING.format(building=a.building)
    place = Place(a.building, a.unit, a.room)
    await residents.register_home(session, openid, place, clock.now())
    return texts.BOUND.format(place=place.label())


@router.message(Command("绑定", "登记地址", "登记"))
async def bind(
    message: Incoming,
    args: str,
    session: AsyncSession,
    clock: Clock,
    config: Config,
    roster: RosterCache,
) -> str:
    parsed = parse(args or message.text, _local_now(clock, config))
    return await _bind(message.openid, parsed, session, clock, roster)


# -- the address question --------------------------------------------------------------------
def _answer_place(message: Incoming, parsed: ParseResult) -> Place | None:
    """The place an answer gives (``Place()``: the resident would rather not say)."""
    if parsed.address is not None and parsed.address.building is not None:
        return Place(parsed.address.building, parsed.address.unit, parsed.address.room)
    return Place() if message.text.strip() in _SKIP else None


def _new_matter(message: Incoming, parsed: ParseResult) -> bool:
    text = message.text.strip()
    return parsed.intent in ("cancel", "status", "help") or (
        parsed.intent == "order" and len(text) > 8 and parsed.category not in (None, "other")
    )


@router.message(MsgType("text", "voice"), HasText(), State(ASK_ADDRESS))
async def answer_address(
    message: Incoming,
    pending: Pending,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None = None,
) -> str:
    """The resident was asked for an address; the pending report is created with the answer."""
    session, data = orders.session, pending.data
    parsed = parse(message.text, _local_now(clock, config))
    place = _answer_place(message, parsed)
    if place is None and _new_matter(message, parsed):
        await conversation.forget(session, message.openid)  # the old report is dropped
        return await on_text(message, orders, clock, config, inbound_id)
    if place is None and int(data.get("tries", 0)) < 1:
        await conversation.remember(
            session, message.openid, ASK_ADDRESS, {**data, "tries": 1}, clock.now()
        )
        return texts.ASK_ADDRESS_AGAIN
    place = place or Place()  # asked twice: take the report without an address, not lose it
    await conversation.forget(session, message.openid)
    original = str(data.get("text") or "")
    first = parse(original, _local_now(clock, config))
    source = data.get("inbound_id")
    new = _new_order(original, first, place)
    reply = await _create(orders, message.openid, new, int(source) if source else inbound_id)
    return (texts.ADDRESS_SKIPPED + reply) if place == Place() else reply


# -- satisfaction ----------------------------------------------------------------------------
def rating_of(text: str) -> int | None:
    m = _RATING.match(text)
    if not m:
        return None
    if m.group(1):
        return _CN_DIGIT.get(m.group(1)) or int(m.group(1))
    return _RATING_WORDS[m.group(2)]


class SurveyAnswer:
    """A rating (1–5, 满意, 不满意…) while one of the resident's orders awaits a verdict;
    injects ``score`` and ``order``."""

    async def __call__(self, message: Incoming, data: dict[str, Any]) -> bool | dict[str, Any]:
        score = rating_of(message.text)
        if score is None:
            return False
        since = data["clock"].now() - RATING_WINDOW
        order = await queries.latest_resolved(data["session"], message.openid, since)
        return {"score": score, "order": order} if order is not None else False


@router.message(MsgType("text", "voice"), HasText(), SurveyAnswer())
async def rate(message: Incoming, score: int, order: Order, orders: OrderService) -> str:
    if await orders.rate(message.openid, order, score):
        return texts.RATE_LOW.format(number=order.id)
    return texts.RATED


# -- free text -----------------------------------------------------------------------------
@router.message(MsgType("text", "voice"), HasText())
async def on_text(
    message: Incoming,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None = None,
) -> str:
    text, session = message.text, orders.session
    parsed = parse(text, _local_now(clock, config))
    intent = parsed.intent
    if intent == "bind":
        return await _bind(message.openid, parsed, session, clock, orders.roster_cache)
    if intent == "status":
        return await my_orders(message, orders, config)
    if intent == "cancel":
        m = _ORDER_NUMBER.search(text)
        return await _cancel(orders, message.openid, int(m.group(1)) if m else None)
    if intent == "help":
        return texts.HELP
    if intent == "chat":
        return texts.GREETING_REPLY if _GREETING.match(text.strip()) else texts.CHAT_REPLY
    home = await residents.home_of(session, message.openid)
    place = _place(parsed, home)
    if place is None and not parsed.urgent:
        await conversation.remember(
            session,
            message.openid,
            ASK_ADDRESS,
            {"text": text, "inbound_id": inbound_id, "tries": 0},
            clock.now(),
        )
        return texts.ASK_ADDRESS
    new = _new_order(text, parsed, place or Place())
    return await _create(orders, message.openid, new, inbound_id)


# -- pictures, places and everything else ---------------------------------------------------
async def _attach(
    orders: OrderService, message: Incoming, kind: str, data: dict[str, Any]
) -> Order | None:
    since = orders.clock.now() - ATTACH_WINDOW
    order = await queries.latest_since(orders.session, message.openid, since)
    if order is not None:
        await orders.attach(order, message.openid, kind, data)
    return order


@router.message(MsgType("voice"))
async def on_silent_voice() -> str:
    return texts.VOICE_UNRECOGNISED


@router.message(MsgType("image"))
async def on_image(message: Incoming, orders: OrderService) -> str:
    data = {"pic_url": message.pic_url, "media_id": message.media_id}
    order = await _attach(orders, message, "image", data)
    return texts.ATTACHED_IMAGE.format(number=order.id) if order else texts.RECEIVED_IMAGE


@router.message(MsgType("location"))
async def on_location(message: Incoming, orders: OrderService) -> str:
    data = {"lat": message.latitude, "lon": message.longitude, "label": message.label}
    order = await _attach(orders, message, "location", data)
    return texts.ATTACHED_LOCATION.format(number=order.id) if order else texts.RECEIVED_LOCATION


@router.message(MsgType("link"))
async def on_link() -> str:
    return texts.RECEIVED_LINK


@router.message(MsgType("video", "shortvideo", "file", "miniprogrampage"))
async def on_media() -> str:
    return texts.RECEIVED_MEDIA
