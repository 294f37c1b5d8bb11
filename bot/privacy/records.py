"""The record of privacy work: a resident's request in chat, and each export and erase.

The openid is kept only while it is needed (an open request names who asked); every record
also carries a hash of it, so "was this person's data exported or erased, and when" can be
answered after the erase without keeping who it was.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.privacy import PrivacyRecord

ERASE_REQUEST, EXPORT, ERASE = "erase_request", "export", "erase"


def subject_of(openid: str) -> str:
    return hashlib.sha256(f"mulin-privacy:{openid}".encode()).hexdigest()[:32]


async def open_request(session: AsyncSession, openid: str, text: str, now: datetime) -> bool:
    """A resident asks to be erased; False when a request of theirs is already open."""
    existing = await session.scalar(
        select(PrivacyRecord.id).where(
            PrivacyRecord.subject == subject_of(openid),
            PrivacyRecord.kind == ERASE_REQUEST,
            PrivacyRecord.status == "open",
        )
    )
    if existing is not None:
        return False
    session.add(
        PrivacyRecord(
            kind=ERASE_REQUEST,
            subject=subject_of(openid),
            openid=openid,
            status="open",
            note=text[:200],
            actor="resident",
            created_at=now,
        )
    )
    await session.flush()
    return True


async def record(
    session: AsyncSession, kind: str, openid: str, actor: str, note: str, now: datetime
) -> None:
    """An export or erase done by the office. An erase closes the resident's open requests
    and forgets the openid on every record of theirs."""
    subject = subject_of(openid)
    session.add(
        PrivacyRecord(
            kind=kind,
            subject=subject,
            openid=None if kind == ERASE else openid,
            status="done",
            note=note[:500],
            actor=actor,
            created_at=now,
            handled_at=now,
        )
    )
    if kind == ERASE:
        await session.execute(
            update(PrivacyRecord).where(PrivacyRecord.subject == subject).values(openid=None)
        )
        await session.execute(
            update(PrivacyRecord)
            .where(PrivacyRecord.subject == subject, PrivacyRecord.status == "open")
            .values(status="done", handled_at=now)
        )
    await session.flush()


async def open_requests(session: AsyncSession) -> list[PrivacyRecord]:
    query = (
        select(PrivacyRecord)
        .where(PrivacyRecord.kind == ERASE_REQUEST, PrivacyRecord.status == "open")
        .order_by(PrivacyRecord.id)
    )
    return list((await session.execute(query)).scalars())


async def withdraw_request(session: AsyncSession, openid: str, now: datetime) -> bool:
    """The resident takes their open request back; False when none is open. The record
    stays (it was made), marked withdrawn, so the office sees it need not act."""
    found = await session.execute(
        update(PrivacyRecord)
        .where(
            PrivacyRecord.subject == subject_of(openid),
            PrivacyRecord.kind == ERASE_REQUEST,
            PrivacyRecord.status == "open",
        )
        .values(status="withdrawn", handled_at=now)
    )
    await session.flush()
    return bool(getattr(found, "rowcount", 0))
