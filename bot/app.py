"""Application factory: the webhook, health and metrics, the ticks, and what they share."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable

import aiohttp
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot import console, health
from bot.chat import conversation
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.keys import (
    CLOCK,
    CODEC,
    CONFIG,
    DISPATCHER,
    ENGINE,
    HTTP,
    METRICS,
    READER,
    READS,
    ROSTER,
    SESSIONS,
)
from bot.messages import Incoming, Reply
from bot.observability import logs
from bot.observability.metrics import Metrics
from bot.orders import batch
from bot.outbox import enqueue
from bot.roster.cache import RosterCache
from bot.storage import migrations
from bot.storage.engine import create_engine, create_reader, session_factory
from bot.storage.outages import is_outage, short, unusable_file
from bot.ticks import schedule
from bot.ticks.outbox import outbound_ctx
from bot.wechat import webhook
from bot.wechat.inbound import InboundCodec
from bot.wechat.processor import InboundProcessor
from bot.wechat.spool import Spool


def create_app(
    config: Config,
    *,
    clock: Clock | None = None,
    run_migrations: bool = True,
    start_scheduler: bool = True,
) -> web.Application:
    from handlers import build_dispatcher

    logs.quiet_protocol_errors()
    app = web.Application(client_max_size=config.server.max_body_bytes)
    app[CONFIG] = config
    app[CLOCK] = clock or SystemClock()
    app[METRICS] = Metrics()
    app[CODEC] = InboundCodec(config.wechat, config.server.timestamp_window)
    app[ROSTER] = RosterCache()
    app[DISPATCHER] = build_dispatcher()
    schedule.register(app)
    app.cleanup_ctx.append(_database_ctx(run_migrations))
    app.cleanup_ctx.append(_http_ctx)
    app.cleanup_ctx.append(outbound_ctx)
    app.cleanup_ctx.append(schedule.scheduler_ctx(start_scheduler))
    webhook.setup(app, config.server.webhook_path)
    health.setup(app)
    console.setup(app)
    return app


def _database_ctx(run_migrations: bool) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        config = app[CONFIG]
        engine = create_engine(config.database.url)
        if run_migrations:
            await migrations.upgrade(engine)
        else:
            await _check_schema(engine)
        app[ENGINE] = engine
        app[SESSIONS] = session_factory(engine)
        reader = create_reader(config.database.url, engine)
        app[READER] = reader
        app[READS] = session_factory(reader)
        processor = _processor(app)
        app[webhook.PROCESSOR] = processor
        processor.start()  # replays what an earlier run left in the spool
        yield
        await processor.stop()
        if reader is not engine:
            await reader.dispose()
        await engine.dispose()

    return ctx


async def _check_schema(engine: AsyncEngine) -> None:
    """``--no-migrate``: a damaged file or an unmigrated schema stops the start with one line
    (as a migrating start does); a database that is merely down does not, since the spool
    holds what arrives until it is back."""
    try:
        await migrations.check_current(engine)
    except Exception as exc:
        if isinstance(exc, migrations.SchemaBehind) or not is_outage(exc) or unusable_file(exc):
            await engine.dispose()
            raise
        logging.getLogger(__name__).warning(
            "database not reachable at start (%s); messages are held until it is", short(exc)
        )


def _processor(app: web.Application) -> InboundProcessor:
    from handlers.reports import held_reply

    config = app[CONFIG]
    return InboundProcessor(
        app[SESSIONS],
        app[DISPATCHER],
        app[CLOCK],
        late_sink=_late_reply,
        extra={"config": config, "roster": app[ROSTER]},
        prefetchers=[conversation.prefetch, batch.prefetch],
        linger=0.001,
        spool=Spool(config.server.spool_path(config.database.url)),
        held_reply=held_reply,
    )


async def _http_ctx(app: web.Application) -> AsyncIterator[None]:
    timeout = aiohttp.ClientTimeout(total=app[CONFIG].wechat.api_timeout.total_seconds())
    async with aiohttp.ClientSession(timeout=timeout) as session:
        app[HTTP] = session
        yield


async def _late_reply(session: AsyncSession, message: Incoming, reply: Reply, row_id: int) -> None:
    """A reply that missed the HTTP response goes out as a customer-service message."""
    await enqueue(
        session,
        purpose="late_reply",
        recipient=message.openid,
        text=reply.summary(),
        dedupe_key=f"late-reply:{row_id}",
    )
