"""The daily retention run (privacy.retain_*): once a day across every process, after 03:00
local time, claimed through a job mark."""

from __future__ import annotations

import logging

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Config
from bot.keys import CLOCK, CONFIG, SESSIONS
from bot.privacy import PruneSummary, prune
from bot.ticks.digest import claim_period

PRUNE_HOUR = 3  # local time: the quiet hours
log = logging.getLogger(__name__)


async def privacy_prune_tick(app: web.Application) -> PruneSummary | None:
    return await daily_prune(app[SESSIONS], app[CLOCK], app[CONFIG])


async def daily_prune(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, config: Config
) -> PruneSummary | None:
    """The day's run, if it is past PRUNE_HOUR and no process has claimed it yet."""
    now = clock.now()
    local = now.astimezone(config.tz)
    if local.hour < PRUNE_HOUR:
        return None
    async with sessions() as s, s.begin():
        if not await claim_period(s, "privacy_prune", local.date().isoformat(), now):
            return None
    summary = await prune(
        sessions, now, config.privacy.retain_messages, config.privacy.retain_closed
    )
    if summary.messages or summary.orders:
        log.info("retention: %s", summary.line())
    return summary
