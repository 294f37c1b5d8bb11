"""Thin chat handlers, one module per audience, included into the dispatcher in priority order."""

from __future__ import annotations

from bot.dispatcher.core import Dispatcher


def build_dispatcher() -> Dispatcher:
    from handlers import common, events, resident

    dp = Dispatcher()
    dp.include_router(events.router)
    dp.include_router(common.router)
    dp.include_router(resident.router)
    return dp
