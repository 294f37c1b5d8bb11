"""The resident's preferred time, resolved against ``now`` (Asia/Shanghai).

Time phrases (day word, part of day, clock time or range) are found with one grammar,
then resolved to an interval following LABELLING.md.  Phrases that describe the
problem rather than ask for a visit are dropped: past days, night-time, recurring
schedules (每天, 平时), times reached by the problem (吵到晚上十点), starting points
(昨晚开始), attributive times (四点半的课堂), and questions about schedules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .clauses import Clauses
from .features import MASK
from .numerals import cn_value, to_int

TZ = ZoneInfo("Asia/Shanghai")

_PARTS: dict[str, tuple[int, int]] = {
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
}
_NIGHT = frozenset({"半夜", "深夜", "凌晨", "夜里", "夜间", "后半夜"})
_PM_PARTS = frozenset({"下午", "午后", "傍晚", "晚上", "晚间"})
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

_CNH = "一二两三四五六七八九十零"
_H = rf"(?:\d{{1,2}}|[{_CNH}]{{1,3}})"
_MIN = r"(?:半|一刻|三刻|整|\d{1,2}\s?分?|[零〇一二三四五]?十?[一二三四五六七八九]?分)"
_SEP = r"\s?(?:到|至|-|~|～|—)\s?"
_PART_RE = "|".join(sorted([*_PARTS, *_NIGHT], key=len, reverse=True))
_WD = r"(?:周|星期|礼拜)"
_DAY_RE = (
    r"大后天|后天|明天|明日|明儿|今天|今日|今儿|今早|今晚|明早|明晚|昨天|昨日|昨儿|昨晚|前天|前晚|刚才|刚刚"
    rf"|(?P<wmod>这个?|本|下下个?|下个?|上个?)?{_WD}(?P<wd>[一二三四五六日天1-7]|末)"
    r"|(?P<nw>下个?周|下个?星期|下个?礼拜)"
    r"|(?:(?P<nextmon>下个?月)|(?P<mon>\d{1,2}|十[一二]?|[一二三四五六七八九])月)?"
    r"(?P<dom>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])(?:号|日)"
    r"(?![楼栋院线床门口柜窗房室机车位])"
)


def _clock(p: str) -> str:
    return rf"(?:(?P<{p}h>{_H})\s?(?:点钟?|时)\s?(?P<{p}m>{_MIN})?|(?P<{p}hh>\d{{1,2}}):(?P<{p}mm>\d{{2}}))"


_PHRASE_RE = re.compile(
    r"(?=[今明后大昨前刚这本下上周星礼0-9一二两三四五六七八九十零早中午傍晚半深凌夜清])"
    rf"(?P<day>{_DAY_RE})?\s?"
    rf"(?P<part>{_PART_RE})?\s?"
    r"(?:"
    rf"(?:(?P<bare>{_H})(?={_SEP}(?:{_PART_RE})?\s?{_H}\s?(?:点|时|:))|{_clock('a')})"
    rf"(?:{_SEP}(?P<part2>{_PART_RE})?\s?{_clock('b')})?"
    r"(?P<suffix>左右|前后|以前|之前|以后|之后|前|后)?"
    r")?"
)

_RECURRING_PRE = re.compile(r"每.{0,3}$|(?:天天|经常|总是|老是|总|老|一到|平时|平常|一般|通常)\s?$")
_PRE_REJECT = re.compile(
    r"(?:直到|自从|一直到|持续到|吵到|闹到|弄到|搞到|干到|响到|到了|上次|上回|放学|下班|以前|之前|说好?|说的是)\s?$"
    r"|(?:^|[^一])(?:一|整个|整|半个|一个)$"
)
_POST_REJECT = re.compile(
    r"^\s?(?:(?:到|至|-)\s?(?:周|星期|礼拜)|的(?!时候|话)|了|好|都.{0,4}了|开始|起|(?<!可)以来|就开始|就在|就有|就吵|就响"
    r"|才|到现在|至今|一直|都在吵|还在|又|就没|没|也不停|课|班|放学|关门|开门|上班|下班)"
)
_POST_WINDOW_REJECT = re.compile(
    r"开始|(?<!可)以来|到现在|至今|就一直|停水|停电|停气|放假|才能|才回"
)
_CLAUSE_REJECT = re.compile(
    r"不用|不要来|别来|不需要|取消|不在家|没人在|家里没人|没空|不方便|几点|什么时候|哪天|多久|几号"
    r"|有吗|开不开|开吗|营业|办公|开放|上课|开课|会不会|是不是|来不来|还没来|还不来|怎么还|能办|办不办"
    r"|培训|讲座|活动|报名|休息吗|骗子|有人吗|值班|上班吗|有人上班|还能(?:去|办)|(?<!行)不行|(?<!可以)不可以|有人.{0,4}吗|有没有(?!人)"
)
_MORE_PARTS = re.compile(rf"\s?(?:或者|或|和|、|,)?\s?(?:{_PART_RE})")
_FILLER_RE = re.compile(r"[\s,，.。!！?？~…吧吗呢啊呀哦了的好行可以都]+")
_AFTER_APPOINT = re.compile(r"预约|约")
_COME = r"(?<![回起出下进原本后将未带外])来(?!不来)"
_STRONG_CUE = re.compile(
    _COME
    + r"|上门|过来|(?<!一个人)在家|在屋|方便|有空|预约|约|联系|回电|回个?电话|打电话|打我电话|打给我|给我打"
    r"|派人|派个|安排|等你|等着|送到|送过来|送上|陪|接一下|接回|接送|到家|过去|去社区|赶到|能到|想用"
)
_WEAK_CUE = re.compile(
    r"可以|能|行|要|帮|送|需要|麻烦|请|去买|去拿|带|都行|ok|有人|都在|我在|开门|找人|找一下|去交|去开|最好|希望|尽量|有时间"
    r"|(?:我|就|再)?(?:过)?去(?:办|问|报名|登记|领|取|一趟|社区|$)"
)
_STRICT_CUE = re.compile(
    _COME
    + r"|上门|过来|(?<!一个人)在家(?!里)|在屋(?!里)|家里有人|有人在家|方便|有空|预约|约|联系|回电|回个?电话"
    r"|打电话|打给我|给我打|打我电话|打我手机|帮|送|能到|赶到|过去|我在|在.{0,3}等"
)
_POST_PRESENT = re.compile(r"^\s?(?:都|我|家里|店里)?(?:有人|在家(?!里)|在屋(?!里)|都在)")


@dataclass(frozen=True)
class TimeMatch:
    start: datetime
    end: datetime
    span_start: int
    span_end: int

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


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
        return hour + 12 if 1 <= hour <= 6 else hour
    if part in _PM_PARTS:
        if hour == 12 and part in ("晚上", "晚间"):
            return 24
        return hour + 12 if hour < 12 else hour
    if part == "中午":
        return hour + 12 if hour < 11 else hour
    return hour


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(0), tzinfo=TZ) + timedelta(hours=hour, minutes=minute)


@dataclass
class _Day:
    day: date | None = None  # a single day
    weekend: bool = False
    week: bool = False
    past: bool = False
    weekday_today: bool = False  # a weekday name that falls on today (may roll a week)
    implied_part: str | None = None
    explicit: bool = False


def _resolve_day(m: re.Match[str], today: date) -> _Day | None:
    word = m.group("day")
    if word is None:
        return _Day()
    if word in _PAST_WORDS:
        return _Day(past=True, explicit=True)
    if word in _DAY_WORDS:
        offset, implied = _DAY_WORDS[word]
        return _Day(today + timedelta(days=offset), implied_part=implied, explicit=True)
    monday = today - timedelta(days=today.weekday())
    wd = m.group("wd")
    if wd is not None:
        mod = (m.group("wmod") or "").rstrip("个")
        if mod == "上":
            return _Day(past=True, explicit=True)
        weeks = {"下": 1, "下下": 2}.get(mod, 0)
        if wd == "末":
            saturday = monday + timedelta(days=5 + 7 * weeks)
            return _Day(saturday, weekend=True, explicit=True)
        target = _WEEKDAYS.get(wd, int(wd) - 1 if wd.isdigit() else 0)
        if mod in ("这", "本") or weeks:
            return _Day(monday + timedelta(days=target + 7 * weeks), explicit=True)
        delta = (target - today.weekday()) % 7
        return _Day(today + timedelta(days=delta), weekday_today=delta == 0, explicit=True)
    if m.group("nw") is not None:
        return _Day(monday + timedelta(days=7), week=True, explicit=True)
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
                candidate = date(today.year + 1, month, dom)
            return _Day(candidate, explicit=True)
        if m.group("nextmon"):
            year, month = (
                (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
            )
            return _Day(date(year, month, dom), explicit=True)
        if dom >= today.day:
            return _Day(date(today.year, today.month, dom), explicit=True)
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return _Day(date(year, month, dom), explicit=True)
    except ValueError:
        return None


# two neighbouring numerals read as a range of hours: 两三点, 三四点, 七八点, 十一二点
_PAIR_RE = re.compile(r"(十?[一两二三四五六七八九])([二三四五六七八九十])")


def _interval(
    m: re.Match[str], day_info: _Day, now: datetime, day_only: bool = False
) -> tuple[datetime, datetime] | None:
    today = now.date()
    part = None if day_only else (m.group("part") or day_info.implied_part)
    if part in _NIGHT:
        return None
    hour_a = None if day_only else _hour(m.group("ah") or m.group("ahh") or m.group("bare"))
    minute_a = int(m.group("amm")) if m.group("amm") else _minute(m.group("am"))
    hour_b = _hour(m.group("bh") or m.group("bhh"))
    minute_b = int(m.group("bmm")) if m.group("bmm") else _minute(m.group("bm"))
    pair = _PAIR_RE.fullmatch(m.group("ah") or "")
    if pair is not None and pair.group(0) != "二十" and hour_b is None and not m.group("am"):
        # 两三点 = from two to three o'clock, not 23:00
        hour_a, hour_b, minute_b = to_int(pair.group(1)), to_int(pair.group(2)), 0
    part2 = m.group("part2")
    if part2 in _NIGHT:
        return None

    clock: tuple[int, int] | None = None  # minutes from midnight
    if hour_a is not None:
        start_min = _to_24(hour_a, part) * 60 + minute_a
        if hour_b is not None:
            end_h = _to_24(hour_b, part2 or part)
            end_min = end_h * 60 + minute_b
            if end_min <= start_min and end_h < 12:
                end_min += 12 * 60
            if end_min <= start_min:
                return None
        else:
            end_min = start_min + 60
        suffix = m.group("suffix") or ""
        if suffix in ("以前", "之前", "前") and hour_b is None:
            lo = _PARTS[part][0] * 60 if part in _PARTS else 0
            start_min, end_min = min(lo, start_min - 60), start_min
        elif suffix in ("以后", "之后", "后") and hour_b is None:
            hi = _PARTS[part][1] * 60 if part in _PARTS else 24 * 60
            end_min = max(hi, start_min + 60)
        clock = (start_min, end_min)

    def build(day: date) -> tuple[datetime, datetime]:
        if clock is not None:
            return _at(day, 0, clock[0]), _at(day, 0, clock[1])
        if part in _PARTS:
            lo, hi = _PARTS[part]
            return _at(day, lo), _at(day, hi)
        return _at(day, 0), _at(day, 24)

    if day_info.day is not None:
        day = day_info.day
        if day_info.weekend and clock is None and part is None:
            return _at(day, 0), _at(day, 48)
        if day_info.week and clock is None and part is None:
            return _at(day, 0), _at(day, 24 * 7)
        start, end = build(day)
        if day_info.weekday_today:
            ahead = start > now if clock is not None else end > now
            if not ahead:
                start, end = build(day + timedelta(days=7))
        return start, end
    if clock is None and part is None:
        return None
    start, end = build(today)
    ahead = start > now if clock is not None else end > now
    if not ahead:
        start, end = build(today + timedelta(days=1))
    return start, end


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
    day: _Day
    has_day: bool
    has_detail: bool  # part of day or clock time
    negative: bool  # describes the problem / past / recurring / schedule question
    recurring: bool
    cue: bool
    detail_free: bool = False


def _candidates(text: str, now: datetime) -> list[_Candidate]:
    out: list[_Candidate] = []
    inherited: date | None = None
    last_recurring_end = -10
    clauses = Clauses(text, spaces=True)
    for m in _PHRASE_RE.finditer(text):
        has_detail = bool(m.group("part") or m.group("ah") or m.group("ahh") or m.group("bare"))
        if not m.group(0).strip() or not (m.group("day") or has_detail):
            continue
        if _guard_bare_one(text, m):
            continue
        day_info = _resolve_day(m, now.date())
        if day_info is None or day_info.past:
            continue
        has_day = day_info.explicit
        if day_info.implied_part:
            has_detail = True
        if has_day and day_info.day is not None and not day_info.weekend:
            inherited = day_info.day
        elif not has_day and inherited is not None:
            day_info = _Day(inherited, explicit=True)
        left, right = clauses.bounds(m.start(), m.end())
        pre = text[max(left, m.start() - 4) : m.start()]
        post = text[m.end() : min(right, m.end() + 8)]
        clause = text[left:right]
        prev_left, next_right = clauses.around(m.start(), m.end())
        around = text[prev_left:next_right]
        recurring = bool(_RECURRING_PRE.search(pre)) or (m.start() - last_recurring_end <= 2)
        attributive = post.startswith("的") and not post.startswith(("的时候", "的话"))
        negative = (
            recurring
            or bool(_PRE_REJECT.search(pre))
            or pre.endswith("到")
            or (pre.endswith("从") and not has_day)
            or (
                bool(_POST_REJECT.search(post))
                and not (attributive and _AFTER_APPOINT.search(pre + clause[: m.start() - left]))
            )
            or bool(_POST_WINDOW_REJECT.search(post))
            or bool(_CLAUSE_REJECT.search(clause))
        )
        if recurring:
            last_recurring_end = m.end()
        own = clause[: m.start() - left] + " " + clause[m.end() - left :]
        if (m.group("day") and has_detail) or m.group("day"):
            cue = bool(_STRONG_CUE.search(around) or _WEAK_CUE.search(own))
        else:
            cue = bool(_STRICT_CUE.search(own) or _POST_PRESENT.search(post))
        if not cue:
            # the time given on its own, as a field ("… 10栋101 周三上午")
            cue = _FILLER_RE.sub("", own.replace(MASK, "")) == "" and (
                bool(m.group("day")) or len(text) <= 20
            )
        detail_free = False
        if m.group("part") and not m.group("ah") and _MORE_PARTS.match(text, m.end()):
            # 周末上午下午都行: several parts named, the day is what counts
            has_detail = False
            detail_free = True
        out.append(
            _Candidate(
                m, day_info, bool(m.group("day")), has_detail, negative, recurring, cue, detail_free
            )
        )
    return out


def find_preferred_time(text: str, now: datetime) -> TimeMatch | None:
    """The first time phrase that asks for a visit / call, as an interval."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=TZ)
    now = now.astimezone(TZ)
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
        interval = _interval(m, day_info, now, cand.detail_free)
        if interval is None:
            continue
        start, end = interval
        if end <= now:
            continue
        return TimeMatch(start, end, cand.match.start(), span_end)
    return None
