"""Answers to the questions the bot asked (conversation state, as aiogram's ``StateFilter``):
which address a report is about, where an emergency is, whether to keep a new address.

Nothing is lost while a question is open: a command is answered as usual and the question
stays (handlers/__init__.py adds a reminder); a new matter files the waiting report without an
address first, and says so.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot import texts
from bot.chat import conversation
from bot.chat.conversation import Pending
from bot.chat.filters import HasText, MsgType, State
from bot.chat.router import Router
from bot.clock import Clock
from bot.config import Config
from bot.intake import ParseResult
from bot.messages import Incoming
from bot.orders import queries
from bot.orders.dispatch import Place
from bot.orders.duplicates import same_problem
from bot.orders.lifecycle import OPEN_VALUES
from bot.orders.service import OrderService
from bot.roster import residents
from handlers.address_misses import asks_about_it, cannot_say, keep_question, not_an_address
from handlers.asked_place import follow_up_while_asked, place_the_others
from handlers.doorless import ask_place, more_welcome, unfinished
from handlers.estate_buildings import doubted, suggested
from handlers.locate import Option, ask, estate_label, gazetteer, locate, place_named_estate
from handlers.reports import (
    ASK_ADDRESS,
    ASK_PLACE_FOR,
    CONFIRM_HOME,
    in_public_place,
    parse_here,
    remember_home,
)
from handlers.resident import on_text
from handlers.several import file_waiting_each
from handlers.stairwell_unit import ask_unit, rest_of_place
from handlers.waiting import file_before_new_matter
from models.orders import Order

router = Router("questions")

_SKIP = {"跳过", "不用", "不方便", "不说了"}
_NUMBER = re.compile(r"\d")  # 取消 99 names another order: the waiting report stays
# 算了, 不用了, 不报了: the report is withdrawn (a bare 不用 declines only the address: the
# report is filed without one)
_WITHDRAW = re.compile(r"算了|取消|撤销|撤回|不要了|不用了|不用管|不用来|不报了|不修了|不用修")
SMALL_TALK = {"thanks", "greeting", "ack", "rating"}
_YES = {"是", "是的", "好", "好的", "对", "嗯", "可以", "行", "yes", "ok"}


def _place_in(message: Incoming, parsed: ParseResult) -> Place | None:
    if parsed.address is not None and parsed.address.building is not None:
        return Place(parsed.address.building, parsed.address.unit, parsed.address.room)
    return None


def new_matter(message: Incoming, parsed: ParseResult) -> bool:
    text = message.text.strip()
    return parsed.intent in ("cancel", "status", "help", "bind") or (
        parsed.intent == "order" and len(text) > 8 and parsed.category not in (None, "other")
    )


def _another_emergency(message: Incoming, parsed: ParseResult, hazard: str | None) -> bool:
    """A second emergency of another kind sent while the first one's place is asked (送餐的
    志愿者被人追着打 就在3栋门口 after a report of someone on a roof): a report of its own,
    never the first one's address. More about the same danger still answers the question."""
    return parsed.urgent and parsed.hazard not in (None, hazard) and new_matter(message, parsed)


