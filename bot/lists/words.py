"""The three lists' words: the console's labels and errors, and what residents are told."""

from __future__ import annotations

KIND_NAMES = {"people": "人力", "skills": "技能", "venue": "场地", "fund": "资金"}
KINDS_BY_NAME = {v: k for k, v in KIND_NAMES.items()}
DEMAND_STATUS = {"open": "待确认", "confirmed": "已确认", "promoted": "已立项"}
PROJECT_STATUS = {
    "planned": "筹备中",
    "running": "实施中",
    "done": "已完成",
    "cancelled": "已取消",
}
PERIODS = {"month": "本月", "last": "上月", "quarter": "近三个月"}

# errors (shown on a 400 page)
BAD_AMOUNT = {
    "not_a_number": "“{field}”不是金额，请填写元，如 1200 或 1200.50。",
    "negative": "“{field}”不能是负数。",
    "too_precise": "“{field}”最多两位小数（到分）。",
    "too_large": "“{field}”太大了，请检查。",
}
BAD_KIND = "资源类型只能是：人力、技能、场地、资金。"
NO_ORDERS = "没有找到这些工单，或不在您的管辖范围内。"
NO_DEMANDS = "请至少选择一项需求。"
NO_SUCH_DEMAND = "需求 #{id} 不存在。"
NO_SUCH_RESOURCE = "资源 #{id} 不存在。"
IN_ANOTHER_PROJECT = "需求登记号 {id} 已列入项目 #{project}。"
NO_SUCH_PROJECT = "项目 #{id} 不存在。"
NOT_YOUR_COMMUNITY = "只能登记本社区的资源；服务全街道的资源由街道办登记。"
STREET_RESOURCE = "资源 #{id} 服务全街道，由街道办修改。"
RESOURCE_IN_USE = "资源 #{id} 仍用于项目 #{project}，不能改到其他社区。"
MIXED_COMMUNITIES = "所选需求属于不同的社区；一个项目只属于一个社区，请分别立项。"
PICK_COMMUNITY = "请选择项目所属的社区。"
NOT_COVERED = "预算 {budget} 元超出了所选资金资源的可用金额 {available} 元。"
MILESTONES_OVER = "各节点金额合计 {total} 元超过了预算 {budget} 元。"
BAD_MILESTONE = "第 {line} 行节点格式不对，应为“日期 内容 [金额]”，如“2026-12-01 采购灯具 800”。"
BAD_STATUS = "状态不对。"
AMOUNT_ONLY_FUND = "只有“资金”类资源才能填写金额。"
NO_RECIPIENTS = "这个项目关联的需求没有可通知的居民。"
MESSAGE_EMPTY = "请填写要告诉居民的话。"

# the XLSX sheet of resources
# 范围: the community a resource serves, or STREET_WIDE; a file without the column is read too
HEADERS = ("编号", "共建单位", "类型", "联系方式", "说明", "金额（元）", "范围")
STREET_WIDE = "全街道"
TOTAL_LABEL = "合计"
SHEET_TITLE = "资源清单"
BAD_FILE = "文件无法读取，请上传 Excel（.xlsx）文件。"
BAD_HEADERS = "表头不对，应为：" + "、".join(HEADERS) + "（“范围”一列可以没有）。"
ROW_BAD_PLACE = "范围“{name}”不是本街道的社区（应填社区名称或“全街道”）"
TOO_MANY_ROWS = "文件超过 {limit} 行，请分成几个文件导入。"
EMPTY_FILE = "文件里没有资源。"
ROW_ERROR = "第 {row} 行：{reason}"
ROW_UNIT = "共建单位不能为空"
ROW_TOO_LONG = "“{field}”太长了"
ROW_BAD_ID = "编号不对"
ROW_UNKNOWN_ID = "编号 {id} 不存在"
TOTAL_MISMATCH = "合计 {total} 元与各行之和 {sum} 元不符"
# the XLSX sheet of projects (bot/lists/project_sheet.py, project_import.py)
BAD_PROJECT_HEADERS = (
    "表头不对，应为项目清单导出的表头：编号、项目、所属社区、负责单位、负责人、预算（元）、状态、"
    "关联需求、关联资源。"
)
BAD_MILESTONE_HEADERS = "“项目节点”表的表头不对，应为：项目编号、项目、日期、内容、金额（元）。"
MILESTONE_ROW = "项目节点 第 {row} 行：{reason}"
ROW_BAD_MILESTONE = "日期应为 2026-12-01 这样的日期，内容不能为空，金额填元"
ROW_NO_PROJECT = "项目编号不是本文件里的项目"
ROW_NO_TITLE = "项目名称不能为空"
EMPTY_PROJECTS = "文件里没有项目。"
PROJECT_STAYS = "项目不能改到其他社区"
PROJECTS_IMPORTED = (
    "已导入 {added} 个新项目，更新 {updated} 个，{same} 个没有变化；已告诉 {told} 位居民。"
)
IMPORTED = "已导入 {added} 条新资源，更新 {updated} 条，{same} 条没有变化。"

# residents
TOLD_PROMOTED = (
    "【睦邻】您反映的问题（{demand}）已列入社区项目「{project}」，由{unit}负责。"
    "进展我们会再告诉您。"
)
NOTICE_PROMOTED = "您反映的问题已立项"
TOLD_BACK = "【睦邻】项目「{project}」进展：{text}"
