"""The project list as an XLSX workbook (项目清单): one row per project — its community,
responsible unit and person, budget in yuan, status, the demands and resources it links —
and a sheet of milestones, one row each. Chinese headers; money held in fen, written in
yuan as exact decimals. :mod:`bot.lists.project_import` reads the same workbook back."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.lists import words as w
from bot.lists.cells import keep_texts
from models.lists import DemandGroup, PartnerResource, Project

HEADERS = (
    "编号", "项目", "所属社区", "负责单位", "负责人", "预算（元）", "状态", "关联需求",
    "关联资源", "节点数", "节点金额合计（元）",
)  # fmt: skip
MILESTONE_HEADERS = ("项目编号", "项目", "日期", "内容", "金额（元）")
SHEET, MILESTONES = "项目清单", "项目节点"
MONEY = "#,##0.00"


def yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _demands(p: Project, demands: Mapping[int, DemandGroup]) -> str:
    return "；".join(
        f"登记号 {i} {demands[i].title}（{len(demands[i].order_ids or [])} 单）"
        for i in p.demand_ids or []
        if i in demands
    )


def _resources(p: Project, found: Mapping[int, PartnerResource]) -> str:
    out = []
    for i in p.resource_ids or []:
        r = found.get(i)
        if r is None:
            continue
        kind = w.KIND_NAMES.get(r.kind, r.kind)
        money = f" {yuan(r.amount_fen):,.2f} 元" if r.kind == "fund" else ""
        out.append(f"#{i} {r.unit}（{kind}{money}）")
    return "；".join(out)


def _plain(sheet: Worksheet, text: Callable[[str], str] | None) -> None:
    """Text typed by people is never a formula (and is as ``text`` shows it); money shows to
    the fen."""
    keep_texts(sheet, text)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = MONEY


def export(
    projects: Sequence[Project],
    demands: Mapping[int, DemandGroup],
    resources: Mapping[int, PartnerResource],
    communities: Mapping[int | None, str],
    text: Callable[[str], str] | None = None,
) -> bytes:
    """The workbook of ``projects``; ``demands`` and ``resources`` by id (those linked),
    ``communities``: community id -> name; ``text``: each text cell as its reader may see it
    (phone numbers masked for a viewer)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(HEADERS))
    steps = book.create_sheet(MILESTONES)
    steps.append(list(MILESTONE_HEADERS))
    for p in projects:
        milestones: list[dict[str, Any]] = list(p.milestones or [])
        planned = sum(int(m.get("amount_fen", 0)) for m in milestones)
        sheet.append([
            p.id, p.title, communities.get(p.community_id, ""), p.unit, p.person,
            yuan(p.budget_fen), w.PROJECT_STATUS.get(p.status, p.status),
            _demands(p, demands), _resources(p, resources), len(milestones), yuan(planned),
        ])  # fmt: skip
        for m in milestones:
            steps.append([
                p.id, p.title, m.get("date", ""), m.get("what", ""),
                yuan(int(m.get("amount_fen", 0))),
            ])  # fmt: skip
    total = sum(p.budget_fen for p in projects)
    sheet.append([None, w.TOTAL_LABEL, None, None, None, yuan(total)])
    _plain(sheet, text)
    _plain(steps, text)
    for column, width in zip("ABCDEFGHIJK", (6, 24, 12, 18, 10, 14, 8, 40, 40, 8, 16), strict=True):
        sheet.column_dimensions[column].width = width
    for column, width in zip("ABCDE", (8, 24, 12, 30, 14), strict=True):
        steps.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
