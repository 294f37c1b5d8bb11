"""Pictures, places and everything else a resident sends that is not text.

A photo or a place joins the order it belongs to (bot/media/store.py says which); one sent
before the words, or while we ask for the address, waits for the report and joins it when it is
filed (handlers/reports.py). The photo itself is fetched from WeChat later, off this path
(bot/media/fetch.py): the reply never waits for it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import texts
from bot.chat import conversation
from bot.chat.filters import MsgType
from bot.chat.router import Router
from bot.media import store
from bot.media.store import Sent
from bot.messages import Incoming
from bot.orders.service import OrderService

router = Router("attachments")

WAITING_STATES = ("await_address", "await_estate")  # a report waits for its place
EARLIER = timedelta(minutes=30)  # a photo this long after the newest report may be of another


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def sent_of(message: Incoming) -> Sent | None:
    """What the message carries, or None when WeChat left out what makes it one."""
    if message.msg_type == "image":
        if not message.media_id:
            return None
        return Sent("image", media_id=message.media_id[:128], pic_url=message.pic_url)
    label = (message.label or "").strip()[:200] or None
    # impossible coordinates arrive as None (bot/wechat/inbound.py): the label still says where
    if (message.latitude is None or message.longitude is None) and label is None:
        return None
    return Sent("location", latitude=message.latitude, longitude=message.longitude, label=label)


async def _hold(orders: OrderService, message: Incoming, sent: Sent, reply: str) -> str:
    """Kept until the report it belongs to is filed."""
    now = orders.clock.now()
    if len(await store.waiting(orders.session, message.openid, now)) >= store.MAX_WAITING:
        return texts.HELD_FULL
    await store.add(orders.session, message.openid, sent, now, None)
    return reply


async def keep(orders: OrderService, message: Incoming, sent: Sent) -> str:
    """Attach what was sent where the resident expects it; the reply says where."""
    session, openid, photo = orders.session, message.openid, sent.kind == "image"
    pending = await conversation.current(session, openid, orders.clock.now())
    if pending is not None and pending.state in WAITING_STATES:
        return await _hold(
            orders, message, sent, texts.HELD_IMAGE if photo else texts.HELD_LOCATION
        )
    order = await store.target_order(session, openid)
    if order is None:
        reply = texts.RECEIVED_IMAGE if photo else texts.RECEIVED_LOCATION
        return await _hold(orders, message, sent, reply)
    if _aware(order.created_at) < orders.clock.now() - EARLIER:
        # a photo long after the newest report may be of a new matter (found from outside: it
        # joined a neighbour's toilet order, and the dangling cable reported next had none):
        # it waits for the next report, or for the resident to name the order
        what = texts.SENT_WHAT[sent.kind]
        reply = texts.HELD_OR_EARLIER.format(what=what, number=order.id, summary=order.summary)
        return await _hold(orders, message, sent, reply)
    limit = orders.config.media.per_order
    if await store.count_on(session, order.id) >= limit:
        return texts.ATTACH_FULL.format(number=order.id, limit=limit)
    row = await store.add(session, openid, sent, orders.clock.now(), order.id)
    await orders.attach(order, openid, sent.kind, sent.history(row.id))
    said = texts.ATTACHED_IMAGE if photo else texts.ATTACHED_LOCATION
    return said.format(number=order.id, summary=order.summary)


@router.message(MsgType("voice"))
async def on_silent_voice() -> str:
    return texts.VOICE_UNRECOGNISED


@router.message(MsgType("image", "location"))
async def on_photo_or_place(message: Incoming, orders: OrderService) -> str:
    sent = sent_of(message)
    return texts.RECEIVED_MEDIA if sent is None else await keep(orders, message, sent)


@router.message(MsgType("link"))
async def on_link() -> str:
    return texts.RECEIVED_LINK


@router.message(MsgType("video", "shortvideo", "file", "miniprogrampage"))
async def on_media() -> str:
    return texts.RECEIVED_MEDIA
