"""``/healthz``, ``/readyz`` and ``/metrics``."""

from __future__ import annotations

import asyncio
import logging
import os

from aiohttp import web
from sqlalchemy import text

from bot.keys import CLOCK, ENGINE, METRICS, READER
from bot.observability.metrics import CONTENT_TYPE
from bot.ticks.outbox import REDIS, WECHAT_API
from bot.wechat import webhook

log = logging.getLogger(__name__)


async def healthz(request: web.Request) -> web.Response:
    # the pid tells which of `mulin serve --workers N`'s processes answered
    return web.json_response({"status": "ok", "pid": os.getpid()})


async def _check(probe: object) -> str:
    try:
        async with asyncio.timeout(2):
            await probe  # type: ignore[misc]
    except Exception as exc:
        return type(exc).__name__
    return "ok"


async def _database(app: web.Application) -> None:
    async with app[ENGINE].connect() as conn:
        await conn.execute(text("SELECT 1"))


async def readyz(request: web.Request) -> web.Response:
    """Ready when every dependency the configuration uses answers: the database, and Redis
    when ``redis.url`` is set (pushes stall without it). Also says how many messages wait in
    the spool for the database."""
    app = request.app
    checks = {"database": await _check(_database(app))}
    redis = app.get(REDIS)
    if redis is not None:
        checks["redis"] = await _check(redis.ping())
    ready = all(v == "ok" for v in checks.values())
    processor = app.get(webhook.PROCESSOR)
    if processor is not None and processor.spool is not None:
        held = processor.spool.count()
        if held:
            checks["held_messages"] = str(held)
    body = {"status": "ready" if ready else "unavailable", **checks}
    return web.json_response(body, status=200 if ready else 503)


async def metrics(request: web.Request) -> web.Response:
    app = request.app
    gauges = app[METRICS].gauges
    try:
        async with asyncio.timeout(2):
            await gauges.refresh(app[READER], app[CLOCK].now())
    except Exception as exc:  # the database is away: mulin_database_up says so, the rest stays
        gauges.database_up.set(0)
        log.warning("metrics: the database could not be read (%s)", type(exc).__name__)
    api = app.get(WECHAT_API)
    if api is not None:
        gauges.token_failures.set(api.tokens.fetch_failures)
    body = app[METRICS].render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


def setup(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
