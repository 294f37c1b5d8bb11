"""What a resident hears when a score or a "not fixed" could be about more than one order.
Part of bot.texts (re-exported there; import bot.texts)."""

# a plain score just after the office reopened one order, with another still awaiting a
# verdict: the score is not put on the other one unasked
SURVEY_WITHDRAWN_WAITING = (
    "工单 #{number} 已经重新办理，办好后会再请您评价，这次的分数先不记。"
    "如果是给{orders}评分，请发“#单号 分数”，比如“#{other} {score}”。"
)
# 还是坏的 with several orders just finished and none named
WHICH_NOT_FIXED = "您最近办结的工单有：{orders}。是哪一张还没解决好？请回复“#单号 没修好”，比如“#{number} 没修好”。"
# 师傅根本没来 right after the resident reopened an order: added to that one
NOT_FIXED_NOTED = (
    "收到，已把您说的补充到刚重新打开的工单 #{number}，负责的同志会看到，有进展会通知您。"
    "如果说的是别的工单，请回复“#单号 没修好”。"
)
