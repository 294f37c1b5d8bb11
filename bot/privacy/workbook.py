"""A resident's export as an XLSX workbook: one sheet per kind of record, for the resident to
read in Excel or WPS (the JSON export holds the same)."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bot.lists.cells import keep_texts
from bot.orders.dispatch import CATEGORY_NAMES
from bot.texts import STATUS_NAMES

SHANGHAI = ZoneInfo("Asia/Shanghai")  # what the resident reads; the JSON keeps UTC

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


# Headers a resident can read; a column not named here keeps its own name.
COLUMN_NAMES = {
    "id": "编号",
    "order_id": "工单号",
    "openid": "微信用户标识",
    "resident_openid": "报事人",
    "text": "内容",
    "content": "内容",
    "summary": "摘要",
    "note": "说明",
    "reply_text": "回复",
    "category": "类别",
    "status": "状态",
    "from_status": "原状态",
    "to_status": "新状态",
    "urgent": "紧急",
    "hazard": "危险类型",
    "danger": "危险程度",
    "rating": "评价",
    "building": "楼栋",
    "unit": "单元",
    "room": "门牌",
    "estate_code": "小区",
    "phones": "电话",
    "preferred_start": "希望上门（起）",
    "preferred_end": "希望上门（止）",
    "created_at": "时间",
    "updated_at": "更新时间",
    "received_at": "收到时间",
    "accepted_at": "接单时间",
    "resolved_at": "办结时间",
    "closed_at": "关闭时间",
    "settled_at": "居民说明已无事的时间",
    "assigned_at": "派单时间",
    "sent_at": "发出时间",
    "at": "时间",
    "since": "开始时间",
    "action": "操作",
    "actor": "操作人",
    "msg_type": "消息类型",
    "event": "事件",
    "recipient": "接收人",
    "purpose": "用途",
    "channel": "渠道",
    "payload": "推送内容",
    "following": "关注中",
    "first_seen_at": "首次来信",
    "last_interaction_at": "最近来信",
    "birth_date": "出生日期",
    "name": "姓名",
    "tags": "标签",
    "state": "状态",
    "expires_at": "到期时间",
    "merged_into": "并入工单",
    "subject": "事项",
}
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
_CODES = {"category": CATEGORY_NAMES, "status": STATUS_NAMES, "from_status": STATUS_NAMES,
          "to_status": STATUS_NAMES}  # fmt: skip


def _readable(column: str, value: Any) -> Any:
    """A value as the resident reads it: 是/否, local time, names instead of codes."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and column in _CODES:
        return _CODES[column].get(value, value)
    if isinstance(value, str) and _ISO_TIME.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            moment = moment.astimezone(SHANGHAI)
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return value


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # control characters XML cannot hold


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
        sheet.append([COLUMN_NAMES.get(c, c) for c in columns] or ["（无）"])
        for row in rows:
            if isinstance(row, dict):
                sheet.append([_cell(_readable(c, row.get(c))) for c in columns])
    for sheet in book.worksheets:  # a resident's text never runs as a formula
        keep_texts(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