@router.message(MsgType("text", "voice"), HasText(), State(ASK_ADDRESS))
async def answer_address(
    message: Incoming,
    pending: Pending,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None = None,
) -> str:
    """The waiting report, filed at the address answered (or without: skipped, moved on)."""
    session, data = orders.session, pending.data
    parsed = parse_here(message.text, clock, config)
    skip = message.text.strip() in _SKIP or cannot_say(message.text)
    # 2单元 (or 跳过) after 1栋, for a stairwell's problem: the building answered before
    place = _place_in(message, parsed) or rest_of_place(data, parsed, skip)
    if place is None and not skip and parsed.intent == "chat" and parsed.chat_kind in SMALL_TALK:
        # thanks, a greeting, a rating with nothing to rate: answered as such; the question
        # stays open and the answer reminds the resident of it (handlers/__init__.py)
        return await on_text(message, orders, clock, config, inbound_id)
    if place is None and (placed := await place_named_estate(orders, message.openid, message.text)):
        # 青和居 for an earlier report filed without its estate: placed; this question stays
        # open and the answer reminds the resident of it (handlers/__init__.py)
        return placed
    if place is None and _WITHDRAW.search(message.text) and not _NUMBER.search(message.text):
        # 算了 不用了: the waiting report is withdrawn, not filed and then cancelled
        await conversation.forget(session, message.openid)
        summary = str(data.get("text") or "")[:20]
        return texts.PENDING_WITHDRAWN.format(summary=summary)
    if not skip and new_matter(message, parsed) and (place is None or parsed.urgent):
        # a new matter, or an emergency that names its own place (我室友昏过去了 8栋2单元102
        # while a broken door handle waits): a report of its own, never the waiting one's
        # address; the waiting one is filed without an address (staff will ask)
        filed = await file_before_new_matter(orders, message, data, clock, config)
        answer = await on_text(message, orders, clock, config, inbound_id)
        # an emergency's numbers come first, the earlier report's number after
        return f"{answer}\n{filed}".rstrip() if parsed.urgent else filed + answer
    if place is None and not skip and asks_about_it(message.text):
        return await keep_question(message, data, orders, clock)
    public = place is None and not skip and in_public_place(message.text)
    if public:
        # 就在小区大门口: the place is a shared one, and its words go with the report
        data = {**data, "text": f"{data.get('text') or ''}（{message.text.strip()}）"}
        skip = True
    if place is None and not skip:  # never taken for 跳过 (handlers/address_misses.py)
        return await not_an_address(message, parsed, data, orders, clock, config, inbound_id)
    await conversation.forget(session, message.openid)
    if place is not None:
        place, options = locate(await orders.roster(), place, message.text, None)
        if options:
            asked = (message, parsed, data, place, options)
            return await _ask_estate(*asked, orders, clock, config, inbound_id)
        if question := await ask_unit(orders, message.openid, data, place, clock):
            return question  # 1栋 for 楼道灯坏了: which unit's stairwell, first
    reply = await file_waiting_each(orders, message, data, place or Place(), clock, inbound_id)
    if place is None:
        return (texts.PUBLIC_PLACE_NOTED if public else texts.ADDRESS_SKIPPED) + reply
    return reply + await _after_answer(
        message, parsed, data, place, orders, clock, config, inbound_id
    )


async def _ask_estate(
    message: Incoming,
    parsed: ParseResult,
    data: dict[str, Any],
    place: Place,
    options: list[Option],
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None,
) -> str:
    """The address answered is in a building several estates have: which one? The waiting
    report waits on, the address kept as the home once the estate is said (places.py); an
    answer that is a report of its own asks its own estate, the waiting one filed first."""
    original = str(data.get("text") or "")
    if _another_matter(message, parsed, original):
        filed = await file_before_new_matter(orders, message, data, clock, config)
        return filed + await on_text(message, orders, clock, config, inbound_id)
    source = data.get("inbound_id")
    inbound = int(source) if source else inbound_id
    said = f"{original} {message.text}"
    return await ask(orders, message.openid, original, inbound, place, options, clock, said)


async def _after_answer(
    message: Incoming,
    parsed: ParseResult,
    data: dict[str, Any],
    place: Place,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None,
) -> str:
    """What follows the waiting report's filing at the address the resident gave."""
    # the answer to "where do you live?" is the resident's home: kept, as when a report
    # names it (the next report is not asked again)
    home = await residents.home_of(orders.session, message.openid)
    said = f"{data.get('text') or ''} {message.text}"
    reply = await remember_home(orders, message.openid, home, place, clock, said)
    if _another_matter(message, parsed, str(data.get("text") or "")):
        # 10栋2单元202下水道堵了 as the answer for a report about the gas: the address is the
        # answer, and the blocked drain is a report of its own, not lost
        reply += "\n" + await on_text(message, orders, clock, config, inbound_id)
    return reply


