"""Day words (明天, 周三, 下周, 12月5号) and the calendar day they name, seen from today."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .numerals import to_int

# day word -> (days from today, the part of day it implies: 今晚 is this evening)
_DAY_WORDS: dict[str, tuple[int, str | None]] = {
    "今天": (0, None),
    "今日": (0, None),
    "今儿": (0, None),
    "今早": (0, "早上"),
    "今晚": (0, "晚上"),
    "明天": (1, None),
    "明日": (1, None),
    "明儿": (1, None),
    "明早": (1, "早上"),
    "明晚": (1, "晚上"),
    "后天": (2, None),
    "大后天": (3, None),
}
_PAST_WORDS = frozenset({"昨天", "昨日", "昨儿", "昨晚", "前天", "前晚", "刚才", "刚刚"})
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

_WD = r"(?:周|星期|礼拜)"
DAY_RE = (
    r"大后天|后天|明天|明日|明儿|今天|今日|今儿|今早|今晚|明早|明晚|昨天|昨日|昨儿|昨晚|前天|前晚|刚才|刚刚"
    rf"|(?P<wmod>这个?|本|下下个?|下个?|上个?)?{_WD}(?P<wd>[一二三四五六日天1-7]|末)"
    r"|(?P<nw>下个?周|下个?星期|下个?礼拜)"
    r"|(?:(?P<nextmon>下个?月)|(?P<mon>\d{1,2}|十[一二]?|[一二三四五六七八九])月)?"
    r"(?P<dom>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])(?:号|日)"
    r"(?![楼栋院线床门口柜窗房室机车位])"
)


@dataclass
class DayInfo:
    day: date | None = None  # a single day
    weekend: bool = False
    week: bool = False
    past: bool = False
    weekday_today: bool = False  # a weekday name that falls on today (may roll a week)
    implied_part: str | None = None
    explicit: bool = False


def _weekday(m: re.Match[str], wd: str, today: date) -> DayInfo:
    monday = today - timedelta(days=today.weekday())
    mod = (m.group("wmod") or "").rstrip("个")
    if mod == "上":
        return DayInfo(past=True, explicit=True)
    weeks = {"下": 1, "下下": 2}.get(mod, 0)
    if wd == "末":
        saturday = monday + timedelta(days=5 + 7 * weeks)
        return DayInfo(saturday, weekend=True, explicit=True)
    target = _WEEKDAYS.get(wd, int(wd) - 1 if wd.isdigit() else 0)
    if mod in ("这", "本") or weeks:
        return DayInfo(monday + timedelta(days=target + 7 * weeks), explicit=True)
    delta = (target - today.weekday()) % 7
    return DayInfo(today + timedelta(days=delta), weekday_today=delta == 0, explicit=True)


_RECENT_PAST_DAYS = 62  # a named date this far back is the past, not next year's


def _next_month(today: date) -> tuple[int, int]:
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def _day_of_month(m: re.Match[str], today: date) -> DayInfo | None:
    dom = to_int(m.group("dom") or "")
    if dom is None or not 1 <= dom <= 31:
        return None
    month_span = m.group("mon")
    try:
        if month_span is not None:
            month = to_int(month_span)
            if month is None or not 1 <= month <= 12:
                return None
            candidate = date(today.year, month, dom)
            if candidate < today:
                if (today - candidate).days <= _RECENT_PAST_DAYS:
                    # a report's 1月26日23:25 tells when something happened, not a visit
                    return DayInfo(past=True, explicit=True)
                candidate = date(today.year + 1, month, dom)
            return DayInfo(candidate, explicit=True)
        if m.group("nextmon"):
            year, month = _next_month(today)
            return DayInfo(date(year, month, dom), explicit=True)
        if dom >= today.day:
            return DayInfo(date(today.year, today.month, dom), explicit=True)
        # a day already gone this month is next month's
        year, month = _next_month(today)
        return DayInfo(date(year, month, dom), explicit=True)
    except ValueError:
        return None


def resolve_day(m: re.Match[str], today: date) -> DayInfo | None:
    """The day a phrase's ``day`` group names; an empty ``DayInfo`` when it names none,
    ``None`` when it names an impossible date."""
    word = m.group("day")
    if word is None:
        return DayInfo()
    if word in _PAST_WORDS:
        return DayInfo(past=True, explicit=True)
    if word in _DAY_WORDS:
        offset, implied = _DAY_WORDS[word]
        return DayInfo(today + timedelta(days=offset), implied_part=implied, explicit=True)
    wd = m.group("wd")
    if wd is not None:
        return _weekday(m, wd, today)
    if m.group("nw") is not None:
        monday = today - timedelta(days=today.weekday())
        return DayInfo(monday + timedelta(days=7), week=True, explicit=True)
    return _day_of_month(m, today)
