"""The figures page (指标), the monthly report's download and its printable page.

Every request is limited on the server to the viewer's scope (see
:mod:`bot.console.figures_scope`); the figures come from ``bot.kpi`` and nowhere else, so the
page, the printable page and the workbook always agree.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from aiohttp import web

from bot import texts
from bot.console import figure_texts as ft
from bot.console import figures_view as fv
from bot.console.figures_scope import (
    Choice,
    OutOfScope,
    allowed_communities,
    check_known,
    choose,
    parse_month,
    parse_period,
    previous_month,
)
from bot.console.masking import shown_to
from bot.console.scope import Viewer
from bot.console.web import VIEWER, FormError, page, refuse
from bot.keys import CLOCK, CONFIG, FIGURES_CACHE, READER, READS
from bot.kpi import labels, sheets
from bot.kpi.cli import month_data
from bot.kpi.load import Names, VisitFact, load_visits, place_of
from bot.kpi.page import page_figures
from bot.kpi.period import Period
from bot.kpi.report import build_workbook, file_name
from bot.kpi.sheets import duty_weeks, visit_weeks
from bot.lists.scope import OutOfScope as NotTheirs
from bot.lists.scope import scope_of
from bot.orders.dispatch import CATEGORY_NAMES
from bot.orders.sla import sla_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _now(request: web.Request) -> datetime:
    return request.config_dict[CLOCK].now().astimezone(UTC)


async def _choice(request: web.Request, period_of: Callable[[Mapping[str, str]], Period]) -> Choice:
    viewer: Viewer = request[VIEWER]
    async with request.config_dict[READS]() as s:
        allowed = await allowed_communities(s, viewer)
        choice = choose(request.query, viewer, allowed, period_of)
        await check_known(s, choice)
    return choice


async def _visits(request: web.Request, weeks: Period) -> list[VisitFact]:
    end = max(w.end_utc for w in visit_weeks(weeks))
    return await load_visits(request.config_dict[READER], weeks.start_utc, end)


def _place(choice: Choice, names: Names, viewer: Viewer) -> str:
    if choice.grid and viewer.in_grid:
        return sheets.place_name(place_of(viewer.community, choice.grid), names)
    code = choice.community or viewer.community
    return names.communities.get(code or "", "") if code else ""


async def _content(
    request: web.Request, choice: Choice, with_trend: bool = True
) -> dict[str, object]:
    """What the figures page and the printable page (without the trend) show."""
    config, viewer, now = request.config_dict[CONFIG], request[VIEWER], _now(request)
    period = choice.period
    got = await page_figures(
        request.config_dict[READER],
        sla_of(config),
        period,
        choice.filter,
        now,
        with_trend=with_trend,
        cache=request.config_dict[FIGURES_CACHE],
    )
    shown, names = fv.content(got, choice.street), got.names
    duty_period = duty_weeks(period)
    visits = choice.keep_visits(await _visits(request, duty_period))
    figures = shown.summary.figures
    return {
        "choice": choice,
        "period": period,
        "names": names,
        "place": _place(choice, names, viewer),
        "empty": figures.received == 0,
        "headline": [
            (n, labels.label(n), labels.show(n, getattr(figures, n))) for n in labels.HEADLINE
        ],
        "rows": fv.figure_rows(figures, shown.summary.previous),
        "before": period.previous(),
        "trend": shown.trend,
        "categories": shown.categories,
        "grids": shown.grids,
        "honour": shown.honour,
        "duty": fv.duty_rows(
            visits,
            names,
            duty_period,
            choice.admits_place,
            now.astimezone(config.tz).date(),
            choice.street,
        ),
        "generated": now.astimezone(config.tz).strftime("%Y-%m-%d %H:%M"),
        "ft": ft,
        "fw": ft.W,
    }


def _period_of(request: web.Request) -> Callable[[Mapping[str, str]], Period]:
    tz = request.config_dict[CONFIG].tz
    today = _now(request).astimezone(tz).date()
    return lambda q: parse_period(q, tz, today)


def _month_of(request: web.Request) -> Callable[[Mapping[str, str]], Period]:
    tz = request.config_dict[CONFIG].tz
    today = _now(request).astimezone(tz).date()

    def month(query: Mapping[str, str]) -> Period:
        text = query.get("month", "").strip()
        period = parse_month(text, tz) if text else previous_month(today, tz)
        if period.first > today:  # found from outside: 2030-01 downloaded an empty workbook
            raise FormError(texts.CONSOLE_MONTH_NOT_STARTED.format(month=f"{period.first:%Y-%m}"))
        return period

    return month


def _grid_options(choice: Choice, names: Names) -> list[tuple[str, str]]:
    """(place, name) of the grids the viewer may pick; the place is the ``grid`` parameter."""
    wide = Choice(choice.period, allowed=choice.allowed)
    return sorted(
        (place, sheets.place_name(place, names, choice.street))
        for place in names.places
        if wide.admits_place(place)
    )


def _form(request: web.Request, choice: Choice, names: Names) -> dict[str, object]:
    """The filter form's options and the report links for the page's month."""
    viewer: Viewer = request[VIEWER]
    period, tz = choice.period, request.config_dict[CONFIG].tz
    today = _now(request).astimezone(tz).date()
    this_month = Period.month(today.year, today.month, tz)
    month = Period.month(period.first.year, period.first.month, tz)
    with_grids = {place.partition(":")[0] for place in names.places}  # not the street itself
    communities = sorted(
        (code, name)
        for code, name in names.communities.items()
        if code in with_grids and (choice.allowed is None or code in choice.allowed)
    )
    return {
        "report_query": urlencode({"month": f"{month.first:%Y-%m}", **choice.params()}),
        "categories_all": CATEGORY_NAMES,
        "grid_names": [] if viewer.in_grid else _grid_options(choice, names),
        "communities": communities if len(communities) > 1 and not viewer.in_grid else [],
        "kind": period.kind,
        "today_month": this_month.first.month if period == this_month else 0,
        "months": [f"{m.first:%Y-%m}" for m in reversed(this_month.months_back(12)[:-1])],
        "period_month": f"{period.first:%Y-%m}",
        "date_from": period.first.isoformat() if period.kind == "custom" else "",
        "date_to": period.last.isoformat() if period.kind == "custom" else "",
    }


async def figures(request: web.Request) -> web.Response:
    try:
        choice = await _choice(request, _period_of(request))
    except OutOfScope:
        return refuse(request, 403, ft.OUT_OF_SCOPE)
    context = await _content(request, choice)
    names = context["names"]
    assert isinstance(names, Names)
    context.update(_form(request, choice, names))
    return page(request, "figures.html", context)


async def monthly_print(request: web.Request) -> web.Response:
    try:
        choice = await _choice(request, _month_of(request))
    except OutOfScope:
        return refuse(request, 403, ft.OUT_OF_SCOPE)
    context = await _content(request, choice, with_trend=False)
    return page(request, "report_print.html", context)


async def monthly_download(request: web.Request) -> web.StreamResponse:
    try:
        choice = await _choice(request, _month_of(request))
    except OutOfScope:
        return refuse(request, 403, ft.OUT_OF_SCOPE)
    config, now, viewer = request.config_dict[CONFIG], _now(request), request[VIEWER]
    try:
        async with request.config_dict[READS]() as s:  # the three lists: the account's too
            lists = await scope_of(s, viewer.community, choice.community)
    except NotTheirs:  # a community that is not one (the street's own code, a typo)
        return refuse(request, 403, ft.OUT_OF_SCOPE)
    engine = request.config_dict[READER]
    data = await month_data(engine, config, choice.period, now, lists, choice.grid)
    data = replace(
        data,
        facts=choice.keep(data.facts),
        visits=choice.keep_visits(data.visits),
        names=choice.keep_leaders(data.names),
        text=shown_to(viewer),
    )

    def write() -> bytes:
        buffer = io.BytesIO()
        build_workbook(data).save(buffer)
        return buffer.getvalue()

    body = await asyncio.to_thread(write)
    name = file_name(choice.period)
    fallback = f"mulin-report-{choice.period.first:%Y-%m}.xlsx"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return web.Response(body=body, content_type=XLSX, headers={"Content-Disposition": disposition})


def routes(app: web.Application) -> None:
    app.router.add_get("/figures", figures)
    app.router.add_get("/reports/monthly", monthly_download)
    app.router.add_get("/reports/monthly/print", monthly_print)
