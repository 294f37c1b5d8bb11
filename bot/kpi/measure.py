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
    # an acceptance older than the latest assignment was handed back (退单): not an answer
    if o.accepted_at is not None and o.accepted_at >= start:
        return 1 if clock.in_time(start, o.accepted_at, clock.sla.accept_within, o.urgent) else 0
    deadline = clock.deadline(start, clock.sla.accept_within, o.urgent)
    return 0 if deadline <= at else -1  # still inside its time to answer


def measure(o: OrderFact, clock: SlaClock, at: float) -> Measured:
    if o.status == CANCELLED:
        return CANCELLED_ORDER
    fast = measure_fast(o, clock, at)
    return fast if fast is not None else measure_exact(o, clock, at)


def measure_fast(o: OrderFact, clock: SlaClock, at: float) -> Measured | None:
    """Each of the order's times placed on the SLA clock once; None when one falls outside
    the clock's index (then :func:`measure_exact` asks the calendar). Runs for every order
    of a month: the limits are read as seconds from the clock, ties are left to :func:`by`."""
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
            response = by(took, start, clock.accept_s, clock, given, accepted_at, urgent)
        else:
            deadline = clock.instant(start + clock.accept_s, urgent)
            response = 0 if deadline is not None and deadline <= at else -1
    overdue = o.overdue
    if not overdue and status not in FINISHED:
        deadline = clock.instant(created + window, urgent)
        overdue = deadline is not None and deadline <= at
    on_time = done and by(solved, created, window, clock, o.created_at, resolved_at, urgent) == 1
    return (
        False, response, status in DONE, resolved_at is not None, o.rating,
        None if accepted_at is None else (took - created if took > created else 0.0),
        (solved - created if solved > created else 0.0) if done else None,
        on_time, overdue, o.reopened and resolved_at is not None,
        o.escalation_level > 0, o.whistled,
    )  # fmt: skip


def by(
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
        o.overdue or (open_ and clock.deadline(o.created_at, window, o.urgent) <= at),
        o.reopened and resolved is not None,
        o.escalation_level > 0,
        o.whistled,
    )


def clock_for(sla: Sla, period: Period, at: datetime) -> SlaClock:
    last = max(period.last, at.astimezone(period.tz).date())
    return SlaClock(sla, period.first - timedelta(days=2), last + timedelta(days=400))
