"""Each order's part in the figures, worked out once: its times placed on the SLA clock, its
response, resolution, deadline and flags. No I/O; :mod:`bot.kpi.figures` adds them up."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.kpi.facts import CANCELLED, DONE, FINISHED, OrderFact
from bot.kpi.period import Period
from bot.kpi.worktime import EPSILON, SlaClock
from bot.orders.timers import Sla

# One order's part in the figures, worked out once, as a plain tuple (100,000 of them are made
# for a month; a tuple is the cheapest record): see the indices below. Times are seconds on the
# SLA clock.
Measured = tuple[Any, ...]
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
CANCELLED_ORDER: Measured = (
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


def response(o: OrderFact, clock: SlaClock, at: float) -> int:
    if o.assigned_at is None and o.accepted_at is None:
        return -1  # never given to anyone
    start = o.assigned_at or o.created_at
    sla, window = clock.sla, clock.sla.accept_window(o.urgent)
    # an acceptance older than the latest assignment was handed back (退单): not an answer
    if o.accepted_at is not None and o.accepted_at >= start:
        if clock.nights and not o.urgent:  # the night does not count (Sla.wait)
            return 1 if o.accepted_at <= sla.wait(start, window, o.urgent) else 0
        return 1 if clock.in_time(start, o.accepted_at, window, o.urgent) else 0
    if clock.nights and not o.urgent:
        deadline = sla.wait(start, window, o.urgent).timestamp()
    else:
        deadline = clock.deadline(start, window, o.urgent)
    return 0 if deadline <= at else -1  # still inside its time to answer


def measure(o: OrderFact, clock: SlaClock, at: float) -> Measured:
    if o.status == CANCELLED:
        return CANCELLED_ORDER
    fast = measure_stamps(
        o.created_at.timestamp(),
        o.status,
        o.urgent,
        None if o.assigned_at is None else o.assigned_at.timestamp(),
        None if o.accepted_at is None else o.accepted_at.timestamp(),
        None if o.resolved_at is None else o.resolved_at.timestamp(),
        o.rating,
        o.reopened,
        o.escalation_level,
        o.whistled,
        o.overdue,
        clock,
        at,
    )
    return fast if fast is not None else measure_exact(o, clock, at)


def measure_stamps(
    created: float,
    status: str,
    urgent: bool,
    assigned: float | None,
    accepted: float | None,
    resolved: float | None,
    rating: int | None,
    reopened: bool,
    level: int,
    whistled: bool,
    overdue: bool,
    clock: SlaClock,
    at: float,
) -> Measured | None:
    """One order's part from its times as POSIX seconds (what ``datetime.timestamp()`` gives),
    each placed on the SLA clock once; None when one falls outside the clock's index or lands
    within :data:`EPSILON` of a deadline — then :func:`measure_exact` asks the calendar with
    the order's datetimes. Runs for every order of a month: the limits are read as seconds."""
    if status == CANCELLED:
        return CANCELLED_ORDER
    pos = clock.position
    start_at = created if assigned is None and accepted is not None else assigned
    done = status in DONE and resolved is not None
    begin = pos(created, urgent)
    start = begin if start_at == created else 0.0 if start_at is None else pos(start_at, urgent)
    took = 0.0 if accepted is None else pos(accepted, urgent)
    solved = pos(resolved, urgent) if done else 0.0  # type: ignore[arg-type]
    if begin is None or start is None or took is None or solved is None:
        return None
    window = clock.resolve_urgent_s if urgent else clock.resolve_default_s
    answer = -1
    if start_at is not None:
        given = clock.answer_position(start_at, urgent)
        limit = clock.answer_limit(urgent)
        if given is None:
            return None
        if accepted is not None and accepted >= start_at:
            answered = clock.answer_position(accepted, urgent)
            if answered is None:
                return None
            answer = by(answered, given, limit)
        else:
            deadline = clock.answer_instant(given + limit, urgent)
            answer = 0 if deadline is not None and deadline <= at else -1
    late = overdue
    if not late and status not in FINISHED:
        deadline = clock.instant(begin + window, urgent)
        late = deadline is not None and deadline <= at
    on_time = by(solved, begin, window) if done else 0
    if answer == TIE or on_time == TIE:
        return None
    return (
        False, answer, status in DONE, resolved is not None, rating,
        None if accepted is None else (took - begin if took > begin else 0.0),
        (solved - begin if solved > begin else 0.0) if done else None,
        on_time == 1, bool(late), bool(reopened) and resolved is not None,
        level > 0, bool(whistled),
    )  # fmt: skip


TIE = 2  # :func:`by`: at the deadline's position, within EPSILON: the calendar decides


def by(end: float, start: float, limit: float) -> int:
    """1 when the position ``end`` came within ``limit`` seconds of ``start``, 0 when after,
    :data:`TIE` when it lands on the deadline's position (a finish in the closed hours after
    it is late, which only the calendar can tell)."""
    target = start + limit
    if end < target - EPSILON:
        return 1
    if end > target + EPSILON:
        return 0
    return TIE


def measure_exact(o: OrderFact, clock: SlaClock, at: float) -> Measured:
    sla = clock.sla
    window = sla.resolve_urgent if o.urgent else sla.resolve_default
    done = o.status in DONE
    resolved = o.resolved_at
    finished = done and resolved is not None
    open_ = o.status not in FINISHED
    return (
        False,
        response(o, clock, at),
        done,
        resolved is not None,
        o.rating,
        None if o.accepted_at is None else clock.elapsed(o.created_at, o.accepted_at, o.urgent),
        clock.elapsed(o.created_at, resolved, o.urgent) if finished else None,  # type: ignore[arg-type]
        finished and clock.in_time(o.created_at, resolved, window, o.urgent),  # type: ignore[arg-type]
        bool(o.overdue) or (open_ and clock.deadline(o.created_at, window, o.urgent) <= at),
        bool(o.reopened) and resolved is not None,
        o.escalation_level > 0,
        bool(o.whistled),
    )


def clock_for(sla: Sla, period: Period, at: datetime) -> SlaClock:
    last = max(period.last, at.astimezone(period.tz).date())
    return SlaClock(sla, period.first - timedelta(days=2), last + timedelta(days=400))
