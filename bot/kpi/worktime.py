"""Durations counted the way the SLA timers count them.

The timers (:class:`bot.orders.timers.Sla`) measure a non-urgent order's deadlines in working
time when ``sla.working_hours`` is set, and urgent orders on the wall clock. The figures measure
how long things took with the same clock, so "accepted within 30 minutes" means the same thing
to the timer that reminded and to the figure that reports.

:class:`SlaClock` answers the same questions as ``Sla.after`` and :func:`working_between` over
POSIX seconds with a per-day index (one bisection per question instead of walking the
calendar day by day), for figures over a hundred thousand orders; instants outside the indexed
days fall back to the calendar itself.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, timedelta

from bot.orders.calendar import WorkCalendar
from bot.orders.timers import Sla

_ZERO = timedelta(0)
EPSILON = 1e-3  # seconds: float rounding of POSIX times never decides a deadline


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


class SlaClock:
    """The SLA's clock over POSIX seconds, indexed for the days ``first`` .. ``last``."""

    def __init__(self, sla: Sla, first: date, last: date) -> None:
        self.sla = sla
        self.calendar = cal = sla.calendar
        # the limits in seconds, read for every order
        self.accept_s = sla.accept_within.total_seconds()
        self.accept_urgent_s = sla.accept_window(True).total_seconds()
        self.resolve_urgent_s = sla.resolve_urgent.total_seconds()
        self.resolve_default_s = sla.resolve_default.total_seconds()
        self.starts: list[float] = []  # local midnight of each day
        self.opens: list[float] = []
        self.lengths: list[float] = []  # working seconds of the day (0 on a day off)
        self.before: list[float] = []  # working seconds of the indexed days before this one
        self.through: list[float] = []  # ... up to the end of this one
        # the nights (sla.quiet_hours) a non-urgent order's time to be accepted skips when no
        # working hours are set, as the timers count it (Sla.wait): (begins, ends, night
        # seconds before this one), POSIX
        self.nights: list[tuple[float, float, float]] = []
        if cal is None:
            self._index_nights(first, last)
            return
        total, day = 0.0, first
        while day <= last + timedelta(days=1):
            self.starts.append(datetime.combine(day, datetime.min.time(), cal.tz).timestamp())
            opens = datetime.combine(day, cal.opens, cal.tz).timestamp()
            length = (
                datetime.combine(day, cal.closes, cal.tz).timestamp() - opens
                if cal.is_workday(day)
                else 0.0
            )
            self.opens.append(opens)
            self.lengths.append(length)
            self.before.append(total)
            total += length
            self.through.append(total)
            day += timedelta(days=1)

    def _index_nights(self, first: date, last: date) -> None:
        quiet = self.sla.quiet
        if quiet is None:
            return
        spans = timedelta(days=1 if quiet.begins > quiet.ends else 0)
        total, day = 0.0, first - timedelta(days=1)
        while day <= last + timedelta(days=1):
            begins = datetime.combine(day, quiet.begins, quiet.tz).timestamp()
            ends = datetime.combine(day + spans, quiet.ends, quiet.tz).timestamp()
            self.nights.append((begins, ends, total))
            total += ends - begins
            day += timedelta(days=1)
        self.night_begins = [n[0] for n in self.nights]
        self.day_positions = [n[0] - n[2] for n in self.nights]

    def answer_position(self, ts: float, urgent: bool) -> float | None:
        """Where ``ts`` falls on the clock that times acceptance: the SLA clock, or day time
        (the nights left out) for a non-urgent order when only quiet hours are set."""
        if urgent or not self.nights:
            return self.position(ts, urgent)
        i = bisect_right(self.night_begins, ts) - 1
        if i < 0 or i >= len(self.nights) - 1:
            return None
        begins, ends, before = self.nights[i]
        return begins - before if ts < ends else ts - before - (ends - begins)

    def answer_instant(self, position: float, urgent: bool) -> float | None:
        """The first POSIX time at ``position`` on the acceptance clock (the inverse of
        :meth:`answer_position`: a deadline on a night's edge lands as it begins)."""
        if urgent or not self.nights:
            return self.instant(position, urgent)
        j = bisect_left(self.day_positions, position) - 1
        if j < 0 or j >= len(self.nights) - 1:
            return None
        begins, ends, before = self.nights[j]
        return position + before + (ends - begins)

    def answer_limit(self, urgent: bool) -> float:
        return self.accept_urgent_s if urgent else self.accept_s

    def position(self, ts: float, urgent: bool) -> float | None:
        """Where POSIX time ``ts`` falls on the SLA clock: working seconds since the first
        indexed day, or ``ts`` itself on the wall clock; None outside the indexed days."""
        if urgent or self.calendar is None:
            return ts
        i = bisect_right(self.starts, ts) - 1
        if i < 0 or i >= len(self.starts) - 1:
            return None
        into = ts - self.opens[i]
        length = self.lengths[i]
        return self.before[i] + (0.0 if into <= 0.0 else length if into >= length else into)

    def instant(self, position: float, urgent: bool) -> float | None:
        """The first POSIX time at ``position`` on the SLA clock (the inverse of
        :meth:`position`, as ``Sla.after`` lands at closing time rather than the next opening)."""
        if urgent or self.calendar is None:
            return position
        j = bisect_left(self.through, position)
        if j >= len(self.through) - 1 or position <= 0.0:
            return None
        return self.opens[j] + (position - self.before[j])

    def elapsed(self, start: datetime, end: datetime, urgent: bool) -> float:
        """Seconds from ``start`` to ``end`` on the SLA clock (never negative)."""
        a, b = self.position(start.timestamp(), urgent), self.position(end.timestamp(), urgent)
        if a is None or b is None:
            return elapsed(self.sla, start, end, urgent).total_seconds()
        return max(b - a, 0.0)

    def in_time(self, start: datetime, end: datetime, limit: timedelta, urgent: bool) -> bool:
        """``end <= sla.after(start, limit, urgent)``, answered from the index."""
        a, b = self.position(start.timestamp(), urgent), self.position(end.timestamp(), urgent)
        if a is None or b is None or limit <= _ZERO:
            return within(self.sla, start, end, limit, urgent)
        target = a + limit.total_seconds()
        if b < target - EPSILON:
            return True
        if b > target + EPSILON:
            return False
        # at the deadline's position: on time unless already in the gap after it (closed hours)
        deadline = self.instant(target, urgent)
        if deadline is None:
            return within(self.sla, start, end, limit, urgent)
        return end.timestamp() <= deadline + EPSILON

    def deadline(self, start: datetime, delta: timedelta, urgent: bool) -> float:
        """POSIX time of ``Sla.after(start, delta, urgent)``."""
        a = self.position(start.timestamp(), urgent)
        if a is not None and delta > _ZERO:
            at = self.instant(a + delta.total_seconds(), urgent)
            if at is not None:
                return at
        return self.sla.after(start, delta, urgent).astimezone(UTC).timestamp()
