"""Durations counted the way the SLA timers count them.

The timers (:class:`bot.orders.timers.Sla`) measure a non-urgent order's deadlines in working
time when ``sla.working_hours`` is set, and urgent orders on the wall clock. The figures measure
how long things took with the same clock, so "accepted within 30 minutes" means the same thing
to the timer that reminded and to the figure that reports.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.orders.calendar import WorkCalendar
from bot.orders.timers import Sla

_ZERO = timedelta(0)


def working_between(calendar: WorkCalendar, start: datetime, end: datetime) -> timedelta:
    """Working time from ``start`` to ``end`` (zero when ``end`` is not after ``start``)."""
    if end <= start:
        return _ZERO
    tz = calendar.tz
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day: date = local_start.date()
    last = local_end.date()
    total = _ZERO
    while day <= last:
        if calendar.is_workday(day):
            opens = datetime.combine(day, calendar.opens, tz)
            closes = datetime.combine(day, calendar.closes, tz)
            begin, finish = max(opens, local_start), min(closes, local_end)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total


def elapsed(sla: Sla, start: datetime, end: datetime, urgent: bool) -> timedelta:
    """How long from ``start`` to ``end`` on the order's SLA clock."""
    if sla.calendar is None or urgent:
        return max(end - start, _ZERO)
    return working_between(sla.calendar, start, end)


def within(sla: Sla, start: datetime, end: datetime, limit: timedelta, urgent: bool) -> bool:
    """Did ``end`` come no later than ``limit`` after ``start``, as the timers count it?"""
    return end <= sla.after(start, limit, urgent)
