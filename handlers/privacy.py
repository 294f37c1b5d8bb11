"""A resident's privacy in chat: the notice (隐私) and a request to be erased (删除我的信息).

The request is recorded for the office (``mulin privacy requests``; the erase itself is
``mulin privacy erase``, done by a person who checks who is asking), and the community's
staff are told; the resident is told what happens next.
"""

from __future__ import annotations

from bot import texts
from bot.chat.filters import Command
from bot.chat.router import Router
from bot.clock import Clock
from bot.messages import Incoming
from bot.orders.service import OrderService
from bot.outbox import enqueue
from bot.outbox.templates import digest_fields
from bot.privacy.records import open_request
from bot.roster import residents
from bot.roster.residents import home_place

router = Router("privacy")


@router.message(Command("隐私", "隐私说明", "隐私政策"))
async def notice() -> str:
    return texts.PRIVACY_NOTICE


@router.message(Command("删除我的信息", "删除我的个人信息", "删除个人信息", "注销我的信息"))
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
