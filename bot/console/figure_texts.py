"""The words of the figures page, the printable monthly report and the monthly push (the
figures' own names are in bot/kpi/labels.py)."""

from __future__ import annotations

BAD_PERIOD = "时段“{value}”看不懂：请用 2026-11（月）、2026-W48（周），或者选择起止日期。"
BAD_DATE = "日期“{value}”（{field}）看不懂：请用 2026-11-01 这样的格式。"
BAD_RANGE_BOTH = "自定义时段要同时填写开始日期和结束日期。"
BAD_RANGE_ORDER = "结束日期不能早于开始日期。"
BAD_RANGE_LONG = "自定义时段最长 {days} 天，请缩短范围。"
BAD_FILTER = "“{field}”的值不对。"
NO_SUCH_PLACE = "没有这个{field}：{value}。"
BAD_MONTH = "月份看不懂：请用 2026-11 这样的格式。"
OUT_OF_SCOPE = "这个范围不在您的管辖之内。"
FILTER_NAMES = {"community": "社区", "grid": "网格", "category": "类别"}

W = {
    "nav_figures": "指标",
    "figures": "工作指标",
    "period": "时段",
    "this_month": "本月",
    "this_week": "本周",
    "custom": "自定义",
    "from": "从",
    "to": "到",
    "show": "查看",
    "all": "全部",
    "scope_all": "全部范围",
    "your_grid": "本网格",
    "empty": "这个时段没有工单。",
    "figure": "指标",
    "response_base": (
        "应响应数：已派出、已接单或已过接单时限的工单，是响应率的分母；"
        "刚派出、还在接单时限内的工单，接单或超时后才计入。"
    ),
    "now": "本期",
    "before": "上期",
    "change": "变化",
    "trend": "近 12 个月趋势",
    "month": "月份",
    "categories": "各类诉求（按数量）",
    "category": "类别",
    "grids": "各网格对比",
    "grid": "网格",
    "honour": "红榜（办结工单最多的成员）",
    "member": "成员",
    "handled": "办结工单",
    "response": "接单用时中位数",
    "satisfaction": "满意率",
    "no_members": "这个时段还没有成员办结工单。",
    "visits": "网格长走访（每周 3 次、12 小时）",
    "leader": "网格长",
    "week": "周（周一）",
    "visit_count": "走访次数",
    "visit_hours": "走访小时",
    "duty_met": "达标",
    "yes": "是",
    "no": "否",
    "no_visits": "这个时段没有需要统计的走访周。",
    "report": "月报",
    "download": "下载月报（Excel）",
    "print": "打印版（公告栏）",
    "report_month": "月份",
    "print_title": "{place}{month}工作月报",
    "generated": "生成时间：{at}",
    "key_figures": "主要指标",
    "chart_table": "图表数据",
    "points": "个百分点",
}
