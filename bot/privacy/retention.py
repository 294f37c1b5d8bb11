"""Retention: what is removed once it is no longer needed (privacy.retain_messages and
privacy.retain_closed). Each batch is its own short transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.media import store as media
from bot.orders.lifecycle import Status
from bot.privacy.erase import ERASED_TEXT
from models.inbound import InboundMessage
from models.media import OrderAttachment
from models.orders import Order

BATCH = 2000
RETAINED_TEXT = "（超过保存期限，内容已删除）"
_FINISHED = (Status.CLOSED.value, Status.CANCELLED.value)


@dataclass
class PruneSummary:
    messages: int = 0
    orders: int = 0

    def line(self) -> str:
        return f"message texts removed: {self.messages}; closed orders anonymised: {self.orders}"


async def _prune_messages(session: AsyncSession, before: datetime, limit: int) -> int:
    due = (
        select(InboundMessage.id)
        .where(
            InboundMessage.received_at < before,
            or_(
                InboundMessage.content.is_not(None),
                InboundMessage.raw_xml != "",
                InboundMessage.reply_text.is_not(None),
            ),
        )
        .limit(limit)
        .scalar_subquery()
    )
    result = await session.execute(
        update(InboundMessage)
        .where(InboundMessage.id.in_(due))
        .values(content=None, raw_xml="", reply_text=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def _prune_orders(session: AsyncSession, before: datetime, limit: int) -> int:
    """Closed orders past retention lose their text, phones, room, photos and places."""
    finished_at = func.coalesce(Order.closed_at, Order.updated_at)
    due = list(
        await session.scalars(
            select(Order.id)
            .where(
                Order.status.in_(_FINISHED),
                finished_at < before,
                Order.text != RETAINED_TEXT,
                Order.text != ERASED_TEXT,
            )
            .limit(limit)
        )
    )
    if not due:
        return 0
    result = await session.execute(
        update(Order)
        .where(Order.id.in_(due))
        .values(text=RETAINED_TEXT, phones=[], room=None, version=Order.version + 1)
        .execution_options(synchronize_session=False)
    )
    attached = await session.scalars(
        select(OrderAttachment.id).where(OrderAttachment.order_id.in_(due))
    )
    await media.drop(session, list(attached))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def prune(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    retain_messages: timedelta,
    retain_closed: timedelta,
    batch: int = BATCH,
) -> PruneSummary:
    """Remove everything past its retention, batch by batch, until nothing is left."""
    summary = PruneSummary()
    for kind, before, step in (
        ("messages", now - retain_messages, _prune_messages),
        ("orders", now - retain_closed, _prune_orders),
    ):
        while True:
            async with sessions() as s, s.begin():
                n = await step(s, before, batch)
            setattr(summary, kind, getattr(summary, kind) + n)
            if n < batch:
                break
    return summary
