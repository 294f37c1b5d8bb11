"""What a resident reads when the bot must ask what a follow-up is about (which of several
emergencies), or whether something already over needs anyone. Part of bot.texts (re-exported
there; import bot.texts)."""

WHICH_EMERGENCY = (
    "您现在有几张紧急工单还开着，这句话说的是哪一件？回复工单号就行，比如“{number}”：\n{orders}"
)
WHICH_EMERGENCY_LINE = "#{number} {summary}"
JUST_TELLING = (
    "谢谢您告诉我们，事情已经过去就好，这次先不登记工单。"
    "需要社区跟进的话回复“需要”，我们马上登记派人。"
)
JUST_TELLING_NO = "好的，不登记。以后有需要随时发消息给我们。"
