"""Application factory: the webhook, health and metrics, and the resources they share."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts import broadcast_tick_app
from bot.chat import conversation
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.keys import CLOCK, CODEC, CONFIG, DISPATCHER, ENGINE, HTTP, METRICS, SCHEDULER, SESSIONS
from bot.messages import Incoming, Reply
from bot.observability import logs as logsetup
from bot.observability.metrics import CONTENT_TYPE, Metrics
from bot.outbox import enqueue
from bot.outbox.runtime import REDIS, deliver_due, outbound_ctx
from bot.roster.cache import RosterCache
from bot.storage import migrations as migrate
from bot.storage.engine import create_engine, session_factory
from bot.storage.outages import OutageLog, is_outage
from bot.ticks.digest import digest_tick
from bot.ticks.order_timers import order_timer_tick
from bot.wechat import webhook
from bot.wechat.inbound import InboundCodec
from bot.wechat.processor import InboundProcessor, LateSink
from bot.wechat.spool import Spool

log = logging.getLogger(__name__)

Tick = Callable[[web.Application], Awaitable[Any]]
TICKS = web.AppKey("ticks", list)
ROSTER = web.AppKey("roster", RosterCache)  # (name, coroutine function) pairs run by the scheduler


def create_app(
    config: Config,
    *,
    clock: Clock | None = None,
    run_migrations: bool = True,
    start_scheduler: bool = True,
) -> web.Application:
    logsetup.quiet_protocol_errors()
    app = web.Application(client_max_size=config.server.max_body_bytes)
    app[CONFIG] = config
    app[CLOCK] = clock or SystemClock()
    app[METRICS] = Metrics()
    app[CODEC] = InboundCodec(config.wechat, config.server.timestamp_window)
    app[TICKS] = []
    app[ROSTER] = RosterCache()

    from handlers import build_dispatcher
    from handlers.resident import held_reply

    app[DISPATCHER] = build_dispatcher()

    async def database_ctx(app: web.Application) -> AsyncIterator[None]:
        engine = create_engine(config.database.url)
        if run_migrations:
            await migrate.upgrade(engine)
        app[ENGINE] = engine
        app[SESSIONS] = session_factory(engine)
        app[webhook.PROCESSOR] = InboundProcessor(
            app[SESSIONS],
            app[DISPATCHER],
            app[CLOCK],
            late_sink=_late_sink(),
            extra={"config": config, "roster": app[ROSTER]},
            prefetchers=[conversation.prefetch],
            linger=0.001,
            spool=Spool(config.server.spool_path(config.database.url)),
            held_reply=held_reply,
        )
        app[webhook.PROCESSOR].start()  # replays what an earlier run left in the spool
        yield
        await app[webhook.PROCESSOR].stop()
        await engine.dispose()

    async def http_ctx(app: web.Application) -> AsyncIterator[None]:
        timeout = aiohttp.ClientTimeout(total=config.wechat.api_timeout.total_seconds())
        async with aiohttp.ClientSession(timeout=timeout) as session:
            app[HTTP] = session
            yield

    async def scheduler_ctx(app: web.Application) -> AsyncIterator[None]:
        scheduler = AsyncIOScheduler(timezone=config.tz)
        app[SCHEDULER] = scheduler
        interval = config.scheduler.tick.total_seconds()
        for name, tick in app[TICKS]:
            scheduler.add_job(
                _guarded(tick, app, name),
                "interval",
                seconds=interval,
                id=name,
                replace_existing=True,
                max_instances=1,
                coalesce=True,
            )
        if start_scheduler:
            scheduler.start()
        yield
        if scheduler.running:
            scheduler.shutdown(wait=False)

    app.cleanup_ctx.append(database_ctx)
    app.cleanup_ctx.append(http_ctx)
    app.cleanup_ctx.append(outbound_ctx)
    app[TICKS].append(("outbox", deliver_due))
    app[TICKS].append(("order_timers", order_timers))
    app[TICKS].append(("weekly_digest", weekly_digest))
    app[TICKS].append(("broadcasts", broadcast_tick_app))
    app.cleanup_ctx.append(scheduler_ctx)

    webhook.setup(app, config.server.webhook_path)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    return app


def _guarded(tick: Tick, app: web.Application, name: str) -> Callable[[], Awaitable[None]]:
    """A tick that never takes the scheduler down. A database outage is logged once when it
    starts and once when it ends, not with a traceback every few seconds."""
    outage = OutageLog(f"tick {name}: database", log)

    async def run() -> None:
        try:
            await tick(app)
        except Exception as exc:
            if is_outage(exc):
                outage.failed(exc)
            else:
                log.exception("tick %s failed", name)
        else:
            outage.recovered()

    return run


def _late_sink() -> LateSink:
    async def sink(session: AsyncSession, message: Incoming, reply: Reply, row_id: int) -> None:
        await enqueue(
            session,
            purpose="late_reply",
            recipient=message.openid,
            text=reply.summary(),
            dedupe_key=f"late-reply:{row_id}",
        )

    return sink


async def order_timers(app: web.Application) -> int:
    return await order_timer_tick(app[SESSIONS], app[CLOCK], app[CONFIG], app[ROSTER])


async def weekly_digest(app: web.Application) -> int:
    return await digest_tick(app[SESSIONS], app[CLOCK], app[CONFIG], app[ROSTER])


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when every dependency the configuration uses answers: the database, and Redis
    when ``redis.url`` is set (pushes stall without it)."""
    checks: dict[str, str] = {}
    try:
        async with asyncio.timeout(2):
            async with request.app[ENGINE].connect() as conn:
                await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = type(exc).__name__
    redis = request.app.get(REDIS)
    if redis is not None:
        try:
            async with asyncio.timeout(2):
                await redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = type(exc).__name__
    processor = request.app.get(webhook.PROCESSOR)
    if processor is not None and processor.spool is not None:
        held = processor.spool.count()
        if held:
            checks["held_messages"] = str(held)
    ready = all(v == "ok" for k, v in checks.items() if k in ("database", "redis"))
    body = {"status": "ready" if ready else "unavailable", **checks}
    return web.json_response(body, status=200 if ready else 503)


async def metrics(request: web.Request) -> web.Response:
    body = request.app[METRICS].render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})
