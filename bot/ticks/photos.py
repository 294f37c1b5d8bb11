"""The photo tick: fetch residents' photos from WeChat's temporary media (bot/media/fetch.py)."""

from __future__ import annotations

from aiohttp import web

from bot.keys import CLOCK, CONFIG, SESSIONS
from bot.media.fetch import fetch_due
from bot.ticks.outbox import WECHAT_API


async def fetch_photos(app: web.Application) -> int:
    return await fetch_due(app[SESSIONS], app[WECHAT_API], app[CLOCK], app[CONFIG].media.max_bytes)
