"""Fetching residents' photos from WeChat's temporary media, off the webhook's path.

The job is the attachment row itself (``state = 'pending'``, ``next_attempt_at``): it is in
the database with the message that brought it, so it survives restarts. A tick claims due rows
with a lease in one atomic statement (several processes may tick), fetches them over HTTP with
no transaction open, and writes each result only while it still holds the lease.

Outcomes: ``stored`` (the bytes are a JPEG, PNG, GIF or WebP image within ``media.max_bytes``);
``refused`` (larger than that, or not an image — whatever WeChat called it; the resident is
told so at once); ``failed`` (WeChat refused the media id: 40007 — or its copy expired before
we had it: temporary media live 3 days). Anything else (network, busy, token, quota) is tried
again later, backing off from 30 s to an hour, until the 3 days are over.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.clock import Clock
from bot.media import images
from bot.media.store import drop_orphans
from bot.outbox import enqueue
from bot.wechat.api import WeChatClient
from bot.wechat.errors import (
    MediaTooLarge,
    PermanentError,
    QuotaExceeded,
    TokenError,
    TransientError,
)
from models.media import AttachmentContent, OrderAttachment

log = logging.getLogger("mulin.media")

MEDIA_LIFETIME = timedelta(days=3)  # WeChat keeps temporary media this long
LEASE = timedelta(minutes=2)
BATCH = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


@dataclass(frozen=True)
class Due:
    id: int
    order_id: int | None
    openid: str
    media_id: str
    at: datetime
    attempts: int
    lease_until: datetime


@dataclass(frozen=True)
class Result:
    state: str  # stored, refused, failed, or pending (try again at retry_at)
    error: str | None = None  # "<reason>: <detail>"; reasons in bot/console/texts.py
    data: bytes = b""
    image: images.Image | None = None
    retry_at: datetime | None = None


def backoff(attempts: int) -> timedelta:
    return min(LONGEST_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1))


async def claim(sessions: async_sessionmaker[AsyncSession], now: datetime) -> list[Due]:
    t = OrderAttachment
    lease = now + LEASE
    due = and_(
        t.state == "pending",
        t.next_attempt_at <= now,
        or_(t.lease_until.is_(None), t.lease_until < now),
    )
    async with sessions() as session, session.begin():
        pick = select(t.id).where(due).order_by(t.next_attempt_at, t.id).limit(BATCH)
        if session.get_bind().dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        rows = await session.execute(
            update(t)
            .where(t.id.in_(pick.scalar_subquery()))
            .values(lease_until=lease, attempts=t.attempts + 1)
            .returning(t.id, t.order_id, t.openid, t.media_id, t.at, t.attempts)
        )
        return [
            Due(r.id, r.order_id, r.openid, r.media_id or "", r.at, r.attempts, lease)
            for r in rows.all()
        ]


async def fetch(client: WeChatClient, due: Due, max_bytes: int, now: datetime) -> Result:
    """One try at one photo; never raises for anything WeChat or the file does."""
    expires = due.at + MEDIA_LIFETIME
    if now >= expires:
        return Result("failed", "expired: 3 days")
    try:
        media = await client.get_media(due.media_id, max_bytes=max_bytes)
    except MediaTooLarge as exc:
        return Result("refused", f"too_large: {exc.size or ''}")
    except QuotaExceeded as exc:
        return Result("pending", f"quota: {exc}", retry_at=min(exc.retry_at, expires))
    except (TransientError, TokenError) as exc:
        return Result("pending", f"transient: {exc}", retry_at=now + backoff(due.attempts))
    except PermanentError as exc:
        return Result("failed", f"invalid_media: {exc.errcode}")
    found = images.sniff(media.content)
    if found is None:
        return Result("refused", f"not_image: {media.content_type[:40]}")
    return Result("stored", data=media.content, image=found)


def _values(result: Result, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"state": result.state, "lease_until": None}
    values["last_error"] = result.error
    values["next_attempt_at"] = result.retry_at if result.state == "pending" else None
    if result.image is not None:
        values |= {
            "content_type": result.image.content_type,
            "size": len(result.data),
            "width": result.image.width,
            "height": result.image.height,
            "fetched_at": now,
        }
    return values


async def record(
    sessions: async_sessionmaker[AsyncSession], due: Due, result: Result, now: datetime
) -> bool:
    """Write one result if the lease is still ours; False when another worker took over."""
    t = OrderAttachment
    async with sessions() as session, session.begin():
        mine = await session.execute(
            update(t)
            .where(t.id == due.id, t.lease_until == due.lease_until)
            .values(**_values(result, now))
        )
        if not mine.rowcount:  # type: ignore[attr-defined]
            return False
        if result.state == "stored":
            session.add(AttachmentContent(attachment_id=due.id, data=result.data))
        elif result.state == "refused" and due.order_id is not None:
            reason = texts.PHOTO_TOO_LARGE if result.error and "too_large" in result.error else ""
            await enqueue(
                session,
                purpose="order_update",
                recipient=due.openid,
                text=texts.PHOTO_REFUSED.format(
                    number=due.order_id, reason=reason or texts.PHOTO_NOT_IMAGE
                ),
                dedupe_key=f"order:{due.order_id}:photo:{due.id}:refused",
                now=now,
            )
    return True


async def fetch_due(
    sessions: async_sessionmaker[AsyncSession],
    client: WeChatClient,
    clock: Clock,
    max_bytes: int,
) -> int:
    """One round: fetch what is due (a batch at a time, concurrently); returns photos done."""
    done = 0
    while True:
        batch = await claim(sessions, clock.now())
        if not batch:
            break
        results = await asyncio.gather(
            *(fetch(client, due, max_bytes, clock.now()) for due in batch)
        )
        for due, result in zip(batch, results, strict=True):
            if result.state != "stored":
                log.info("photo %s: %s (%s)", due.id, result.state, result.error)
            done += await record(sessions, due, result, clock.now())
        if len(batch) < BATCH:
            break
    async with sessions() as session, session.begin():
        await drop_orphans(session, clock.now())
    return done
