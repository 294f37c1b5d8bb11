"""A member's word about an order, said their own way rather than as a command.

已完成 333，灯泡换好了 / 333完成了 / 333 已办好 complete order 333 as 完成 333 does; any other
message that starts with the number of an order the member holds (333 灯泡买好了，明天去换) is
answered with the commands for it. Found from outside: these were read as a resident's report,
opened a new repair order sent to the office, or got the resident's fallback.
"""

from __future__ import annotations

import re
from typing import Any

from bot import texts
from bot.chat.filters import HasText, MsgType, halfwidth, without_assent
from bot.chat.router import Router
from bot.clock import Clock
from bot.config import Config
from bot.intake.normalize import simplified
from bot.messages import Incoming
from bot.orders.lifecycle import HELD_VALUES
from bot.orders.service import OrderService
from handlers.members import AsMember
from handlers.reports import parse_here
from models.community import Member
from models.orders import Order

router = Router("member status")

_DONE = r"(?:已经?|都)?(?:完成|办结|办好|办完|修好|弄好|搞定|处理好|处理完|解决)了?"
_NUMBER = r"(?:工单|单号)?\s*#?\s*(?P<n>\d{1,12})\s*号?单?"
# 已完成 333，灯泡换好了: the done word first, then the number and what was done
_DONE_FIRST = re.compile(rf"^{_DONE}\s*{_NUMBER}(?P<note>(?:[\s,，。.!！:：;；、].*)?)$", re.S)
# 333完成了, 333 已办好, #333 已经修好了，灯泡换了新的
_NUMBER_FIRST = re.compile(rf"^{_NUMBER}\s*{_DONE}(?P<note>.*)$", re.S)
# 333完成了吗？ asks; it does not say so
_ASKS = re.compile(r"(?:吗|么|没有?|[?？])[\s。.!！~?？]*$")
# 333 灯泡买好了: a message that starts with an order's number (not 3栋, 12点, 501室 …)
_STARTS_WITH_NUMBER = re.compile(
    r"^#?\s*(\d{1,12})(?!\d|\s*(?:栋|幢|号楼|楼|单元|层|室|座|点|分|元|块|米|个|岁|天|次|年|月|日|[:.]\d))"
)


def _plain(message: Incoming) -> str:
    """The text as these patterns read it: half-width, simplified, no leading 好的/收到."""
    return simplified(without_assent(halfwidth(message.text))).strip()


class SaysDone:
    """Matches 已完成 333 … / 333完成了; injects ``number`` and ``note``."""

    def __call__(self, message: Incoming, data: dict[str, Any]) -> bool | dict[str, Any]:
        text = _plain(message)
        m = _DONE_FIRST.match(text) or _NUMBER_FIRST.match(text)
        if m is None or _ASKS.search(text):
            return False
        return {"number": int(m.group("n")), "note": m.group("note").strip(" ，,。.!！:：;；、")}


class NotOwnReport:
    """Passes unless the number is the sender's own report (a member is a resident too: 333修好了
    about their own home's order is the resident's word, read as such)."""

    async def __call__(self, message: Incoming, data: dict[str, Any]) -> bool:
        order = await data["orders"].session.get(Order, data["number"])
        return order is None or order.resident_openid != message.openid


@router.message(MsgType("text", "voice"), HasText(), SaysDone(), NotOwnReport(), AsMember())
async def done(member: Member, number: int, note: str, orders: OrderService) -> str:
    order = await orders.resolve(member, number, note)
    return texts.MEMBER_RESOLVED_OK.format(number=order.id)


class StartsWithNumber:
    """Matches a message that starts with what may be an order's number; injects ``number``.
    Checked before the member is looked up: most messages start with no number."""

    def __call__(self, message: Incoming, data: dict[str, Any]) -> bool | dict[str, Any]:
        m = _STARTS_WITH_NUMBER.match(_plain(message))
        return {"number": int(m.group(1))} if m else False


class HeldByMember:
    """Matches when ``number`` is an order the member holds; injects whether it is accepted
    yet. An emergency in the message is left to be reported as one."""

    async def __call__(self, message: Incoming, data: dict[str, Any]) -> bool | dict[str, Any]:
        order = await data["orders"].session.get(Order, data["number"])
        member: Member = data["member"]
        if order is None or order.assignee_id != member.id or order.status not in HELD_VALUES:
            return False
        clock: Clock = data["clock"]
        config: Config = data["config"]
        if parse_here(message.text, clock, config).urgent:
            return False
        return {"waiting": order.status == "assigned"}


@router.message(MsgType("text", "voice"), HasText(), StartsWithNumber(), AsMember(), HeldByMember())
async def about_held(number: int, waiting: bool) -> str:
    hint = texts.MEMBER_ABOUT_WAITING if waiting else texts.MEMBER_ABOUT_HELD
    return hint.format(number=number)
