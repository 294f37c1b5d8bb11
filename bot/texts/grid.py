"""What grid leaders read about their grid: visits they log, the weekly digest and 网格工单."""

VISIT_USAGE = "用法：走访 时长 [说明]，比如“走访 2小时 3栋入户”或“走访 90分钟”。"
VISIT_OUT_OF_RANGE = (
    "没有记录：一次走访的时长要在 1 分钟到 24 小时之间。"
    "请按实际时长重发，比如“走访 2小时 3栋入户”；连着几天的走访请每天记一次。"
)
VISIT_LOGGED = "已记录走访 {duration}。本周累计 {count} 次、{hours} 小时"
VISIT_DUTY = "（网格长每周至少 {need_count} 次、{need_hours} 小时）。"
DIGEST_TITLE = "每周网格简报"
DIGEST_HEADER = "【每周简报】{grid}，{date}"
DIGEST_OPEN = "未办结工单 {open} 张，其中超时 {overdue} 张："
DIGEST_NONE_OPEN = "没有未办结的工单，辛苦了！"
DIGEST_MORE = "……还有 {more} 张，发“网格工单”查看全部。"
GRID_BOARD_HEADER = "本网格未办结工单 {open} 张，其中超时 {overdue} 张："
GRID_BOARD_NOBODY = "（暂无人接，可发“接单 单号”）"
GRID_BOARD_MORE = "……还有 {more} 张，请在社区工作台查看。"
GRID_BOARD_EMPTY = "本网格没有未办结的工单，辛苦了！"
GRID_BOARD_NOT_LEADER = (
    "“网格工单”是给网格长看的：列出本网格所有未办结的工单。您手上的工单请发“待办”查看。"
)
DIGEST_VISITS = "上周走访 {count} 次、{hours} 小时（要求每周至少 {need_count} 次、{need_hours} 小时）{verdict}。"
DIGEST_VISITS_OK = "，已达标"
DIGEST_VISITS_SHORT = "，还差一些"
