"""Every periodic job, and how the scheduler runs them: short ticks in every process.

The database is the clock (see docs/architecture.md): a tick claims what is due with one
atomic statement, so several processes may run the same ticks safely.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.keys import CLOCK, CONFIG, ROSTER, SCHEDULER, SESSIONS, TICKS
from bot.observability.logs import context as log_context
from bot.storage.outages import OutageLog, is_outage
from bot.ticks.broadcasts import broadcast_tick_app
from bot.ticks.digest import digest_tick
from bot.ticks.drafts import file_lapsed_drafts
from bot.ticks.monthly_report import monthly_report_tick
from bot.ticks.order_timers import order_timer_tick
from bot.ticks.outbox import deliver_due
from bot.ticks.photos import fetch_photos
from bot.ticks.privacy import privacy_prune_tick

log = logging.getLogger(__name__)

Tick = Callable[[web.Application], Awaitable[Any]]


async def order_timers(app: web.Application) -> int:
    return await order_timer_tick(app[SESSIONS], app[CLOCK], app[CONFIG], app[ROSTER])


async def weekly_digest(app: web.Application) -> int:
    return await digest_tick(app[SESSIONS], app[CLOCK], app[CONFIG], app[ROSTER])


async def monthly_report(app: web.Application) -> int:
    return await monthly_report_tick(app[SESSIONS], app[CLOCK], app[CONFIG])


def register(app: web.Application) -> None:
    """The application's ticks, in the order they run within a round."""
    app[TICKS] = list(ALL_TICKS)


ALL_TICKS: tuple[tuple[str, Tick], ...] = (
    ("outbox", deliver_due),
    ("photos", fetch_photos),
    ("lapsed_reports", file_lapsed_drafts),
    ("order_timers", order_timers),
    ("weekly_digest", weekly_digest),
    ("monthly_report", monthly_report),
    ("broadcasts", broadcast_tick_app),
    ("privacy_prune", privacy_prune_tick),
)
TICK_NAMES = tuple(name for name, _ in ALL_TICKS)


def guarded(tick: Tick, app: web.Application, name: str) -> Callable[[], Awaitable[None]]:
    """A tick that never takes the scheduler down. A database outage is logged once when it
    starts and once when it ends, not with a traceback every few seconds."""
    outage = OutageLog(f"tick {name}: database", log)

    async def run() -> None:
        with log_context(tick=name):  # every line the tick logs names it, its failure too
            try:
                await tick(app)
            except asyncio.CancelledError:
                # the service is stopping: a tick cut short is claimed again by the next run
                # (every tick works through database claims), not an error to log
                log.info("tick %s stopped with the service", name)
                return
            except Exception as exc:
                if is_outage(exc):
                    outage.failed(exc)
                else:
                    log.exception("tick %s failed", name)
            else:
                outage.recovered()

    return run


def scheduler_ctx(start: bool) -> Callable[[web.Application], AsyncIterator[None]]:
    """``cleanup_ctx`` entry: one scheduler per process, a job per tick."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        config = app[CONFIG]
        scheduler = AsyncIOScheduler(timezone=config.tz)
        app[SCHEDULER] = scheduler
        for name, tick in app[TICKS]:
            scheduler.add_job(
                guarded(tick, app, name),
                "interval",
                seconds=config.scheduler.tick.total_seconds(),
                id=name,
                replace_existing=True,
                max_instances=1,
                coalesce=True,
            )
        if start:
            scheduler.start()
        yield
        if scheduler.running:
            scheduler.shutdown(wait=False)

    return ctx
