"""Pictures, places and everything else a resident sends that is not text."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot import texts
from bot.chat.filters import MsgType
from bot.chat.router import Router
from bot.messages import Incoming
from bot.orders import queries
from bot.orders.service import OrderService
from models.orders import Order

router = Router("attachments")

ATTACH_WINDOW = timedelta(minutes=10)


async def _attach(
    orders: OrderService, message: Incoming, kind: str, data: dict[str, Any]
) -> Order | None:
    """A picture or a place joins the resident's report of the last few minutes."""
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
