"""Every sentence a resident, representative or staff member reads, in one place for review
(this package: the order history and template states are in ``history.py``).

Keep them short, warm and plain: many readers are elderly and read on a phone.
"""

from __future__ import annotations

# The order history, the dispatch reasons and template states, what members read about
# their orders, and what grid leaders read about their grid, in modules beside this one.
from bot.texts.advice import *  # noqa: F403
from bot.texts.asked import *  # noqa: F403
from bot.texts.emergency_waits import *  # noqa: F403
from bot.texts.first_aid import *  # noqa: F403
from bot.texts.follow_ups import *  # noqa: F403
from bot.texts.grid import *  # noqa: F403
from bot.texts.history import *  # noqa: F403
from bot.texts.later import *  # noqa: F403
from bot.texts.members import *  # noqa: F403
from bot.texts.office_checks import *  # noqa: F403
from bot.texts.order_lists import *  # noqa: F403
from bot.texts.places import *  # noqa: F403
from bot.texts.places import CHECK
from bot.texts.reopened_words import *  # noqa: F403
from bot.texts.reports import *  # noqa: F403
from bot.texts.which_order import *  # noqa: F403

SYSTEM_ERROR = (
    "抱歉，系统刚才出了点问题，没能自动处理这条消息。消息已经保存，工作人员会查看并跟进。"
)
# The database was away: the message is kept on the server's disk and handled when it is back.
HELD = "消息已收到。系统正在恢复，稍后会处理并回复您，请不要重复发送。"
HELD_URGENT = "消息已收到。系统正在恢复，已优先记下。{advice}"

WELCOME = (
    "您好，欢迎关注睦邻！\n"
    "家里有事需要帮忙，直接发文字或语音就行，比如：\n"
    "“3栋2单元501厨房水管漏水了”\n"
    "“我妈82了一个人住，能不能帮忙买点菜”\n"
    "我们会马上转给负责您这户的居民代表。发“帮助”看看还能做什么。\n"
    "我们会保存您发来的消息、地址和电话，只用于派单、回访和社区统计；"
    "发“隐私”看完整说明，发“删除我的信息”可申请删除。"
)

PRIVACY_NOTICE = (
    "睦邻怎样对待您的个人信息：\n"
    "· 保存什么：您发来的消息（文字、语音识别的文字、图片）、您登记的地址、消息里的电话，"
    "以及由此产生的工单和处理记录。\n"
    "· 做什么用：把诉求派给负责您这户的人、通知您进展、请您评价，以及社区的月度统计。"
    "不会用于其他目的，不会提供给社区以外的单位。\n"
    "· 谁能看到：负责您这户的居民代表、网格长和社区工作人员。\n"
    "· 保存多久：消息原文保存一年；工单办结两年后删除其中的文字、电话和门牌号，只留类别和时间用于统计。\n"
    "· 您的权利：可以要求查看或删除您的信息。发“删除我的信息”，社区工作人员核实后处理并回复您。"
)
PRIVACY_REQUESTED = (
    "已收到您删除个人信息的申请，社区工作人员会在 15 个工作日内核实并处理。"
    "删除后，您以前的工单只保留类别和时间用于统计，不再能看到内容。"
)
PRIVACY_ALREADY_REQUESTED = "您删除个人信息的申请已经在处理中了，工作人员核实后会处理。"
PRIVACY_REQUEST_TITLE = "居民申请删除个人信息"
PRIVACY_REQUEST_FOR_STAFF = (
    "有居民在公众号里申请删除个人信息，请在 15 个工作日内核实申请人身份，"
    "再请系统管理员办理删除（管理员用 mulin privacy requests 查看申请）。"
)

HELP = (
    "睦邻可以帮您：\n"
    "· 报修、助老、代办、邻里纠纷、环境卫生、安全隐患等，直接说事就行\n"
    "· 发“绑定 3栋2单元501”登记您家地址\n"
    "· 发“查询”看您的工单进度\n"
    "· 发“取消 #单号”撤回工单\n"
    "· 发“隐私”看我们怎样保存您的信息\n"
    "遇到火情、燃气泄漏、有人受伤，请先拨打 119 / 120 / 110。"
)

