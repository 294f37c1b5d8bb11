"""The resident's preferred time, resolved against ``now`` (Asia/Shanghai).

Time phrases (day word, part of day, clock time or range) are found with one grammar,
then resolved to an interval following LABELLING.md.  Phrases that describe the
problem rather than ask for a visit are dropped: past days, night-time, recurring
schedules (每天, 平时), times reached by the problem (吵到晚上十点), starting points
(昨晚开始), attributive times (四点半的课堂), and questions about schedules.

Day words live in ``timeday``, parts of day and clock times in ``timeclock``, and the
words that tell a request from a description in ``timecues``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from .clauses import Clauses
from .timeclock import HOUR_RE, PART_RE, SEP_RE, TZ, clock_re, interval
from .timecues import RECURRING_PRE, PhraseContext, asks_for_visit, describes_problem
from .timeday import DAY_RE, DayInfo, resolve_day

__all__ = ["TZ", "TimeMatch", "find_preferred_time"]

_PHRASE_RE = re.compile(
    r"(?=[今明后大昨前刚这本下上周星礼0-9一二两三四五六七八九十零早中午傍晚半深凌夜清])"
    rf"(?P<day>{DAY_RE})?\s?"
    rf"(?P<part>{PART_RE})?\s?"
    r"(?:"
    rf"(?:(?P<bare>{HOUR_RE})(?={SEP_RE}(?:{PART_RE})?\s?{HOUR_RE}\s?(?:点|时|:))|{clock_re('a')})"
    rf"(?:{SEP_RE}(?P<part2>{PART_RE})?\s?{clock_re('b')})?"
    r"(?P<suffix>左右|前后|以前|之前|以后|之后|前|后)?"
    r")?"
)
_MORE_PARTS = re.compile(rf"\s?(?:或者|或|和|、|,)?\s?(?:{PART_RE})")


@dataclass(frozen=True)
class TimeMatch:
    start: datetime
    end: datetime
    span_start: int
    span_end: int

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def _guard_bare_one(text: str, m: re.Match[str]) -> bool:
    """``一点`` / ``两点`` alone usually means "a little", not one o'clock."""
    hour_span = m.group("ah")
    if hour_span not in ("一", "两") or m.group("day") or m.group("part"):
        return False
    if m.group("am") or m.group("bh") or m.group("suffix"):
        return False
    return text[m.end() : m.end() + 1] != "钟"


@dataclass
class _Candidate:
    match: re.Match[str]
    day: DayInfo
    has_day: bool
    has_detail: bool  # part of day or clock time
    negative: bool  # describes the problem / past / recurring / schedule question
    recurring: bool
    cue: bool
    detail_free: bool = False


@dataclass
class _Scan:
    """What one phrase passes to the next while scanning a message."""

    inherited: date | None = None  # the last day named: 周三上午……下午两点 is Wednesday's
    last_recurring_end: int = -10


def _day_of(
    m: re.Match[str], now: datetime, has_detail: bool, scan: _Scan
) -> tuple[DayInfo, bool] | None:
    """The phrase's day (or the one named before it) and whether it carries a detail."""
    day_info = resolve_day(m, now.date())
    if day_info is None or day_info.past:
        return None
    if day_info.implied_part:
        has_detail = True
    if day_info.explicit and day_info.day is not None and not day_info.weekend:
        scan.inherited = day_info.day
    elif not day_info.explicit and scan.inherited is not None:
        day_info = DayInfo(scan.inherited, explicit=True)
    return day_info, has_detail


def _context(text: str, m: re.Match[str], clauses: Clauses) -> PhraseContext:
    left, right = clauses.bounds(m.start(), m.end())
    prev_left, next_right = clauses.around(m.start(), m.end())
    before = text[left : m.start()]
    return PhraseContext(
        pre=text[max(left, m.start() - 4) : m.start()],
        post=text[m.end() : min(right, m.end() + 8)],
        clause=text[left:right],
        before=before,
        own=before + " " + text[m.end() : right],
        around=text[prev_left:next_right],
    )


def _candidate(
    text: str, m: re.Match[str], now: datetime, clauses: Clauses, scan: _Scan
) -> _Candidate | None:
    has_detail = bool(m.group("part") or m.group("ah") or m.group("ahh") or m.group("bare"))
    if not m.group(0).strip() or not (m.group("day") or has_detail):
        return None
    if _guard_bare_one(text, m):
        return None
    found = _day_of(m, now, has_detail, scan)
    if found is None:
        return None
    day_info, has_detail = found
    ctx = _context(text, m, clauses)
    recurring = bool(RECURRING_PRE.search(ctx.pre)) or (m.start() - scan.last_recurring_end <= 2)
    # a day named in this phrase, not one inherited from an earlier phrase
    named_day = bool(m.group("day"))
    # 夜晚 with no day (夜晚返嚟好黑, 夜晚喺垃圾桶度走来走去) is when the problem shows; 听日夜晚
    # (a day named) is an evening to come
    negative = describes_problem(ctx, named_day, recurring) or (
        m.group("part") == "夜晚" and not named_day
    )
    if recurring:
        scan.last_recurring_end = m.end()
    cue = asks_for_visit(ctx, named_day, len(text) <= 20)
    detail_free = False
    if m.group("part") and not m.group("ah") and _MORE_PARTS.match(text, m.end()):
        # 周末上午下午都行: several parts named, the day is what counts
        has_detail = False
        detail_free = True
    return _Candidate(m, day_info, named_day, has_detail, negative, recurring, cue, detail_free)


def _candidates(text: str, now: datetime) -> list[_Candidate]:
    scan = _Scan()
    clauses = Clauses(text, spaces=True)
    out = []
    for m in _PHRASE_RE.finditer(text):
        cand = _candidate(text, m, now, clauses, scan)
        if cand is not None:
            out.append(cand)
    return out


def find_preferred_time(text: str, now: datetime) -> TimeMatch | None:
    """The first time phrase that asks for a visit / call, as an interval."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=TZ)
    cands = _candidates(text, now)
    for index, cand in enumerate(cands):
        if cand.negative or not cand.cue:
            continue
        m, day_info = cand.match, cand.day
        span_end = m.end()
        if cand.has_day and not cand.has_detail:
            # a detail given just after refines the day (这周六来一趟？上午九点到十一点)
            for later in cands[index + 1 :]:
                if later.match.start() - m.end() > 30 or (
                    later.has_day and later.day.day != day_info.day
                ):
                    break
                if later.has_detail and not later.negative:
                    m = later.match
                    span_end = m.end()
                    break
        found = interval(m, day_info, now, cand.detail_free)
        if found is None:
            continue
        start, end = found
        if end <= now:
            continue
        return TimeMatch(start, end, cand.match.start(), span_end)
    return None
