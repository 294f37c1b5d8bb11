"""The demand list (需求清单): orders of a period grouped by place, category and wording.
Staff confirm a group, rename it, or promote groups into a project; a grid leader sees the
groups of their grid; a viewer reads."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console import lists_texts as lt
from bot.console import texts as t
from bot.console.lists_common import (
    actor,
    audit,
    communities,
    editor,
    flash,
    ids,
    list_scope,
    money,
    not_editor,
    picked_orders,
    show,
)
from bot.console.scope import Viewer, scoped
from bot.console.web import PREFIX, VIEWER, FormError, field
from bot.keys import CLOCK, CONFIG, READS, SESSIONS
from bot.lists import projects
from bot.lists import words as lw
from bot.lists.demands import Group, group_orders
from bot.lists.scope import ListScope, first_community
from bot.lists.store import ORDER_COLUMNS, facts, grid_map, keep
from bot.orders.dispatch import CATEGORY_NAMES
from models.lists import DemandGroup
from models.orders import Order

SHOWN = 300


def period(now: datetime, name: str) -> tuple[datetime, datetime]:
    """[start, end) of this month, last month or the last three months, in local time."""
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if name == "last":
        return (first - timedelta(days=1)).replace(day=1), first
    if name == "quarter":
        back = first
        for _ in range(2):
            back = (back - timedelta(days=1)).replace(day=1)
        return back, now + timedelta(seconds=1)
    return first, now + timedelta(seconds=1)


async def _groups(
    s: AsyncSession,
    viewer: Viewer,
    start: datetime,
    end: datetime,
    minimum: int = 1,
    scope: ListScope | None = None,
) -> list[Group]:
    query: Any = select(*ORDER_COLUMNS).where(Order.created_at >= start, Order.created_at < end)
    if scope is not None:  # the community a street account picked
        query = query.where(scope.of(Order.community_id))
    rows = (await s.execute(scoped(query, viewer))).all()
    return group_orders(facts(rows, await grid_map(s)), minimum)


def _on_record(group: Group, stored: dict[tuple[str, str], list[DemandGroup]]) -> Any:
    mine = set(group.order_ids)
    here = stored.get((group.place_key, group.category), [])
    return next((d for d in here if mine & set(d.order_ids or [])), None)


async def demands(request: web.Request) -> web.Response:
    viewer: Viewer = request[VIEWER]
    name = request.query.get("period", "month")
    if name not in lw.PERIODS:
        raise FormError(t.BAD_VALUE.format(field=lt.L["period"]))
    tz = request.config_dict[CONFIG].tz
    start, end = period(request.config_dict[CLOCK].now().astimezone(tz), name)
    minimum = 1 if request.query.get("all") == "1" else 2
    async with request.config_dict[READS]() as s:
        scope = await list_scope(request, s)
        owned = await communities(s, scope)
        groups = await _groups(s, viewer, start, end, minimum, scope)
        stored: dict[tuple[str, str], list[DemandGroup]] = defaultdict(list)
        for d in await s.scalars(select(DemandGroup)):
            stored[(d.place_key, d.category)].append(d)
    rows = []
    for g in groups[:SHOWN]:
        kept = _on_record(g, stored)
        title = kept.title if kept else None
        rows.append(
            {
                "g": g,
                "line": g.line(lw.PERIODS[name], title),
                "kept": kept,
                "category": CATEGORY_NAMES.get(g.category, g.category),
                "pick": ",".join(map(str, g.order_ids)),
                "title": title or g.title,
            }
        )
    context = {
        "rows": rows,
        "period": name,
        "all": minimum == 1,
        "flash": flash(request),
        "owned": owned,
        "street": scope.whole_street,
    }
    return show(request, "list_demands.html", context)


async def _picked(s: AsyncSession, viewer: Viewer, order_ids: list[int]) -> list[Group]:
    """The groups of the orders, all in the viewer's scope, or refused."""
    query: Any = select(*ORDER_COLUMNS).where(Order.id.in_(order_ids))
    rows = (await s.execute(scoped(query, viewer))).all()
    if not order_ids or len(rows) != len(order_ids):
        raise FormError(lw.NO_ORDERS)
    return group_orders(facts(rows, await grid_map(s)))


async def confirm(request: web.Request) -> web.StreamResponse:
    """Confirm a group, or rename it (which confirms it too)."""
    viewer = editor(request)
    if viewer is None:
        return not_editor(request)
    form = await request.post()
    order_ids = ids(form, "orders", required=True)
    title = field(form, "title", 100, required=False) or None
    now = request.config_dict[CLOCK].now()
    async with request.config_dict[SESSIONS]() as s, s.begin():
        done = "rename" if title else "confirm"
        for group in await _picked(s, viewer, order_ids):
            kept = await keep(s, group, actor(viewer), now, title=title)
            audit(s, request, viewer, done, f"demand:{kept.id}", kept.title)
    raise web.HTTPSeeOther(f"{request.app[PREFIX]}/lists/demands?done={done}")


async def promote(request: web.Request) -> web.StreamResponse:
    """Promote the picked groups into a new project; the residents who asked are told."""
    viewer = editor(request)
    if viewer is None:
        return not_editor(request)
    form = await request.post()
    order_ids = picked_orders(form)
    spec = projects.ProjectSpec(
        title=field(form, "title", 100),
        unit=field(form, "owner", 100, required=False),
        person=field(form, "person", 64, required=False),
        budget_fen=money(form, "budget"),
        resource_ids=ids(form, "resource_ids"),
    )
    now = request.config_dict[CLOCK].now()
    try:
        async with request.config_dict[SESSIONS]() as s, s.begin():
            groups = await _picked(s, viewer, order_ids)
            first = await first_community(s)
            places = {g.community_id or first for g in groups}
            if len(places) > 1:  # a project belongs to one community
                raise FormError(lw.MIXED_COMMUNITIES)
            spec.community_id = places.pop() if places else None
            kept = [await keep(s, g, actor(viewer), now) for g in groups]
            spec.demand_ids = [d.id for d in kept]
            project, told = await projects.create(s, spec, actor(viewer), now)
            audit(s, request, viewer, "promote", f"project:{project.id}", project.title)
    except projects.ListError as exc:
        raise FormError(exc.message) from None
    raise web.HTTPSeeOther(f"{request.app[PREFIX]}/lists/projects?done=promote&n={told}")


def routes(app: web.Application) -> None:
    app.router.add_get("/lists/demands", demands)
    app.router.add_post("/lists/demands/confirm", confirm)
    app.router.add_post("/lists/demands/promote", promote)
