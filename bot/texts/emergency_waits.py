"""What a resident reads while an emergency of theirs is open and nobody has come yet: the
push when nobody has taken it, the question when they said it was over, the answer to 有人吗,
and to a bare 嗯. Part of bot.texts (re-exported there; import bot.texts)."""

from __future__ import annotations

from collections.abc import Sequence

_WAITING = "您的紧急求助 #{number} 暂时还没有人接手，我们正在加紧联系社区工作人员和街道值班人员。"
# the kind of danger is not known: every line that may fit
_ANY_LINE = "如果情况危急，请不要等待，直接拨打 110、119 或 120。"
_LINES = "如果情况危急，请不要等待，直接拨打 {lines}。"


def call_now(lines: Sequence[str] | None) -> str:
    """Do not wait for us: ``lines`` are the emergency's numbers with their names (96333（电梯
    应急救援）); None when its kind is not known, empty when no number fits its kind."""
    if lines is None:
        return _ANY_LINE
    return _LINES.format(lines="、".join(lines)) if lines else ""


def urgent_waiting(number: int, lines: Sequence[str] | None) -> str:
    """Nobody has taken emergency #``number`` yet (``lines``: as for :func:`call_now`)."""
    return _WAITING.format(number=number) + call_now(lines)


RESIDENT_URGENT_SETTLED = (
    "您之前说紧急求助 #{number} 那边已经没事了。如果不再需要社区的人跟进，回复“取消 {number}”"
    "就可以结束这张工单；还需要帮忙的话，直接告诉我们。"
)
STATE_URGENT_SETTLED = "请您确认"

# 有人吗？ / 人呢 while an emergency is open: its state, and the numbers again
ANYONE_NOT_TAKEN = "紧急工单 #{number} 还没有人接单，已经再次催负责的同志和社区工作人员了。"
ANYONE_HELD = "紧急工单 #{number} 目前由{who}负责（{status}），已经再次提醒了。"
# ... when the resident already said it was over (人已经出来了，没事了): no numbers to dial again
ANYONE_SETTLED = (
    "您之前说那边已经没事了。如果不再需要社区的人跟进，回复“取消 {number}”就可以结束这张工单；"
    "还需要帮忙的话，直接告诉我们。"
)
# 嗯 / 好 / 哦 while an emergency is open: nothing new to pass on
FILLER_EMERGENCY = "好的。紧急工单 #{number} 我们一直在跟进，有新情况随时告诉我们。"
