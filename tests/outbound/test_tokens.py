"""The access token shared by several clients ("processes") through the SQL or Redis store."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.sandbox.fake_wechat import FakeWeChat, Fault
from bot.wechat.token_store_sql import SqlTokenStore
from bot.wechat.tokens import RedisTokenStore, TokenStore
from tests.outbound.support import APPID, REDIS_URL, MakeClient, OutboxDB

SEND = "/cgi-bin/message/custom/send"


@pytest.fixture
async def redis_store() -> AsyncIterator[RedisTokenStore]:
    if not REDIS_URL:
        pytest.skip("MULIN_TEST_REDIS_URL not set")
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL)
    prefix = f"test:{uuid.uuid4().hex[:10]}:"
    try:
        yield RedisTokenStore(redis, prefix=prefix)
    finally:
        keys = [k async for k in redis.scan_iter(match=f"{prefix}*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()


async def _shared_fetch_once(make_client: MakeClient, fake: FakeWeChat, stores: list[Any]) -> None:
    # Slow the token endpoint so every "process" asks while the first fetch is in flight.
    fake.inject(Fault("latency", path="/cgi-bin/stable_token", times=None, seconds=0.2))
    clients = [make_client(s, token_wait_limit=5.0) for s in stores]
    await asyncio.gather(
        *(c.send_text(f"o{i}-{j}", "x") for i, c in enumerate(clients) for j in range(10))
    )
    assert fake.token_fetches == 1
    assert len(fake.messages) == 10 * len(clients)
    assert sum(c.tokens.fetches for c in clients) == 1


async def test_sql_store_two_processes_fetch_the_token_once(
    db: OutboxDB, make_client: MakeClient, fake: FakeWeChat
) -> None:
    stores = [SqlTokenStore(db.sessions()), SqlTokenStore(db.sessions())]
    await _shared_fetch_once(make_client, fake, stores)


async def test_redis_store_two_processes_fetch_the_token_once(
    redis_store: RedisTokenStore, make_client: MakeClient, fake: FakeWeChat
) -> None:
    await _shared_fetch_once(make_client, fake, [redis_store, redis_store])


async def test_second_process_picks_up_the_refreshed_token(
    db: OutboxDB, make_client: MakeClient, fake: FakeWeChat
) -> None:
    """A refresh by process A (after 40001) is used by B when B's token is rejected too."""
    a = make_client(SqlTokenStore(db.sessions()))
    b = make_client(SqlTokenStore(db.sessions()))
    await a.send_text("o1", "a")
    await b.send_text("o1", "b")
    assert fake.token_fetches == 1
    fake.fail(40001, path=SEND, times=1)
    await a.send_text("o1", "a2")  # A refreshes: token 2
    fake.fail(40001, path=SEND, times=1)
    await b.send_text("o1", "b2")  # B is told 40001 and finds token 2 in the store
    assert fake.token_fetches == 2
    assert await a.access_token() == await b.access_token()


async def _invalidate_only_the_failed_token(store: TokenStore) -> None:
    later = datetime.now(UTC) + timedelta(hours=2)
    now = datetime.now(UTC)
    assert await store.try_lease(APPID, "p1", now + timedelta(seconds=30), now)
    assert not await store.try_lease(APPID, "p2", now + timedelta(seconds=30), now)
    await store.put(APPID, "T2", later, "p1")
    await store.invalidate(APPID, "T1")  # a stale failure must not erase the new token
    stored = await store.get(APPID)
    assert stored is not None and stored.token == "T2"
    await store.invalidate(APPID, "T2")
    assert await store.get(APPID) is None
    assert await store.try_lease(APPID, "p2", now + timedelta(seconds=30), now)


async def test_sql_store_invalidates_only_the_token_that_failed(db: OutboxDB) -> None:
    await _invalidate_only_the_failed_token(SqlTokenStore(db.sessions()))


async def test_redis_store_invalidates_only_the_token_that_failed(
    redis_store: RedisTokenStore,
) -> None:
    await _invalidate_only_the_failed_token(redis_store)


async def test_crashed_lease_holder_does_not_block_forever(db: OutboxDB) -> None:
    store = SqlTokenStore(db.sessions())
    now = datetime.now(UTC)
    assert await store.try_lease(APPID, "dead", now - timedelta(seconds=1), now - timedelta(2))
    assert await store.try_lease(APPID, "alive", now + timedelta(seconds=30), now)


async def test_fake_grace_period_and_stable_token(fake: FakeWeChat) -> None:
    from bot.clock import FakeClock

    fake.clock = clock = FakeClock()
    first = fake.issue_token()
    second = fake.issue_token()
    assert fake.check_token(first.value) == 0  # still inside the 300 s grace
    clock.advance(timedelta(seconds=301))
    assert fake.check_token(first.value) == 40001
    assert fake.check_token(second.value) == 0
    clock.advance(timedelta(seconds=7200))
    assert fake.check_token(second.value) == 42001
    assert fake.check_token("garbage") == 40014
