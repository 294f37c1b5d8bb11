"""Working time for non-urgent orders: office hours, workdays, holidays and make-up workdays.

Mainland China moves working days around public holidays every year (调休), so the calendar
is data from the configuration — the dates of the State Council's yearly notice — rather than
a rule. Urgent orders never use it: their clock is the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
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