RECEIVED_IMAGE = (
    "图片收到了。如果是要报事，请再用一句话说说是什么情况、在哪栋楼，图片会一起附在工单上。"
)
RECEIVED_LOCATION = "位置收到了。请再说说需要帮什么忙，位置会一起附在工单上。"
RECEIVED_LINK = "链接收到了，谢谢分享。"
RECEIVED_MEDIA = "收到了。如果要报事，请用文字或语音说说是什么情况。"
VOICE_UNRECOGNISED = "抱歉，这条语音没听清，麻烦您再说一遍，或者打字告诉我们。"
MEMBER_HELP = (
    "成员指令（单号前的 # 可写可不写）：\n"
    "· 接单 1024 —— 接下工单\n"
    "· 进度 1024 说明 —— 记录进展，居民会收到\n"
    "· 完成 1024 [说明] —— 办结，居民会被请求评价\n"
    "· 退单 1024 原因 —— 不归您管，转给下一位\n"
    "· 转派 1024 姓名或编号 —— 转给指定的人\n"
    "· 吹哨 1024 原因 —— 需要街道或部门协调\n"
    "· 待办 —— 您手上未办结的工单\n"
    "· 网格工单 —— 网格长：本网格所有未办结的工单和经办人\n"
    "· 上岗 / 下岗 —— 下岗期间不再派新单\n"
    "· 走访 2小时 3栋入户 —— 记录网格走访"
)
REPORT_HINT = "请直接发文字或语音说说什么事、在哪栋楼几单元几号，比如“3栋2单元501厨房水管漏水了”。有照片也可以接着发。"
MENU_UNKNOWN = "这个功能还在准备中，您可以直接发文字告诉我们需要什么帮助。"


# --- residents: reports and their orders -------------------------------------------------
ASK_ADDRESS = "收到！请问您家住哪栋楼、几单元、门牌号？比如“3栋2单元501”。我们记下后马上派人。"
ASK_ADDRESS_AGAIN = "没看出地址，麻烦按“3栋2单元501”这样告诉我们；不方便说的话回复“跳过”。"
ADDRESS_SKIPPED = "好的，先不写地址。"
PUBLIC_PLACE_NOTED = "好的，地点记下了。"
UNKNOWN_BUILDING = "我们小区的名单里没有{building}栋，麻烦再核对一下楼号？"


def order_created(number: int, who: str | None) -> str:
    if who:
        return f"已收到，工单号 #{number}。已转给{who}，接单后会通知您。"
    return f"已收到，工单号 #{number}。社区会尽快安排人处理，有进展会通知您。"


EMERGENCY_LINES = {
    "119": "119（消防救援）",
    "120": "120（急救）",
    "110": "110（报警）",
    "96333": "96333（电梯应急救援）",
    "12356": "12356（心理援助热线）",
}


def emergency_first(
    numbers: tuple[str, ...] | list[str], tip: str = "", leave_first: bool = False
) -> str:
    """The first lines of the answer to an emergency: whom to call, what to do first.
    ``leave_first``: the advice says when to call (gas: out of the room first, then call)."""
    if not numbers:
        return tip
    if leave_first:
        return f"情况紧急！{tip}"
    listed = "、".join(EMERGENCY_LINES.get(n, n) for n in numbers)
    return f"情况紧急请先拨打 {listed}！{tip}"


def possible_danger(numbers: tuple[str, ...] | list[str], tip: str, check: str = CHECK) -> str:
    """A report that may be dangerous: a short safety line, never a number that does not fit."""
    if numbers:
        listed = "、".join(EMERGENCY_LINES.get(n, n) for n in numbers)
        return f"如果现场有危险，请先拨打 {listed}。{check}"
    return f"{tip}{check}"


