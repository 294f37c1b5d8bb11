"""What a resident hears when the office reopens an order, and when a score cannot be taken;
what a member hears about an order that left them. Part of bot.texts (re-exported there;
import bot.texts)."""

# the office reopened a resolved order: its survey is withdrawn
RESIDENT_OFFICE_REOPENED = (
    "您的工单 #{number}（{summary}）社区安排重新办理，现在由{who}负责。办好后会再请您评价。"
)
RESIDENT_OFFICE_REOPENED_NOBODY = (
    "您的工单 #{number}（{summary}）社区安排重新办理，正在安排人手。办好后会再请您评价。"
)
# a score sent for the withdrawn survey: asked, not put on another order
SURVEY_WITHDRAWN = "工单 #{number} 已经重新办理，办好后会再请您评价，这次的分数先不记。"
SURVEY_WITHDRAWN_OTHER = (
    "工单 #{number} 已经重新办理，办好后会再请您评价。"
    "如果是想改工单 #{other} 的评分，请发“#{other} {score}”。"
)
RERATE_TOO_LATE = (
    "工单 #{number} 已经评过 {score} 分，超过一小时就不能再改了；还有意见的话，直接告诉我们就行。"
)
# a member names an order that left them — declined (退单), handed on (转派) or moved on by the
# timer: not "not found", not "accept it first", but how it left and who has it now
MEMBER_LEFT_HOW = {
    "declined": "您已退单",
    "passed": "您已转派",
    "timed_out": "因超时未接单已自动转走",
}
MEMBER_DECLINED_HELD = "工单 #{number} {how}，现在由{who}处理，不用您再管了。"
MEMBER_DECLINED_NOBODY = "工单 #{number} {how}，社区正在安排其他人处理，不用您再管了。"
MEMBER_DECLINED_DONE = "工单 #{number} {how}，它现在的状态是“{status}”，不用您再管了。"
