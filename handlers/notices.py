"""A resident turning the account's notices off or back on: 退订, 以后不要再给我发通知了,
订阅. Found from outside: 以后不要再给我发通知了 was read as 'cancel' and cancelled the
resident's open report, and there was no way to stop the broadcasts."""

from __future__ import annotations

import re

from bot import texts
from bot.clock import Clock
from bot.messages import Incoming
from bot.orders.service import OrderService
from bot.roster import residents

_OFF = re.compile(
    r"^\s*(?:退订|取消订阅|取消推送|关闭通知|关掉通知|屏蔽通知)\s*[。.!！]*\s*$"
    r"|(?:不要|别|不用|不想|甭)(?:再|老)?(?:给我|跟我)?(?:发|推|推送|收到?|接收)(?:什么)?"
    r"(?:通知|消息|广播|推送|提醒|活动)"
)
_ON = re.compile(r"^\s*(?:订阅|恢复通知|重新订阅|打开通知|开启通知|恢复推送)\s*[。.!！]*\s*$")
_MAX = 30  # characters: a longer message says something else too


def notices_asked(text: str) -> bool | None:
    """False to turn notices off, True to turn them on, None when the text asks neither."""
    if len(text) > _MAX:
        return None
    if _ON.search(text):
        return True
    return False if _OFF.search(text) else None


async def set_notices(message: Incoming, orders: OrderService, clock: Clock, on: bool) -> str:
    await residents.set_notices(orders.session, message.openid, on, clock.now())
    return texts.NOTICES_ON if on else texts.NOTICES_OFF
