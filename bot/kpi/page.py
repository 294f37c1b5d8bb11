"""A figures page's worth of figures — the period and the one before with cuts, and the
12-month trend — read straight from the database, with the figures of finished months kept.

Gives exactly what the reference path gives (``load_facts``, the scope's filter, then
:func:`bot.kpi.figures.summarize` and ``bot.console.figures_view.twelve_months``; a test
compares the two on a generated month), at a fraction of the cost: the orders are read as
plain rows (:mod:`bot.kpi.rows`), measured by the same :func:`bot.kpi.measure.measure_stamps`
and added up by the same code.

**What is kept, and why it stays right.** The figures of a window that has ended (a past
month of the trend, the previous period, a past period) are kept in a :class:`FiguresCache`,
keyed by the window, the scope, the SLA and the roster's version, and each time checked
against the window's *stamp*: how many orders were written in it and the sum of their
versions (:func:`bot.kpi.rows.stamps_of`). Any change to one of those orders — a late rating,
a reopen, a timer closing it — bumps its version, so the stamp moves and the window is
measured again; a window still running (as of now) is never kept. The stamp is read before
the orders, so kept figures are never older than the stamp they are filed under.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kpi.figures import (
    CUTS,
    Figures,
    Summary,
    Tally,
    aggregate,
    combine,
    figures_of,
    order_cuts,
    tally,
)
from bot.kpi.load import Names, roster_of
from bot.kpi.measure import Measured, clock_for, measure_exact, measure_stamps
from bot.kpi.period import Period
from bot.kpi.rows import CATEGORY, CREATED, WHO, Filter, Row, Who, fact_of, load_rows
from bot.kpi.rows import stamps_of as read_stamps
from bot.observability import heap
from bot.orders.timers import Sla

PAGE_CUTS = ("place", "category", "member")  # the cuts a figures page shows, as cells hold them
assert set(PAGE_CUTS) <= set(CUTS)


@dataclass(frozen=True, slots=True)
class Window:
    """Orders written in ``period``, measured as of ``at``."""

    period: Period
    at: datetime

    @property
    def finished(self) -> bool:
        return self.at >= self.period.end_utc


class FiguresCache:
    """The figures of finished windows, least recently used dropped past ``size``."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, tuple[tuple[int, int], Any]] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: Hashable, stamp: tuple[int, int]) -> Any | None:
        found = self._kept.get(key)
        if found is None or found[0] != stamp:
            self.misses += 1
            return None
        self._kept.move_to_end(key)
        self.hits += 1
        return found[1]

    def put(self, key: Hashable, stamp: tuple[int, int], value: Any) -> None:
        self._kept[key] = (stamp, value)
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    def clear(self) -> None:
        self._kept.clear()


@dataclass(frozen=True, slots=True)
class PageFigures:
    summary: Summary
    months: list[tuple[Period, Figures]] | None  # the 12-month trend, oldest first
    names: Names


def plan(period: Period, now: datetime, with_trend: bool) -> list[Window]:
    """The windows a page measures: the period as of now (its end if past), the previous
    period as of its end, and each month of the trend not already one of those two."""
    as_of = min(now, period.end_utc)
    before = period.previous()
    out = [Window(period, as_of), Window(before, min(as_of, before.end_utc))]
    if with_trend:
        for month in period.months_back(12):
            if period.kind != "month" or month not in (period, before):
                out.append(Window(month, min(now, month.end_utc)))
    return out


def measure_rows(rows: Sequence[Row], sla: Sla, window: Window) -> list[Measured]:
    at = window.at
    clock, stamp = clock_for(sla, window.period, at), at.timestamp()
    out: list[Measured] = []
    append = out.append
    for r in rows:
        m = measure_stamps(
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], clock, stamp
        )
        append(m if m is not None else measure_exact(fact_of(r), clock, stamp))
    return out


