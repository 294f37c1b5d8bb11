"""What the figures page and the report downloads show: the period and the filters from the
query string (a bad one is a 400 with a Chinese message), limited on the server by who is
looking — a grid leader only ever gets their own grid, an account of a community only that
community, an account of the street office the street's communities."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.console import figure_texts as ft
from bot.console.scope import Viewer
from bot.console.web import FormError
from bot.kpi.facts import OrderFact
from bot.kpi.load import Names, VisitFact, communities_under
from bot.kpi.period import Period
from bot.kpi.rows import Filter
from bot.orders.dispatch import CATEGORY_NAMES
from models.community import Community, Grid

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^\d{4}-(?:0[1-9]|1[0-2])$")
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_PLACE = re.compile(r"^([A-Za-z0-9_.-]{1,32}):([A-Za-z0-9_.-]{1,32})$")
MAX_DAYS = 366


class OutOfScope(Exception):
    """A filter outside what the viewer may see (403)."""


@dataclass(frozen=True, slots=True)
class Choice:
    """The period and filters of a figures page, already limited to the viewer's scope."""

    period: Period
    community: str | None = None
    grid: str | None = None
    category: str | None = None
    allowed: frozenset[str] | None = None  # communities the viewer may see; None: all
    own_grid: bool = False  # a grid leader's page: their grid, named plainly

    def admits(self, o: OrderFact) -> bool:
        return (
            (self.allowed is None or o.community in self.allowed)
            and (self.community is None or o.community == self.community)
            and (self.grid is None or o.grid == self.grid)
            and (self.category is None or o.category == self.category)
        )

    @property
    def filter(self) -> Filter:
        """The same scope, for :func:`bot.kpi.page.page_figures`."""
        return Filter(self.allowed, self.community, self.grid, self.category)

    def keep(self, facts: Iterable[OrderFact]) -> list[OrderFact]:
        if self.allowed is self.community is self.grid is self.category is None:
            return list(facts)
        return [o for o in facts if self.admits(o)]

    def keep_visits(self, visits: Iterable[VisitFact]) -> list[VisitFact]:
        return [v for v in visits if self.grid is None or self.grid in v.grids]

    def keep_leaders(self, names: Names) -> Names:
        """``names`` with only the grid leaders in scope, so a grid leader's workbook lists
        their own weeks of visits, not every grid's."""
        places = {p: k for p, k in names.place_leaders.items() if self.admits_place(p)}
        grids = {p.partition(":")[2] for p in places}
        leaders = {g: k for g, k in names.grid_leaders.items() if g in grids}
        return replace(names, place_leaders=places, grid_leaders=leaders)

    def admits_place(self, place: str) -> bool:
        """A grid's place (``"qhj:G01"``) in scope: its community and grid."""
        community, _, grid = place.partition(":")
        return (
            (self.allowed is None or community in self.allowed)
            and (self.community is None or community == self.community)
            and (self.grid is None or grid == self.grid)
        )

    @property
    def street(self) -> bool:
        """Several communities may be shown (grids are then named with their community)."""
        if self.own_grid or self.community is not None:
            return False
        return self.allowed is None or len(self.allowed) > 1

    def params(self) -> dict[str, str]:
        """The filters as query parameters (for links that keep them)."""
        grid = None if self.own_grid else self.grid  # a grid leader's is implied
        out = {"community": self.community, "grid": grid, "category": self.category}
        return {k: v for k, v in out.items() if v}


