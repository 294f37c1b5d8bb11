"""An answer to 「您家住哪栋楼？」 that gives no address: a question about the waiting request,
more about it, a new request, a try at the place, or nothing at all.

Found from outside: every such answer but the first was taken for "no address" — the waiting
report was filed without one, and the message itself (我要投诉, 物业电话多少) was lost; 。。。
counted as 跳过. Now only 跳过 (or 不知道: the resident cannot say) files it without an address;
a new request files the waiting one first and is handled as usual; more about the waiting
matter (热水器打不着火, 电话…, 明天上午在家) goes with it; anything else is asked again.
"""

from __future__ import annotations

import re
from typing import Any

from bot import texts
from bot.chat import conversation
from bot.clock import Clock
from bot.config import Config
from bot.intake import ParseResult
from bot.messages import Incoming
from bot.orders.duplicates import same_problem
from bot.orders.service import OrderService
from handlers.reports import ASK_ADDRESS
from handlers.resident import on_text
from handlers.waiting import file_before_new_matter

# 几点开始？ 要带什么吗？ asked while the address is asked: about the waiting request itself
_ABOUT_IT = re.compile(r"[?？]\s*$|[吗呢么]\s*$|几点|什么时候|啥时候|多少钱|收费|要带|在哪|哪里")
_ABOUT_IT_MAX = 30
# 不知道, 记不清了: the resident cannot give the address — as plain as 跳过
_CANNOT_SAY = re.compile(
    r"^(?:我)?(?:也)?(?:不知道|不清楚|不记得|记不清|说不清|忘了)(?:了|啊|呀)?[。.!！]*$"
)
# 靠近东门那栋, 一楼, 楼上: a try at the place, not a new request
_PLACE_WORDS = re.compile(r"栋|幢|楼|单元|门|层|号|边|附近|旁边|对面|隔壁")
_REQUEST_MIN = 4  # characters: 我要投诉
_SUMMARY = 20  # characters of the waiting request named back


def asks_about_it(text: str) -> bool:
    return len(text.strip()) <= _ABOUT_IT_MAX and _ABOUT_IT.search(text.strip()) is not None


def cannot_say(text: str) -> bool:
    return _CANNOT_SAY.match(text.strip()) is not None


async def keep_question(
    message: Incoming, data: dict[str, Any], orders: OrderService, clock: Clock
) -> str:
    """A question about the waiting request (几点开始？) goes with it to whoever takes it, and
    the address is asked on. Found from outside: it got '没看出地址' and was lost."""
    asked = message.text.strip()
    text = str(data.get("text") or "") + texts.ASKED_TOO.format(question=asked)
    kept = {**data, "text": text}
    await conversation.remember(orders.session, message.openid, ASK_ADDRESS, kept, clock.now())
    return texts.SIDE_QUESTION_KEPT.format(question=asked)


async def not_an_address(
    message: Incoming,
    parsed: ParseResult,
    data: dict[str, Any],
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None,
) -> str:
    """The answer gave no place and is no 跳过: what becomes of it (the module's rules)."""
    text, waiting = message.text.strip(), str(data.get("text") or "")
    session, openid = orders.session, message.openid
    told = parsed.intent == "order" and same_problem(text, waiting)
    if told or parsed.phones or parsed.preferred_time is not None:
        kept = {**data, "text": f"{waiting}，{text}"}
        await conversation.remember(session, openid, ASK_ADDRESS, kept, clock.now())
        return texts.DETAIL_KEPT
    if parsed.intent == "order" and len(text) >= _REQUEST_MIN and not _PLACE_WORDS.search(text):
        filed = await file_before_new_matter(orders, message, data, clock, config)
        return filed + await on_text(message, orders, clock, config, inbound_id)
    tries = int(data.get("tries", 0))
    await conversation.remember(
        session, openid, ASK_ADDRESS, {**data, "tries": tries + 1}, clock.now()
    )
    if tries < 1:
        return texts.ASK_ADDRESS_AGAIN
    return texts.ASK_ADDRESS_STILL.format(summary=waiting[:_SUMMARY])
