"""Send limits that hold across processes: a rate (messages/s) and daily quotas per channel.

The rate is a shared "next free slot" (GCRA): a worker reserves n slots in one atomic step and
gets the time of its first; message i then goes at ``start + i / rate``. Daily quotas are
counters keyed by the Beijing date (WeChat resets at 00:00 Asia/Shanghai). Backed by rows in
``outbound_counters`` or by Redis when configured.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.dialect import insert_ignore
from bot.wechat.errors import BEIJING
from models.outbox import OutboundCounter

_C = cast(Table, OutboundCounter.__table__)

DAILY_QUOTA = {"custom": 500_000, "template": 100_000}


def quota_day(now: datetime) -> str:
    return now.astimezone(BEIJING).date().isoformat()


class SendLimits(Protocol):
    async def reserve(self, n: int, now: datetime) -> datetime:
        """Reserve ``n`` consecutive send slots; the time of the first (``now`` or later)."""
        ...

    async def take_quota(self, channel: str, n: int, now: datetime) -> int:
        """Take up to ``n`` sends from today's quota for ``channel``; how many were granted."""
        ...

    async def exhaust_quota(self, channel: str, now: datetime) -> None:
        """WeChat answered 45009: treat today's quota as used up everywhere."""
        ...


class SqlSendLimits:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        appid: str,
        rate: float,
        quotas: dict[str, int] | None = None,
    ) -> None:
        self._sessions = sessions
        self._appid = appid
        self.rate = rate
        self.quotas = dict(DAILY_QUOTA if quotas is None else quotas)

    async def _locked_row(self, session: AsyncSession, key: str) -> Any:
        await session.execute(insert_ignore(session, _C, "key").values(key=key, count=0))
        query = select(_C.c.count, _C.c.at).where(_C.c.key == key).with_for_update()
        return (await session.execute(query)).one()

    async def reserve(self, n: int, now: datetime) -> datetime:
        if self.rate <= 0 or n <= 0:
            return now
        key = f"rate:{self._appid}"
        async with self._sessions.begin() as session:
            row = await self._locked_row(session, key)
            start = max(now, row.at) if row.at is not None else now
            end = start + timedelta(seconds=n / self.rate)
            await session.execute(update(_C).where(_C.c.key == key).values(at=end))
        return cast(datetime, start)

    async def take_quota(self, channel: str, n: int, now: datetime) -> int:
        limit = self.quotas.get(channel)
        if limit is None or n <= 0:
            return n
        key = f"quota:{self._appid}:{channel}:{quota_day(now)}"
        async with self._sessions.begin() as session:
            row = await self._locked_row(session, key)
            granted = max(0, min(n, limit - int(row.count)))
            if granted:
                await session.execute(
                    update(_C).where(_C.c.key == key).values(count=_C.c.count + granted)
                )
        return granted

    async def exhaust_quota(self, channel: str, now: datetime) -> None:
        limit = self.quotas.get(channel)
        if limit is None:
            return
        key = f"quota:{self._appid}:{channel}:{quota_day(now)}"
        async with self._sessions.begin() as session:
            await self._locked_row(session, key)
            await session.execute(update(_C).where(_C.c.key == key).values(count=limit))


class RedisSendLimits:
    _RESERVE = """
local now = tonumber(ARGV[1])
local span = tonumber(ARGV[2])
local nf = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(nf, now)
redis.call('SET', KEYS[1], string.format('%.6f', start + span), 'PX', math.ceil((start + span - now) * 1000) + 60000)
return string.format('%.6f', start)
"""
    _TAKE = """
local c = tonumber(redis.call('GET', KEYS[1]) or '0')
local g = math.min(tonumber(ARGV[2]), math.max(0, tonumber(ARGV[1]) - c))
if g > 0 then redis.call('INCRBY', KEYS[1], g) end
redis.call('EXPIRE', KEYS[1], 172800)
return g
"""

    def __init__(
        self,
        redis: Any,
        appid: str,
        rate: float,
        quotas: dict[str, int] | None = None,
        prefix: str = "mulin:",
    ) -> None:
        self._redis = redis
        self._appid = appid
        self.rate = rate
        self.quotas = dict(DAILY_QUOTA if quotas is None else quotas)
        self._prefix = prefix

    async def reserve(self, n: int, now: datetime) -> datetime:
        if self.rate <= 0 or n <= 0:
            return now
        key = f"{self._prefix}wechat:rate:{self._appid}"
        start = await self._redis.eval(
            self._RESERVE, 1, key, f"{now.timestamp():.6f}", f"{n / self.rate:.6f}"
        )
        text = start.decode() if isinstance(start, bytes) else str(start)
        return datetime.fromtimestamp(float(text), UTC)

    def _quota_key(self, channel: str, now: datetime) -> str:
        return f"{self._prefix}wechat:quota:{self._appid}:{channel}:{quota_day(now)}"

    async def take_quota(self, channel: str, n: int, now: datetime) -> int:
        limit = self.quotas.get(channel)
        if limit is None or n <= 0:
            return n
        return int(await self._redis.eval(self._TAKE, 1, self._quota_key(channel, now), limit, n))

    async def exhaust_quota(self, channel: str, now: datetime) -> None:
        limit = self.quotas.get(channel)
        if limit is not None:
            await self._redis.set(self._quota_key(channel, now), limit, ex=172800)
