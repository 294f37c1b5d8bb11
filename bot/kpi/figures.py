"""The figures (指标), computed in one place from plain order facts. No I/O.

``compute(facts, sla, period) -> Figures``; ``breakdown(facts, sla, period, by)`` cuts the
same figures by community, grid, member or category; ``summarize`` gives a page's worth (the
period, the previous one and cuts) measuring each order once; ``trend`` a 12-month series.
Durations and deadlines use the SLA's clock (working hours for non-urgent orders when set),
through :class:`bot.kpi.worktime.SlaClock`. Definitions and exclusions: docs/kpi.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from itertools import chain
from operator import itemgetter

from bot.kpi.facts import SATISFIED_FROM, OrderFact
from bot.kpi.measure import (
    ACCEPT_S,
    CANC,
    DONE_NOW,
    ESCALATED,
    FOLLOWED,
    ON_TIME,
    OVERDUE,
    RATING,
    REOPENED,
    RESOLVE_S,
    RESP,
    WHISTLED,
    Measured,
    clock_for,
    measure,
)
from bot.kpi.period import Period
from bot.orders.timers import Sla


@dataclass(frozen=True, slots=True)
class Figures:
    """One period's figures for one scope; a rate or duration with nothing to measure is None."""

    received: int = 0  # 受理量
    cancelled: int = 0
    assigned: int = 0  # the response rate's denominator
    accepted_on_time: int = 0
    response_rate: float | None = None  # 响应率
    resolved: int = 0
    resolution_rate: float | None = None  # 解决率
    resolved_on_time: int = 0
    on_time_rate: float | None = None  # 按时办结率
    rated: int = 0
    satisfied: int = 0
    satisfaction_rate: float | None = None  # 满意率
    rated_share: float | None = None  # 回访参评率
    accept_median: timedelta | None = None
    accept_p90: timedelta | None = None
    resolve_median: timedelta | None = None
    resolve_p90: timedelta | None = None
    reopened: int = 0
    reopen_rate: float | None = None  # 重办率
    escalated: int = 0  # 超时升级 (timers)
    whistled: int = 0  # 吹哨
    overdue: int = 0  # 超时

    def as_dict(self) -> dict[str, int | float | timedelta | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def _durations(values: list[float]) -> tuple[timedelta | None, timedelta | None]:
    """(median, p90) of seconds sorted in ascending order, as times rounded to the millisecond."""
    if not values:
        return None, None
    mid = len(values) // 2
    middle = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    top = values[math.ceil(0.9 * len(values)) - 1]
    return timedelta(seconds=round(middle, 3)), timedelta(seconds=round(top, 3))


_AT = [itemgetter(i) for i in range(12)]


def _count(ms: Sequence[Measured], field: int) -> int:
    """How many hold True in ``field`` (every flag of a Measured is a bool)."""
    return sum(map(_AT[field], ms))


# What adds up across groups of orders: a Tally's counts, in this order.
(
    N_RECEIVED, N_CANCELLED, N_ASSIGNED, N_ACCEPTED_ON_TIME, N_RESOLVED, N_LIVE, N_FOLLOWED,
    N_RATED, N_SATISFIED, N_ON_TIME, N_REOPENED, N_ESCALATED, N_WHISTLED, N_OVERDUE,
) = range(14)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Tally:
    """The part of a group's figures that adds up: counts, and the durations (sorted), so a
    page can count each order once and add groups into cuts (:func:`combine`)."""

    counts: tuple[int, ...]
    accepts: list[float]
    resolves: list[float]


def tally(ms: Sequence[Measured]) -> Tally:
    live = [m for m in ms if not m[CANC]]
    # column by column, in C
    responses = list(map(_AT[RESP], live))
    ratings = list(map(_AT[RATING], live))
    counts = (
        len(ms), len(ms) - len(live), len(responses) - responses.count(-1), responses.count(1),
        _count(live, DONE_NOW), len(live), _count(live, FOLLOWED),
        len(ratings) - ratings.count(None),
        sum(1 for r in ratings if r is not None and r >= SATISFIED_FROM),
        _count(live, ON_TIME), _count(live, REOPENED), _count(live, ESCALATED),
        _count(live, WHISTLED), _count(live, OVERDUE),
    )  # fmt: skip
    accepts = sorted(a for a in map(_AT[ACCEPT_S], live) if a is not None)
    resolves = sorted(r for r in map(_AT[RESOLVE_S], live) if r is not None)
    return Tally(counts, accepts, resolves)


def combine(tallies: Sequence[Tally]) -> Tally:
    """The tally of the groups together (the sorted runs merge in near-linear time)."""
    if len(tallies) == 1:
        return tallies[0]
    counts = tuple(map(sum, zip(*(t.counts for t in tallies), strict=True)))
    accepts = sorted(chain.from_iterable(t.accepts for t in tallies))
    resolves = sorted(chain.from_iterable(t.resolves for t in tallies))
    return Tally(counts, accepts, resolves)


def figures_of(t: Tally) -> Figures:
    c = t.counts
    accept_median, accept_p90 = _durations(t.accepts)
    resolve_median, resolve_p90 = _durations(t.resolves)
    return Figures(
        received=c[N_RECEIVED],
        cancelled=c[N_CANCELLED],
        assigned=c[N_ASSIGNED],
        accepted_on_time=c[N_ACCEPTED_ON_TIME],
        response_rate=ratio(c[N_ACCEPTED_ON_TIME], c[N_ASSIGNED]),
        resolved=c[N_RESOLVED],
        resolution_rate=ratio(c[N_RESOLVED], c[N_LIVE]),
        resolved_on_time=c[N_ON_TIME],
        on_time_rate=ratio(c[N_ON_TIME], len(t.resolves)),
        rated=c[N_RATED],
        satisfied=c[N_SATISFIED],
        satisfaction_rate=ratio(c[N_SATISFIED], c[N_RATED]),
        rated_share=ratio(c[N_RATED], c[N_FOLLOWED]),
        accept_median=accept_median,
        accept_p90=accept_p90,
        resolve_median=resolve_median,
        resolve_p90=resolve_p90,
        reopened=c[N_REOPENED],
        reopen_rate=ratio(c[N_REOPENED], c[N_FOLLOWED]),
        escalated=c[N_ESCALATED],
        whistled=c[N_WHISTLED],
        overdue=c[N_OVERDUE],
    )


def aggregate(ms: Sequence[Measured]) -> Figures:
    return figures_of(tally(ms))


def _measured(
    facts: Iterable[OrderFact], sla: Sla, period: Period, as_of: datetime | None
) -> list[tuple[OrderFact, Measured]]:
    start, end = period.start_utc, period.end_utc
    at = as_of or end
    clock, stamp = clock_for(sla, period, at), at.timestamp()
    return [(o, measure(o, clock, stamp)) for o in facts if start <= o.created_at < end]


def compute(
    facts: Iterable[OrderFact], sla: Sla, period: Period, *, as_of: datetime | None = None
) -> Figures:
    """The figures over the orders written in ``period`` (by ``created_at``, local days).

    ``as_of``: the moment the figures describe (default: the end of the period); orders still
    within their time to be accepted then are not yet counted against the response rate, and
    open orders past their resolution deadline then count as overdue.
    """
    return aggregate([m for _, m in _measured(facts, sla, period, as_of)])


# --- cuts ------------------------------------------------------------------------------------
CUTS: dict[str, Callable[[OrderFact], str | None]] = {
    "community": lambda o: o.community,
    "grid": lambda o: o.grid,
    "member": lambda o: o.member,
    "category": lambda o: o.category,
    # the grid with its community ("qhj:G01"): grid codes repeat across a street
    "place": lambda o: f"{o.community or ''}:{o.grid}" if o.grid else None,
}


@dataclass(frozen=True, slots=True)
class Scope:
    """Which orders count: None means any. A grid leader's scope is their grid."""

    community: str | None = None
    grid: str | None = None
    member: str | None = None
    category: str | None = None

    def admits(self, o: OrderFact) -> bool:
        return all(
            wanted is None or CUTS[name](o) == wanted
            for name, wanted in (
                ("community", self.community),
                ("grid", self.grid),
                ("member", self.member),
                ("category", self.category),
            )
        )


def in_scope(facts: Iterable[OrderFact], scope: Scope) -> list[OrderFact]:
    return [o for o in facts if scope.admits(o)]


def breakdown(
    facts: Iterable[OrderFact],
    sla: Sla,
    period: Period,
    by: str,
    *,
    as_of: datetime | None = None,
) -> dict[str | None, Figures]:
    """The figures per community, grid, member or category (``by``), largest volume first;
    orders with no value for the cut (no grid, nobody assigned) are under None."""
    return summarize(list(facts), sla, period, (by,), as_of=as_of).cuts[by]


@dataclass(frozen=True, slots=True)
class Summary:
    """A period's figures, the previous period's, and cuts: what a figures page shows."""

    figures: Figures
    previous: Figures
    cuts: dict[str, dict[str | None, Figures]]


def order_cuts(cut: dict[str | None, Figures]) -> dict[str | None, Figures]:
    """A cut's groups, largest volume first (then by key)."""
    return dict(sorted(cut.items(), key=lambda kv: (-kv[1].received, str(kv[0]))))


def summarize(
    facts: Sequence[OrderFact],
    sla: Sla,
    period: Period,
    cuts: Sequence[str] = (),
    *,
    as_of: datetime | None = None,
) -> Summary:
    """The figures of ``period`` and of the one before, and the cuts named (``"grid"``,
    ``"category"``, ...), each order measured once (a month of 100,000 orders in well under a
    second). The previous period is measured as of its own end."""
    mine = _measured(facts, sla, period, as_of)
    before = period.previous()
    previous = [
        m for _, m in _measured(facts, sla, before, min(as_of or before.end_utc, before.end_utc))
    ]
    out: dict[str, dict[str | None, Figures]] = {}
    for by in cuts:
        key = CUTS[by]
        groups: dict[str | None, list[Measured]] = {}
        for o, m in mine:
            groups.setdefault(key(o), []).append(m)
        out[by] = order_cuts({k: aggregate(v) for k, v in groups.items()})
    return Summary(aggregate([m for _, m in mine]), aggregate(previous), out)


def trend(
    facts: Sequence[OrderFact],
    sla: Sla,
    period: Period,
    months: int = 12,
    *,
    as_of: datetime | None = None,
) -> list[tuple[Period, Figures]]:
    """The figures of each of the ``months`` months up to ``period``'s, oldest first (load the
    facts from ``period.months_back(months)[0].start_utc``)."""
    out = []
    for month in period.months_back(months):
        at = month.end_utc if as_of is None else min(as_of, month.end_utc)
        out.append((month, compute(facts, sla, month, as_of=at)))
    return out


def daily_counts(facts: Iterable[OrderFact], period: Period) -> dict[date, int]:
    """Orders written on each local day of the period (every day present, zeros included)."""
    counts = Counter(period.local_day(o.created_at) for o in facts if period.contains(o.created_at))
    return {day: counts.get(day, 0) for day in period.days()}
