"""What representatives, grid leaders and staff read in the chat about their orders. Part of
bot.texts (re-exported there; import bot.texts)."""

# --- members -------------------------------------------------------------------------------
MEMBER_NEW_ORDER = (
    "{urgent_head}新工单 #{number}（{category}）：{place}{summary}{details}\n"
    "回复“接单 {number}”接单；不归您管的回复“退单 {number} 原因”。"
)
URGENT_HEAD = "【紧急】"
ORDER_DETAIL_TIME = "\n居民方便的时间：{when}"
ORDER_DETAIL_PHONE = "\n联系电话：{phones}"
ORDER_DETAIL_TEXT = "\n居民原话：{text}"
ORDER_DETAIL_PLACE_CORRECTED = "（地址后来已更正，请以上面的地址为准）"
ORDER_DETAIL_WHY = "\n此前：{why}"
REOPEN_WHY = "居民评价 {score} 分，不满意，重办{said}"
ACCEPT_HINT = "回复接单{number}或退单{number}"  # a template field: at most 20 characters
MEMBER_URGENT_FYI = "紧急工单 #{number}（{category}）：{place}{summary}\n已派给{who}，请关注。"
MEMBER_CANCELLED = "工单 #{number} 居民已取消，无需再处理。"
# mulin privacy erase: the order's resident asked for their information to be erased
MEMBER_CANCELLED_ERASED = (
    "工单 #{number} 已取消：居民要求删除个人信息，工单内容已按要求删除，也无法再联系到这位居民，"
    "无需再处理。"
)
MEMBER_BOUND = "绑定成功！{name}（{roles}），以后新工单会发到这里。发“待办”看您手上的工单。"
MEMBER_BAD_CODE = "邀请码不对、已使用或已过期，请向社区工作人员核对。"
MEMBER_BIND_LOCKED = "邀请码输错次数太多，绑定暂停一段时间。请稍后再试，或直接联系社区工作人员。"
STAFF_INVITE_BURST = (
    "【安全提醒】最近 {minutes} 分钟内有 {count} 次输错成员邀请码，"
    "成员绑定已暂停到 {until}。如果不是本社区成员在操作，可能有人在猜邀请码，请留意。"
)
STAFF_INVITE_BURST_FIELDS = ("成员绑定暂停", "邀请码多次输错")
MEMBER_ALREADY_BOUND = "这个微信已经绑定为 {name}。"
MEMBER_ONLY = "这个指令是给居民代表、网格长和社区干事用的。"
MEMBER_USAGE = {
    "接单": "用法：接单 单号，比如“接单 1024”",
    "进度": "用法：进度 单号 说明，比如“进度 1024 师傅明天上午上门”",
    "完成": "用法：完成 单号 [说明]，比如“完成 1024 已换新水管”",
    "退单": "用法：退单 单号 原因，比如“退单 1024 不是我负责的楼栋”",
    "转派": "用法：转派 单号 姓名或编号，比如“转派 1024 王芳”",
    "吹哨": "用法：吹哨 单号 原因，比如“吹哨 1024 需要供电公司处理”",
}
MEMBER_ACCEPTED = "已接单 #{number}：{place}{summary}。办理中可回复“进度 {number} 说明”，办完回复“完成 {number}”。"
MEMBER_BIND_USAGE = "请在“代表绑定”后面加上社区给您的邀请码，比如“代表绑定 AB12CD”。"
MEMBER_TAKEN = "工单 #{number} 已被{who}接单了。"
MEMBER_TAKEN_BY_YOU = "工单 #{number} 您已经接过了，正在您手上。办完后回复“完成 {number}”。"
MEMBER_ORDER_UNKNOWN = "没有找到您能处理的工单 #{number}，请核对单号；发“待办”看您手上的工单。"
MEMBER_OFFICE_RESOLVED = (
    "工单 #{number}（{category}）{place}{summary}\n社区已在工作台办结，您无需再处理，谢谢。"
)
MEMBER_ALREADY_WHISTLED = (
    "工单 #{number} 已经吹哨上报过了，大家都已收到。有新情况请回复“进度 {number} 说明”。"
)
MEMBER_ORDER_LOOKUP = (
    "工单 #{number}（{category}）{place}{summary}\n状态：{status}{holder}\n受理时间：{created}"
)
MEMBER_ACCEPT_HINT = (
    "紧急工单 #{number} 还没有接单，要接就回复“接单 {number}”，居民和网格长会马上知道有人在处理。"
)
MEMBER_OWN_ORDER = "工单 #{number} 是您自己家报的事，会由其他同志处理，您不用接单。"
MEMBER_ORDER_HELD = (
    "工单 #{number} 已由{who}接单处理，不在您手上，不能由您操作。"
    "如需接手，请先和{who}商量，或请社区工作人员“转派”。"
)
MEMBER_NOT_HOLDER = "工单 #{number} 不在您手上，不能退单。"
MEMBER_PROGRESS_OK = "已记录工单 #{number} 的进展，并告知了居民。"
MEMBER_RESOLVED_OK = "工单 #{number} 已办结，辛苦了！已请居民评价。"
MEMBER_DECLINED_OK = "已退单 #{number}，{next}。"
MEMBER_REASSIGNED_OK = "已把工单 #{number} 转给{who}。"
MEMBER_REASSIGN_SELF = (
    "工单 #{number} 已经在您手上了，不用转给自己。要转给别人请写对方的姓名或编号。"
)
MEMBER_REASSIGNED_OFF_DUTY = (
    "\n注意：{name} 目前是下岗状态，可能不能及时处理；急的话请转给在岗的人。"
)
MEMBER_REASSIGN_UNKNOWN = "没有找到“{name}”，请用花名册上的姓名或编号。"
MEMBER_REASSIGN_AMBIGUOUS = "有好几位叫“{name}”，请用编号，比如“转派 {number} m02”。"
MEMBER_ESCALATED_OK = "工单 #{number} 已吹哨上报，网格长和社区干事已收到。"
MEMBER_ESCALATION_FYI = "吹哨：工单 #{number}（{category}）{place}{summary}\n{who}上报原因：{note}"
MEMBER_TAKEN_FROM_YOU = "工单 #{number} 已改由{who}处理，您不用再跟进了，谢谢。"
CONSOLE_AUTHOR = "社区工作台（{username}）"  # who acted, when a console account has no member
MEMBER_HANDED_TO_YOU = (
    "{urgent_head}{who}把工单 #{number} 转给了您（{category}）：{place}{summary}{details}\n"
    "回复“接单 {number}”接单；不归您管的回复“退单 {number} 原因”。"
)
MEMBER_UNASSIGNED = (
    "{urgent_head}工单 #{number}（{category}）：{place}{summary}{details}\n"
    "暂时派不出去：{reason}。请安排人手：回复“转派 {number} 姓名”，或回复“接单 {number}”自己接。"
)
MEMBER_POSSIBLE_DANGER = (
    "【请核实】工单 #{number}（{category}）：{place}{summary}{details}\n"
    "居民的描述可能有危险，请尽快联系确认；确有危险请协助拨打紧急电话。"
)
MEMBER_PLACE_ADDED = "工单 #{number} 居民补充了地址：{place}{summary}"
MEMBER_NO_OPEN = "您手上没有待办的工单。"
MEMBER_OPEN_HEADER = "您的待办工单："
MEMBER_UNOWNED_HEADER = "暂时没有人负责、您可以认领的工单："
MEMBER_UNOWNED_HINT = "回复“接单 {number}”即可认领。"
MEMBER_ON_DUTY = "已上岗，新工单会派给您。"
MEMBER_OFF_DUTY = "已下岗，新工单暂时不会派给您；回复“上岗”恢复。"
# 333 灯泡买好了: a member's word about an order they hold, not a command
MEMBER_ABOUT_HELD = (
    "关于工单 #{number}：有进展请回复“进度 {number} 说明”（居民会收到），"
    "办完了请回复“完成 {number} 说明”。"
)
MEMBER_ABOUT_WAITING = (
    "关于工单 #{number}：要接就回复“接单 {number}”；不归您管的回复“退单 {number} 原因”。"
)
MEMBER_ALREADY_ON_DUTY = "您已经是上岗状态，新工单会照常派给您。"
MEMBER_ALREADY_OFF_DUTY = "您已经是下岗状态，新工单暂时不会派给您；回复“上岗”恢复。"
ORDER_REFUSALS = {
    "cancelled": "工单 #{number} 已取消，不能再操作。",
    "finished": "工单 #{number} 已经办结了。",
    "already_accepted": "工单 #{number} 已经接过了。",
    "not_accepted": "工单 #{number} 还没有接单，请先回复“接单 {number}”。",
    "illegal": "工单 #{number} 现在是“{status}”状态，不能这样操作。",
}
NEXT_ASSIGNEE = "已转给{who}"
NEXT_NOBODY = "暂时没有其他人可派，社区会统一安排"

