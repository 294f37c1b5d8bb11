"""Helpers for broadcast tests: a migrated database, residents, rules and the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.broadcasts import ops
from bot.broadcasts.rules import parse_rules
from bot.config import Config
from bot.storage.engine import create_engine, session_factory
from bot.storage.migrations import upgrade
from models.broadcasts import BroadcastOccurrence, BroadcastRule
from models.community import Resident
from models.inbound import WeChatUser
from models.outbox import OutboxMessage
from tests.support import make_config

SH = ZoneInfo("Asia/Shanghai")


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """An aware Asia/Shanghai time: local(2026, 9, 1, 19, 30)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SH)


@dataclass
class DB:
    url: str
    config: Config
    engines: list[AsyncEngine] = field(default_factory=list)

    def sessions(self) -> async_sessionmaker[AsyncSession]:
        """A new engine (a separate "process") and its sessions."""
        engine = create_engine(self.url)
        self.engines.append(engine)
        return session_factory(engine)

    async def migrate(self) -> None:
        engine = create_engine(self.url)
        try:
            await upgrade(engine, "heads")
        finally:
            await engine.dispose()

    async def close(self) -> None:
        for engine in self.engines:
            await engine.dispose()
        self.engines.clear()


def new_db(url: str) -> DB:
    return DB(url, make_config(url))


async def add_rule(
    sessions: async_sessionmaker[AsyncSession], now: datetime, **spec: Any
) -> BroadcastRule:
    spec.setdefault("name", "测试")
    spec.setdefault("audience", "community")
    spec.setdefault("text", "您好，{date}{weekday}{time}的提醒。")
    (rule,) = await ops.add_rules(sessions, parse_rules([spec], SH), now, SH)
    return rule


async def add_residents(
    sessions: async_sessionmaker[AsyncSession], *rows: dict[str, Any], now: datetime | None = None
) -> None:
    now = now or datetime(2026, 1, 1, tzinfo=UTC)
    async with sessions() as s, s.begin():
        for row in rows:
            following = row.pop("following", None)
            born = row.pop("born", None)
            s.add(
                Resident(
                    birth_date=date.fromisoformat(born) if born else None,
                    tags=row.pop("tags", []),
                    created_at=now,
                    updated_at=now,
                    **row,
                )
            )
            if following is not None:
                s.add(
                    WeChatUser(
                        openid=row["openid"],
                        following=following,
                        first_seen_at=now,
                        last_interaction_at=now,
                    )
                )


async def outbox(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as s:
        return list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def occurrences(
    sessions: async_sessionmaker[AsyncSession], rule_id: int | None = None
) -> list[BroadcastOccurrence]:
    query = select(BroadcastOccurrence).order_by(
        BroadcastOccurrence.scheduled_for, BroadcastOccurrence.id
    )
    if rule_id is not None:
        query = query.where(BroadcastOccurrence.rule_id == rule_id)
    async with sessions() as s:
        return list((await s.execute(query)).scalars())


async def rule(sessions: async_sessionmaker[AsyncSession], rule_id: int) -> BroadcastRule:
    async with sessions() as s:
        found = await s.get(BroadcastRule, rule_id)
        assert found is not None
        return found
