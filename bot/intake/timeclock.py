"""Parts of the day and clock times: their grammar, and the interval they name on a day.

``timeparse`` finds a time phrase; this module turns its part of day (上午, 晚上) and clock
time or range (三点半, 两三点, 9:00-11:00, 十点以前) into minutes from midnight, and places
them on the day the phrase names (or the next such time after ``now``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from .numerals import cn_value, to_int
from .timeday import DayInfo

TZ = ZoneInfo("Asia/Shanghai")

PARTS: dict[str, tuple[int, int]] = {
    "早上": (6, 9),
    "早晨": (6, 9),
    "一早": (6, 9),
    "一大早": (6, 9),
    "清早": (6, 9),
    "大清早": (6, 9),
    "上午": (8, 12),
    "中午": (11, 13),
    "下午": (12, 18),
    "午后": (12, 18),
    "傍晚": (17, 19),
    "晚上": (18, 22),
    "晚间": (18, 22),
    "夜晚": (18, 22),  # 聽日夜晚八點: Cantonese (and some Mandarin) for the evening
    "白天": (8, 18),  # 明天白天来修: the working day, not the whole day (outside pass 9)
}
# night-time is when problems happen (吵到半夜), never when residents ask for a visit
NIGHT = frozenset({"半夜", "深夜", "凌晨", "夜里", "夜间", "后半夜"})
_PM_PARTS = frozenset({"下午", "午后", "傍晚", "晚上", "晚间", "夜晚"})

_CNH = "一二两三四五六七八九十零"
HOUR_RE = rf"(?:\d{{1,2}}|[{_CNH}]{{1,3}})"
_MIN = r"(?:半|一刻|三刻|整|\d{1,2}\s?分?|[零〇一二三四五]?十?[一二三四五六七八九]?分)"
SEP_RE = r"\s?(?:到|至|-|~|～|—)\s?"
PART_RE = "|".join(sorted([*PARTS, *NIGHT], key=len, reverse=True))

# two neighbouring numerals read as a range of hours: 两三点, 三四点, 七八点, 十一二点
_PAIR_RE = re.compile(r"(十?[一两二三四五六七八九])([二三四五六七八九十])")


def clock_re(prefix: str) -> str:
    """A clock time (三点半, 10点, 9:30) with groups named ``<prefix>h``/``m``/``hh``/``mm``."""
    p = prefix
    return rf"(?:(?P<{p}h>{HOUR_RE})\s?(?:点钟?|时)\s?(?P<{p}m>{_MIN})?|(?P<{p}hh>\d{{1,2}}):(?P<{p}mm>\d{{2}}))"


def _hour(span: str | None) -> int | None:
    if span is None:
        return None
    value = to_int(span)
    if value is None or not 0 <= value <= 24:
        return None
    return value


def _minute(span: str | None) -> int:
    if not span:
        return 0
    span = span.strip().rstrip("分").strip()
    if span == "半":
        return 30
    if span == "一刻":
        return 15
    if span == "三刻":
        return 45
    if span in ("整", ""):
        return 0
    if span.isdigit():
        value = int(span)
    else:
        parsed = cn_value(span.lstrip("零〇"))
        value = 0 if parsed is None else parsed
    return value if 0 <= value < 60 else 0


def _to_24(hour: int, part: str | None) -> int:
    if part is None:
        # residents ask for visits in the daytime: a bare 1–6 o'clock is the afternoon
        return hour + 12 if 1 <= hour <= 6 else hour
    if part in _PM_PARTS:
        if hour == 12 and part in ("晚上", "晚间"):
            return 24
        return hour + 12 if hour < 12 else hour
    if part == "中午":
        return hour + 12 if hour < 11 else hour
    return hour


def _at(day: date, hour: int, minute: int, tz: tzinfo | None) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz) + timedelta(hours=hour, minutes=minute)


@dataclass(frozen=True)
class _Hours:
    """The clock numbers of a phrase as written (12-hour, before the part of day)."""

    hour_a: int | None
    minute_a: int
    hour_b: int | None
    minute_b: int


def _hours(m: re.Match[str], day_only: bool) -> _Hours:
    hour_a = None if day_only else _hour(m.group("ah") or m.group("ahh") or m.group("bare"))
    minute_a = int(m.group("amm")) if m.group("amm") else _minute(m.group("am"))
    hour_b = _hour(m.group("bh") or m.group("bhh"))
    minute_b = int(m.group("bmm")) if m.group("bmm") else _minute(m.group("bm"))
    pair = _PAIR_RE.fullmatch(m.group("ah") or "")
    if pair is not None and pair.group(0) != "二十" and hour_b is None and not m.group("am"):
        # 两三点 = from two to three o'clock, not 23:00
        hour_a, hour_b, minute_b = to_int(pair.group(1)), to_int(pair.group(2)), 0
    return _Hours(hour_a, minute_a, hour_b, minute_b)


def _clock_span(
    hours: _Hours, hour_a: int, part: str | None, part2: str | None, suffix: str
) -> tuple[int, int] | None:
    """(start, end) in minutes from midnight; ``None`` when a range runs backwards."""
    start_min = _to_24(hour_a, part) * 60 + hours.minute_a
    if hours.hour_b is not None:
        end_h = _to_24(hours.hour_b, part2 or part)
        end_min = end_h * 60 + hours.minute_b
        if end_min <= start_min and end_h < 12:
            end_min += 12 * 60
        if end_min <= start_min:
            return None
        return start_min, end_min
    end_min = start_min + 60
    if suffix in ("以前", "之前", "前"):
        # 十点以前: from the start of the part of day (or an hour before) until ten
        lo = PARTS[part][0] * 60 if part in PARTS else 0
        start_min, end_min = min(lo, start_min - 60), start_min
    elif suffix in ("以后", "之后", "后"):
        hi = PARTS[part][1] * 60 if part in PARTS else 24 * 60
        end_min = max(hi, start_min + 60)
    return start_min, end_min


def _on_day(
    day: date, clock: tuple[int, int] | None, part: str | None, tz: tzinfo | None
) -> tuple[datetime, datetime]:
    if clock is not None:
        return _at(day, 0, clock[0], tz), _at(day, 0, clock[1], tz)
    if part in PARTS:
        lo, hi = PARTS[part]
        return _at(day, lo, 0, tz), _at(day, hi, 0, tz)
    return _at(day, 0, 0, tz), _at(day, 24, 0, tz)


def _place(
    clock: tuple[int, int] | None, part: str | None, day_info: DayInfo, now: datetime
) -> tuple[datetime, datetime] | None:
    """Put the clock span or part of day on the named day, else on the next one ahead."""
    tz = now.tzinfo  # the service's own zone: "明天上午" is the morning where the estate is
    if day_info.day is not None:
        day = day_info.day
        if day_info.weekend and clock is None and part is None:
            return _at(day, 0, 0, tz), _at(day, 48, 0, tz)
        if day_info.week and clock is None and part is None:
            return _at(day, 0, 0, tz), _at(day, 24 * 7, 0, tz)
        start, end = _on_day(day, clock, part, tz)
        if day_info.weekday_today:
            ahead = start > now if clock is not None else end > now
            if not ahead:
                start, end = _on_day(day + timedelta(days=7), clock, part, tz)
        return start, end
    if clock is None and part is None:
        return None
    start, end = _on_day(now.date(), clock, part, tz)
    ahead = start > now if clock is not None else end > now
    if not ahead:
        start, end = _on_day(now.date() + timedelta(days=1), clock, part, tz)
    return start, end


def interval(
    m: re.Match[str], day_info: DayInfo, now: datetime, day_only: bool = False
) -> tuple[datetime, datetime] | None:
    """The interval a time phrase names, or ``None`` (night-time, impossible range)."""
    part = None if day_only else (m.group("part") or day_info.implied_part)
    if part in NIGHT or m.group("part2") in NIGHT:
        return None
    hours = _hours(m, day_only)
    clock: tuple[int, int] | None = None
    if hours.hour_a is not None:
        clock = _clock_span(hours, hours.hour_a, part, m.group("part2"), m.group("suffix") or "")
        if clock is None:
            return None
    return _place(clock, part, day_info, now)
