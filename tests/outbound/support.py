"""Constants and helpers shared by the outbound tests (fixtures live in conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.storage.engine import create_engine, session_factory
from bot.wechat.api import RetryPolicy, WeChatClient

PG_URL = os.environ.get("MULIN_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("MULIN_TEST_REDIS_URL")
APPID = "wx0000000000000000"
SECRET = "fake-secret-0123456789abcdef"
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.04)


@dataclass
class OutboxDB:
    """One migrated database; ``engine()`` opens another engine on it (another "process")."""

    backend: str
    url: str
    schema: str | None = None
    engines: list[AsyncEngine] = field(default_factory=list)

    def engine(self) -> AsyncEngine:
        kwargs: dict[str, Any] = {}
        if self.schema:
            kwargs["connect_args"] = {"server_settings": {"search_path": self.schema}}
        engine = create_engine(self.url, **kwargs)
        self.engines.append(engine)
        return engine

    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return session_factory(self.engine())


MakeClient = Callable[..., WeChatClient]
