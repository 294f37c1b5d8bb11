"""Mounting the console: its sub-application, templates, static files and routes."""

from __future__ import annotations

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.console import (
    board,
    figures_page,
    invite_page,
    lists_demands,
    lists_projects,
    lists_resources,
    login,
    order_page,
    pages,
    photos,
)
from bot.console.web import HERE, PREFIX, errors, signed_in
from bot.keys import CONFIG, FIGURES_CACHE
from bot.kpi.page import FiguresCache


def setup(app: web.Application) -> None:
    """Mount the console under ``admin.path`` when ``admin.enabled``."""
    config = app[CONFIG]
    if not config.admin.enabled:
        return
    prefix = config.admin.path.rstrip("/") or "/admin"
    app[FIGURES_CACHE] = FiguresCache()
    console = web.Application(middlewares=[errors, signed_in])
    console[PREFIX] = prefix
    env = aiohttp_jinja2.setup(
        console,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True),
    )
    env.filters.update(board.FILTERS)
    env.globals["local"] = board.local
    console.router.add_static("/static", HERE / "static")
    login.routes(console)
    board.routes(console)
    order_page.routes(console)
    photos.routes(console)
    invite_page.routes(console)
    pages.routes(console)
    lists_demands.routes(console)
    lists_resources.routes(console)
    lists_projects.routes(console)
    figures_page.routes(console)
    app.add_subapp(prefix, console)