def _another_matter(message: Incoming, parsed: ParseResult, waiting: str) -> bool:
    """The answer to "where?" also reports something other than the waiting report (not
    only things the word list knows: 灭火器过期了 after a fee complaint was lost)."""
    report = parsed.intent == "order" and new_matter(message, parsed)
    return report and not same_problem(message.text, waiting)


@router.message(MsgType("text", "voice"), HasText(), State(ASK_PLACE_FOR))
async def answer_place(
    message: Incoming,
    pending: Pending,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None = None,
) -> str:
    """Where the emergency reported a moment ago is. The question stays open for a few
    answers that do not say it yet (东亭小区, 不知道, 就在我家 with no home on file): each is
    taken for what it says and the resident is asked again, never filed as a report of its
    own. Anything else is handled as usual."""
    parsed = parse_here(message.text, clock, config)
    place = _place_in(message, parsed) or suggested(pending.data, message.text)
    order = await queries.find(orders.session, int(pending.data.get("order_id") or 0))
    view = await orders.roster()
    named = [e.key for e in gazetteer(view).find(message.text)] if view.estates else []
    estates = [k for k in named if isinstance(k, tuple)]
    if order is not None and order.building and pending.data.get("partial") and _rest(parsed):
        return await _rest_of_place(message, parsed, order, orders, clock, config, inbound_id)
    if order is not None and order.building and pending.data.get("assumed") and place is None:
        await conversation.forget(orders.session, message.openid)
        if estates and len(message.text.strip()) <= 12 and order.status in OPEN_VALUES:
            # 东亭 after "按青和居处理；如果不是…": the same building, in the estate named
            community, code = estates[0]
            place = Place(order.building, order.unit, order.room, code, community)
            await orders.add_place(order, message.openid, place)
            return texts.ADDRESS_ADDED.format(number=order.id, place=view.address(place))
        return await on_text(message, orders, clock, config, inbound_id)
    if order is None or order.status not in OPEN_VALUES or order.building:
        await conversation.forget(orders.session, message.openid)
        return await on_text(message, orders, clock, config, inbound_id)
    if _another_emergency(message, parsed, order.hazard):
        await conversation.forget(orders.session, message.openid)
        return await on_text(message, orders, clock, config, inbound_id)
    if place is None and _AT_HOME.search(message.text):
        place = await _home_place(orders, message.openid)
    if place is None:  # 救护车来了 while the fire's place is asked: the fall's news
        followed = await follow_up_while_asked(message, parsed, order, orders, clock)
        if followed:
            return followed
    if place is None:
        return await _place_not_yet(
            message, parsed, pending, named, order, orders, clock, config, inbound_id
        )
    return await _place_given(message, order, place, pending, named, orders, clock)


def _rest(parsed: ParseResult) -> bool:
    """The answer names a stairwell or a door (2单元1501, 6栋2单元1501)."""
    return parsed.address is not None and (parsed.address.unit or parsed.address.room) is not None


async def _rest_of_place(
    message: Incoming,
    parsed: ParseResult,
    order: Order,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None,
) -> str:
    """The stairwell and door of an emergency whose building was given first (6栋, then
    2单元1501 or 6栋2单元1501); anything else is handled as usual."""
    await conversation.forget(orders.session, message.openid)
    a = parsed.address
    if a is None or (a.unit is None and a.room is None) or order.status not in OPEN_VALUES:
        return await on_text(message, orders, clock, config, inbound_id)
    if a.building is not None and a.building.upper() != (order.building or "").upper():
        place = Place(a.building, a.unit, a.room)  # another building after all
        place, _ = locate(await orders.roster(), place, message.text, None)
    else:
        place = Place(
            order.building, a.unit or order.unit, a.room, order.estate_code, order.community_id
        )
    await orders.add_place(order, message.openid, place)
    view = await orders.roster()
    return texts.ADDRESS_ADDED.format(number=order.id, place=view.address(place))


