"""The figures (指标), computed in one place from plain order facts. No I/O.

``compute(facts, sla, period) -> Figures``; ``breakdown(facts, sla, period, by)`` cuts the
same figures by community, grid, member or category. Definitions and exclusions: docs/kpi.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from bot.kpi.period import Period
from bot.kpi.worktime import elapsed, within
from bot.orders.timers import Sla

CANCELLED = "cancelled"
DONE = frozenset({"resolved", "closed"})  # solved, as it stands now
FINISHED = DONE | {CANCELLED}
SATISFIED_FROM = 4  # ratings 4 and 5 count as satisfied


@dataclass(frozen=True, slots=True)
class OrderFact:
    """What the figures read of one order (times aware, UTC as stored)."""

    id: int
    created_at: datetime
    status: str
    category: str = "other"
    urgent: bool = False
    community: str | None = None  # community code
    grid: str | None = None  # grid code of the order's building
    member: str | None = None  # roster key of the assignee
    member_name: str | None = None
    building: str | None = None
    summary: str = ""
    assigned_at: datetime | None = None
    accepted_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    rating: int | None = None
    reopened: bool = False  # 重办: reopened at least once after a resolution
    escalation_level: int = 0  # timers: 1 grid leader told, 2 community staff told
    whistled: bool = False  # 吹哨: escalated beyond the community
    overdue: bool = False  # the resolution-deadline timer fired

    @property
    def cancelled(self) -> bool:
        return self.status == CANCELLED


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


def median(values: Sequence[timedelta]) -> timedelta | None:
    """The middle value (the mean of the two middle ones for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def p90(values: Sequence[timedelta]) -> timedelta | None:
    """Nearest rank: the smallest value with at least 90 % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _accepted_in_time(o: OrderFact, sla: Sla, as_of: datetime) -> bool | None:
    """True/False for an order in the response rate; None when it is not (yet) counted."""
    if o.assigned_at is None and o.accepted_at is None:
        return None  # never given to anyone
    start = o.assigned_at or o.created_at
    # an acceptance older than the latest assignment was handed back (退单): not an answer
    if o.accepted_at is not None and o.accepted_at >= start:
        return within(sla, start, o.accepted_at, sla.accept_within, o.urgent)
    deadline = sla.after(start, sla.accept_within, o.urgent)
    return False if deadline <= as_of else None  # still inside its time to answer


def _resolve_deadline(o: OrderFact, sla: Sla) -> datetime:
    window = sla.resolve_urgent if o.urgent else sla.resolve_default
    return sla.after(o.created_at, window, o.urgent)


def compute(
    facts: Iterable[OrderFact], sla: Sla, period: Period, *, as_of: datetime | None = None
) -> Figures:
    """The figures over the orders written in ``period`` (by ``created_at``, local days).

    ``as_of``: the moment the figures describe (default: the end of the period); orders still
    within their time to be accepted then are not yet counted against the response rate, and
    open orders past their resolution deadline then count as overdue.
    """
    start, end = period.start_utc, period.end_utc
    at = as_of or end
    mine = [o for o in facts if start <= o.created_at < end]
    live = [o for o in mine if not o.cancelled]
    responses = [r for r in (_accepted_in_time(o, sla, at) for o in live) if r is not None]
    done = [o for o in live if o.status in DONE]
    followed = [o for o in live if o.resolved_at is not None]  # reached follow-up at least once
    rated = [o for o in live if o.rating is not None]
    accept_times = [
        elapsed(sla, o.created_at, o.accepted_at, o.urgent) for o in live if o.accepted_at
    ]
    resolve_times = [
        elapsed(sla, o.created_at, o.resolved_at, o.urgent)
        for o in done
        if o.resolved_at is not None
    ]
    on_time = sum(
        1 for o in done if o.resolved_at is not None and o.resolved_at <= _resolve_deadline(o, sla)
    )
    overdue = sum(
        1
        for o in live
        if o.overdue or (o.status not in FINISHED and _resolve_deadline(o, sla) <= at)
    )
    reopened = sum(1 for o in followed if o.reopened)
    satisfied = sum(1 for o in rated if (o.rating or 0) >= SATISFIED_FROM)
    return Figures(
        received=len(mine),
        cancelled=len(mine) - len(live),
        assigned=len(responses),
        accepted_on_time=sum(responses),
        response_rate=ratio(sum(responses), len(responses)),
        resolved=len(done),
        resolution_rate=ratio(len(done), len(live)),
        resolved_on_time=on_time,
        on_time_rate=ratio(on_time, len(resolve_times)),
        rated=len(rated),
        satisfied=satisfied,
        satisfaction_rate=ratio(satisfied, len(rated)),
        rated_share=ratio(len(rated), len(followed)),
        accept_median=median(accept_times),
        accept_p90=p90(accept_times),
        resolve_median=median(resolve_times),
        resolve_p90=p90(resolve_times),
        reopened=reopened,
        reopen_rate=ratio(reopened, len(followed)),
        escalated=sum(1 for o in live if o.escalation_level > 0),
        whistled=sum(1 for o in live if o.whistled),
        overdue=overdue,
    )


# --- cuts ------------------------------------------------------------------------------------
CUTS: dict[str, Callable[[OrderFact], str | None]] = {
    "community": lambda o: o.community,
    "grid": lambda o: o.grid,
    "member": lambda o: o.member,
    "category": lambda o: o.category,
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
    key = CUTS[by]
    groups: dict[str | None, list[OrderFact]] = {}
    for o in facts:
        if period.contains(o.created_at):
            groups.setdefault(key(o), []).append(o)
    out = {k: compute(v, sla, period, as_of=as_of) for k, v in groups.items()}
    return dict(sorted(out.items(), key=lambda kv: (-kv[1].received, str(kv[0]))))


def daily_counts(facts: Iterable[OrderFact], period: Period) -> dict[date, int]:
    """Orders written on each local day of the period (every day present, zeros included)."""
    counts = Counter(period.local_day(o.created_at) for o in facts if period.contains(o.created_at))
    return {day: counts.get(day, 0) for day in period.days()}
