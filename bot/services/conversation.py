"""A resident's pending question, stored in the database so it survives restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.orders import Conversation
from models.repo import dialect_insert

DEFAULT_TTL = timedelta(minutes=30)


_TABLE = cast(Table, Conversation.__table__)
# Asked for on every text message: a prebuilt Core statement skips the ORM's expression
# building and object loading, which cost more than the query itself.
_CURRENT = select(_TABLE.c.state, _TABLE.c.data, _TABLE.c.expires_at).where(
    _TABLE.c.openid == bindparam("openid")
)


@dataclass(frozen=True)
class Pending:
    state: str
    data: dict[str, Any]
    expires_at: datetime


async def current(session: AsyncSession, openid: str, now: datetime) -> Pending | None:
    row = (await session.execute(_CURRENT, {"openid": openid})).first()
    if row is None:
        return None
    pending = Pending(row.state, dict(row.data or {}), row.expires_at)
    if pending.expires_at <= now:
        await forget(session, openid)
        return None
    return pending


async def remember(
    session: AsyncSession,
    openid: str,
    state: str,
    data: dict[str, Any],
    now: datetime,
    ttl: timedelta = DEFAULT_TTL,
) -> None:
    stmt = dialect_insert(session, _TABLE).values(
        openid=openid, state=state, data=data, expires_at=now + ttl
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["openid"],
            set_={"state": state, "data": data, "expires_at": now + ttl},
        )
    )


async def forget(session: AsyncSession, openid: str) -> None:
    await session.execute(delete(_TABLE).where(_TABLE.c.openid == openid))
