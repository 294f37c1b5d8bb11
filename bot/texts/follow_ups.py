"""What a resident reads when they say more after a report: more about an emergency, that it
is not one, "hurry up", or which home is on file. Part of bot.texts (re-exported there;
import bot.texts)."""

DETAIL_NOTED = "已把您说的情况补充到紧急工单 #{number}，负责的同志马上会收到。"
EMERGENCY_CALMED = (
    "明白了，工单 #{number} 已改为普通工单，不再按紧急情况处理；您的说明已转给负责的同志。"
)
EMERGENCY_CALMED_ASK_PLACE = "\n这件事在哪栋楼几单元几号？比如“3栋2单元501”，我们好派对的人去。"
HURRY_NOTED = "收到，已为您催办工单 #{number}，负责的同志马上会收到提醒。情况有变化请随时告诉我们。"
HOME_ON_FILE = "您登记的家庭地址是：{place}。不对的话发“绑定 新地址”修改，比如“绑定 3栋2单元501”。"
HOME_NOT_ON_FILE = (
    "您还没有登记家庭地址。发“绑定 3栋2单元501”这样的消息就能登记，以后报事不用再说地址。"
)
NOTE_ADDED = "收到，已把您说的补充到工单 #{number}，负责的同志会看到，有进展会通知您。"
HOME_ALREADY_FULLER = (
    "您登记的家庭地址是：{place}，比这次说的更完整，就不改了。搬家了的话请发完整的新地址，"
    "比如“绑定 3栋2单元501”。"
)
NOTE_STATUS_HELD = "目前由{who}负责，状态：{status}。"
NOTE_STATUS_ARRANGING = "目前社区正在安排人员。"
PREFERRED_NOTED = "您方便的时间记为：{when}，不对的话直接回复正确的时间。"
SEVERAL_FILED = "您说了 {count} 件事，分开登记了："
REPORT_REPLACED = "好的，刚才的工单 #{number} 已撤回，按您说的重新登记：\n"
ASKED_TOO = "（居民还问：{question}）"
SIDE_QUESTION_KEPT = (
    "您问的“{question}”记下了，会和这件事一起转给负责的同志答复。"
    "请问您家住哪栋楼、几单元、门牌号？不方便说的话回复“跳过”。"
)
# the report kept for its address turned out to be one already open (handlers/waiting.py)
PENDING_JOINED = "您刚才说的“{summary}”和工单 #{number} 是同一件事，已补充到这张工单上。\n"
# the address given for one emergency, also given to the resident's others without one
ADDRESS_ALSO_FOR = (
    "\n这个地址也补充到了您刚才报的紧急工单 {numbers}，那里的网格长会马上收到；"
    "如果不在同一个地方，请告诉我们。"
)
# a phone number sent after a report (我电话139…，师傅来之前打个电话): kept on the order
PHONE_KEPT = "收到，已把您的电话记到工单 #{number}，负责的同志会打这个电话联系您。"
PHONE_ALREADY_KEPT = "您的这个电话已经记在工单 #{number} 上了，负责的同志会联系您。"
