"""A phone number sent on its own after a report (我电话139…，师傅来之前打个电话, 有事打我电话
139…, the number alone): kept on the resident's newest open order and its holder told, not
read as 查询 or filed as an order of its own (found from outside, pass 9: the order kept
电话 — and a new one read 有事打我电话)."""

from __future__ import annotations

from bot import texts
from bot.intake import ParseResult
from bot.intake.phones import find_phones
from bot.messages import Incoming
from bot.orders import queries
from bot.orders.duplicates import content_chars, things
from bot.orders.service import OrderService

# the words around a number given to be called on; whatever else a message says is more than that
_CONTACT_WORDS = (
    "联系方式",
    "联系电话",
    "手机号码",
    "手机号",
    "手机",
    "电话号码",
    "电话",
    "号码",
    "有事",
    "打我",
    "打给我",
    "打个",
    "打一下",
    "联系我",
    "找我",
    "师傅",
    "来之前",
    "上门前",
    "到了",
    "之前",
    "提前",
    "随时",
    "方便",
    "可以",
    "麻烦",
    "请",
    "先",
    "给我",
    "我的",
    "我",
    "是",
    "这个",
    "留个",
    "新号",
    "换号了",
    "号",
    "吧",
    "哦",
    "啊",
    "呢",
    "谢谢",
    "一下",
    "打",
    "来",
)
_LEFT_MAX = 1  # content characters left beside the contact words


def only_a_phone(text: str, parsed: ParseResult) -> bool:
    """``text`` gives a phone number to be called on and says nothing else."""
    if not parsed.phones or parsed.urgent or parsed.danger or parsed.address is not None:
        return False
    if parsed.intent in ("cancel", "help", "bind") or things(text):
        return False
    left = text
    for found in reversed(find_phones(text)):
        left = left[: found.start] + " " + left[found.end :]
    for word in _CONTACT_WORDS:
        left = left.replace(word, " ")
    return len(content_chars(left)) <= _LEFT_MAX


async def phone_for_open_order(message: Incoming, orders: OrderService, parsed: ParseResult) -> str:
    """The number kept on the newest open order, whose holder is told; "" when the message is
    not only a number or the resident has no open order."""
    if not only_a_phone(message.text, parsed):
        return ""
    still_open = await queries.open_orders_of(orders.session, message.openid)
    if not still_open:
        return ""
    order = still_open[0]
    if set(parsed.phones) <= set(order.phones or []):
        return texts.PHONE_ALREADY_KEPT.format(number=order.id)
    text = message.text.strip()
    await orders.hurry(order, message.openid, text, True, *parsed.phones)
    return texts.PHONE_KEPT.format(number=order.id)
