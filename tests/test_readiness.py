"""/readyz tells the truth about every dependency the configuration uses."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from yarl import URL

from bot.app import create_app
from bot.config import build_config
from tests.faults.proxy import FaultProxy
from tests.support import APPID, TOKEN

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
REDIS_URL = os.environ.get("MULIN_TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="MULIN_TEST_REDIS_URL not set")
async def test_readyz_follows_redis(aiohttp_client: ClientFactory, sqlite_url: str) -> None:
    assert REDIS_URL
    real = URL(REDIS_URL)
    proxy = FaultProxy(real.host or "127.0.0.1", real.port or 6379)
    await proxy.start()
    try:
        config = build_config(
            {
                "wechat": {"appid": APPID, "token": TOKEN, "mode": "plain"},
                "database": {"url": sqlite_url},
                "redis": {"url": str(real.with_port(proxy.port))},
            },
            environ={},
        )
        client = await aiohttp_client(create_app(config, start_scheduler=False))
        ready = await client.get("/readyz")
        assert ready.status == 200 and (await ready.json())["redis"] == "ok"
        proxy.refuse()
        down = await client.get("/readyz")
        assert down.status == 503 and (await down.json())["redis"] != "ok"
        proxy.restore()
        again = await client.get("/readyz")
        assert again.status == 200
    finally:
        await proxy.stop()