# --- an urgent order nobody has taken ---------------------------------------------------------
MEMBER_CHASE_UNASSIGNED = (
    "【紧急】工单 #{number} 仍无人接单（{category}）：{place}{summary}\n"
    "{since}，还没有人接手。请立即回复“接单 {number}”认领，或直接联系居民。"
)
MEMBER_HURRIED = "居民催办：工单 #{number}（{category}）{place}{summary}\n居民刚才说：{text}"
MEMBER_DETAIL = "紧急工单 #{number}（{category}）{place}{summary}\n居民补充情况：{text}"
# a word about an ordinary order (我妈说下午三点以后在家, 买菜那个事 谁去)
MEMBER_NOTE = "工单 #{number}（{category}）{place}{summary}\n居民补充：{text}"
MEMBER_URGENT_TAKEN = "紧急工单 #{number} 已由{who}接单，您无需再处理。"
# the grid leader alerted to an emergency that the resident then placed in another grid or
# estate (答了是东亭的): it is not theirs to go to any more
MEMBER_URGENT_MOVED = (
    "紧急工单 #{number} 的地址改为{place}，不在您的网格了，已转给{who}，您不用再跟进了，谢谢。"
)
MEMBER_URGENT_MOVED_TO_NOBODY = "那里的社区工作人员"

