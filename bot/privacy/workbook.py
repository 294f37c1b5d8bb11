"""A resident's export as an XLSX workbook: one sheet per kind of record, for the resident to
read in Excel or WPS (the JSON export holds the same)."""

from __future__ import annotations

import io
import json
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

SHEET_NAMES = {
    "resident": "登记信息",
    "wechat_user": "微信用户",
    "member_binding": "成员绑定",
    "conversation": "对话状态",
    "inbound_messages": "发来的消息",
    "orders_reported": "报的工单",
    "orders_followed": "跟进的工单",
    "follows": "跟进记录",
    "order_events": "工单历史",
    "outbox": "收到的推送",
    "broadcast_deliveries": "条件提醒",
}


# openpyxl writes a string that starts with "=" as a formula: a resident's text must never run
# in the office's spreadsheet (formula injection), so such text is quoted like Excel does.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, default=str)
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # control characters XML cannot hold
    return "'" + value if value.startswith(_FORMULA_START) else value


def export_workbook(data: dict[str, Any]) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "说明"
    summary.append(["本文件包含睦邻保存的与您有关的全部信息，每类信息一张表。"])
    for key, value in data.items():
        if key not in SHEET_NAMES:
            summary.append([key, _cell(value)])
            continue
        rows = value if isinstance(value, list) else ([value] if value else [])
        sheet = book.create_sheet(SHEET_NAMES[key])
        columns = list(dict.fromkeys(k for row in rows if isinstance(row, dict) for k in row))
        sheet.append(columns or ["（无）"])
        for row in rows:
            if isinstance(row, dict):
                sheet.append([_cell(row.get(c)) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
