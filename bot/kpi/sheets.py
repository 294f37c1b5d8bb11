"""The report's tables: header rows and value rows, in Chinese, ready for a worksheet.

Kept apart from the workbook so the console can show the same tables as HTML.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.kpi import labels
from bot.kpi.figures import Figures, OrderFact
from bot.kpi.load import Names, VisitFact, place_of
from bot.kpi.period import Period

Cell = str | int | float | datetime | None
DUTY_VISITS, DUTY_HOURS = 3, 12  # a grid leader's weekly duty (DOMAIN.md)

ORDER_HEADERS = (
    "单号", "受理时间", "类别", "紧急", "网格", "楼栋", "摘要", "状态", "处理人",
    "派单时间", "接单时间", "办结时间", "评价", "重办", "吹哨", "超时",
)  # fmt: skip
CUT_FIGURES = (
    "received", "response_rate", "resolution_rate", "on_time_rate", "satisfaction_rate",
    "rated_share", "accept_median", "resolve_median", "reopen_rate", "escalated", "overdue",
)  # fmt: skip


def local(when: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A UTC time as the local wall-clock time Excel shows (Excel has no time zones)."""
    return None if when is None else when.astimezone(tz).replace(tzinfo=None)


def cell(name: str, value: object) -> Cell:
    """A figure as a cell: counts and rates as numbers (rates formatted as %), times as text."""
    if value is None:
        return labels.NONE
    if isinstance(value, timedelta):
        return labels.show(name, value)
    if isinstance(value, int | float):
        return value
    return str(value)


def yes(flag: bool) -> str | None:
    """是, or an empty cell (an empty cell is not written at all: a month has many)."""
    return "是" if flag else None


def order_grid(o: OrderFact, names: Names, with_community: bool) -> str:
    """An order's grid by its place, not its code alone: found from outside, 青和居's first
    grid was named 「东亭网格」, the other community's grid of the same code."""
    if not o.grid:
        return labels.UNKNOWN["grid"]
    return place_name(place_of(o.community, o.grid), names, with_community)


def order_rows(facts: list[OrderFact], names: Names, period: Period) -> list[list[Cell]]:
    tz = period.tz
    facts = [o for o in facts if period.contains(o.created_at)]
    several = len({o.community for o in facts if o.grid}) > 1  # as the sheet 分网格 names them
    rows: list[list[Cell]] = []
    for o in facts:
        rows.append(
            [
                f"#{o.id}",
                local(o.created_at, tz),
                texts.CATEGORY_NAMES.get(o.category, o.category),
                yes(o.urgent),
                order_grid(o, names, several),
                texts.BUILDING.format(building=o.building) if o.building else None,
                o.summary,
                texts.STATUS_NAMES.get(o.status, o.status),
                o.member_name,
                local(o.assigned_at, tz),
                local(o.accepted_at, tz),
                local(o.resolved_at, tz),
                o.rating,
                yes(o.reopened),
                yes(o.whistled),
                yes(o.overdue),
            ]
        )
    return rows


def place_name(place: str, names: Names, with_community: bool = False) -> str:
    """A grid by its place (``"qhj:G01"``: grid codes repeat across a street's communities);
    ``with_community``: prefixed with its community's name."""
    community, _, grid = place.partition(":")
    name = names.places.get(place) or names.grids.get(grid, grid)
    return f"{names.communities.get(community, community)}·{name}" if with_community else name


def cut_headers(by: str) -> list[str]:
    return [labels.CUT_NAMES[by], *(labels.label(n) for n in CUT_FIGURES)]


def cut_rows(cut: dict[str | None, Figures], by: str, names: Names) -> list[list[Cell]]:
    """One row per grid, category or member of a breakdown (``summarize(...).cuts[by]``)."""
    several = len({k.split(":", 1)[0] for k in cut if k and by == "place"}) > 1
    display = {
        "grid": lambda k: names.grids.get(k, k),
        "place": lambda k: place_name(k, names, several),
        "category": lambda k: texts.CATEGORY_NAMES.get(k, k),
        "member": lambda k: names.members.get(k, k),
        "community": lambda k: names.communities.get(k, k),
    }[by]
    rows: list[list[Cell]] = []
    for key, f in cut.items():
        title = labels.UNKNOWN[by] if key is None else display(key)
        values = f.as_dict()
        rows.append([title, *(cell(n, values[n]) for n in CUT_FIGURES)])
    return rows


def summary_rows(this: Figures, before: Figures) -> list[list[Cell]]:
    """指标 | 本月 | 上月 | 变化 (counts: difference; rates: percentage points)."""
    now, then = this.as_dict(), before.as_dict()
    rows: list[list[Cell]] = []
    for name, (title, kind) in labels.FIGURES.items():
        a, b = now[name], then[name]
        change: Cell = labels.NONE
        if kind == "count" and isinstance(a, int) and isinstance(b, int):
            change = a - b
        elif kind == "rate" and isinstance(a, float) and isinstance(b, float):
            change = f"{(a - b) * 100:+.1f}个百分点"
        rows.append([title, cell(name, a), cell(name, b), change])
    return rows


@dataclass(frozen=True, slots=True)
class WeekDuty:
    leader: str
    grid: str
    monday: date
    visits: int
    minutes: int
    place: str = ""  # "community:grid"

    @property
    def met(self) -> bool:
        return self.visits >= DUTY_VISITS and self.minutes >= DUTY_HOURS * 60


def grid_name(duty: WeekDuty, names: Names) -> str:
    return names.places.get(duty.place) or names.grids.get(duty.grid, duty.grid)


def visit_weeks(period: Period) -> list[Period]:
    """The Monday-to-Sunday weeks that begin in the period."""
    return [Period.week(d, period.tz) for d in period.days() if d.weekday() == 0]


def duty_weeks(period: Period) -> Period:
    """The days whose weeks the duty tables show: every week that overlaps the period, so a
    month's first days are in its report and on its page (found from outside: the report
    counted only the weeks beginning in the month, the page the week of the 1st too)."""
    monday = Period.week(period.first, period.tz).first
    return Period(monday, period.end, period.tz, "custom")


def duty_rows(
    visits: list[VisitFact], names: Names, period: Period, today: date | None = None
) -> list[WeekDuty]:
    """Each grid leader's visits per week against the duty of 3 visits and 12 hours; with
    ``today``, only the weeks begun by then (a week to come has not failed its duty)."""
    tally: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    for v in visits:
        monday = Period.week(period.local_day(v.at), period.tz).first
        tally[(v.member, monday)][0] += 1
        tally[(v.member, monday)][1] += v.minutes
    out = []
    leaders = names.place_leaders or {f":{g}": k for g, k in names.grid_leaders.items()}
    for place, leader in sorted(leaders.items()):
        grid = place.split(":", 1)[1]
        for week in visit_weeks(period):
            if today is not None and week.first > today:
                continue
            count, minutes = tally.get((leader, week.first), [0, 0])
            out.append(WeekDuty(leader, grid, week.first, count, minutes, place))
    return out
