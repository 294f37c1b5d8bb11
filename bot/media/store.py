"""Where a photo or a place a resident sends goes, and the rows that keep them.

What a resident expects: a photo sent after a report shows the report's problem, so it joins
the order they reported most recently (or joined as a neighbour's repeat) that is still open
or waiting for their verdict. A photo sent *before* the words, or while we ask for the address,
belongs to the report that is coming: it waits (no order yet) and joins the order the next
report files, within ``WAIT_FOR_REPORT``. A waiting photo nobody files a report for is deleted
after a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders.lifecycle import OPEN_VALUES, Status
from bot.storage.staged import AWARE
from models.media import AttachmentContent, OrderAttachment
from models.orders import Order, OrderFollower

WAIT_FOR_REPORT = timedelta(minutes=30)  # a photo sent first waits this long for its report
KEEP_ORPHANS = timedelta(days=1)  # then, if no report came, it is deleted
MAX_WAITING = 20  # photos and places one resident may have waiting at once
ATTACHABLE = (*OPEN_VALUES, Status.RESOLVED.value)


@dataclass(frozen=True)
class Sent:
    """What the resident sent: a photo (media id, picture URL) or a place."""

    kind: str  # "image" or "location"
    media_id: str | None = None
    pic_url: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    label: str | None = None

    def history(self, attachment_id: int) -> dict[str, Any]:
        """The order history entry's data (the console links it to the attachment)."""
        data: dict[str, Any] = {"kind": self.kind, "attachment": attachment_id}
        if self.kind == "location":
            data |= {"lat": self.latitude, "lon": self.longitude, "label": self.label}
        return data


async def target_order(session: AsyncSession, openid: str) -> Order | None:
    """The order a photo sent now belongs to: the newest the resident reported or joined that
    is open or awaiting their verdict (merged duplicates excluded)."""
    own = (
        await session.execute(
            select(Order.id, Order.created_at)
            .where(
                Order.resident_openid == openid,
                Order.status.in_(ATTACHABLE),
                Order.merged_into.is_(None),
            )
            .order_by(Order.created_at.desc(), Order.id.desc())
            .limit(1)
        )
    ).first()
    joined = (
        await session.execute(
            select(OrderFollower.order_id, OrderFollower.since)
            .join(Order, Order.id == OrderFollower.order_id)
            .where(
                OrderFollower.openid == openid,
                Order.status.in_(ATTACHABLE),
                Order.merged_into.is_(None),
            )
            .order_by(OrderFollower.since.desc())
            .limit(1)
        )
    ).first()
    best = max((r for r in (own, joined) if r is not None), key=lambda r: r[1], default=None)
    return await session.get(Order, best[0]) if best is not None else None


async def count_on(session: AsyncSession, order_id: int) -> int:
    query = select(func.count()).where(OrderAttachment.order_id == order_id)
    return int(await session.scalar(query) or 0)


async def waiting(session: AsyncSession, openid: str, now: datetime) -> list[OrderAttachment]:
    """The resident's photos and places still waiting for their report, oldest first."""
    rows = await session.execute(
        select(OrderAttachment)
        .where(
            OrderAttachment.openid == openid,
            OrderAttachment.order_id.is_(None),
            OrderAttachment.at >= now - WAIT_FOR_REPORT,
        )
        .order_by(OrderAttachment.at, OrderAttachment.id)
        # reads no staged table (orders, history, pushes): the batch's staged rows need
        # not go out first, so a report that has no photo waiting stays in its batch write
        .execution_options(**AWARE)
    )
    return list(rows.scalars())


async def add(
    session: AsyncSession, openid: str, sent: Sent, now: datetime, order_id: int | None
) -> OrderAttachment:
    """Keep what was sent; a photo becomes a fetch due at once (bot/media/fetch.py)."""
    photo = sent.kind == "image"
    row = OrderAttachment(
        order_id=order_id,
        openid=openid,
        kind=sent.kind,
        at=now,
        media_id=sent.media_id,
        pic_url=sent.pic_url,
        latitude=sent.latitude,
        longitude=sent.longitude,
        label=sent.label,
        state="pending" if photo else None,
        attempts=0,
        next_attempt_at=now if photo else None,
    )
    session.add(row)
    await session.flush()
    return row


async def adopt(
    session: AsyncSession, openid: str, order_id: int, now: datetime, limit: int
) -> list[tuple[int, Sent]]:
    """The waiting photos and places join the order just filed (or joined), as long as it
    carries fewer than ``limit``; returns what joined, with each attachment's id."""
    rows = await waiting(session, openid, now)
    if not rows:
        return []
    rows = rows[: max(0, limit - await count_on(session, order_id))]
    if not rows:
        return []
    await session.execute(
        update(OrderAttachment)
        .where(OrderAttachment.id.in_([r.id for r in rows]))
        .values(order_id=order_id)
        .execution_options(synchronize_session=False)
    )
    return [
        (r.id, Sent(r.kind, r.media_id, r.pic_url, r.latitude, r.longitude, r.label)) for r in rows
    ]


async def attachments_of(session: AsyncSession, order_id: int) -> list[OrderAttachment]:
    rows = await session.execute(
        select(OrderAttachment)
        .where(OrderAttachment.order_id == order_id)
        .order_by(OrderAttachment.at, OrderAttachment.id)
    )
    return list(rows.scalars())


async def content_of(session: AsyncSession, attachment_id: int) -> bytes | None:
    query = select(AttachmentContent.data).where(AttachmentContent.attachment_id == attachment_id)
    data: bytes | None = await session.scalar(query)
    return data


async def drop(session: AsyncSession, ids: list[int]) -> int:
    """Delete attachments and their bytes (erasure, retention, orphans)."""
    if not ids:
        return 0
    await session.execute(delete(AttachmentContent).where(AttachmentContent.attachment_id.in_(ids)))
    result = await session.execute(delete(OrderAttachment).where(OrderAttachment.id.in_(ids)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def drop_orphans(session: AsyncSession, now: datetime) -> int:
    """Photos and places whose report never came."""
    ids = await session.scalars(
        select(OrderAttachment.id)
        .where(OrderAttachment.order_id.is_(None), OrderAttachment.at < now - KEEP_ORPHANS)
        .limit(500)
    )
    return await drop(session, list(ids))
