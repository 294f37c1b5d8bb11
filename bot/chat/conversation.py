"""A resident's pending question, stored in the database so it survives restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dialect import dialect_insert
from models.orders import Conversation

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


_PREFETCHED = "conversations"  # session.info key: openid -> Pending | None for this batch
_MANY = select(_TABLE.c.openid, _TABLE.c.state, _TABLE.c.data, _TABLE.c.expires_at).where(
    _TABLE.c.openid.in_(bindparam("openids", expanding=True))
)


async def prefetch(session: AsyncSession, openids: list[str]) -> None:
    """Load the pending questions of a whole batch of senders in one query.

    The inbound unit of work calls this once per batch; ``current`` then answers from the
    session instead of making a round trip per message.
    """
    found: dict[str, Pending | None] = dict.fromkeys(openids)
    if openids:
        conn = await session.connection()
        for row in (await conn.execute(_MANY, {"openids": sorted(set(openids))})).all():
            found[row.openid] = Pending(row.state, dict(row.data or {}), row.expires_at)
    session.info[_PREFETCHED] = found


async def current(session: AsyncSession, openid: str, now: datetime) -> Pending | None:
    cache: dict[str, Pending | None] | None = session.info.get(_PREFETCHED)
    if cache is not None and openid in cache:
        pending = cache[openid]
    else:
        row = (await session.execute(_CURRENT, {"openid": openid})).first()
        pending = Pending(row.state, dict(row.data or {}), row.expires_at) if row else None
    if pending is None:
        return None
    if pending.expires_at <= now:
        # lapsed: no longer asked, but left for the lapsed-question tick (bot/ticks/drafts.py),
        # which files a report that was waiting on it instead of dropping it
        return None
    return pending


def _note(session: AsyncSession, openid: str, pending: Pending | None) -> None:
    cache: dict[str, Pending | None] | None = session.info.get(_PREFETCHED)
    if cache is not None:
        cache[openid] = pending


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
    _note(session, openid, Pending(state, data, now + ttl))


async def forget(session: AsyncSession, openid: str) -> None:
    await session.execute(delete(_TABLE).where(_TABLE.c.openid == openid))
    _note(session, openid, None)