# --- how long an order has waited, in the timers' reminders -----------------------------------
SINCE_REPORT = "居民报事已经{hours}"
SINCE_HELP = "居民求助已经{hours}"  # an urgent order nobody has taken
SINCE_REOPEN = "工单重新打开已经{hours}"  # 重办: its clocks started again then

# --- a finished order reopened (重办): the member who had completed it hears -------------------
MEMBER_REOPENED = "重办：工单 #{number}（{category}）{place}{summary}\n您办结的这张工单，{why}，已重新打开。{then}"
REOPENED_BY_RESIDENT = "居民反映问题还没有解决（评价 {score} 分{said}）"
REOPENED_SAID = "，原话：“{comment}”"
# said not fixed (没修好, 师傅根本没来) without a rating: to whoever has it now, whoever had
# completed it, and the grid leader
NOT_FIXED_WHY = "居民反映问题还没有解决，原话：“{said}”，重办"
REOPENED_NOT_FIXED_BY_RESIDENT = "居民反映问题还没有解决（原话：“{said}”）"
REOPEN_GRID_FYI_NOT_FIXED = (
    "重办：工单 #{number}（{category}）{place}{summary}\n"
    "居民反映问题还没有解决：“{said}”。已重新派出，请跟进。"
)
REOPENED_BY_OFFICE = "社区要求重办（{reason}）"
REOPENED_THEN_OTHER = "现在由{who}接手处理；上次是怎么处理的，方便时请跟对方说一声。"
REOPENED_THEN_NOBODY = "暂时没有派出去，社区会统一安排。"

# --- an emergency the resident says is not one (不是打架，是楼上装修): its people hear so ----------
MEMBER_CALMED = (
    "工单 #{number}（{category}）{place}{summary}\n"
    "居民说明不是紧急情况，已改为普通工单，不再按紧急处理。居民原话：{text}"
)