# What to do first, by kind of danger (bot.intake.danger decides the kind and its numbers).
HAZARD_ADVICE: dict[str, str] = {
    # The numbers are listed before the advice (emergency_first): the advice does not say them
    # again, except where it says when to call.
    "fire": (
        "用湿毛巾捂住口鼻，弯腰沿楼梯撤离，不要乘电梯；"
        "楼道里烟大走不通，就关紧房门、用湿布堵住门缝，到窗口或阳台呼救，等消防员来。"
    ),
    "gas": "请立即离开房间，不要开关电灯电器、不要点火，也不要在屋里打电话；到室外安全处再拨打119。",
    "electric": "请先拉下电闸切断电源，不要用手碰电线或触电的人；有人触电受伤打120，起火打119。",
    "flood": "请马上关闭进水总阀，远离泡水的插座和电器，必要时拉下电闸；我们已请网格员跟进。",
    "structure": "请立即远离可能掉落或倒塌的地方，提醒旁人绕行。",
    "medical": "保持呼吸通畅，等救护车到；摔倒或昏迷的人不要随意搬动，抽搐的人不要往嘴里塞东西。",
    "lift": (
        "被困的人请按轿厢里的警铃，保持冷静，不要扒门或爬出轿厢；"
        "在外面的人请守在电梯口跟里面的人说话，等救援到。"
    ),
    "trapped": "有人受伤同时拨打120；不要贸然搬动被压住的人。",
    "child": "不要大声惊吓孩子，能安全靠近就先把孩子带离危险的地方。",
    "missing": "报警时说清走失者的年龄、衣着和最后出现的地方；我们会请网格员一起找。",
    "welfare": "请民警上门查看，发现有人倒地或不适同时拨打120；我们会请网格员尽快上门。",
    "violence": "先保护好自己，远离动手或持械的人，不要上前阻拦。",
    "self_harm": (
        "如果是您自己很难受、不想活了：请现在就拨打心理援助热线12356，或拨打110，您不是一个人，"
        "我们会请人马上联系您。如果是身边的人：请拨打110和120，陪在对方身边不要离开，移开危险物品。"
    ),
    "drowning": "大声呼救，向落水的人抛绳子、竹竿或救生圈；不会游泳不要下水。",
    "animal": "请远离动物、关好门窗；有人被咬伤流血打120，动物仍在伤人打110。",
}

URGENT_NOTED = "我们已按紧急工单处理，网格长和社区工作人员会马上跟进。"
URGENT_NOTED_NO_PLACE = (
    "我们已按紧急工单处理，社区工作人员会马上跟进；告诉我们具体位置后，那里的网格长也会马上收到。"
)

BOUND = "地址登记好了：{place}。以后报事不用再说地址。"
BOUND_PARTLY = (
    "地址登记好了：{place}。还差单元和门牌号，方便的话发“绑定 3栋2单元501”这样的完整地址，"
    "负责您这户的人才能更快找到您。"
)
# after BOUND / BOUND_PARTLY: reports sent before the address was known now go there too
BOUND_EARLIER = "\n您之前没留地址的工单 {numbers} 也按这个地址转给负责的同志了。"
BIND_NEEDS_ADDRESS = "请按“绑定 3栋2单元501”的格式告诉我们您家的地址。"

