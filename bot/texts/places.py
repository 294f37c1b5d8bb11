"""Which estate an address is in, on a street whose estates share building numbers, and a
transfer across estates. Part of bot.texts (re-exported there; import bot.texts)."""

# after an address whose estate the resident never said (3栋 in 青和居 and in 东亭)
ESTATE_UNCONFIRMED = "（小区待确认）"
# 绑定 3栋2单元501 where two estates have a 3栋: the answer may be the estate's name alone
BIND_ASK_ESTATE = "{question}回复小区名就行。"
# a bare 青和居 after a report was filed without its estate: the report is placed there
ESTATE_PLACED = "好的，工单 #{number} 的地址补全了：{place}。这个小区负责的同志会跟进。"
# 转派 to a member of another estate, by someone who is not staff
MEMBER_REASSIGN_OTHER_ESTATE = (
    "{name} 是{estate}的，工单 #{number} 在{here}，不能直接转过去。"
    "确实派错了小区的，请联系社区干事或街道值班员转派。"
)
# the estate question lapsed: the report is filed at its building, its estate unconfirmed
LAPSED_FILED_ESTATE = (
    "您之前说的“{summary}”一直没等到小区名，我们已先登记为工单 #{number}，社区会联系您确认。"
    "方便的话直接回复小区名（{options}）就行。"
)

# --- a resident correcting the address of a report just made (不对，是4栋) ----------------
MEMBER_PLACE_CORRECTED = "工单 #{number} 居民更正了地址，请以此为准：{place}{summary}"
PLACE_CORRECTED_SENT = "好的，工单 #{number} 的地址已改为 {place}，{next}。"
PLACE_CORRECTED_HOLDER = "已告诉正在处理的{who}"
# the home was saved from the very report corrected (青和居2栋2单元1101 … 不对，是3栋)
HOME_CORRECTED_TOO = "\n您的家庭地址是从这条报事记下的，也一并改为 {place}。"
PLACE_CORRECTED_SAME = "工单 #{number} 记的就是 {place}，不用改。"

# --- the chain ran out: what the resident hears and sees ------------------------------------
RESIDENT_WAITING = (
    "您的工单 #{number} 暂时还没有合适的人接手，社区工作人员正在安排，有进展会第一时间告诉您。"
    "情况有变化可以直接回复补充。"
)
# a resident's own list: 待派单 is the office's word
RESIDENT_STATUS_RECEIVED = "社区正在安排人员"
WHICH_RERATE = (
    "您刚评价过几张工单：{orders}。要改哪一张的分数，请回复“#单号 分数”，比如“#{number} 3”。"
)
CONSOLE_ASSIGN_OFF_DUTY = (
    "{name} 已下岗（暂不接新单），派给他可能没人处理。确实要派，请勾选“仍然派给下岗成员”再提交。"
)
CONSOLE_ASSIGN_OTHER_COMMUNITY = (
    "{name} 不是本社区的人员，不能直接派给他；需要跨社区协调，请联系街道办。"
)

# --- who answers for a home (我们这栋的网格长是谁？电话多少？) ---------------------------------
CONTACTS = "{place}的负责人：\n{lines}\n有事也可以直接在这里说，我们会派给他们。"
CONTACT_LINE = "{role}：{name}{phone}"
CONTACT_PHONE = "，电话 {phone}"
CONTACTS_NONE = "{place}暂时没有登记负责人，有事直接在这里说，社区会安排人处理。"
CONTACTS_NEED_HOME = (
    "请先告诉我们您家的地址，比如“绑定 3栋2单元501”，我们再告诉您负责您家的网格长和居民代表。"
)

