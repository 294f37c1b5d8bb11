"""Typed application keys: the app's shared resources, without module-level singletons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Config

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.chat.router import Dispatcher
    from bot.kpi.page import FiguresCache
    from bot.observability.metrics import Metrics
    from bot.roster.cache import RosterCache
    from bot.wechat.inbound import InboundCodec

CONFIG = web.AppKey("config", Config)
CLOCK = web.AppKey("clock", Clock)
ENGINE = web.AppKey("engine", AsyncEngine)
SESSIONS = web.AppKey("sessions", async_sessionmaker[AsyncSession])
# Sessions for pages that only read: on SQLite they never take the write lock (see
# bot.storage.engine.create_reader); on PostgreSQL the same engine as SESSIONS.
READER = web.AppKey("reader_engine", AsyncEngine)
READS = web.AppKey("read_sessions", async_sessionmaker[AsyncSession])
HTTP = web.AppKey("http", aiohttp.ClientSession)
SCHEDULER: web.AppKey[AsyncIOScheduler] = web.AppKey("scheduler")
DISPATCHER: web.AppKey[Dispatcher] = web.AppKey("dispatcher")
METRICS: web.AppKey[Metrics] = web.AppKey("metrics")
CODEC: web.AppKey[InboundCodec] = web.AppKey("codec")
ROSTER: web.AppKey[RosterCache] = web.AppKey("roster")
# the figures of finished months the console keeps between requests (bot/kpi/page.py)
FIGURES_CACHE: web.AppKey[FiguresCache] = web.AppKey("figures_cache")
# (name, coroutine function taking the app) pairs the scheduler runs every scheduler.tick
TICKS: web.AppKey[list[tuple[str, Any]]] = web.AppKey("ticks")
