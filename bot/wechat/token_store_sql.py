"""The shared access token in the database: one row per appid, refresh guarded by a lease."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.dialect import insert_ignore
from bot.wechat.tokens import StoredToken
from models.outbox import WeChatToken

_T = cast(Table, WeChatToken.__table__)


class SqlTokenStore:
    """A ``TokenStore`` on the ``wechat_tokens`` table; each method is one short transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get(self, appid: str) -> StoredToken | None:
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(_T.c.token, _T.c.expires_at, _T.c.version).where(_T.c.appid == appid)
                )
            ).first()
        if row is None or row.token is None or row.expires_at is None:
            return None
        return StoredToken(row.token, row.expires_at, row.version)

    async def try_lease(self, appid: str, holder: str, until: datetime, now: datetime) -> bool:
        async with self._sessions.begin() as session:
            await session.execute(
                insert_ignore(session, _T, "appid").values(appid=appid, version=0)
            )
            claimed = await session.execute(
                update(_T)
                .where(
                    _T.c.appid == appid,
                    or_(
                        _T.c.lease_until.is_(None),
                        _T.c.lease_until < now,
                        _T.c.leased_by == holder,
                    ),
                )
                .values(lease_until=until, leased_by=holder)
                .returning(_T.c.appid)
            )
            return claimed.first() is not None

    async def put(self, appid: str, token: str, expires_at: datetime, holder: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(_T)
                .where(_T.c.appid == appid)
                .values(
                    token=token,
                    expires_at=expires_at,
                    version=_T.c.version + 1,
                    lease_until=None,
                    leased_by=None,
                )
            )

    async def release(self, appid: str, holder: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(_T)
                .where(_T.c.appid == appid, _T.c.leased_by == holder)
                .values(lease_until=None, leased_by=None)
            )

    async def invalidate(self, appid: str, token: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(_T)
                .where(_T.c.appid == appid, _T.c.token == token)
                .values(token=None, expires_at=None, version=_T.c.version + 1)
            )
