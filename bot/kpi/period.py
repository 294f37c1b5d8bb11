"""Reporting periods: a week, a month or a custom range of local days (Asia/Shanghai by default).

Stored times are UTC; a period is a half-open range of local days, so an order written at
01:00 on 1 December in Shanghai (17:00 UTC on 30 November) belongs to December.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class Period:
    """Local days ``first`` .. ``end`` (exclusive) in ``tz``; ``kind`` is month, week or custom."""

    first: date
    end: date
    tz: ZoneInfo = SHANGHAI
    kind: str = "custom"

    @classmethod
    def month(cls, year: int, month: int, tz: ZoneInfo = SHANGHAI) -> Period:
        first = date(year, month, 1)
        end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return cls(first, end, tz, "month")

    @classmethod
    def parse_month(cls, text: str, tz: ZoneInfo = SHANGHAI) -> Period:
        """``"2026-11"`` → November 2026; ValueError for anything else."""
        m = _MONTH.match(text.strip())
        if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2200:
            raise ValueError(f"expected a month like 2026-11, got {text!r}")
        return cls.month(int(m.group(1)), int(m.group(2)), tz)

    @classmethod
    def week(cls, day: date, tz: ZoneInfo = SHANGHAI) -> Period:
        """The Monday-to-Sunday week holding ``day``."""
        monday = day - timedelta(days=day.weekday())
        return cls(monday, monday + timedelta(days=7), tz, "week")

    @classmethod
    def custom(cls, first: date, last: date, tz: ZoneInfo = SHANGHAI) -> Period:
        """``first`` to ``last``, both days included."""
        if last < first:
            raise ValueError("the range must end on or after its first day")
        return cls(first, last + timedelta(days=1), tz, "custom")

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def start_utc(self) -> datetime:
        return datetime.combine(self.first, time(0), self.tz).astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        return datetime.combine(self.end, time(0), self.tz).astimezone(UTC)

    def contains(self, when: datetime) -> bool:
        return self.start_utc <= when < self.end_utc

    def local_day(self, when: datetime) -> date:
        return when.astimezone(self.tz).date()

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.end - self.first).days)]

    def previous(self) -> Period:
        """The period before: the previous month, week, or a range of the same length."""
        if self.kind == "month":
            before = self.first - timedelta(days=1)
            return Period.month(before.year, before.month, self.tz)
        length = self.end - self.first
        return Period(self.first - length, self.first, self.tz, self.kind)

    def months_back(self, count: int) -> list[Period]:
        """``count`` months ending with this one's month, oldest first (a 12-month trend)."""
        out = [Period.month(self.first.year, self.first.month, self.tz)]
        while len(out) < count:
            out.insert(0, out[0].previous())
        return out

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.first.year}年{self.first.month}月"
        return f"{self.first.isoformat()} 至 {self.last.isoformat()}"
