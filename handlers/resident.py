"""What residents send: reports in free text or voice, their shortcuts, pictures, locations."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.chat import conversation
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.chat.filters import Command, HasText, MsgType
from bot.chat.router import Router
from bot.clock import Clock
from bot.config import Config
from bot.intake import ParseResult, parse
from bot.messages import Incoming, Reply
from bot.orders.dispatch import Place
from bot.orders.emergency import emergency_numbers
from bot.orders.service import NewOrder, OrderDesk
from bot.roster.cache import RosterCache
from models.community import Resident
from models.orders import Order, OrderEvent

router = Router("resident")

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


async def _resident(session: AsyncSession, openid: str) -> Resident | None:
    return await session.get(Resident, openid)


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


async def _create(desk: OrderDesk, message: Incoming, new: NewOrder, inbound_id: int | None) -> str:
    order, member = await desk.report(message.openid, new, inbound_id)
    who = f"{member.name}（{'、'.join(texts_role(member.roles))}）" if member else None
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


def texts_role(roles: list[str] | None) -> list[str]:
    from bot.orders.dispatch import ROLE_NAMES

    return [ROLE_NAMES.get(r, r) for r in roles or []] or ["社区成员"]


# -- shortcuts -----------------------------------------------------------------------------
@router.message(Command("查询", "我的工单", "工单"))
async def my_orders(message: Incoming, desk: OrderDesk) -> str:
    return await desk.resident_orders(message.openid)


@router.message(Command("取消", "撤销", "撤回"))
async def cancel(message: Incoming, args: str, desk: OrderDesk) -> str:
    m = _ORDER_NUMBER.search(args)
    await conversation.forget(desk.session, message.openid)
    return await desk.cancel(message.openid, int(m.group(1)) if m else None)


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
    return await _bind(message, parsed, session, clock, config, roster)


async def _bind(
    message: Incoming,
    parsed: ParseResult,
    session: AsyncSession,
    clock: Clock,
    config: Config,
    roster: RosterCache,
) -> str:
    a = parsed.address
    if a is None or a.building is None:
        return texts.BIND_NEEDS_ADDRESS
    view = await roster.get(session)
    if view.buildings and a.building.upper() not in view.buildings:
        return texts.UNKNOWN_BUILDING.format(building=a.building)
    now = clock.now()
    resident = await _resident(session, message.openid)
    if resident is None:
        resident = Resident(openid=message.openid, tags=[], created_at=now, updated_at=now)
        session.add(resident)
    resident.building, resident.unit, resident.room = a.building, a.unit, a.room
    resident.updated_at = now
    await session.flush()
    return texts.BOUND.format(place=Place(a.building, a.unit, a.room).label())


# -- free text -----------------------------------------------------------------------------
@router.message(MsgType("text", "voice"), HasText())
async def on_text(
    message: Incoming,
    session: AsyncSession,
    clock: Clock,
    config: Config,
    roster: RosterCache,
    desk: OrderDesk,
    inbound_id: int | None = None,
) -> str:
    text = message.text
    now = clock.now()
    pending = await conversation.current(session, message.openid, now)
    parsed = parse(text, _local_now(clock, config))
    if pending is not None and pending.state == "await_address":
        answer = await _answer_address(desk, message, pending.data, parsed, inbound_id)
        if answer is not None:
            return answer

    rating = _rating(text)
    if rating is not None:
        order = await desk.latest_resolved(message.openid, RATING_WINDOW)
        if order is not None:
            return await desk.rate(message.openid, order, rating)

    intent = parsed.intent
    if intent == "bind":
        return await _bind(message, parsed, session, clock, config, roster)
    if intent == "status":
        return await desk.resident_orders(message.openid)
    if intent == "cancel":
        m = _ORDER_NUMBER.search(text)
        return await desk.cancel(message.openid, int(m.group(1)) if m else None)
    if intent == "help":
        return texts.HELP
    if intent == "chat":
        return texts.GREETING_REPLY if _GREETING.match(text.strip()) else texts.CHAT_REPLY

    home = await _resident(session, message.openid)
    place = _place(parsed, home)
    new = _new_order(text, parsed, place or Place())
    if place is None and not parsed.urgent:
        await conversation.remember(
            session,
            message.openid,
            "await_address",
            {"text": text, "inbound_id": inbound_id, "tries": 0},
            now,
        )
        return texts.ASK_ADDRESS
    return await _create(desk, message, new, inbound_id)


async def _answer_address(
    desk: OrderDesk,
    message: Incoming,
    data: dict[str, Any],
    parsed: ParseResult,
    inbound_id: int | None,
) -> str | None:
    """The resident was asked for an address; None means "not an answer, handle normally"."""
    session, clock, config = desk.session, desk.clock, desk.config
    original = str(data.get("text") or "")
    first = parse(original, _local_now(clock, config))
    text = message.text.strip()
    if parsed.address is not None and parsed.address.building is not None:
        place = Place(parsed.address.building, parsed.address.unit, parsed.address.room)
    elif text in _SKIP:
        place = Place()
    elif parsed.intent in ("cancel", "status", "help") or (
        parsed.intent == "order" and len(text) > 8 and parsed.category not in (None, "other")
    ):
        await conversation.forget(session, message.openid)
        return None  # a new matter, not an address: the old report is dropped on purpose
    elif int(data.get("tries", 0)) < 1:
        await conversation.remember(
            session, message.openid, "await_address", {**data, "tries": 1}, clock.now()
        )
        return texts.ASK_ADDRESS_AGAIN
    else:
        place = Place()  # asked twice: take the report without an address rather than lose it
    await conversation.forget(session, message.openid)
    source = data.get("inbound_id")
    new = _new_order(original, first, place)
    reply = await _create(desk, message, new, int(source) if source else inbound_id)
    return (texts.ADDRESS_SKIPPED + reply) if place == Place() else reply


def _rating(text: str) -> int | None:
    m = _RATING.match(text)
    if not m:
        return None
    if m.group(1):
        return _CN_DIGIT.get(m.group(1)) or int(m.group(1))
    return _RATING_WORDS[m.group(2)]


# -- pictures, places and everything else ---------------------------------------------------
async def _recent_order(session: AsyncSession, openid: str, now: datetime) -> Order | None:
    return (
        await session.execute(
            select(Order)
            .where(Order.resident_openid == openid, Order.created_at >= now - ATTACH_WINDOW)
            .order_by(Order.created_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def _attach(
    session: AsyncSession, clock: Clock, message: Incoming, kind: str, data: dict[str, Any]
) -> Order | None:
    order = await _recent_order(session, message.openid, clock.now())
    if order is None:
        return None
    session.add(
        OrderEvent(
            order_id=order.id,
            at=clock.now(),
            actor=f"resident:{message.openid}",
            action="attach",
            from_status=order.status,
            to_status=order.status,
            note="图片" if kind == "image" else "位置",
            data={"kind": kind, **data},
        )
    )
    return order


@router.message(MsgType("voice"))
async def on_silent_voice() -> str:
    return texts.VOICE_UNRECOGNISED


@router.message(MsgType("image"))
async def on_image(message: Incoming, session: AsyncSession, clock: Clock) -> str:
    order = await _attach(
        session, clock, message, "image", {"pic_url": message.pic_url, "media_id": message.media_id}
    )
    return texts.ATTACHED_IMAGE.format(number=order.id) if order else texts.RECEIVED_IMAGE


@router.message(MsgType("location"))
async def on_location(message: Incoming, session: AsyncSession, clock: Clock) -> str:
    order = await _attach(
        session,
        clock,
        message,
        "location",
        {"lat": message.latitude, "lon": message.longitude, "label": message.label},
    )
    return texts.ATTACHED_LOCATION.format(number=order.id) if order else texts.RECEIVED_LOCATION


@router.message(MsgType("link"))
async def on_link() -> str:
    return texts.RECEIVED_LINK


@router.message(MsgType("video", "shortvideo", "file", "miniprogrampage"))
async def on_media() -> str:
    return texts.RECEIVED_MEDIA
