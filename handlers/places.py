"""The answer to 「您是哪个小区的？」: the waiting report is filed in the estate named."""

from __future__ import annotations

from typing import Any

from bot import texts
from bot.chat import conversation
from bot.chat.conversation import Pending
from bot.chat.filters import HasText, MsgType, State
from bot.chat.router import Router
from bot.clock import Clock
from bot.config import Config
from bot.messages import Incoming
from bot.orders.dispatch import Place
from bot.orders.service import OrderService
from bot.roster.cache import RosterView
from handlers.locate import ASK_ESTATE, Option, gazetteer, question
from handlers.questions import SMALL_TALK, new_matter
from handlers.reports import file_waiting, parse_here
from handlers.resident import on_text

router = Router("places")


def _chosen(view: RosterView, answer: str, options: list[Option]) -> Option | None:
    text = answer.strip().rstrip("。.!！")
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1]
    named = {e.key for e in gazetteer(view).find(text)}
    fits = [o for o in options if (o.community, o.estate) in named]
    if len(fits) == 1:
        return fits[0]
    fits = [o for o in options if o.name and o.name in text]
    return fits[0] if len(fits) == 1 else None


@router.message(MsgType("text", "voice"), HasText(), State(ASK_ESTATE))
async def answer_estate(
    message: Incoming,
    pending: Pending,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None = None,
) -> str:
    """The resident says which estate: the waiting report is filed there. Small talk is
    answered with a reminder (handlers/__init__.py); a new matter, or a second answer that
    names no estate, files the waiting report without one (staff will sort it out)."""
    data = pending.data
    options = [
        Option(int(o["community"]), o.get("estate"), str(o["name"])) for o in data["options"]
    ]
    chosen = _chosen(await orders.roster(), message.text, options)
    if chosen is not None:
        await conversation.forget(orders.session, message.openid)
        return await _file(orders, message, data, chosen, clock, config, inbound_id)
    parsed = parse_here(message.text, clock, config)
    if parsed.intent == "chat" and parsed.chat_kind in SMALL_TALK:
        return await on_text(message, orders, clock, config, inbound_id)
    if new_matter(message, parsed):
        await conversation.forget(orders.session, message.openid)
        filed = await _file(orders, message, data, None, clock, config, None)
        answer = await on_text(message, orders, clock, config, inbound_id)
        # an emergency's numbers come first, the earlier report's filing after
        return f"{answer}\n{filed}" if parsed.urgent else f"{filed}\n{answer}"
    if int(data.get("tries", 0)) >= 1:
        await conversation.forget(orders.session, message.openid)
        return await _file(orders, message, data, None, clock, config, inbound_id)
    again = {**data, "tries": 1}
    await conversation.remember(orders.session, message.openid, ASK_ESTATE, again, clock.now())
    return texts.ASK_ESTATE_AGAIN + question(options)


async def _file(
    orders: OrderService,
    message: Incoming,
    data: dict[str, Any],
    chosen: Option | None,
    clock: Clock,
    config: Config,
    inbound_id: int | None,
) -> str:
    building, unit, room = data["place"]
    place = Place(building, unit, room)
    if chosen is not None:
        place = Place(building, unit, room, chosen.estate, chosen.community)
    reply, _ = await file_waiting(orders, message, data, place, clock, config, inbound_id)
    return reply if chosen is not None else texts.ESTATE_SKIPPED + reply