def _day(text: str, name: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise FormError(ft.BAD_DATE.format(field=name, value=text[:20])) from None
    if day.year < 2000 or day.year > 2100:
        raise FormError(ft.BAD_DATE.format(field=name, value=text[:20]))
    return day


def parse_period(query: Mapping[str, str], tz: ZoneInfo, today: date) -> Period:
    """``period=2026-11`` (a month), ``2026-W48`` (a week), ``month``/``week`` (the current
    one, the default a month), or ``from=2026-11-01&to=2026-11-15`` (days included); a
    period that begins after ``today`` is refused, as the monthly report refuses its month
    (found from outside: 2030-01 showed zeros beside a download link that said no report)."""
    period = _period(query, tz, today)
    if period.first > today:
        raise FormError(texts.CONSOLE_PERIOD_NOT_STARTED.format(period=_named(period)))
    return period


def _named(period: Period) -> str:
    if period.kind == "month":
        return f"{period.first:%Y-%m}"
    if period.kind == "week":
        year, week, _ = period.first.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{period.first.isoformat()} 至 {period.last.isoformat()}"


def _period(query: Mapping[str, str], tz: ZoneInfo, today: date) -> Period:
    start, end = query.get("from", ""), query.get("to", "")
    if start or end:
        if not (start and end):
            raise FormError(ft.BAD_RANGE_BOTH)
        first, last = _day(start, "from"), _day(end, "to")
        if last < first:
            raise FormError(ft.BAD_RANGE_ORDER)
        if (last - first).days >= MAX_DAYS:
            raise FormError(ft.BAD_RANGE_LONG.format(days=MAX_DAYS))
        return Period.custom(first, last, tz)
    text = query.get("period", "").strip()
    if text in ("", "month"):
        return Period.month(today.year, today.month, tz)
    if text == "week":
        return Period.week(today, tz)
    found = _WEEK.match(text)
    if found:
        try:
            monday = date.fromisocalendar(int(found.group(1)), int(found.group(2)), 1)
        except ValueError:
            raise FormError(ft.BAD_PERIOD.format(value=text[:20])) from None
        if not 2000 <= monday.year <= 2100:
            raise FormError(texts.CONSOLE_PERIOD_OUT_OF_RANGE.format(value=text[:20]))
        return Period.week(monday, tz)
    return parse_month(text, tz)


def parse_month(text: str, tz: ZoneInfo) -> Period:
    """A month, or a 400 that says why: not a month at all, or a month out of range (1999-01
    is written right; found from outside, it was called unreadable)."""
    out_of_range = FormError(texts.CONSOLE_PERIOD_OUT_OF_RANGE.format(value=text[:20]))
    try:
        period = Period.parse_month(text, tz)
    except ValueError:
        if _MONTH.match(text.strip()):
            raise out_of_range from None
        raise FormError(ft.BAD_PERIOD.format(value=text[:20])) from None
    if period.first.year > 2100:
        raise out_of_range
    return period


def _code(query: Mapping[str, str], name: str) -> str | None:
    value = query.get(name, "").strip()
    if not value:
        return None
    if not _CODE.match(value):
        raise FormError(ft.BAD_FILTER.format(field=ft.FILTER_NAMES[name]))
    return value


async def allowed_communities(session: AsyncSession, viewer: Viewer) -> frozenset[str] | None:
    """The community codes the viewer may see: None (all) for an account without a community;
    a street office's account, the street's communities."""
    return await communities_under(await session.connection(), viewer.community)


def choose(
    query: Mapping[str, str],
    viewer: Viewer,
    allowed: frozenset[str] | None,
    period_of: Callable[[Mapping[str, str]], Period],
) -> Choice:
    """The page's choice from the query string, limited to the viewer (OutOfScope: a filter
    the viewer may not use)."""
    period = period_of(query)
    community = _code(query, "community")
    place = _PLACE.match(query.get("grid", "").strip())  # "qhj:G01", a grid of a community
    if place and community not in (None, place.group(1)):
        raise FormError(ft.BAD_FILTER.format(field=ft.FILTER_NAMES["grid"]))
    if place:
        community, grid = place.group(1), place.group(2)
    else:
        grid = _code(query, "grid")
    category = query.get("category", "").strip() or None
    if category is not None and category not in CATEGORY_NAMES:
        raise FormError(ft.BAD_FILTER.format(field=ft.FILTER_NAMES["category"]))
    if community is not None and allowed is not None and community not in allowed:
        raise OutOfScope(community)
    if viewer.in_grid:  # their own grid (of their community: ``allowed``), nothing else
        if not viewer.grid or grid not in (None, viewer.grid):
            raise OutOfScope(grid)
        grid = viewer.grid
    return Choice(period, community, grid, category, allowed, viewer.in_grid)


async def check_known(session: AsyncSession, choice: Choice) -> None:
    """A community or grid filter that names nothing is a 400, not an empty page (the street
    office may pick any community, so a typo would otherwise look like a quiet month)."""
    if choice.community is None and (choice.grid is None or choice.own_grid):
        return
    rows = await session.execute(
        select(Community.code, Grid.code, Community.name, Grid.name)
        .select_from(Community)
        .outerjoin(Grid, Grid.community_id == Community.id)
        .where(Community.kind != "street")
        .order_by(Community.id, Grid.code)
    )
    places = {(c, g): f"{c_name}·{g_name}" for c, g, c_name, g_name in rows}
    if choice.community is not None and choice.community not in {c for c, _ in places}:
        name = ft.FILTER_NAMES["community"]
        raise FormError(ft.NO_SUCH_PLACE.format(field=name, value=choice.community))
    if choice.grid is not None and not choice.own_grid:
        here = [
            shown
            for (c, g), shown in places.items()
            if g == choice.grid
            and choice.community in (None, c)
            and (choice.allowed is None or c in choice.allowed)
        ]
        if not here:
            name = ft.FILTER_NAMES["grid"]
            raise FormError(ft.NO_SUCH_PLACE.format(field=name, value=choice.grid))
        if len(here) > 1:  # found from outside: 青和居's G01 and 东亭's summed as one grid
            said = texts.CONSOLE_GRID_AMBIGUOUS.format(value=choice.grid, names="、".join(here))
            raise FormError(said)


def previous_month(today: date, tz: ZoneInfo) -> Period:
    last = today.replace(day=1) - timedelta(days=1)
    return Period.month(last.year, last.month, tz)
