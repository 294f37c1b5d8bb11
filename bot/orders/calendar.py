"""Working time for non-urgent orders: office hours, workdays, holidays and make-up workdays.

Mainland China moves working days around public holidays every year (调休), so the calendar
is data from the configuration — the dates of the State Council's yearly notice — rather than
a rule. Urgent orders never use it: their clock is the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MAX_DAYS = 3 * 366  # a deadline further than this in working time is a configuration error


@dataclass(frozen=True)
class WorkCalendar:
    tz: ZoneInfo
    opens: time
    closes: time
    workdays: frozenset[int] = frozenset(range(5))  # Monday = 0
    holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)

    def is_workday(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        return day.weekday() in self.workdays and day not in self.holidays

    def _window(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.opens, self.tz),
            datetime.combine(day, self.closes, self.tz),
        )

    def add(self, start: datetime, delta: timedelta) -> datetime:
        """The moment ``delta`` of working time after ``start`` (aware in, aware UTC-comparable out)."""
        if delta <= timedelta(0):
            return start
        local = start.astimezone(self.tz)
        remaining = delta
        day = local.date()
        for _ in range(_MAX_DAYS):
            if self.is_workday(day):
                opens, closes = self._window(day)
                begin = max(local, opens)
                if begin < closes:
                    available = closes - begin
                    if remaining <= available:
                        return (begin + remaining).astimezone(start.tzinfo)
                    remaining -= available
            day += timedelta(days=1)
            local = datetime.combine(day, time(0), self.tz)
        raise ValueError("working-time deadline beyond three years: check sla.working_hours")


@dataclass(frozen=True)
class QuietHours:
    """The night (``sla.quiet_hours``, e.g. 22:00-07:00 local): a non-urgent order's timers do
    not ping anyone then. Its accept and escalation windows do not run at night, and any other
    push that falls due in it (a deadline reminder, overdue, the survey) waits for the morning.
    Nights are worked out in UTC once per day asked about (the timer tick plans every due order
    twice, each plan asking several times), so a clock change costs nobody an hour."""

    tz: ZoneInfo
    begins: time  # the night starts (local)
    ends: time  # the morning (local); before ``begins`` when the night spans midnight
    days: dict[int, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def _nights(self, when: datetime) -> tuple[tuple[datetime, datetime], ...]:
        """(start, end) in UTC of the nights around the UTC day of ``when`` (aware): the one it
        may be in and the next one after it, whatever the zone's offset."""
        day = (when if when.tzinfo is UTC else when.astimezone(UTC)).toordinal()
        found = self.days.get(day)
        if found is None:
            if len(self.days) > 4096:  # a long-running service: keep it small
                self.days.clear()
            midnight = datetime.combine(date.fromordinal(day), time(0), UTC)
            local = midnight.astimezone(self.tz).date()
            spans = timedelta(days=1 if self.begins > self.ends else 0)
            found = self.days[day] = tuple(
                (
                    datetime.combine(d, self.begins, self.tz).astimezone(UTC),
                    datetime.combine(d + spans, self.ends, self.tz).astimezone(UTC),
                )
                for d in (local + timedelta(days=i) for i in range(-1, 3))
            )
        return found

    def wake(self, when: datetime) -> datetime:
        """``when``, or the end of the night it falls in."""
        for begins, ends in self._nights(when):
            if begins <= when < ends:
                return ends if when.tzinfo is UTC else ends.astimezone(when.tzinfo)
        return when

    def add(self, start: datetime, delta: timedelta) -> datetime:
        """The moment ``delta`` of day time (nights left out) after ``start``."""
        if delta <= timedelta(0):
            return start
        at = start if start.tzinfo is UTC else start.astimezone(UTC)
        remaining = delta
        for _ in range(_MAX_DAYS):
            for begins, ends in self._nights(at):
                if ends <= at:  # behind us
                    continue
                if begins < at + remaining:  # a night comes first: the day up to it counts
                    remaining -= max(begins - at, timedelta(0))
                    at = ends
                    continue
                done = at + remaining
                return done if start.tzinfo is UTC else done.astimezone(start.tzinfo)
        raise ValueError("a deadline beyond three years of day time: check sla.quiet_hours")


def parse_quiet(text: str) -> tuple[time, time]:
    """``"22:00-07:00"`` → (22:00, 07:00): the night may span midnight, not the whole day;
    whole minutes."""
    try:
        a, b = (part.strip() for part in str(text).split("-"))
        begins, ends = time.fromisoformat(a), time.fromisoformat(b)
    except ValueError:
        raise ValueError(f"expected HH:MM-HH:MM, got {text!r}") from None
    if begins.second or begins.microsecond or ends.second or ends.microsecond:
        raise ValueError(f"expected HH:MM-HH:MM (whole minutes), got {text!r}")
    if begins == ends:
        raise ValueError(f"the night must end at another time than it starts, got {text!r}")
    return begins, ends


def parse_hours(text: str) -> tuple[time, time]:
    """``"08:30-17:30"`` → (08:30, 17:30)."""
    try:
        a, b = (part.strip() for part in str(text).split("-"))
        opens, closes = time.fromisoformat(a), time.fromisoformat(b)
    except ValueError:
        raise ValueError(f"expected HH:MM-HH:MM, got {text!r}") from None
    if opens >= closes:
        raise ValueError(f"the day must open before it closes, got {text!r}")
    return opens, closes


def parse_dates(items: object) -> frozenset[date]:
    """Dates and inclusive ranges: ``2026-10-01`` or ``2026-10-01..2026-10-07``."""
    if items is None:
        return frozenset()
    if not isinstance(items, list):
        raise ValueError("expected a list of dates like 2026-10-01 or 2026-10-01..2026-10-07")
    out: set[date] = set()
    for item in items:
        text = item.isoformat() if isinstance(item, date) else str(item)
        try:
            if ".." in text:
                first, last = (date.fromisoformat(p.strip()) for p in text.split(".."))
                if last < first or (last - first).days > 60:
                    raise ValueError
                out.update(first + timedelta(days=i) for i in range((last - first).days + 1))
            else:
                out.add(date.fromisoformat(text.strip()))
        except ValueError:
            raise ValueError(f"not a date or a range of at most 60 days: {text!r}") from None
    return frozenset(out)
