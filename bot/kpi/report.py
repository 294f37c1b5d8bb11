"""The monthly report (月报) as an XLSX workbook built with openpyxl, native Excel charts
included: a summary with this month beside the previous one, the month's orders, per-grid,
per-category and per-member sheets, and the grid leaders' visits against their weekly duty.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot import texts
from bot.kpi import labels, sheets
from bot.kpi.figures import OrderFact, Summary, daily_counts, summarize
from bot.kpi.load import Names, VisitFact
from bot.kpi.period import Period
from bot.orders.timers import Sla

TITLE = "睦邻月报"
EMPTY = "本月没有工单。"
SHEETS = ("汇总", "工单明细", "分网格", "分类别", "人员", "网格长走访")
STEPS = len(SHEETS)
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_PERCENT, _TIME = "0.0%", "yyyy-mm-dd hh:mm"


def file_name(period: Period) -> str:
    return f"{TITLE}-{period.first:%Y-%m}.xlsx"


@dataclass(frozen=True, slots=True)
class MonthData:
    """Everything the report reads: facts of this month and the previous one, names, visits."""

    period: Period
    facts: list[OrderFact]
    names: Names
    visits: list[VisitFact]
    sla: Sla
    as_of: datetime
    generated_at: datetime


def _table(
    ws: Worksheet, top: int, headers: Sequence[str], rows: Sequence[Sequence[object]]
) -> int:
    """Write a header row and rows from row ``top``; returns the row after the table."""
    for col, title in enumerate(headers, 1):
        c = ws.cell(row=top, column=col, value=title)
        c.font, c.fill = _BOLD, _HEAD_FILL
    for r, row in enumerate(rows, top + 1):
        for col, value in enumerate(row, 1):
            c = ws.cell(row=r, column=col, value=value)
            if isinstance(value, float):
                c.number_format = _PERCENT
            elif isinstance(value, datetime):
                c.number_format = _TIME
    return top + len(rows) + 1


def _widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _summary(ws: Worksheet, data: MonthData, summary: Summary) -> None:
    p = data.period
    this, before = summary.figures, summary.previous
    ws["A1"] = f"{TITLE} · {p.label}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        f"按居民来信时间（{p.tz.key}）计入月份；生成于"
        f" {sheets.local(data.generated_at, p.tz):%Y-%m-%d %H:%M}；口径见 docs/kpi.md"
    )
    ws["A3"] = EMPTY if this.received == 0 else f"本月受理工单 {this.received} 件。"
    headers = ("指标", p.label, p.previous().label, "变化")
    row = _table(ws, 5, headers, sheets.summary_rows(this, before)) + 1
    _widths(ws, (18, 14, 14, 16))
    if this.received == 0:
        return
    ws.cell(row=row, column=1, value="各类别工单数").font = _BOLD
    counts = Counter(o.category for o in data.facts if p.contains(o.created_at))
    cats = [[texts.CATEGORY_NAMES.get(k, k), n] for k, n in counts.most_common()]
    cat_top = row + 1
    row = _table(ws, cat_top, ("类别", "工单数"), cats) + 1
    bar = BarChart()
    bar.title, bar.y_axis.title, bar.legend = "各类别工单数", "件", None
    bar.add_data(
        Reference(ws, min_col=2, min_row=cat_top, max_row=cat_top + len(cats)),
        titles_from_data=True,
    )
    bar.set_categories(Reference(ws, min_col=1, min_row=cat_top + 1, max_row=cat_top + len(cats)))
    ws.add_chart(bar, "F5")
    daily = [[d.isoformat(), n] for d, n in daily_counts(data.facts, p).items()]
    ws.cell(row=row, column=1, value="每日受理工单数").font = _BOLD
    day_top = row + 1
    _table(ws, day_top, ("日期", "工单数"), daily)
    line = LineChart()
    line.title, line.y_axis.title, line.legend = "每日受理工单数", "件", None
    line.add_data(
        Reference(ws, min_col=2, min_row=day_top, max_row=day_top + len(daily)),
        titles_from_data=True,
    )
    line.set_categories(Reference(ws, min_col=1, min_row=day_top + 1, max_row=day_top + len(daily)))
    ws.add_chart(line, "F22")


def _orders(ws: Worksheet, data: MonthData, _: Summary) -> None:
    rows = sheets.order_rows(data.facts, data.names, data.period)
    _table(ws, 1, sheets.ORDER_HEADERS, rows or [[EMPTY]])
    ws.freeze_panes = "B2"
    _widths(ws, (9, 17, 10, 6, 12, 8, 30, 12, 10, 17, 17, 17, 6, 6, 6, 6))


def _cut(by: str) -> Callable[[Worksheet, MonthData, Summary], None]:
    def write(ws: Worksheet, data: MonthData, summary: Summary) -> None:
        rows = sheets.cut_rows(summary.cuts[by], by, data.names)
        end = _table(ws, 1, sheets.cut_headers(by), rows or [[EMPTY]])
        ws.freeze_panes = "B2"
        _widths(ws, (14, *([12] * len(sheets.CUT_FIGURES))))
        if rows and by in ("grid", "category"):
            chart = BarChart()
            chart.title, chart.legend = f"各{labels.CUT_NAMES[by]}受理工单数", None
            chart.add_data(
                Reference(ws, min_col=2, min_row=1, max_row=end - 1), titles_from_data=True
            )
            chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=end - 1))
            ws.add_chart(chart, f"A{end + 2}")

    return write


def _visits(ws: Worksheet, data: MonthData, _: Summary) -> None:
    p, names = data.period, data.names
    ws["A1"] = f"网格长每周走访：至少 {sheets.DUTY_VISITS} 次、{sheets.DUTY_HOURS} 小时"
    ws["A1"].font = _BOLD
    duty = [
        [names.members.get(d.leader, d.leader), names.grids.get(d.grid, d.grid),
         d.monday.isoformat(), d.visits, round(d.minutes / 60, 1), "是" if d.met else "否"]
        for d in sheets.duty_rows(data.visits, names, p)
    ]  # fmt: skip
    headers = ("网格长", "网格", "周（周一）", "走访次数", "走访时长（小时）", "是否达标")
    row = _table(ws, 3, headers, duty or [["没有登记网格长"]]) + 1
    detail = [
        [sheets.local(v.at, p.tz), v.member_name, v.minutes, v.note]
        for v in data.visits
        if p.contains(v.at)
    ]
    ws.cell(row=row, column=1, value="走访明细").font = _BOLD
    _table(
        ws, row + 1, ("时间", "人员", "时长（分钟）", "说明"), detail or [["本月没有走访记录。"]]
    )
    _widths(ws, (17, 12, 12, 10, 16, 10))


_WRITERS: dict[str, Callable[[Worksheet, MonthData, Summary], None]] = {
    "汇总": _summary,
    "工单明细": _orders,
    "分网格": _cut("grid"),
    "分类别": _cut("category"),
    "人员": _cut("member"),
    "网格长走访": _visits,
}


def build_workbook(data: MonthData, step: Callable[[str], None] | None = None) -> Workbook:
    """The month's workbook; ``step(sheet name)`` is called as each sheet is done (progress)."""
    cuts = ("grid", "category", "member")
    summary = summarize(data.facts, data.sla, data.period, cuts, as_of=data.as_of)
    wb = Workbook()
    first = True
    for title in SHEETS:
        ws = wb.active if first else wb.create_sheet()
        assert isinstance(ws, Worksheet)
        ws.title, first = title, False
        ws.sheet_view.showGridLines = title != "汇总"
        _WRITERS[title](ws, data, summary)
        if step is not None:
            step(title)
    return wb