def _slice(rows: Sequence[Row], created: Sequence[float], period: Period) -> Sequence[Row]:
    lo = bisect_left(created, period.start_utc.timestamp())
    return rows[lo : bisect_left(created, period.end_utc.timestamp())]


def _figures(rows: Sequence[Row], sla: Sla, window: Window, with_cuts: bool) -> Any:
    """A window's Figures, or (Figures, cuts) for the page's own period. Each order is
    counted once, into its cell (place, category, member); the cuts and the total add cells
    up."""
    if not rows:  # most months of a young installation: no clock to build
        empty = figures_of(tally(()))
        return (empty, {by: {} for by in PAGE_CUTS}) if with_cuts else empty
    ms = measure_rows(rows, sla, window)
    if not with_cuts:
        return aggregate(ms)
    cells: dict[tuple[Who, str], list[Measured]] = {}
    for r, m in zip(rows, ms, strict=True):
        cells.setdefault((r[WHO], r[CATEGORY]), []).append(m)
    # (place, category, member) of each cell; two cells may share one (another building)
    tallies: dict[tuple[Any, ...], list[Tally]] = {}
    for (who, category), group in cells.items():
        tallies.setdefault((who.place, category, who.member), []).append(tally(group))
    cuts = {}
    for i, by in enumerate(PAGE_CUTS):
        groups: dict[str | None, list[Tally]] = {}
        for key, ts in tallies.items():
            groups.setdefault(key[i], []).extend(ts)
        cuts[by] = order_cuts({k: figures_of(combine(v)) for k, v in groups.items()})
    return figures_of(combine([t for ts in tallies.values() for t in ts])), cuts


def _spans(windows: Sequence[Window]) -> list[tuple[datetime, datetime]]:
    """The windows' ranges, overlapping or touching ones joined, oldest first."""
    out: list[tuple[datetime, datetime]] = []
    for a, b in sorted((w.period.start_utc, w.period.end_utc) for w in windows):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


async def page_figures(
    engine: AsyncEngine,
    sla: Sla,
    period: Period,
    scope: Filter,
    now: datetime,
    *,
    with_trend: bool = True,
    cache: FiguresCache | None = None,
) -> PageFigures:
    """The figures of ``period`` (as of ``now``) and the one before, cut by place, category
    and member, and (``with_trend``) the 12 months up to the period's month."""
    windows = plan(period, now, with_trend)
    done: dict[Window, Any] = {}
    async with engine.connect() as conn:
        roster = await roster_of(conn)
        base = (scope, sla, roster.version)
        kept = [w for w in windows if w.finished] if cache is not None else []
        stamps = await read_stamps(conn, [(w.period.start_utc, w.period.end_utc) for w in kept])
        for w, stamp in zip(kept, stamps, strict=True):
            found = cache.get((base, w, w is windows[0]), stamp) if cache else None
            if found is not None:
                done[w] = found
        todo = [w for w in windows if w not in done]
        rows: list[Row] = []
        for a, b in _spans(todo):
            rows += await load_rows(conn, a, b, roster, scope)
    created = [r[CREATED] for r in rows]
    with heap.paused():  # a tuple per order measured, then tallied: nothing to collect
        for w in todo:
            done[w] = _figures(_slice(rows, created, w.period), sla, w, w is windows[0])
    if cache is not None:
        for w, stamp in zip(kept, stamps, strict=True):
            cache.put((base, w, w is windows[0]), stamp, done[w])
    figures, cuts = done[windows[0]]
    summary = Summary(figures, done[windows[1]], cuts)
    return PageFigures(summary, _trend(period, now, summary, done) if with_trend else None,
                       roster.names)  # fmt: skip


def _trend(
    period: Period, now: datetime, summary: Summary, done: dict[Window, Any]
) -> list[tuple[Period, Figures]]:
    known = {period: summary.figures, period.previous(): summary.previous}
    out = []
    for month in period.months_back(12):
        found = known.get(month) if period.kind == "month" else None
        out.append(
            (month, found if found is not None else done[Window(month, min(now, month.end_utc))])
        )
    return out