# --- notices off and on (退订 / 订阅) --------------------------------------------------------
NOTICES_OFF = (
    "好的，社区的活动通知和政策提醒以后不再发给您。您报的事有进展还会告诉您。想恢复的话回复“订阅”。"
)
NOTICES_ON = "好的，社区的通知和提醒会照常发给您。不想收的话回复“退订”。"
OPEN_HOLE_ADVICE = "方便的话在旁边放个显眼的东西（纸箱、椅子）提醒行人，看好孩子绕开走。"
# bot/roster/doors.py: a unit or room no building has (绑定 1栋9单元9999)
DOUBTFUL_DOOR = {
    "unit": "{place}：{unit}单元好像不对，麻烦再核对一下单元号？",
    "room": "{place}：房号{room}好像不对（房号一般是楼层加门牌，比如15楼2号是1502），麻烦再核对一下？",
}
BIND_DOUBTFUL_AGAIN = "核对好了请再发一次，比如“绑定 3栋2单元501”。"
CONSOLE_DOUBTFUL_DOOR = {
    "unit": "{unit}单元好像不对，请核对单元号。",
    "room": "房号 {room} 好像不对（房号一般是楼层加门牌，比如 1502），请核对。",
}
CONSOLE_UNKNOWN_BUILDING = "花名册里没有 {building}栋，请核对楼号（或先更新花名册）。"
HELD_OR_EARLIER = (
    "{what}收到了。是新的事的话，直接说说是什么情况，{what}会附在新工单上；"
    "是补充工单 #{number}（{summary}）的，回复“{number}”。"
)
SENT_WHAT = {"image": "图片", "location": "位置"}  # what HELD_OR_EARLIER's {what} names
ATTACHED_TO = "好的，工单 #{number}。"
PRIVACY_WITHDRAWN = (
    "好的，您删除个人信息的申请已撤回，您的信息照常保留。以后需要的话再发“删除我的信息”。"
)
PRIVACY_NOTHING_TO_WITHDRAW = "您现在没有待处理的删除申请，您的信息照常保留。"

# --- an emergency in a building several estates have: out at once to the first, and asked ----
URGENT_ESTATE_UNSURE = (
    "\n{building}栋{others}也有，已先按{first}派人；{choices}回复小区名，不对的话我们马上改派。"
)
HISTORY_ESTATE_UNSURE = "小区待确认：{others}也有{building}栋，先按{first}派单，已问居民"

# --- a report that may be dangerous (texts.possible_danger) ---------------------------------
CHECK = "网格长会马上联系您核实。"
# ... while it waits for its address (or estate): nobody has heard of it yet, nothing is
# promised for now (found from outside: the promise was made, and nobody was told)
CHECK_AFTER_ADDRESS = "告诉我们地址后，网格长会马上联系您核实。"
FOLLOWED_UP = "；我们已请网格员跟进。"  # the end of some tips: not true while it waits

# --- a building the estate named does not have (东亭5栋 where 东亭 has 3栋 and 4栋) ----------
ESTATE_LACKS = "{estate}只有{buildings}，没有{building}栋"
ESTATE_GUESS = "，是不是{other}{building}栋？"
# an emergency's answered place is doubted: it stays with whoever already has it
URGENT_PLACE_DOUBTED = "{lack}工单 #{number} 先由已经收到的同志继续跟进。"
URGENT_GUESS_THEN = "是的话回复“是”，不是的话请再告诉我们是哪个小区几栋。"
URGENT_CHECK_BUILDING = "。麻烦再核对一下是几栋，比如“{example}”。"
REPORT_ESTATE_LACKS = (
    "\n（{lack}社区工作人员会跟您核实地址；写错了的话直接发正确的地址，比如“{example}2单元501”。）"
)
# 「不对，是9栋」 to a building the estate lacks: the order stays where it was (found from
# outside: it moved there silently, and the representative of the real building was stood down)
PLACE_CORRECTION_NO_SUCH = "我们小区的名单里没有{building}栋"
PLACE_CORRECTION_DOUBTED = "{lack}，工单 #{number} 的地址先不改。麻烦再核对一下楼号，写对了再发一次，比如“不对，是{example}”。"
