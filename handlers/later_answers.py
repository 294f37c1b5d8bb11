"""Answers to the two questions asked about a follow-up rather than a report: which of the
resident's emergencies it is about (handlers/which_emergency.py), and whether something
already over needs anyone (handlers/just_telling.py). An answer that is neither is handled
as usual, and the question is dropped."""

from __future__ import annotations

import re
from dataclasses import replace

from bot import texts
from bot.chat import conversation
from bot.chat.conversation import Pending
from bot.chat.filters import HasText, MsgType, State
from bot.chat.router import Router
from bot.clock import Clock
from bot.config import Config
from bot.messages import Incoming
from bot.orders import queries
from bot.orders.lifecycle import OPEN_VALUES
from bot.orders.service import OrderService
from handlers.follow_up import calm_order
from handlers.just_telling import JUST_TELLING
from handlers.reports import parse_here
from handlers.resident import on_text
from handlers.several import report_each
from handlers.which_emergency import WHICH_EMERGENCY, named_in_answer
from models.orders import Order

router = Router("follow-up questions")

_NEED = re.compile(
    r"^(?:需要|要|是|是的|对|嗯|好|好的|麻烦|请)(?:的|处理|来|人|派人|一下|了)*[。!！]*$"
)
_NO_NEED = re.compile(
    r"^(?:不用|不需要|不要|没事|没事了|不了|算了|没有)(?:了|的|啊|谢谢)*[。!！]*$"
)


@router.message(MsgType("text", "voice"), HasText(), State(WHICH_EMERGENCY))
async def answer_which(
    message: Incoming,
    pending: Pending,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None = None,
) -> str:
    """The emergency the kept follow-up is about, as the resident named it: the follow-up
    goes to it (noted, or the order made an ordinary one)."""
    await conversation.forget(orders.session, message.openid)
    candidates: list[Order] = []
    for number in pending.data.get("orders") or []:
        found = await queries.find(orders.session, int(number))
        if found is not None and found.status in OPEN_VALUES and found.urgent:
            candidates.append(found)
    meant = named_in_answer(message.text, candidates)
    if meant is None:
        return await on_text(message, orders, clock, config, inbound_id)
    text = str(pending.data.get("text") or "")
    if pending.data.get("action") == "calm":
        return await calm_order(orders, message.openid, meant, text)
    await orders.hurry(meant, message.openid, text, detail=True)
    return texts.DETAIL_NOTED.format(number=meant.id)


@router.message(MsgType("text", "voice"), HasText(), State(JUST_TELLING))
async def answer_need(
    message: Incoming,
    pending: Pending,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None = None,
) -> str:
    """需要: the message kept is filed as a report; 不用: nothing is; anything else is read
    as usual."""
    await conversation.forget(orders.session, message.openid)
    answer = message.text.strip()
    if _NO_NEED.match(answer):
        return texts.JUST_TELLING_NO
    if not _NEED.match(answer):
        return await on_text(message, orders, clock, config, inbound_id)
    kept = str(pending.data.get("text") or "")
    source = pending.data.get("inbound_id")
    told = replace(message, content=kept)
    parsed = replace(parse_here(kept, clock, config), intent="order")
    # filed as a report now that someone is wanted: not asked again whether it is needed
    return await report_each(
        orders, told, parsed, clock, int(source) if source else inbound_id, asked=True
    )
