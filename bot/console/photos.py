"""Photos on the order page: each one served only to those who may open its order.

The check is the order page's own (``order_in_scope``), and the photo must belong to that
order: a grid leader who guesses another grid's photo URL, or pairs their own order's number
with another order's photo id, gets the same "not found" as for a missing one. The bytes are
served under the type read from them when they were stored (bot/media/images.py), never one a
sender claimed, with ``nosniff`` and a sandboxing CSP, and cached only by the browser.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.console import texts as t
from bot.console.scope import Viewer, order_in_scope
from bot.console.web import VIEWER
from bot.keys import READS
from bot.media import store
from models.media import OrderAttachment


def _whole(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 12:
        raise web.HTTPNotFound()
    return int(raw)


async def photo(request: web.Request) -> web.StreamResponse:
    viewer: Viewer = request[VIEWER]
    number = _whole(request.match_info["number"])
    photo_id = _whole(request.match_info["photo"])
    async with request.config_dict[READS]() as s:
        order = await order_in_scope(s, viewer, number)
        row = await s.get(OrderAttachment, photo_id) if order is not None else None
        if row is None or row.order_id != number or row.state != "stored":
            raise web.HTTPNotFound()
        data = await store.content_of(s, photo_id)
    if data is None or not (row.content_type or "").startswith("image/"):
        raise web.HTTPNotFound()
    extension = (row.content_type or "image/jpeg").split("/")[1]
    return web.Response(
        body=data,
        content_type=row.content_type,
        headers={
            "Cache-Control": "private, max-age=86400",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Content-Disposition": f'inline; filename="order-{number}-photo-{photo_id}.{extension}"',
        },
    )


def describe(row: OrderAttachment) -> dict[str, Any]:
    """What the order page shows for one attachment."""
    shown: dict[str, Any] = {"a": row, "problem": "", "size": ""}
    if row.kind == "image" and row.state != "stored":
        reason = (row.last_error or "").partition(":")[0]
        if row.state == "pending":
            shown["problem"] = t.PHOTO_PROBLEMS.get(reason, t.W["photo_pending"])
        else:
            shown["problem"] = t.PHOTO_PROBLEMS.get(reason, t.PHOTO_PROBLEMS["invalid_media"])
    if row.kind == "image" and row.state == "stored":
        kb = max(1, round((row.size or 0) / 1024))
        shown["size"] = t.W["photo_size"].format(w=row.width, h=row.height, kb=kb)
    if row.kind == "location" and row.latitude is not None and row.longitude is not None:
        shown["coordinates"] = t.W["lat_lon"].format(lat=row.latitude, lon=row.longitude)
    return shown


def routes(app: web.Application) -> None:
    app.router.add_get("/orders/{number}/photos/{photo}", photo)
