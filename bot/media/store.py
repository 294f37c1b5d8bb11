"""Where a photo or a place a resident sends goes, and the rows that keep them.

What a resident expects: a photo sent after a report shows the report's problem, so it joins
the order they reported most recently (or joined as a neighbour's repeat) that is still open
or waiting for their verdict. A photo sent *before* the words, or while we ask for the address,
belongs to the report that is coming: it waits (no order yet) and joins the order the next
report files, within ``WAIT_FOR_REPORT``. A waiting photo nobody files a report for is deleted
after a day.

Whether a report has photos waiting is read once per inbound batch, for every sender of the
batch at the first report that asks (most have none: then nothing more is read or written).
The read is ``AWARE`` (bot.storage.staged): it touches no staged table, so the batch's staged
rows stay staged. What it found is good for the whole transaction: a photo kept in the same
transaction drops it (:func:`add`); other processes cannot add one in between on SQLite, whose
unit of work holds the write lock from its first statement; on PostgreSQL a photo that commits
while the batch runs came in at the same time as the report, and the adoption itself claims
only photos still waiting (two processes never both take one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders.batch import senders
from bot.orders.lifecycle import OPEN_VALUES, Status
from bot.storage.staged import AWARE, staged_for
from models.media import AttachmentContent, OrderAttachment
from models.orders import Order, OrderFollower

WAIT_FOR_REPORT = timedelta(minutes=30)  # a photo sent first waits this long for its report
KEEP_ORPHANS = timedelta(days=1)  # then, if no report came, it is deleted
MAX_WAITING = 20  # photos and places one resident may have waiting at once
ATTACHABLE = (*OPEN_VALUES, Status.RESOLVED.value)
_ATTACHMENTS = cast(Table, OrderAttachment.__table__)
_MEMO = "photos_waiting"  # the staging buffer's memo: openid -> [(at, id, Sent)], oldest first


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
    if order_id is None:  # a photo now waits: what the batch read about waiting ones is stale
        (await staged_for(session)).memo.pop(_MEMO, None)
    return row


_WAITING = (
    select(
        _ATTACHMENTS.c.openid,
        _ATTACHMENTS.c.at,
        _ATTACHMENTS.c.id,
        _ATTACHMENTS.c.kind,
        _ATTACHMENTS.c.media_id,
        _ATTACHMENTS.c.pic_url,
        _ATTACHMENTS.c.latitude,
        _ATTACHMENTS.c.longitude,
        _ATTACHMENTS.c.label,
    )
    .where(
        _ATTACHMENTS.c.openid.in_(bindparam("openids", expanding=True)),
        _ATTACHMENTS.c.order_id.is_(None),
        _ATTACHMENTS.c.at >= bindparam("since", type_=_ATTACHMENTS.c.at.type),
    )
    .order_by(_ATTACHMENTS.c.at, _ATTACHMENTS.c.id)
    .execution_options(**AWARE)  # reads no staged table (orders, history, pushes)
)


async def waiting_for_report(
    session: AsyncSession, openid: str, now: datetime
) -> list[tuple[int, Sent]]:
    """What the resident sent that waits for this report, oldest first (read for every sender
    of the batch at once, and kept for the transaction)."""
    memo: dict[str, list[tuple[datetime, int, Sent]]] = (await staged_for(session)).memo.setdefault(
        _MEMO, {}
    )
    if openid not in memo:
        wanted = sorted({openid, *senders(session)} - memo.keys())
        conn = await session.connection()
        found = await conn.execute(_WAITING, {"openids": wanted, "since": now - WAIT_FOR_REPORT})
        for key in wanted:
            memo[key] = []
        for r in found:
            sent = Sent(r.kind, r.media_id, r.pic_url, r.latitude, r.longitude, r.label)
            memo[r.openid].append((r.at, r.id, sent))
    since = now - WAIT_FOR_REPORT
    return [(number, sent) for at, number, sent in memo[openid] if at >= since]


async def adopt(
    session: AsyncSession, openid: str, order_id: int, now: datetime, limit: int
) -> list[tuple[int, Sent]]:
    """The waiting photos and places join the order just filed (or joined), as long as it
    carries fewer than ``limit``; returns what joined, with each attachment's id."""
    rows = await waiting_for_report(session, openid, now)
    if not rows:
        return []
    rows = rows[: max(0, limit - await count_on(session, order_id))]
    if not rows:
        return []
    claimed = await session.execute(
        update(OrderAttachment)
        # still waiting: another process's report may have taken it since it was read
        .where(OrderAttachment.id.in_([n for n, _ in rows]), OrderAttachment.order_id.is_(None))
        .values(order_id=order_id)
        .returning(OrderAttachment.id)
        .execution_options(synchronize_session=False)
    )
    taken = set(claimed.scalars())
    memo = (await staged_for(session)).memo.get(_MEMO)
    if memo is not None and openid in memo:
        memo[openid] = [w for w in memo[openid] if w[1] not in taken]
    return [(n, sent) for n, sent in rows if n in taken]


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
