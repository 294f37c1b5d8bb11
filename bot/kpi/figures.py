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
from typing import Any

from bot.kpi.period import Period
from bot.kpi.worktime import EPSILON, SlaClock
from bot.orders.timers import Sla

CANCELLED = "cancelled"
DONE = frozenset({"resolved", "closed"})  # solved, as it stands now
FINISHED = DONE | {CANCELLED}
SATISFIED_FROM = 4  # ratings 4 and 5 count as satisfied


@dataclass(slots=True)
class OrderFact:
    """What the figures read of one order (times aware, UTC as stored); read-only by convention
    (not frozen: a frozen dataclass is slower to build, and a month may hold 100,000)."""

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


# One order's part in the figures, worked out once, as a plain tuple (100,000 of them are made
# for a month; a tuple is the cheapest record): see the indices below. Times are seconds on the
# SLA clock.
_Measured = tuple[Any, ...]
(
    CANC,  # cancelled
    RESP,  # 1 accepted in time, 0 late, -1 not counted (never given, or still in time)
    DONE_NOW,  # resolved or closed now
    FOLLOWED,  # reached follow-up at least once (has a resolution)
    RATING,
    ACCEPT_S,
    RESOLVE_S,  # only for orders resolved now
    ON_TIME,
    OVERDUE,
    REOPENED,
    ESCALATED,
    WHISTLED,
) = range(12)
_CANCELLED: _Measured = (
    True,
    -1,
    False,
    False,
    None,
    None,
    None,
    False,
    False,
    False,
    False,
    False,
)


def _response(o: OrderFact, clock: SlaClock, at: float) -> int:
    if o.assigned_at is None and o.accepted_at is None:
        return -1  # never given to anyone
    start = o.assigned_at or o.created_at
    # an acceptance older than the latest assignment was handed back (退单): not an answer
    if o.accepted_at is not None and o.accepted_at >= start:
        return 1 if clock.in_time(start, o.accepted_at, clock.sla.accept_within, o.urgent) else 0
    deadline = clock.deadline(start, clock.sla.accept_within, o.urgent)
    return 0 if deadline <= at else -1  # still inside its time to answer


def _measure(o: OrderFact, clock: SlaClock, at: float) -> _Measured:
    if o.status == CANCELLED:
        return _CANCELLED
    fast = _measure_fast(o, clock, at)
    return fast if fast is not None else _measure_exact(o, clock, at)


def _measure_fast(o: OrderFact, clock: SlaClock, at: float) -> _Measured | None:
    """Each of the order's times placed on the SLA clock once; None when one falls outside
    the clock's index (then :func:`_measure_exact` asks the calendar). Runs for every order
    of a month: the limits are read as seconds from the clock, ties are left to :func:`_by`."""
    urgent, status, pos = o.urgent, o.status, clock.position
    created = pos(o.created_at.timestamp(), urgent)
    accepted_at, resolved_at = o.accepted_at, o.resolved_at
    given = o.assigned_at or (o.created_at if accepted_at is not None else None)
    start = pos(given.timestamp(), urgent) if given is not None else 0.0
    took = pos(accepted_at.timestamp(), urgent) if accepted_at is not None else 0.0
    done = status in DONE and resolved_at is not None
    solved = pos(resolved_at.timestamp(), urgent) if resolved_at is not None and done else 0.0
    if created is None or start is None or took is None or solved is None:
        return None
    window = clock.resolve_urgent_s if urgent else clock.resolve_default_s
    response = -1
    if given is not None:
        if accepted_at is not None and accepted_at >= given:
            response = _by(took, start, clock.accept_s, clock, given, accepted_at, urgent)
        else:
            deadline = clock.instant(start + clock.accept_s, urgent)
            response = 0 if deadline is not None and deadline <= at else -1
    overdue = o.overdue
    if not overdue and status not in FINISHED:
        deadline = clock.instant(created + window, urgent)
        overdue = deadline is not None and deadline <= at
    on_time = done and _by(solved, created, window, clock, o.created_at, resolved_at, urgent) == 1
    return (
        False, response, status in DONE, resolved_at is not None, o.rating,
        None if accepted_at is None else (took - created if took > created else 0.0),
        (solved - created if solved > created else 0.0) if done else None,
        on_time, overdue, o.reopened and resolved_at is not None,
        o.escalation_level > 0, o.whistled,
    )  # fmt: skip


def _by(
    end: float,
    start: float,
    limit: float,
    clock: SlaClock,
    begin: datetime,
    finish: datetime | None,
    urgent: bool,
) -> int:
    """1 when the position ``end`` came within ``limit`` seconds of ``start``, else 0. Only a
    tie at the deadline's position asks the clock (a finish in the closed hours after it is
    late)."""
    target = start + limit
    if end < target - EPSILON:
        return 1
    if end > target + EPSILON or finish is None:
        return 0
    return int(clock.in_time(begin, finish, timedelta(seconds=limit), urgent))


