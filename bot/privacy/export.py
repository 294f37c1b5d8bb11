"""Everything held about one resident, as plain JSON-ready data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.broadcasts import BroadcastReceipt
from models.community import Member, Resident
from models.inbound import InboundMessage, WeChatUser
from models.media import OrderAttachment
from models.orders import Conversation, Order, OrderEvent, OrderFollower
from models.outbox import OutboxMessage

FORMAT_VERSION = 1


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row_dict(row: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A model row as a dict of its columns (times as ISO 8601)."""
    mapper = inspect(type(row))
    return {c.key: _value(getattr(row, c.key)) for c in mapper.column_attrs if c.key not in skip}


async def _rows(session: AsyncSession, stmt: Any) -> list[Any]:
    return list((await session.execute(stmt)).scalars())


async def order_ids_of(session: AsyncSession, openid: str) -> tuple[list[int], list[int]]:
    """(orders the resident reported, orders the resident follows)."""
    reported = await _rows(session, select(Order.id).where(Order.resident_openid == openid))
    followed = await _rows(
        session, select(OrderFollower.order_id).where(OrderFollower.openid == openid)
    )
    return sorted(reported), sorted(set(followed) - set(reported))


# what counts as "something is held" (history and follows only exist beside these)
FOUND_KEYS = (
    "resident",
    "wechat_user",
    "member_binding",
    "conversation",
    "inbound_messages",
    "orders_reported",
    "orders_followed",
    "outbox",
    "broadcast_deliveries",
    "photos_and_places",
)


async def export_resident(session: AsyncSession, openid: str, now: datetime) -> dict[str, Any]:
    """The resident's data, grouped by what it is; an empty ``found`` means nothing is held."""
    reported, followed = await order_ids_of(session, openid)
    ids = reported + followed
    resident = await session.get(Resident, openid)
    user = await session.get(WeChatUser, openid)
    member = (await _rows(session, select(Member).where(Member.openid == openid)))[:1]
    conversation = await session.get(Conversation, openid)
    messages = await _rows(
        session,
        select(InboundMessage).where(InboundMessage.openid == openid).order_by(InboundMessage.id),
    )
    orders = await _rows(session, select(Order).where(Order.id.in_(ids)).order_by(Order.id))
    events = await _rows(
        session,
        select(OrderEvent)
        .where(or_(OrderEvent.order_id.in_(ids), OrderEvent.actor == f"resident:{openid}"))
        .order_by(OrderEvent.id),
    )
    follows = await _rows(session, select(OrderFollower).where(OrderFollower.openid == openid))
    outbox = await _rows(
        session,
        select(OutboxMessage).where(OutboxMessage.recipient == openid).order_by(OutboxMessage.id),
    )
    receipts = await _rows(
        session, select(BroadcastReceipt).where(BroadcastReceipt.openid == openid)
    )
    sent = await _rows(
        session,
        select(OrderAttachment)
        .where(OrderAttachment.openid == openid)
        .order_by(OrderAttachment.id),
    )
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "openid": openid,
        "exported_at": now.isoformat(),
        "resident": row_dict(resident) if resident else None,
        "wechat_user": row_dict(user) if user else None,
        # a resident who is also on the roster (representative, staff): the member binding
        "member_binding": row_dict(member[0], skip=("invite_code",)) if member else None,
        "conversation": row_dict(conversation) if conversation else None,
        "inbound_messages": [row_dict(m) for m in messages],
        "orders_reported": [row_dict(o) for o in orders if o.id in reported],
        "orders_followed": [row_dict(o) for o in orders if o.id in followed],
        "follows": [row_dict(f) for f in follows],
        "order_events": [row_dict(e) for e in events],
        "outbox": [row_dict(o) for o in outbox],
        "broadcast_deliveries": [row_dict(r) for r in receipts],
        # photos and places they sent (the photos' bytes are on the order page, not here)
        "photos_and_places": [row_dict(a) for a in sent],
    }
    data["found"] = any(data[k] for k in FOUND_KEYS)
    return data
