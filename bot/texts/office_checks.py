"""What the office reads when the console refuses a form or a filter, and the order page's
word on a downgraded emergency. Part of bot.texts (re-exported there; import bot.texts)."""

# 办结 with no word: the resident's push would say only "done — satisfied?" (found from
# outside: sent so to the victim of violence whose emergency nobody had taken)
CONSOLE_RESOLVE_NEEDS_NOTE = (
    "请填写“说明”：紧急工单和还没有人接单的工单，办结时要写明是怎么处理的，居民会看到这段话。"
)
CONSOLE_BAD_UNIT = "单元号“{unit}”不对：单元号是 1 到 2 位数字或一个字母，比如 2 或 A。"
CONSOLE_BAD_ROOM = "房号“{room}”不对：房号是 1 到 4 位数字，前后最多带一个字母，比如 501 或 A01。"
CONSOLE_UNKNOWN_FILTER = "筛选条件“{field}”的值“{value}”不存在，请在页面上选择。"
CONSOLE_BAD_PAGE = "页码“{value}”不对：页码是从 1 开始的整数。"
CONSOLE_FILTER_NAMES = {"category": "类别", "grid": "网格", "sort": "排序"}
CONSOLE_MONTH_NOT_STARTED = "{month} 还没开始，没有月报；请选择本月或以前的月份。"
# the order page after 「不紧急，看错了」 or a finished emergency reopened as ordinary
CONSOLE_DANGER_DOWNGRADED = "原为紧急，后改为普通工单（经过见处理记录）"
# 更正 with a unit or room but no building: the order would read 「1单元101」, at no building
# of any grid (found from outside: it fell off the grid leader's board)
CONSOLE_DOOR_WITHOUT_BUILDING = (
    "填了单元号或房号，也请填写楼栋（比如 3栋）；不知道在哪栋的话，单元和房号也请空着。"
)
# a bare grid code on a street where several communities use it (G01 in 青和居 and 东亭):
# found from outside, the figures page summed both grids and the board showed none
CONSOLE_GRID_AMBIGUOUS = (
    "网格编号“{value}”有几个社区都在用（{names}），请在页面上选择是哪个社区的网格。"
)
# the figures page for a period not begun, or a month written right but out of range
CONSOLE_PERIOD_NOT_STARTED = "{period} 还没开始，没有指标和月报；请选择本月、本周或以前的时段。"
CONSOLE_PERIOD_OUT_OF_RANGE = "时段“{value}”超出范围：只能查看 2000 年到 2100 年之间的月份和周。"
