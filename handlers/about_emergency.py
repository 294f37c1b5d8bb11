"""Is a message sent after an emergency about it? Found from outside: for two hours after a
fall, 电梯里有人抽烟, 我家孩子在阳台上晒被子 and 昨天小区里有人吵架，已经没事了 were all added to
the fall as the resident's news, and none became a report of its own.

A message is about the emergency when it tells more of the same danger (its words belong to
that kind: 醒, 血, 救护车 for a fall; 烟, 火 for a fire), of the same person (孩子 for the child
at the window, not for a fall of 老伴), of the same thing (电梯 for a lift), or says how it
went since (人送医院了, 消防车来了) — not of something over on another day."""

from __future__ import annotations

import re

from bot.intake import ParseResult
from bot.orders.duplicates import things
from handlers.just_telling import only_telling
from handlers.which_emergency import kinds_named
from models.orders import Order

# who a message speaks of: the same person as the emergency's, or someone else
_WHO = re.compile(
    r"老人|老太太|老爷子|老伴|孩子|小孩|宝宝|奶奶|爷爷|外婆|外公|姥姥|姥爷|我妈|我爸|妈妈|爸爸"
    r"|老公|老婆|媳妇|儿子|女儿|邻居|室友"
)
# another day than the emergency's two hours: 昨天小区里有人吵架
_ANOTHER_DAY = re.compile(r"昨天|昨晚|前天|前几天|上周|上个?星期|上个?月|去年|那天")


def about_emergency(text: str, parsed: ParseResult, order: Order, news: bool) -> bool:
    """``text`` tells more of ``order`` (an open emergency); ``news`` when it says how things
    went since (人已经送医院了)."""
    if only_telling(text, parsed):
        return False  # something over, told for the record: never the emergency's news
    if parsed.urgent or order.hazard in kinds_named(_WHO.sub("", text)):
        return True  # (an urgent danger of another kind was left out before: follow_up.py)
    if not set(_WHO.findall(text)).isdisjoint(_WHO.findall(order.text)):
        return True
    if not things(text).isdisjoint(things(order.text)):
        return True
    return news and _ANOTHER_DAY.search(text) is None
