"""The monthly report (月报) as an XLSX workbook built with openpyxl, native Excel charts
included: a summary with this month beside the previous one, the month's orders, per-grid,
per-category and per-member sheets, the three lists (三大清单), and the grid leaders' visits
against their weekly duty.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from bot import texts
from bot.kpi import labels, sheets
from bot.kpi.figures import OrderFact, Summary, daily_counts, summarize
from bot.kpi.load import Names, VisitFact
from bot.kpi.period import Period
from bot.lists import tables as lists
from bot.lists.cells import keep_text, risky
from bot.orders.timers import Sla

if TYPE_CHECKING:  # openpyxl's streaming sheet, named for the type checker only
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

TITLE = "睦邻月报"
EMPTY = "本月没有工单。"
SHEETS = ("汇总", "工单明细", "分网格", "分类别", "人员", "三大清单", "网格长走访")
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
    lists: lists.ListTables = field(default_factory=lists.ListTables)
    # each text cell as the reader may see it (phone numbers masked for a console viewer)
    text: Callable[[str], str] | None = None


class _Out:
    """Rows appended to a write-only (streaming) worksheet, counted so charts can refer to them.

    Streaming keeps a month of orders out of memory as cell objects: the workbook is written
    in about half the time and a fraction of the memory of a normal one."""

    def __init__(
        self,
        ws: WriteOnlyWorksheet,
        widths: Sequence[int],
        freeze: str | None = None,
        text: Callable[[str], str] | None = None,
    ):
        self.ws, self.row, self.text = ws, 0, text
        for col, width in enumerate(widths, 1):  # before the first row: written with it
            ws.column_dimensions[get_column_letter(col)].width = width
        if freeze:
            ws.freeze_panes = freeze

    def line(self, *values: object, font: Font | None = None) -> int:
        """One row (the first cell in ``font`` if given); returns its number."""
        cells: list[object] = [self._value(v) for v in values]
        if font is not None and cells:
            cells[0] = self._cell(self._shown(values[0]), font=font)
        self.ws.append(cells)
        self.row += 1
        return self.row

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> tuple[int, int]:
        """A header row and rows; returns (header row, last row)."""
        top = self.line(*(self._cell(h, font=_BOLD, fill=_HEAD_FILL) for h in headers))
        for row in rows:
            self.ws.append([self._value(v) for v in row])
        self.row += len(rows)
        return top, self.row

    def _value(self, value: object) -> object:
        if isinstance(value, float):
            return self._cell(value, number_format=_PERCENT)
        if isinstance(value, datetime):
            return self._cell(value, number_format=_TIME)
        value = self._shown(value)
        if risky(value):  # a resident's words (the summary) never run as a formula
            return self._cell(value)
        return value

    def _shown(self, value: object) -> object:
        return self.text(value) if self.text is not None and isinstance(value, str) else value

    def _cell(
        self,
        value: object,
        font: Font | None = None,
        fill: PatternFill | None = None,
        number_format: str | None = None,
    ) -> WriteOnlyCell:
        cell = keep_text(WriteOnlyCell(self.ws, value=value))
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if number_format is not None:
            cell.number_format = number_format
        return cell


def _chart(kind: type[BarChart] | type[LineChart], title: str, ws: Any, top: int, end: int) -> Any:
    """A chart of column B (counts, titled by the header at ``top``) against column A."""
    chart = kind()
    chart.title, chart.legend = title, None
    chart.y_axis.title = "件"
    chart.add_data(Reference(ws, min_col=2, min_row=top, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=end))
    return chart


def _summary(ws: WriteOnlyWorksheet, data: MonthData, summary: Summary) -> None:
    p, out = data.period, _Out(ws, (18, 14, 14, 16), text=data.text)
    this, before = summary.figures, summary.previous
    out.line(f"{TITLE} · {p.label}", font=Font(bold=True, size=14))
    out.line(
        f"按居民来信时间（{p.tz.key}）计入月份；生成于"
        f" {sheets.local(data.generated_at, p.tz):%Y-%m-%d %H:%M}；口径见 docs/kpi.md"
    )
    out.line(EMPTY if this.received == 0 else f"本月受理工单 {this.received} 件。")
    out.line()
    out.table(("指标", p.label, p.previous().label, "变化"), sheets.summary_rows(this, before))
    if this.received == 0:
        return
    out.line()
    out.line("各类别工单数", font=_BOLD)
    counts = Counter(o.category for o in data.facts if p.contains(o.created_at))
    cats = [[texts.CATEGORY_NAMES.get(k, k), n] for k, n in counts.most_common()]
    top, end = out.table(("类别", "工单数"), cats)
    ws.add_chart(_chart(BarChart, "各类别工单数", ws, top, end), "F5")
    out.line()
    out.line("每日受理工单数", font=_BOLD)
    daily = [[d.isoformat(), n] for d, n in daily_counts(data.facts, p).items()]
    top, end = out.table(("日期", "工单数"), daily)
    ws.add_chart(_chart(LineChart, "每日受理工单数", ws, top, end), "F22")


def _orders(ws: WriteOnlyWorksheet, data: MonthData, _: Summary) -> None:
    out = _Out(ws, (9, 17, 10, 6, 12, 8, 30, 12, 10, 17, 17, 17, 6, 6, 6, 6), "B2", data.text)
    rows = sheets.order_rows(data.facts, data.names, data.period)
    out.table(sheets.ORDER_HEADERS, rows or [[EMPTY]])


def _cut(by: str) -> Callable[[WriteOnlyWorksheet, MonthData, Summary], None]:
    def write(ws: WriteOnlyWorksheet, data: MonthData, summary: Summary) -> None:
        out = _Out(ws, (14, *([12] * len(sheets.CUT_FIGURES))), "B2", data.text)
        rows = sheets.cut_rows(summary.cuts[by], by, data.names)
        top, end = out.table(sheets.cut_headers(by), rows or [[EMPTY]])
        if rows and by in ("place", "category"):
            title = f"各{labels.CUT_NAMES[by]}受理工单数"
            ws.add_chart(_chart(BarChart, title, ws, top, end), f"A{end + 3}")

    return write


def _visits(ws: WriteOnlyWorksheet, data: MonthData, _: Summary) -> None:
    p, names, out = data.period, data.names, _Out(ws, (17, 12, 12, 10, 16, 10), text=data.text)
    today = data.generated_at.astimezone(p.tz).date()  # the weeks begun by the report's day
    out.line(f"网格长每周走访：至少 {sheets.DUTY_VISITS} 次、{sheets.DUTY_HOURS} 小时", font=_BOLD)
    out.line()
    duty = [
        [names.members.get(d.leader, d.leader), sheets.grid_name(d, names),
         d.monday.isoformat(), d.visits, round(d.minutes / 60, 1), "是" if d.met else "否"]
        for d in sheets.duty_rows(data.visits, names, sheets.duty_weeks(p), today)
    ]  # fmt: skip
    headers = ("网格长", "网格", "周（周一）", "走访次数", "走访时长（小时）", "是否达标")
    out.table(headers, duty or [["没有登记网格长"]])
    out.line()
    out.line("走访明细", font=_BOLD)
    detail = [
        [sheets.local(v.at, p.tz), v.member_name, v.minutes, v.note]
        for v in data.visits
        if p.contains(v.at)
    ]
    out.table(("时间", "人员", "时长（分钟）", "说明"), detail or [["本月没有走访记录。"]])


def _lists(ws: WriteOnlyWorksheet, data: MonthData, _: Summary) -> None:
    out = _Out(ws, (40, 24, 10, 12, 14, 12, 10, 20, 30), text=data.text)
    parts = (
        ("需求清单（本月两次及以上的问题）", lists.DEMAND_HEADERS, data.lists.demands),
        ("资源清单", lists.RESOURCE_HEADERS, data.lists.resources),
        ("项目清单", lists.PROJECT_HEADERS, data.lists.projects),
    )
    for number, (title, headers, rows) in enumerate(parts):
        if number:
            out.line()
        out.line(title, font=_BOLD)
        out.table(headers, rows or [["暂无"]])


_WRITERS: dict[str, Callable[[WriteOnlyWorksheet, MonthData, Summary], None]] = {
    "汇总": _summary,
    "工单明细": _orders,
    "分网格": _cut("place"),  # grid codes repeat across a street: by community and grid
    "分类别": _cut("category"),
    "人员": _cut("member"),
    "三大清单": _lists,
    "网格长走访": _visits,
}


def build_workbook(data: MonthData, step: Callable[[str], None] | None = None) -> Workbook:
    """The month's workbook, write-only: save it once. ``step(sheet name)`` is called as each
    sheet is done (progress)."""
    cuts = ("place", "category", "member")
    summary = summarize(data.facts, data.sla, data.period, cuts, as_of=data.as_of)
    wb = Workbook(write_only=True)
    for title in SHEETS:
        ws = wb.create_sheet(title)
        ws.sheet_view.showGridLines = title != "汇总"
        _WRITERS[title](ws, data, summary)
        if step is not None:
            step(title)
    return wb
