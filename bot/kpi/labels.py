"""Chinese names and display of the figures: the one place the console and the report read."""

from __future__ import annotations

from datetime import timedelta

from bot.kpi.figures import Figures

NONE = "—"  # a rate or duration with nothing to measure

# field of Figures -> (Chinese name, kind); kinds: count, rate, duration
FIGURES: dict[str, tuple[str, str]] = {
    "received": ("受理工单数", "count"),
    "cancelled": ("已取消", "count"),
    # the response rate's base: dispatched, and answered or past the time to answer (found
    # from outside: named 派单数, it left out orders dispatched minutes before)
    "assigned": ("应响应数", "count"),
    "accepted_on_time": ("按时接单数", "count"),
    "response_rate": ("响应率", "rate"),
    "resolved": ("已解决", "count"),
    "resolution_rate": ("解决率", "rate"),
    "resolved_on_time": ("按时办结数", "count"),
    "on_time_rate": ("按时办结率", "rate"),
    "rated": ("参评数", "count"),
    "satisfied": ("满意数", "count"),
    "satisfaction_rate": ("满意率", "rate"),
    "rated_share": ("回访参评率", "rate"),
    "accept_median": ("接单用时中位数", "duration"),
    "accept_p90": ("接单用时P90", "duration"),
    "resolve_median": ("办结用时中位数", "duration"),
    "resolve_p90": ("办结用时P90", "duration"),
    "reopened": ("重办数", "count"),
    "reopen_rate": ("重办率", "rate"),
    "escalated": ("超时升级数", "count"),
    "whistled": ("吹哨数", "count"),
    "overdue": ("超时工单数", "count"),
}
# the three rates a community is judged on, first in every summary
HEADLINE = ("received", "response_rate", "resolution_rate", "satisfaction_rate", "rated_share")

CUT_NAMES = {
    "community": "社区",
    "grid": "网格",
    "member": "人员",
    "category": "类别",
    "place": "网格",
}
UNKNOWN = {"grid": "未划网格", "member": "未派单", "community": "未知社区", "category": "其他",
           "place": "未划网格"}  # fmt: skip


def label(name: str) -> str:
    return FIGURES[name][0]


def duration_text(value: timedelta) -> str:
    """``3天2小时``, ``2小时5分钟``, ``12分钟`` (whole minutes)."""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{mins}分钟" if mins else f"{hours}小时"
    return f"{mins}分钟"


def show(name: str, value: object) -> str:
    """A figure as the console shows it: ``85.0%``, ``2小时5分钟``, ``12`` or ``—``."""
    if value is None:
        return NONE
    kind = FIGURES[name][1]
    if kind == "rate" and isinstance(value, float):
        return f"{value * 100:.1f}%"
    if kind == "duration" and isinstance(value, timedelta):
        return duration_text(value)
    return str(value)


def rows(figures: Figures) -> list[tuple[str, str, str]]:
    """(field, Chinese name, shown value) for every figure, in the order of :data:`FIGURES`."""
    values = figures.as_dict()
    return [(name, text, show(name, values[name])) for name, (text, _) in FIGURES.items()]


# the monthly push to admins on the 1st (bot/ticks/monthly_report.py)
PUSH_TITLE = "{month}工作月报"
PUSH_BODY = (
    "【睦邻月报】{month}{place}\n"
    "受理工单 {received} 件，响应率 {response}，解决率 {resolution}，满意率 {satisfaction}。\n"
    "超时工单 {overdue} 件，重办 {reopened} 件。\n"
    "下载月报：{link}"
)
PUSH_EMPTY = "【睦邻月报】{month}{place}\n本月没有工单。\n下载月报：{link}"
