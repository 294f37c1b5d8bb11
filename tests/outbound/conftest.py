"""Fixtures for outbound messaging: the fake WeChat API on loopback, a migrated database per
test (SQLite file always; PostgreSQL schema when MULIN_TEST_POSTGRES_URL is set), clients."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sandbox.fake_wechat import FakeWeChat, create_app
from bot.storage.engine import create_engine
from bot.storage.migrations import upgrade
from bot.wechat.api import RetryPolicy, WeChatClient
from bot.wechat.tokens import TokenStore
from tests.outbound.support import (
    APPID,
    FAST_RETRY,
    PG_URL,
    SECRET,
    MakeClient,
    OutboxDB,
)


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[OutboxDB]:
    if request.param == "sqlite":
        test_db = OutboxDB("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}")
    else:
        if not PG_URL:
            pytest.skip("MULIN_TEST_POSTGRES_URL not set")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_URL, pool_size=1, max_overflow=0)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
        test_db = OutboxDB("postgres", PG_URL, schema)
    await upgrade(test_db.engine())
    try:
        yield test_db
    finally:
        for engine in test_db.engines:
            await engine.dispose()
        if test_db.schema:
            admin = create_engine(PG_URL or "", pool_size=1, max_overflow=0)
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{test_db.schema}" CASCADE'))
            await admin.dispose()


@pytest.fixture
def sessions(db: OutboxDB) -> async_sessionmaker[AsyncSession]:
    return db.sessions()


@pytest.fixture
def fake() -> FakeWeChat:
    return FakeWeChat(appid=APPID, secret=SECRET)


@pytest.fixture
async def fake_server(fake: FakeWeChat, aiohttp_server: Callable[..., Any]) -> TestServer:
    server: TestServer = await aiohttp_server(create_app(fake))
    return server


@pytest.fixture
def api_base(fake_server: TestServer) -> str:
    return str(fake_server.make_url("")).rstrip("/")


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def make_client(http: aiohttp.ClientSession, api_base: str) -> MakeClient:
    def make(
        store: TokenStore | None = None,
        *,
        base: str | None = None,
        timeout: float = 1.0,
        retry: RetryPolicy = FAST_RETRY,
        session: aiohttp.ClientSession | None = None,
        **kwargs: Any,
    ) -> WeChatClient:
        return WeChatClient(
            session or http,
            appid=APPID,
            secret=SECRET,
            api_base=base or api_base,
            timeout=timeout,
            store=store,
            retry=retry,
            **kwargs,
        )

    return make


@pytest.fixture
def client(make_client: MakeClient) -> WeChatClient:
    return make_client()
