"""Wiring outbound messaging into the aiohttp application, plus ``mulin menu sync``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.keys import CLOCK, CONFIG, ENGINE, HTTP, SESSIONS
from bot.outbox.limits import RedisSendLimits, SendLimits, SqlSendLimits
from bot.outbox.worker import OutboxSettings, OutboxWorker
from bot.storage.engine import session_factory
from bot.wechat.api import WeChatClient
from bot.wechat.token_store_sql import SqlTokenStore
from bot.wechat.tokens import RedisTokenStore, TokenStore

log = logging.getLogger("mulin.outbox")

WECHAT_API = web.AppKey("wechat_api", WeChatClient)
OUTBOX_WORKER = web.AppKey("outbox_worker", OutboxWorker)
REDIS: web.AppKey[Any] = web.AppKey("redis")  # the Redis client, when redis.url is set


def build_client(
    http: aiohttp.ClientSession,
    config: Config,
    sessions: async_sessionmaker[AsyncSession],
    redis: Any | None = None,
    clock: Clock | None = None,
) -> WeChatClient:
    store: TokenStore = RedisTokenStore(redis) if redis is not None else SqlTokenStore(sessions)
    return WeChatClient.from_config(http, config.wechat, store, clock)


def build_worker(
    client: WeChatClient,
    config: Config,
    sessions: async_sessionmaker[AsyncSession],
    redis: Any | None = None,
    clock: Clock | None = None,
    settings: OutboxSettings | None = None,
) -> OutboxWorker:
    rate = config.wechat.send_rate
    limits: SendLimits = (
        RedisSendLimits(redis, config.wechat.appid, rate)
        if redis is not None
        else SqlSendLimits(sessions, config.wechat.appid, rate)
    )
    return OutboxWorker(
        sessions,
        client,
        templates=config.wechat.templates,
        limits=limits,
        clock=clock,
        settings=settings,
    )


def _redis(config: Config) -> Any | None:
    if not config.redis.url:
        return None
    from redis.asyncio import Redis

    # Short timeouts: a Redis that stops answering must fail sends fast (they are retried
    # within seconds) instead of holding the outbox's leases.
    return Redis.from_url(
        config.redis.url, socket_timeout=3, socket_connect_timeout=3, health_check_interval=15
    )


async def outbound_ctx(app: web.Application) -> AsyncIterator[None]:
    """``app.cleanup_ctx`` entry: the WeChat client and the outbox worker for this process.

    Needs ``CONFIG`` and ``SESSIONS`` (or ``ENGINE``); uses ``HTTP`` and ``CLOCK`` if present.
    """
    config = app[CONFIG]
    sessions = app[SESSIONS] if SESSIONS in app else session_factory(app[ENGINE])
    clock = app[CLOCK] if CLOCK in app else SystemClock()
    own_http = None if HTTP in app else aiohttp.ClientSession()
    http = app[HTTP] if own_http is None else own_http
    redis = _redis(config)
    client = build_client(http, config, sessions, redis, clock)
    worker = build_worker(client, config, sessions, redis, clock)
    app[WECHAT_API] = client
    app[OUTBOX_WORKER] = worker
    if redis is not None:
        app[REDIS] = redis
    try:
        yield
    finally:
        await worker.aclose()
        if redis is not None:
            await redis.aclose()
        if own_http is not None:
            await own_http.close()


async def deliver_due(app: web.Application) -> int:
    """The scheduler job: deliver what is due now; returns the rows processed."""
    return await app[OUTBOX_WORKER].tick()


async def sync_menu(config: Config, menu: Mapping[str, Any], engine: AsyncEngine) -> None:
    """``mulin menu sync``: publish the ``menu:`` config section as the account's menu."""
    redis = _redis(config)
    try:
        async with aiohttp.ClientSession() as http:
            client = build_client(http, config, session_factory(engine), redis)
            await client.create_menu(menu)
    finally:
        if redis is not None:
            await redis.aclose()
