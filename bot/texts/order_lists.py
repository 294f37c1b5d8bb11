"""What a resident reads in the lists of their orders (查询, 取消 alone). Part of bot.texts
(re-exported there; import bot.texts)."""

# after a finished order's state in 查询: who handled it (333现在是谁在办？ about a finished one)
RESIDENT_DONE_BY = "，经办人{name}"
# after 取消's list when more orders are open than it shows
CANCEL_MORE = "\n另外还有 {more} 张未完成的工单没列出：发“查询”查看它们的单号，再回复“取消 #单号”。"
# after an order in 查询 that a neighbour reported and the resident's report joined
ORDER_FOLLOWED_TAG = "（邻居先报的，您也反映过）"
# 取消 12 from a resident whose report joined a neighbour's #12
FOLLOWED_NO_CANCEL = (
    "工单 #{number} 是邻居先报的，您反映的情况已经记在上面，不能由您撤回；"
    "有新情况直接告诉我们就行。"
)