NO_ORDERS = "您还没有报过事。有需要直接发消息给我们就行。"
MORE_ORDERS = "\n（只列出 {shown} 张，其余的工单有进展时也会通知您。）"
ORDERS_HEADER = "您最近的工单："
ORDER_NOT_FOUND = "没有找到您的工单 #{number}，请核对单号；发“查询”可以看您最近的工单。"
CANCEL_WHICH = (
    "您有几张未完成的工单：\n{orders}\n要撤回哪一张，请回复“取消 #单号”，比如“取消 #{number}”。"
)
CANCEL_NOTHING = "您没有可以取消的工单。"
CANCELLED = "工单 #{number} 已取消。"
CHAT_REPLY = "不客气～有需要随时发消息给我们，比如“3栋2单元501楼道灯坏了”。"
ACK_REPLY = "好的。有需要随时发消息给我们。"
UNCLEAR_REPLY = (
    "没太看明白您的意思。这里可以报修、请人帮忙、办事咨询、反映邻里和环境问题，"
    "直接说遇到了什么事就行，比如“3栋2单元501厨房水管漏水了”。发“帮助”看更多。"
)
NO_SURVEY_UNHAPPY = (
    "抱歉让您不满意。能说说是哪件事、哪里不满意吗？直接发消息告诉我们就行，"
    "我们会请负责的同志跟进；发“查询”可以看您的工单。"
)
NO_SURVEY_REPLY = "谢谢！目前没有需要您评价的工单。有需要随时发消息给我们。"
WHICH_SURVEY = "您有几张工单等着评价：{orders}。请回复“#单号 分数”，比如“#{number} 5”。"
REOPENED_NOT_FIXED = "抱歉还没解决好。工单 #{number} 已重新打开，我们会再派人处理，网格长也会跟进。"
REPORT_UNKNOWN_BUILDING = (
    "\n（我们小区的名单里没有{building}栋，社区工作人员会跟您核实地址；"
    "写错了的话直接发正确的地址，比如“绑定 3栋2单元501”。）"
)
ALREADY_HANDLING = "这个问题已在 #{number} 中处理，有进展会通知您。"
REPORT_LIMIT = (
    "您这一小时已经报了好几件事，我们正在逐一处理，稍后再发新的事情吧。"
    "如果情况紧急，请直接说明，或拨打 110 / 119 / 120。"
)
HOME_REMEMBERED = "\n（已记下您家的地址：{place}，下次报事不用再说；不对的话发“绑定 新地址”修改。）"
HOME_OFFER = "\n以后都用 {place} 吗？回复“是”，以后报事就不用再说地址。"
HOME_CONFIRMED = "好的，以后都用 {place}。"
URGENT_ASK_ADDRESS = "\n请告诉我们具体在哪栋楼几单元几号，比如“3栋2单元501”，我们好马上找到您。"
ADDRESS_MORE_WELCOME = "\n知道是几单元几号的话也告诉我们，比如“2单元1501”。"
ADDRESS_ADDED = "地址已补充到工单 #{number}：{place}。负责的同志会按这个地址过来。"
ADDRESS_ESTATE_ASSUMED = "\n（按{estate}处理；如果不是{estate}，请直接回复小区名。）"
PLACE_ESTATE_NOTED = (
    "好的，是{estate}。请再告诉我们几栋（比如“3栋”或“3栋2单元”），那栋楼的负责人会马上收到。"
)
PLACE_ASK_AGAIN = (
    "没关系。能说个楼号吗？比如“3栋”或“3栋2单元501”。"
    "实在说不清也不要紧，工作人员会尽快联系您；情况危急请直接拨打紧急电话。"
)
ESTATE_CHOICES = "您是哪个小区的？{options}？"
ASK_ESTATE = "收到！{choices}回复小区名就行，我们马上派人。"
ASK_ESTATE_AGAIN = "没看出是哪个小区。"  # followed by ESTATE_CHOICES
ESTATE_SKIPPED = (
    "好的，先不分小区记下了，工作人员会跟您核实；知道是哪个小区的话，直接回复小区名就行。\n"
)
PENDING_ESTATE = "\n（您刚才说的事还在等小区名：“{summary}”。回复小区名就行。）"
PENDING_STILL = "\n（您刚才说的事还在等地址：“{summary}”。回复地址，或回复“跳过”先不写。）"
LAPSED_FILED = (
    "您之前说的“{summary}”一直没等到地址，我们已先登记为工单 #{number}，社区会联系您确认具体位置。"
    "方便的话，直接回复您家的楼栋、单元和门牌号，比如“3栋2单元501”。"
)
LAPSED_STATUS = "已登记，待确认地址"
PENDING_WITHDRAWN = "好的，刚才说的“{summary}”不登记了。有需要随时再发给我们。"
PENDING_FILED = "您刚才说的“{summary}”已先登记为工单 #{number}（还没有地址，社区会联系您确认）。\n"
GREETING_REPLY = "您好！有什么需要帮忙的，直接说就行，比如“3栋2单元501厨房水管漏水了”。"
ATTACHED_IMAGE = "图片已附在工单 #{number}（{summary}）上，处理的同志能看到。"
ATTACHED_LOCATION = "位置已附在工单 #{number}（{summary}）上。"
# a photo or place sent while the report waits for its address or estate
HELD_IMAGE = "图片收到了，工单建好后会附在上面。"
HELD_LOCATION = "位置收到了，工单建好后会附在上面。"
ATTACH_FULL = "工单 #{number} 已经附了{limit}张图片和位置，这张没有再附上。需要补充请用文字说明。"
HELD_FULL = "您发的图片已经不少了，这张先不收。请用一句话说说是什么情况、在哪栋楼。"
# after a report is filed: the photos and places sent before it joined the order
ADOPTED = "\n您刚才发的{what}已附在工单上。"
ADOPTED_WHAT = {"image": "{n}张图片", "location": "位置"}
PHOTO_REFUSED = "您为工单 #{number} 发的图片没能保存：{reason}。需要的话请重新拍一张发过来。"
PHOTO_TOO_LARGE = "文件太大了"
PHOTO_NOT_IMAGE = "这不是一张能打开的图片"
# a grid leader's one-time invite to the console (the link is the only way in: keep it short)
INVITE_TITLE = "社区工作台开通邀请"
INVITE_PUSH = (
    "{name}您好：社区邀请您开通“睦邻社区工作台”的网格长账号（{grid}），"
    "开通后可以在手机上查看和处理本网格的工单。\n"
    "请在 {hours} 小时内打开下面的链接设置密码，链接只能用一次：\n{link}\n"
    "如果不是您本人申请，请不要打开，也不要转发。"
)
RATED = "谢谢您对工单 #{number} 的评价（{score} 分）！"
RATED_FROM_WORDS = "谢谢您对工单 #{number} 的评价！已记为 {score} 分，想改分数请直接回复 1–5。"
RATE_LOW = "抱歉没让您满意，工单 #{number} 已重新打开，会重新安排人处理，网格长也会跟进。"