def _measure_exact(o: OrderFact, clock: SlaClock, at: float) -> _Measured:
    sla = clock.sla
    window = sla.resolve_urgent if o.urgent else sla.resolve_default
    done = o.status in DONE
    resolved = o.resolved_at
    finished = done and resolved is not None
    open_ = o.status not in FINISHED
    return (
        False,
        _response(o, clock, at),
        done,
        resolved is not None,
        o.rating,
        None if o.accepted_at is None else clock.elapsed(o.created_at, o.accepted_at, o.urgent),
        clock.elapsed(o.created_at, resolved, o.urgent) if finished else None,  # type: ignore[arg-type]
        finished and clock.in_time(o.created_at, resolved, window, o.urgent),  # type: ignore[arg-type]
        o.overdue or (open_ and clock.deadline(o.created_at, window, o.urgent) <= at),
        o.reopened and resolved is not None,
        o.escalation_level > 0,
        o.whistled,
    )


def _durations(values: list[float]) -> tuple[timedelta | None, timedelta | None]:
    """(median, p90) of seconds, as times rounded to the millisecond."""
    if not values:
        return None, None
    values.sort()
    mid = len(values) // 2
    middle = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    top = values[math.ceil(0.9 * len(values)) - 1]
    return timedelta(seconds=round(middle, 3)), timedelta(seconds=round(top, 3))


def _aggregate(ms: Sequence[_Measured]) -> Figures:
    live = [m for m in ms if not m[CANC]]
    responses = [m[RESP] for m in live if m[RESP] >= 0]
    done = sum(1 for m in live if m[DONE_NOW])
    followed = sum(1 for m in live if m[FOLLOWED])
    ratings = [r for r in (m[RATING] for m in live) if r is not None]
    satisfied = sum(1 for r in ratings if r >= SATISFIED_FROM)
    accepts = [a for a in (m[ACCEPT_S] for m in live) if a is not None]
    resolves = [r for r in (m[RESOLVE_S] for m in live) if r is not None]
    on_time = sum(1 for m in live if m[ON_TIME])
    reopened = sum(1 for m in live if m[REOPENED])
    accept_median, accept_p90 = _durations(accepts)
    resolve_median, resolve_p90 = _durations(resolves)
    return Figures(
        received=len(ms),
        cancelled=len(ms) - len(live),
        assigned=len(responses),
        accepted_on_time=sum(responses),
        response_rate=ratio(sum(responses), len(responses)),
        resolved=done,
        resolution_rate=ratio(done, len(live)),
        resolved_on_time=on_time,
        on_time_rate=ratio(on_time, len(resolves)),
        rated=len(ratings),
        satisfied=satisfied,
        satisfaction_rate=ratio(satisfied, len(ratings)),
        rated_share=ratio(len(ratings), followed),
        accept_median=accept_median,
        accept_p90=accept_p90,
        resolve_median=resolve_median,
        resolve_p90=resolve_p90,
        reopened=reopened,
        reopen_rate=ratio(reopened, followed),
        escalated=sum(1 for m in live if m[ESCALATED]),
        whistled=sum(1 for m in live if m[WHISTLED]),
        overdue=sum(1 for m in live if m[OVERDUE]),
    )


def _clock(sla: Sla, period: Period, at: datetime) -> SlaClock:
    last = max(period.last, at.astimezone(period.tz).date())
    return SlaClock(sla, period.first - timedelta(days=2), last + timedelta(days=400))


def _measured(
    facts: Iterable[OrderFact], sla: Sla, period: Period, as_of: datetime | None
) -> list[tuple[OrderFact, _Measured]]:
    start, end = period.start_utc, period.end_utc
    at = as_of or end
    clock, stamp = _clock(sla, period, at), at.timestamp()
    return [(o, _measure(o, clock, stamp)) for o in facts if start <= o.created_at < end]


def compute(
    facts: Iterable[OrderFact], sla: Sla, period: Period, *, as_of: datetime | None = None
) -> Figures:
    """The figures over the orders written in ``period`` (by ``created_at``, local days).

    ``as_of``: the moment the figures describe (default: the end of the period); orders still
    within their time to be accepted then are not yet counted against the response rate, and
    open orders past their resolution deadline then count as overdue.
    """
    return _aggregate([m for _, m in _measured(facts, sla, period, as_of)])


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
    return summarize(list(facts), sla, period, (by,), as_of=as_of).cuts[by]


@dataclass(frozen=True, slots=True)
class Summary:
    """A period's figures, the previous period's, and cuts: what a figures page shows."""

    figures: Figures
    previous: Figures
    cuts: dict[str, dict[str | None, Figures]]


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
        groups: dict[str | None, list[_Measured]] = {}
        for o, m in mine:
            groups.setdefault(key(o), []).append(m)
        figures = {k: _aggregate(v) for k, v in groups.items()}
        out[by] = dict(sorted(figures.items(), key=lambda kv: (-kv[1].received, str(kv[0]))))
    return Summary(_aggregate([m for _, m in mine]), _aggregate(previous), out)


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
