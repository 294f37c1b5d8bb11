"""A resident's privacy in chat: the notice (隐私) and a request to be erased (删除我的信息).

The request is recorded for the office (``mulin privacy requests``; the erase itself is
``mulin privacy erase``, done by a person who checks who is asking), and the community's
staff are told; the resident is told what happens next.
"""

from __future__ import annotations

import re
from typing import Any

from bot import texts
from bot.chat.filters import Command
from bot.chat.router import Router
from bot.clock import Clock
from bot.messages import Incoming
from bot.orders.service import OrderService
from bot.outbox import enqueue
from bot.outbox.templates import digest_fields
from bot.privacy.records import open_request, withdraw_request
from bot.roster import residents
from bot.roster.residents import home_place

router = Router("privacy")


@router.message(Command("隐私", "隐私说明", "隐私政策"))
async def notice() -> str:
    return texts.PRIVACY_NOTICE


_ERASE = "删除|删掉|删了|删去|清除|清空|注销|销毁|抹掉"
_MINE = r"(?:我|本人|我们家|我家)的?(?:个人)?(?:信息|资料|数据|记录|隐私|住址|电话)"
# 请把我的个人信息删掉, 我不用了 把我的资料都删了吧, 注销我的数据: a wish to be erased in
# the resident's own words (never a withdrawal of their orders); 别删 / 不要删 is not one
_WISH = re.compile(
    rf"(?:{_ERASE})(?:掉|了|吧)?.{{0,4}}{_MINE}|{_MINE}.{{0,8}}(?<!不要)(?<!别)(?:{_ERASE})"
)
_HOW = re.compile(r"怎么|怎样|如何|能不能|可以吗|可不可以|吗[?？]?$|[?？]$")


def erasure_wish(message: Incoming, data: dict[str, Any]) -> bool:
    text = message.text
    return len(text) <= 60 and _WISH.search(text) is not None and _HOW.search(text) is None


def erasure_question(message: Incoming, data: dict[str, Any]) -> bool:
    """怎么删除我的信息: told how (the notice), nothing filed."""
    text = message.text
    return len(text) <= 60 and _WISH.search(text) is not None and _HOW.search(text) is not None


# 我不想删了，撤回刚才的删除申请: the request taken back (found from outside: it was offered
# a list of the resident's orders to cancel instead)
_TAKE_BACK = re.compile(
    r"(?:撤回|撤销|取消)(?:刚才的|我的)?(?:删除|注销)(?:信息)?(?:的)?申请|不(?:想|要|用)删了|别删了|先不删"
)


def erasure_withdrawn(message: Incoming, data: dict[str, Any]) -> bool:
    return len(message.text) <= 60 and _TAKE_BACK.search(message.text) is not None


@router.message(erasure_withdrawn)
async def erase_withdraw(message: Incoming, orders: OrderService, clock: Clock) -> str:
    if await withdraw_request(orders.session, message.openid, clock.now()):
        return texts.PRIVACY_WITHDRAWN
    return texts.PRIVACY_NOTHING_TO_WITHDRAW


@router.message(erasure_question)
async def erase_how() -> str:
    return texts.PRIVACY_NOTICE


@router.message(Command("删除我的信息", "删除我的个人信息", "删除个人信息", "注销我的信息"))
@router.message(erasure_wish)
async def erase_request(message: Incoming, orders: OrderService, clock: Clock) -> str:
    session, now = orders.session, clock.now()
    if not await open_request(session, message.openid, message.text, now):
        return texts.PRIVACY_ALREADY_REQUESTED
    view = await orders.roster()
    home = await residents.home_of(session, message.openid)
    community = home_place(home).community if home is not None else None
    index = view.index_for(community)
    for key in index.staff or index.street_staff:
        member = view.by_key.get(key)
        if member is None or not member.openid or not member.active:
            continue
        await enqueue(
            session,
            purpose="reminder",
            recipient=member.openid,
            text=texts.PRIVACY_REQUEST_FOR_STAFF,
            template_fields=digest_fields(texts.PRIVACY_REQUEST_TITLE, f"{now:%Y-%m-%d}"),
            dedupe_key=f"privacy:{message.openid}:{now:%Y%m%d}:{member.key}",
            now=now,
        )
    return texts.PRIVACY_REQUESTED