STATUS_NAMES = {
    "received": "待派单",
    "assigned": "待接单",
    "accepted": "已接单",
    "in_progress": "办理中",
    "escalated": "已上报协调",
    "resolved": "已办结待评价",
    "closed": "已完成",
    "cancelled": "已取消",
}

# --- residents: what happens to their order ---------------------------------------------
RESIDENT_ACCEPTED = "您的工单 #{number} 已由{who}接单，会尽快联系您。"
RESIDENT_PROGRESS = "您的工单 #{number} 有新进展：{note}"
RESIDENT_RESOLVED = (
    "您的工单 #{number} 已办结{note}。\n满意吗？回复 1-5 分（5 分最满意），或回复“满意”“不满意”。"
)
FOLLOWER_RESOLVED = "您反映的问题（工单 #{number}）已办结{note}。如果还没解决，请再告诉我们。"
RESIDENT_HANDED_ON = "您的工单 #{number} 已转给{who}处理。"
RESIDENT_ESCALATED = "您的工单 #{number} 社区已上报相关部门协调处理，有结果会告诉您。"

# --- names of roles, categories and places ---------------------------------------------------
ROLE_NAMES = {
    "representative": "居民代表",
    "grid_leader": "网格长",
    "building_leader": "楼栋长",
    "staff": "社区干事",
    "mediator": "调解员",
    "volunteer": "志愿者",
}
CATEGORY_NAMES = {
    "repair": "维修",
    "elderly": "助老",
    "paperwork": "代办",
    "dispute": "纠纷调解",
    "sanitation": "环境卫生",
    "safety": "安全隐患",
    "parking": "停车充电",
    "childcare": "托管教育",
    "suggestion": "建议议事",
    "other": "其他",
}
SOME_MEMBER = "社区成员"  # a member with no role on the roster
BUILDING = "{building}栋"
UNIT = "{unit}单元"
URGENT_TAG = " 紧急"
OVERDUE_TAG = "【超时】"
YOUR_GRID = "您的网格"
MINUTES = "{n}分钟"
HOURS = "{n}小时"
DAYS = "{n}天"
MINUTES_SPACED = "{n} 分钟"
HOURS_SPACED = "{n} 小时"
MONTH_DAY = "{month}月{day}日"
MONTH_DAY_TIME = "{month:02d}月{day:02d}日 {hour:02d}:{minute:02d}"

# the community office, acting from the console
HISTORY_OFFICE_MESSAGE = "社区给居民留言：{text}"
HISTORY_OFFICE_CANCELLED = "社区取消：{reason}"
HISTORY_OFFICE_REOPENED = "社区重办：{reason}；"
HISTORY_OFFICE_RESOLVED = "社区办结：{note}"
HISTORY_EDITED = "社区更正：{what}"
HISTORY_RECURRENCE = "再次报修：与 #{number}（{day} 办结）是同一问题"
RECURRENCE_NOTED = (
    "\n这和您之前报的 #{number} 像是同一个问题，已在新工单里注明，经办人能看到上次的处理记录。"
)
RECURRENCE_NOTED_SHARED = "\n邻居前些天报过同一处的问题（#{number}，已办结），已在新工单里注明，经办人能看到上次的处理记录。"
HISTORY_MERGED = "与 #{into} 是同一件事，已并入 #{into}"
RESIDENT_OFFICE_MESSAGE = "关于您的工单 #{number}，社区留言：{text}"
RESIDENT_OFFICE_CANCELLED = (
    "您的工单 #{number} 已由社区取消：{reason}。如有需要请再发消息告诉我们。"
)
RESIDENT_MERGED = "您反映的问题与工单 #{into} 是同一件事，已并入 #{into} 一起处理，有进展会通知您。"
STATE_MESSAGE = "社区留言"
CONSOLE_STALE = "工单 #{number} 刚刚被别人改过，这次操作没有生效。请看最新情况后再操作。"
CONSOLE_NO_PLACE = "无地址"
CONSOLE_MERGE_TARGET = "不能并入工单 #{number}：它不存在、已结束或就是本单。"
STATE_MERGED = "已合并"

