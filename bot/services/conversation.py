"""A resident's pending question, stored in the database so it survives restarts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.orders import Conversation
from models.repo import dialect_insert

DEFAULT_TTL = timedelta(minutes=30)


async def current(session: AsyncSession, openid: str, now: datetime) -> Conversation | None:
    row = (
        await session.execute(select(Conversation).where(Conversation.openid == openid))
    ).scalar_one_or_none()
    if row is None:
        return None
    if row.expires_at <= now:
        await session.delete(row)
        return None
    return row


async def remember(
    session: AsyncSession,
    openid: str,
    state: str,
    data: dict[str, Any],
    now: datetime,
    ttl: timedelta = DEFAULT_TTL,
) -> None:
    stmt = dialect_insert(session, cast(Table, Conversation.__table__)).values(
        openid=openid, state=state, data=data, expires_at=now + ttl
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["openid"],
            set_={"state": state, "data": data, "expires_at": now + ttl},
        )
    )
    session.expire_all()


async def forget(session: AsyncSession, openid: str) -> None:
    await session.execute(delete(Conversation).where(Conversation.openid == openid))
