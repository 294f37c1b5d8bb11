"""The figures page's content, from the figures of ``bot.kpi``: the table of every figure with
the previous period, the 12-month trend, categories, grids, the 红榜 and the grid leaders'
visits — each chart with its table, built from the same numbers. No I/O."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.console import charts
from bot.console import figure_texts as ft
from bot.kpi import labels, sheets
from bot.kpi.figures import Figures, Summary
from bot.kpi.load import Names, VisitFact
from bot.kpi.page import PageFigures
from bot.kpi.period import Period
from bot.orders.dispatch import CATEGORY_NAMES

HONOUR_SIZE = 10
W = ft.W


def pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def rate_text(value: float | None) -> str:
    shown = charts.number(pct(value))
    return f"{shown}%" if shown else labels.NONE


def change(name: str, now: object, before: object) -> str:
    kind = labels.FIGURES[name][1]
    if kind == "count" and isinstance(now, int) and isinstance(before, int):
        return f"{now - before:+d}"
    if kind == "rate" and isinstance(now, float) and isinstance(before, float):
        return f"{(now - before) * 100:+.1f}{W['points']}"
    return labels.NONE


def figure_rows(this: Figures, before: Figures) -> list[dict[str, str]]:
    """Every figure: name, this period, the previous one, the change."""
    now, then = this.as_dict(), before.as_dict()
    return [
        {
            "name": name,
            "label": title,
            "now": labels.show(name, now[name]),
            "before": labels.show(name, then[name]),
            "change": change(name, now[name], then[name]),
        }
        for name, (title, _) in labels.FIGURES.items()
    ]


@dataclass(frozen=True, slots=True)
class Block:
    """A chart and the table beside it: column titles and rows of (label, values...)."""

    chart: Any
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]


def _block(
    title: str,
    labels_: Sequence[str],
    series: Sequence[charts.Series],
    line: bool = False,
    axis: Sequence[str] = (),
) -> Block:
    chart = (
        charts.lines(title, labels_, series, axis) if line else charts.bars(title, labels_, series)
    )
    rows = [
        [label, *(charts.number(s.values[i]) or labels.NONE for s in series)]
        for i, label in enumerate(labels_)
    ]
    return Block(chart, [title, *(s.name for s in series)], rows)


RATE_SERIES = ("response_rate", "resolution_rate", "satisfaction_rate")


def _series(figures: Sequence[Figures], rates: Sequence[str] = RATE_SERIES) -> list[charts.Series]:
    out = [charts.Series(labels.label("received"), [f.received for f in figures])]
    for name in rates:
        values = [pct(getattr(f, name)) for f in figures]
        out.append(charts.Series(f"{labels.label(name)}(%)", values, top=100))
    return out


def trend_block(months: Sequence[tuple[Period, Figures]]) -> Block:
    names = [f"{p.first:%Y-%m}" for p, _ in months]
    axis = [f"{p.first.month}月" for p, _ in months]
    return _block(W["trend"], names, _series([f for _, f in months]), line=True, axis=axis)


def category_block(cut: dict[str | None, Figures]) -> Block:
    names = [CATEGORY_NAMES.get(k or "", labels.UNKNOWN["category"]) for k in cut]
    figures = list(cut.values())
    return _block(W["category"], names, _series(figures, ("resolution_rate",)))


def grid_block(cut: dict[str | None, Figures], names: Names, street: bool) -> Block:
    shown = [sheets.place_name(k, names, street) if k else labels.UNKNOWN["grid"] for k in cut]
    return _block(W["grid"], shown, _series(list(cut.values())))


def honour_rows(cut: dict[str | None, Figures], names: Names) -> list[dict[str, str]]:
    """The 红榜: members by orders resolved (then satisfaction), the top ten."""
    ranked = sorted(
        ((k, f) for k, f in cut.items() if k is not None and f.resolved > 0),
        key=lambda kv: (-kv[1].resolved, -(kv[1].satisfaction_rate or 0), kv[0] or ""),
    )[:HONOUR_SIZE]
    return [
        {
            "rank": str(i),
            "member": names.members.get(key or "", key or ""),
            "handled": str(f.resolved),
            "response": labels.show("accept_median", f.accept_median),
            "satisfaction": rate_text(f.satisfaction_rate),
        }
        for i, (key, f) in enumerate(ranked, 1)
    ]


def duty_rows(
    visits: list[VisitFact],
    names: Names,
    period: Period,
    admits: Callable[[str], bool],
    today: date,
    street: bool = False,
) -> list[dict[str, str]]:
    """Each grid leader's weeks (begun by ``today``) against the duty of 3 visits, 12 hours;
    ``admits``: the places ("community:grid") in scope."""
    rows = sheets.duty_rows(visits, names, period, today)
    return [
        {
            "leader": names.members.get(d.leader, d.leader),
            "grid": sheets.place_name(d.place, names, street) if d.place else d.grid,
            "week": d.monday.isoformat(),
            "visits": str(d.visits),
            "hours": f"{d.minutes / 60:.1f}",
            "met": W["yes"] if d.met else W["no"],
            "ok": "ok" if d.met else "short",
        }
        for d in rows
        if admits(d.place)
    ]


@dataclass(frozen=True, slots=True)
class Content:
    summary: Summary
    trend: Block | None  # None: not asked for (the printable report has none)
    categories: Block
    grids: Block
    honour: list[dict[str, str]]


def content(got: PageFigures, street: bool = False) -> Content:
    """Everything the figures page shows of the orders (already limited to the scope);
    ``street``: several communities are shown, so grids are named with their community."""
    summary, names = got.summary, got.names
    return Content(
        summary,
        trend_block(got.months) if got.months is not None else None,
        category_block(summary.cuts["category"]),
        grid_block(summary.cuts["place"], names, street),
        honour_rows(summary.cuts["member"], names),
    )
