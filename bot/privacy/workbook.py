"""The export as an XLSX workbook: a sheet per kind of data, a row per record, Chinese titles.
Written with openpyxl; cells that would read as formulas are quoted (CSV/XLSX injection)."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

SHEETS = (
    ("resident", "居民登记"),
    ("wechat_user", "微信用户"),
    ("member_binding", "成员绑定"),
    ("conversation", "对话状态"),
    ("inbound_messages", "发来的消息"),
    ("orders_reported", "报的工单"),
    ("orders_followed", "跟进的工单"),
    ("follows", "跟进记录"),
    ("order_events", "工单历史"),
    ("outbox", "推送"),
    ("broadcast_deliveries", "条件提醒"),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False)
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # control characters XML cannot hold
    return "'" + value if value.startswith(_FORMULA_START) else value


def export_workbook(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "说明"
    about.append(["openid", data["openid"]])
    about.append(["导出时间 (UTC)", data["exported_at"]])
    about.append(
        ["说明", "本文件列出系统保存的与该居民有关的全部信息，每类一张表。见 docs/privacy.md。"]
    )
    for key, title in SHEETS:
        value = data.get(key)
        rows = value if isinstance(value, list) else ([value] if value else [])
        sheet = book.create_sheet(title)
        columns = sorted({k for row in rows for k in row}, key=lambda k: (k != "id", k))
        sheet.append(columns or ["（无）"])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(row.get(c)) for c in columns])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