# --- timers: reminders, escalations, follow-up -----------------------------------------------
TIMER_REMIND_ACCEPT = "提醒：工单 #{number}（{category}）{place}{summary}\n派给您已经{waited}了，还没有接单。回复“接单 {number}”接单，不归您管请回复“退单 {number} 原因”。"
TIMER_HANDED_ON = "超时未接单，自动转派；"
TIMER_ESCALATE_GRID = "催办：工单 #{number}（{category}）{place}{summary}\n{since}，还没有人接单（{holder}）。请协调处理。"
TIMER_ESCALATE_STAFF = "催办升级：工单 #{number}（{category}）{place}{summary}\n{since}，仍然没有人接单，网格长已通知。请社区统一安排。"
# the same, for an order whose place is not known: no grid leader could be told
TIMER_ESCALATE_STAFF_NO_PLACE = "催办升级：工单 #{number}（{category}）{summary}\n{since}，仍然没有人接单；居民没留地址，网格长收不到，请社区联系居民并统一安排。"
TIMER_REMIND_RESOLVE = "提醒：工单 #{number}（{category}）{place}{summary}\n办理时限还剩{left}，到 {deadline} 截止。办完请回复“完成 {number}”。"
TIMER_OVERDUE = "超时：工单 #{number}（{category}）{place}{summary}\n已超过办理时限（{deadline}），请尽快处理并回复进度。"
TIMER_NOBODY = "暂无人接"
# The completion notice asks for the rating; this goes once, a day later, only when none came.
SURVEY = "您好！您的工单 #{number}（{summary}）办结一天了，还没收到您的评价。\n问题解决了吗？回复 1-5 分（5 分最满意），或者回复“满意”“不满意”。没修好也请告诉我们。"
SURVEY_CLOSED_NOTE = "回访无回复，自动结单（未评价）"
REOPEN_GRID_FYI = (
    "重办：工单 #{number}（{category}）{place}{summary}\n居民评价 {score} 分，已重新派出，请跟进。"
)

# === broadcasts (bot/broadcasts; append-only section) =======================================
# Rule texts may use {date} (12月1日), {weekday} (星期二), {time} (19:30) of the occurrence,
# and {age} in eligibility rules.
BROADCAST_WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
BROADCAST_DATE = "{month}月{day}日"
PREVIEW_UNKNOWN = "未登记姓名和地址的居民"
PREVIEW_NO_BUILDING = "未登记楼栋"
PREVIEW_MEMBER = "{name}（{roles}）"
BROADCAST_SENIOR_CARD = (
    "您好！您今年满{age}周岁了，可以申请老年人免费乘车卡（敬老卡），请带身份证到社区服务站办理。"
)
BROADCAST_SENIOR_CARD_FIELDS = {"thing1": "敬老卡申领提醒", "thing2": "带身份证到社区服务站办理"}
BROADCAST_COUNCIL = (
    "各位居民朋友好！本月居民议事会定于{date}（{weekday}）晚上{time}在社区“7:30议事厅”召开，"
    "欢迎大家来坐坐、说说身边的事。有想商量的事情，也可以提前在这里留言。"
)
BROADCAST_COUNCIL_FIELDS = {
    "thing1": "居民议事会",
    "time2": "{date} {time}",
    "thing3": "社区7:30议事厅",
}
BROADCAST_LIVING_ALONE = (
    "您好！这几天天气变化大，请注意添衣保暖、按时吃药。"
    "有需要帮忙的事，直接在这里留言，网格员会尽快联系您。"
)
