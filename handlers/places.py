"""The answer to 「您是哪个小区的？」: the waiting report is filed in the estate named, the home
being bound is registered there, and a report filed without its estate (the resident moved on,
or the question lapsed) is placed by the estate's name sent alone later."""

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
from bot.roster import residents
from bot.roster.cache import RosterView
from handlers.locate import ASK_BIND_ESTATE, ASK_ESTATE, Option, gazetteer, question
from handlers.questions import SMALL_TALK, new_matter
from handlers.reports import parse_here, remember_home
from handlers.resident import bind_place, on_text
from handlers.several import file_waiting_each

router = Router("places")
# asked while the estate question is open, answered as usual; the question stays
_ASIDE = ("status", "help")


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
    if (parsed.intent == "chat" and parsed.chat_kind in SMALL_TALK) or parsed.intent in _ASIDE:
        # 水龙头那个师傅什么时候来啊: answered as such; the question stays open and the answer
        # reminds the resident of it (handlers/__init__.py)
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
    if chosen is None:
        return texts.ESTATE_SKIPPED + await file_waiting_each(
            orders, message, data, place, clock, inbound_id
        )
    place = Place(building, unit, room, chosen.estate, chosen.community)
    reply = await file_waiting_each(orders, message, data, place, clock, inbound_id)
    if data.get("home") is not None:
        # 3栋2单元501 楼道灯不亮了 → 东亭: a first full address is the resident's home, as when
        # no estate had to be asked
        home = await residents.home_of(orders.session, message.openid)
        reply += await remember_home(orders, message.openid, home, place, clock, str(data["home"]))
    return reply


@router.message(MsgType("text", "voice"), HasText(), State(ASK_BIND_ESTATE))
async def answer_bind_estate(
    message: Incoming,
    pending: Pending,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None = None,
) -> str:
    """绑定 3栋2单元501 → 您是哪个小区的？ → 东亭: the home is registered there. Anything
    else is read as usual and the question stays open, the answer reminding the resident of
    it (found from outside: 我家地址你们记的是哪 in between dropped it, and 东亭 next was "not
    understood"); a question the answer asks in turn takes its place."""
    data = pending.data
    options = [
        Option(int(o["community"]), o.get("estate"), str(o["name"])) for o in data["options"]
    ]
    chosen = _chosen(await orders.roster(), message.text, options)
    if chosen is None:
        answer = await on_text(message, orders, clock, config, inbound_id)
        after = await conversation.current(orders.session, message.openid, clock.now())
        if after is None or after.state != ASK_BIND_ESTATE or after.data != data:
            return answer
        label = Place(*data["place"]).label()
        listed = " 还是 ".join(o.name for o in options)
        return answer + texts.BIND_ESTATE_STILL.format(place=label, options=listed)
    await conversation.forget(orders.session, message.openid)
    building, unit, room = data["place"]
    place = Place(building, unit, room, chosen.estate, chosen.community)
    return await bind_place(orders, message.openid, place)
