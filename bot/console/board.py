"""The order board (工单看板): counts, filters, search, sorting, pages, and its fragment that
the page polls to refresh itself without losing the filters."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.console import figure_texts as ft
from bot.console import texts as t
from bot.console.masking import for_viewer, hide_phones, mask_phone
from bot.console.push_problems import push_problem
from bot.console.resident_view import openid_of
from bot.console.scope import Viewer, grid_options, may_be_given, order_in_grid, scoped
from bot.console.search import search
from bot.console.web import VIEWER, FormError, page
from bot.keys import CONFIG, READS, ROSTER
from bot.orders.core import place_of
from bot.orders.dispatch import CATEGORY_NAMES, Place
from bot.orders.lifecycle import OPEN_VALUES, Status
from bot.roster.cache import RosterView
from models.orders import Order

PAGE_SIZE = 20
MAX_PAGE = 1000  # past any board's last page (COUNT_CAP orders fill 50)
COUNT_CAP = 1000  # the board says "more than 1,000" rather than count a large table
COUNTS_TTL = 5.0  # seconds the counts at the top are kept
WAITING = (Status.RECEIVED.value, Status.ASSIGNED.value)
WORKING = (Status.ACCEPTED.value, Status.IN_PROGRESS.value, Status.ESCALATED.value)
GROUPS: dict[str, Any] = {
    "waiting": Order.status.in_(WAITING),
    "working": Order.status.in_(WORKING),
    "overdue": and_(Order.status.in_(OPEN_VALUES), Order.overdue_at.is_not(None)),
    "urgent": and_(Order.status.in_(OPEN_VALUES), Order.urgent.is_(True)),
    "survey": Order.status == Status.RESOLVED.value,
}
SORTS: dict[str, tuple[Any, ...]] = {
    "new": (Order.created_at.desc(), Order.id.desc()),
    "old": (Order.created_at, Order.id),
    "updated": (Order.updated_at.desc(), Order.id.desc()),
    "urgent": (Order.urgent.desc(), Order.created_at.desc(), Order.id.desc()),
}


@dataclass
class Filters:
    status: str = ""
    category: str = ""
    grid: str = ""
    building: str = ""
    assignee: str = ""
    resident: str = ""  # bot/console/resident_view.py: one resident's orders
    urgent: str = ""
    overdue: str = ""
    start: str = field(default="", metadata={"param": "from"})
    end: str = field(default="", metadata={"param": "to"})
    q: str = ""
    sort: str = "new"
    page: int = 1

    @classmethod
    def parse(cls, query: Any) -> Filters:
        f = cls()
        for spec in fields(cls):
            raw = query.get(spec.metadata.get("param", spec.name), "")
            if len(raw) > 100:
                raise FormError(t.TOO_LONG.format(field=spec.name, limit=100))
            if spec.name == "page":
                f.page = _page_number(raw)
            elif spec.name in _SWITCHES:
                setattr(f, spec.name, _switch(spec.name, raw))
            elif raw:
                setattr(f, spec.name, raw.strip())
        # one rule for every filter (found from outside: some were refused, others gave
        # "共 0 张工单"): a value the page does not offer is refused, naming it
        if f.sort not in SORTS:
            raise _unknown("sort", f.sort)
        if f.category and f.category not in CATEGORY_NAMES:
            raise _unknown("category", f.category)
        if f.status and f.status not in GROUPS and f.status not in texts.STATUS_NAMES:
            raise FormError(t.BAD_VALUE.format(field="status"))
        if f.start and f.end and _date(f.end) < _date(f.start):
            raise FormError(ft.BAD_RANGE_ORDER)  # not "0 orders": said as the figures page says it
        return f

    def params(self, **change: Any) -> str:
        values = {s.metadata.get("param", s.name): getattr(self, s.name) for s in fields(self)}
        values.update(change)
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1, "new")})


def _unknown(name: str, value: str) -> FormError:
    field_name = texts.CONSOLE_FILTER_NAMES[name]
    return FormError(texts.CONSOLE_UNKNOWN_FILTER.format(field=field_name, value=value[:20]))


def _page_number(raw: str) -> int:
    """A page past the end shows the last one (:func:`_page`); a page that is no number is
    refused like any other bad filter."""
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit()) or int(raw) == 0:
        raise FormError(texts.CONSOLE_BAD_PAGE.format(value=raw[:20]))
    return min(int(raw), MAX_PAGE)


_SWITCHES = ("urgent", "overdue")
_ON = ("1", "true", "on", "yes")
_OFF = ("", "0", "false", "off", "no")


def _switch(name: str, raw: str) -> str:
    """``urgent=1`` filters, ``urgent=0`` (or nothing) does not; anything else is refused
    rather than guessed."""
    value = raw.strip().lower()
    if value in _ON:
        return "1"
    if value in _OFF:
        return ""
    raise FormError(t.BAD_VALUE.format(field=name))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FormError(t.BAD_VALUE.format(field="日期")) from None


def _day(text: str, tz: Any, end: bool) -> datetime:
    day = _date(text)
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(0), tz)
    return moment.astimezone(UTC)


def board_query(viewer: Viewer, f: Filters, tz: Any, view: RosterView) -> Any:
    query = scoped(select(Order), viewer)
    if f.status in GROUPS:
        query = query.where(GROUPS[f.status])
    elif f.status:
        query = query.where(Order.status == f.status)
    conditions = {
        "category": Order.category == f.category,
        "grid": order_in_grid(f.grid, viewer.community),
        "building": Order.building == f.building,
        "urgent": Order.urgent.is_(True),
        "overdue": GROUPS["overdue"],
    }
    for name, condition in conditions.items():
        if getattr(f, name):
            query = query.where(condition)
    if f.start:
        query = query.where(Order.created_at >= _day(f.start, tz, end=False))
    if f.end:
        query = query.where(Order.created_at < _day(f.end, tz, end=True))
    if f.q:
        query = query.where(search(f.q, viewer.sees_phones, view))
    return query


async def counts(session: AsyncSession, viewer: Viewer) -> dict[str, int]:
    columns = [func.sum(case((cond, 1), else_=0)).label(name) for name, cond in GROUPS.items()]
    query = scoped(select(Order), viewer).where(
        Order.status.in_((*OPEN_VALUES, Status.RESOLVED.value))
    )
    row = (await session.execute(query.with_only_columns(*columns))).one()
    return {name: int(row[i] or 0) for i, name in enumerate(GROUPS)}


class CountsCache:
    """The counts at the top of the board, kept a few seconds per scope: every open board
    polls them, and a figure a few seconds old is as good to the office."""

    def __init__(self, ttl: float = COUNTS_TTL) -> None:
        self.ttl = ttl
        self.kept: dict[str, tuple[float, dict[str, int]]] = {}

    async def get(self, session: AsyncSession, viewer: Viewer) -> dict[str, int]:
        key = viewer.grid if viewer.in_grid else ""
        found = self.kept.get(key or "")
        if found is not None and found[0] > monotonic():
            return found[1]
        figures = await counts(session, viewer)
        self.kept[key or ""] = (monotonic() + self.ttl, figures)
        return figures


async def _total(session: AsyncSession, query: Any) -> int:
    """How many orders match, counted up to COUNT_CAP + 1 (a page of the board never needs
    to know more, and counting a whole large table is what made the board slow)."""
    capped = query.with_only_columns(Order.id).limit(COUNT_CAP + 1).subquery()
    return int((await session.execute(select(func.count()).select_from(capped))).scalar_one())


async def _page(session: AsyncSession, query: Any, f: Filters) -> tuple[list[Order], int]:
    """The page's orders and the (capped) total; the first page counts only when it is full."""
    if f.page > 1:
        total = await _total(session, query)
        f.page = min(f.page, max(1, math.ceil(min(total, COUNT_CAP) / PAGE_SIZE)))
    ordered = query.order_by(*SORTS[f.sort]).offset((f.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    rows = list((await session.execute(ordered)).scalars().all())
    if f.page == 1:
        total = len(rows) if len(rows) < PAGE_SIZE else await _total(session, query)
    return rows, total


def chosen_grid(grid: str, options: list[tuple[str, str]], viewer: Viewer) -> str:
    """The grid (``qhj:G01``) the filter names, as the form sends it or by its bare code
    ``G01``. Found from outside: a grid leader asking for another grid got an empty board
    where the figures page says 403, and the street office's bare G01 (a code both of its
    communities use) matched no grid at all."""
    found = [value for value, _ in options if grid in (value, value.partition(":")[2])]
    if viewer.in_grid:  # their own grid or nothing, as on the figures page
        own = [v for v in found if v.partition(":")[2] == viewer.grid]
        if not own:
            raise FormError(ft.OUT_OF_SCOPE, 403)
        return own[0]
    if not found:
        raise _unknown("grid", grid)
    if len(found) > 1:
        names = "、".join(name for value, name in options if value in found)
        raise FormError(texts.CONSOLE_GRID_AMBIGUOUS.format(value=grid[:20], names=names))
    return found[0]


async def _rows(request: web.Request) -> dict[str, Any]:
    viewer = request[VIEWER]
    config = request.config_dict[CONFIG]
    f = Filters.parse(request.query)
    async with request.config_dict[READS]() as s:
        view = await request.config_dict[ROSTER].get(s)
        grids = await grid_options(s, viewer)
        if f.grid:
            f.grid = chosen_grid(f.grid, grids, viewer)
        query = board_query(viewer, f, config.tz, view)
        if f.assignee:
            found = view.by_key.get(f.assignee)
            if found is None or not may_be_given(viewer, found, view.communities):
                raise FormError(t.UNKNOWN_ASSIGNEE.format(key=f.assignee))
            query = query.where(Order.assignee_id == found.id)
        if f.resident:
            openid = await openid_of(s, f.resident)
            if openid is None:
                raise FormError(t.UNKNOWN_RESIDENT)
            query = query.where(Order.resident_openid == openid)
        rows, total = await _page(s, query, f)
        numbers = await request.app[COUNTS].get(s, viewer)
    members = sorted(
        (
            (m.key, m.name)
            for m in view.by_key.values()
            if may_be_given(viewer, m, view.communities)
        ),
        key=lambda m: m[0],
    )
    orders = [
        {
            "o": o,
            "assignee": view.by_id[o.assignee_id].name if o.assignee_id in view.by_id else "",
            "grid": view.index_for(o.community_id).grid_for(place_of(o)) or "",
            # on a street of several estates, with its estate (青和居3栋), as pushes say it
            "address": view.address(place_of(o)),
            "overdue": o.overdue_at is not None and o.status in OPEN_VALUES,
        }
        for o in rows
    ]
    return {
        "f": f,
        "orders": orders,
        "total": total,
        "capped": total > COUNT_CAP,
        "pages": max(1, math.ceil(min(total, COUNT_CAP) / PAGE_SIZE)),
        "counts": numbers,
        "grids": [] if viewer.in_grid else grids,
        "members": members,
        "categories": CATEGORY_NAMES,
        "statuses": texts.STATUS_NAMES,
        "tz": config.tz,
    }


async def board(request: web.Request) -> web.Response:
    return page(request, "board.html", await _rows(request))


async def fragment(request: web.Request) -> web.Response:
    return page(request, "board_rows.html", await _rows(request))


def local(moment: datetime | None, tz: Any, fmt: str = "%m-%d %H:%M") -> str:
    return moment.astimezone(tz).strftime(fmt) if moment else ""


def place(row: Any) -> str:
    """An order's or a resident's building, unit and room, as residents write them."""
    return Place(row.building, row.unit, row.room).label()


FILTERS: dict[str, Callable[..., Any]] = {
    "place": place,
    "mask": mask_phone,
    "hide_phones": hide_phones,
    "for_viewer": for_viewer,
    "category_name": lambda c: CATEGORY_NAMES.get(c, c),
    "status_name": lambda s: texts.STATUS_NAMES.get(s, s),
    "push_problem": push_problem,
}


COUNTS = web.AppKey("console_counts", CountsCache)


def routes(app: web.Application) -> None:
    app[COUNTS] = CountsCache()
    app.router.add_get("/orders", board)
    app.router.add_get("/orders/rows", fragment)
