"""A resident letting the community know of something already over (昨天小区里有人吵架，已经没事
了，就是说一声): thanked, and asked whether anyone is needed, not filed. Found from outside: it
became a dispute order and a mediator was chased about it for days."""

from __future__ import annotations

import re

from bot import texts
from bot.chat import conversation
from bot.intake import ParseResult
from bot.messages import Incoming
from bot.orders.service import OrderService

JUST_TELLING = "await_need"  # the message is kept until the resident says it needs someone

# it is over now
_OVER = re.compile(
    r"(?:已经|现在|都|早就)(?:没事|好|解决|处理好|处理完|散|停|走|平息)了|没(?:什么)?事了|平息了"
)
# only telling: 就是说一声, 跟你们说一下, 告诉你们一声
_ONLY_TELLING = re.compile(
    r"说一声|说一下|讲一下|讲一声|告诉(?:你们|您|一下|一声)|知会|报备|提个醒|让你们知道"
)
# it happened before now: 昨天, 前天晚上, 刚才
_BEFORE = re.compile(r"^(?:昨天|昨晚|前天|前几天|上周|上个?星期|刚才|刚刚|早上|上午|中午|下午)")
# something is still wanted or still going: a report after all
_STILL = re.compile(
    r"还|又|但是|可是|不过|能不能|能否|可不可以|请|麻烦|帮忙|希望|需要|要求|处理一下|管一管|管管"
    r"|怎么办|[?？]"
)


def only_telling(text: str, parsed: ParseResult) -> bool:
    """Something over, told for the record: nothing asked, no danger now."""
    if parsed.urgent or parsed.danger is not None or _STILL.search(text):
        return False
    if _OVER.search(text) is None:
        return False
    return _ONLY_TELLING.search(text) is not None or _BEFORE.match(text.strip()) is not None


async def ask_need(
    orders: OrderService, message: Incoming, parsed: ParseResult, inbound_id: int | None
) -> str:
    """Thank the resident and keep the message: "需要" files it (handlers/later_answers.py);
    "" when the message is not only telling, and it is read as a report."""
    if not only_telling(message.text, parsed):
        return ""
    data = {"text": message.text, "inbound_id": inbound_id}
    now = orders.clock.now()
    await conversation.remember(orders.session, message.openid, JUST_TELLING, data, now)
    return texts.JUST_TELLING