async def _place_given(
    message: Incoming,
    order: Order,
    place: Place,
    pending: Pending,
    named: list[Any],
    orders: OrderService,
    clock: Clock,
) -> str:
    """The emergency's place, as answered: its estate worked out (the first that fits, said),
    and a building alone kept open for the stairwell and door."""
    view = await orders.roster()
    await conversation.forget(orders.session, message.openid)
    estate = pending.data.get("estate")
    if isinstance(estate, list) and not named:
        place = replace(place, community=int(estate[0]), estate=estate[1])
    place, options = locate(view, place, message.text, None)
    if doubt := await doubted(orders, message.openid, order, place, ASK_PLACE_FOR):
        return doubt
    # 6栋: enough for the building's people to go; the stairwell and door may follow
    partial = unfinished(place, order.hazard, order.text)
    assumed = more_welcome(order.hazard, order.text) if partial else ""
    if options:  # an emergency does not wait for "which estate?": the first that fits, said
        place = replace(place, community=options[0].community, estate=options[0].estate)
        assumed = texts.ADDRESS_ESTATE_ASSUMED.format(estate=options[0].name) + assumed
    if options or partial:
        # the next answer may name the right estate, or the stairwell and door: kept open
        data = {"order_id": order.id, "assumed": bool(options), "partial": partial}
        await conversation.remember(
            orders.session, message.openid, ASK_PLACE_FOR, data, clock.now()
        )
    await orders.add_place(order, message.openid, place)
    others = await place_the_others(orders, message.openid, order, place)
    return texts.ADDRESS_ADDED.format(number=order.id, place=view.address(place)) + assumed + others


# 就在我家, 在我家里: the place is the resident's home
_AT_HOME = re.compile(r"^(?:就)?(?:在)?(?:我|我们)家(?:里)?(?:呢|啊|呀)?[。！!]?$|^家里$")
_PLACE_TRIES = 3


async def _home_place(orders: OrderService, openid: str) -> Place | None:
    home = await residents.home_of(orders.session, openid)
    if home is None or not home.building:
        return None
    return Place(home.building, home.unit, home.room, home.estate_code, home.community_id)


async def _place_not_yet(
    message: Incoming,
    parsed: ParseResult,
    pending: Pending,
    estates: list[Any],
    order: Order,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None,
) -> str:
    """An answer with no building in it: an estate kept for the next answer, a "don't know"
    met kindly, more about the same emergency noted on it (是的 流了很多血) and the place asked
    again — or, when it is about something else, handled as usual."""
    data = dict(pending.data)
    tries = int(data.get("tries", 0)) + 1
    detail = parsed.urgent and parsed.hazard in (None, order.hazard) and not estates
    if detail and tries <= _PLACE_TRIES:
        await orders.hurry(order, message.openid, message.text, detail=True)
        data["tries"] = tries
        await conversation.remember(
            orders.session, message.openid, ASK_PLACE_FOR, data, clock.now()
        )
        return texts.DETAIL_NOTED.format(number=order.id) + ask_place(order.hazard, order.text)
    if (not estates and new_matter(message, parsed)) or tries > _PLACE_TRIES:
        await conversation.forget(orders.session, message.openid)
        return await on_text(message, orders, clock, config, inbound_id)
    data["tries"] = tries
    if estates:
        data["estate"] = list(estates[0])
        name = estate_label(await orders.roster(), *estates[0])
        reply = texts.PLACE_ESTATE_NOTED.format(estate=name)
    else:
        reply = texts.PLACE_ASK_AGAIN
    await conversation.remember(orders.session, message.openid, ASK_PLACE_FOR, data, clock.now())
    return reply


@router.message(MsgType("text", "voice"), HasText(), State(CONFIRM_HOME))
async def confirm_home(
    message: Incoming,
    pending: Pending,
    orders: OrderService,
    clock: Clock,
    config: Config,
    inbound_id: int | None = None,
) -> str:
    await conversation.forget(orders.session, message.openid)
    if message.text.strip().lower().rstrip("。!！") not in _YES:
        return await on_text(message, orders, clock, config, inbound_id)
    d = pending.data
    place = Place(
        d.get("building"), d.get("unit"), d.get("room"), d.get("estate"), d.get("community")
    )
    await residents.register_home(orders.session, message.openid, place, clock.now())
    return texts.HOME_CONFIRMED.format(place=(await orders.roster()).address(place))
