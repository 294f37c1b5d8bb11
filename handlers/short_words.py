"""Two short words while an emergency of the resident's is open. Found from outside: 有人吗？
with a stuck lift nobody had taken got "没太看明白", and 人呢 and a bare 嗯 went to the lift's
handlers as "the resident added information".

有人吗 / 人呢 asks whether anyone is coming: the emergency is chased, and the answer says who
has it, or that nobody has yet and which numbers not to wait to call. A bare 嗯 / 好 / 哦 says
nothing new: acknowledged, and nobody is pushed. With no emergency open both are read as
usual (a greeting, small talk)."""

from __future__ import annotations

import re
from datetime import timedelta

from bot import texts
from bot.chat.filters import halfwidth
from bot.clock import Clock
from bot.messages import Incoming
from bot.orders import batch
from bot.orders.corrections import UNTAKEN
from bot.orders.service import OrderService
from bot.orders.wording import emergency_lines, who
from models.orders import Order

_END = r"[\s。.,，!！?？~～…]*$"
# is anyone there / coming at all
_ANYONE = re.compile(
    rf"^(?:喂[，,\s]*)?(?:有人吗|有没有人|有人在吗|还有人吗|有人管吗|人呢|人呢人呢|人在哪|人去哪了)(?:啊|呀)?{_END}"
)
# a bare "mm", "OK", "oh", or a few of them (嗯嗯，知道了): nothing to pass on
_NOD = r"(?:嗯+|恩+|噢+|哦+|喔+|啊+|好+|好的|好吧|行|ok|okay|收到|知道了|明白了?)"
_FILLER = re.compile(rf"^{_NOD}(?:[，,\s]*{_NOD})*{_END}", re.I)
# an emergency this recent may still be going on; 有人吗 a day later is not about it
_WINDOW = timedelta(hours=24)
_FILLER_WINDOW = timedelta(hours=2)  # as for more of an emergency (handlers/follow_up.py)


def only_filler(text: str) -> bool:
    """``text`` is a bare 嗯 / 好 / 哦 and nothing else."""
    return _FILLER.match(halfwidth(text).strip()) is not None


async def _open_emergency(orders: OrderService, openid: str, within: timedelta) -> int | None:
    """The number of the resident's newest open emergency of ``within``, one nobody has taken
    first (from the batch's read: most short words are small talk with none open)."""
    found = await batch.open_urgent(orders.session, openid, orders.clock.now(), within)
    untaken = [u for u in found if u.status in UNTAKEN]
    first = untaken or found
    return first[0].id if first else None


async def anyone_there(message: Incoming, orders: OrderService, clock: Clock) -> str:
    """有人吗 / 人呢 with an emergency open: chased, and its state told; "" otherwise."""
    text = message.text.strip()
    if not _ANYONE.match(halfwidth(text)):
        return ""
    number = await _open_emergency(orders, message.openid, _WINDOW)
    order = await orders.session.get(Order, number) if number is not None else None
    if order is None:
        return ""
    await orders.hurry(order, message.openid, text)
    view = await orders.roster()
    holder = view.by_id.get(order.assignee_id) if order.assignee_id else None
    if holder is not None and order.status not in UNTAKEN:
        status = texts.STATUS_NAMES.get(order.status, order.status)
        return texts.ANYONE_HELD.format(number=order.id, who=who(holder), status=status)
    said = texts.ANYONE_NOT_TAKEN.format(number=order.id)
    if order.settled_at is not None:
        # the resident said it is over (没事了): asked whether it can be closed, as the timer's
        # reminder does, not urged to dial 119 again (found from outside)
        return said + texts.ANYONE_SETTLED.format(number=order.id)
    return said + texts.call_now(emergency_lines(order))


async def filler_with_emergency(message: Incoming, orders: OrderService, clock: Clock) -> str:
    """A bare 嗯 / 好 with an emergency just reported: acknowledged, nobody pushed."""
    if not only_filler(message.text):
        return ""
    number = await _open_emergency(orders, message.openid, _FILLER_WINDOW)
    return texts.FILLER_EMERGENCY.format(number=number) if number is not None else ""


async def short_word(message: Incoming, orders: OrderService, clock: Clock) -> str:
    """有人吗 or a bare 嗯 with an emergency open, answered; "" for anything else."""
    return await anyone_there(message, orders, clock) or await filler_with_emergency(
        message, orders, clock
    )
