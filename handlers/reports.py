"""What a resident's report becomes: a new order, a repeat of an open one, or a question.

Shared by the free-text handler and the questions that lead back to a report (the address).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import texts
from bot.chat import conversation
from bot.clock import Clock
from bot.config import Config
from bot.intake import ParseResult, parse
from bot.media import store as media
from bot.messages import Incoming, Reply
from bot.orders import batch, queries
from bot.orders.dispatch import ROLE_NAMES, Place
from bot.orders.duplicates import elsewhere, place_key, same_problem, shared_part, without_home
from bot.orders.service import NewOrder, OrderService
from bot.orders.state import FreshOrder
from bot.orders.wording import time_span
from bot.roster import residents
from bot.roster.residents import Home, home_place
from handlers.doorless import ask_place, below_home, doorless, in_public_place
from handlers.estate_buildings import doubted, report_note
from handlers.locate import ask, estate_from_home, estate_unsure, gazetteer, locate
from handlers.past_places import without_past_place
from handlers.safety import safety_lines
from models.orders import Order

ASK_ADDRESS = "await_address"  # a report waits for the resident's address
ASK_PLACE_FOR = "await_place_for"  # an emergency went out first; its address comes now
CONFIRM_HOME = "confirm_home"  # "以后都用 … 吗？"


def parse_here(text: str, clock: Clock, config: Config) -> ParseResult:
    """The message read now, its times in the service's zone ("明天上午" where the estate is);
    a building named only of a past event (去年3栋着过一次火) is no address."""
    return without_past_place(text, parse(text, clock.now(), zone=config.tz))


def place_of(parsed: ParseResult, home: Home | None, text: str = "") -> Place | None:
    """Where a report is: the address it names, else the resident's home — but for a shared
    place (小区东门口有人打起来了) only the home's estate: the fight is not in the flat; and an
    emergency next door (对门的老太太好几天没见, 楼下厨房冒黑烟) is in the home's stairwell, one
    across the way (对面楼窗台上有个小孩) somewhere the resident is asked for."""
    if parsed.address is None and home is not None and home.building:
        if below_home(text) and not _UPSTAIRS_INTO_MINE.search(text):
            # 楼下路灯坏了: outside their own building, for its unit's people; not the flat
            return replace(home_place(home), room=None)
        if in_public_place(text):
            return Place(None, None, None, home.estate_code, home.community_id)
    if parsed.address is None and parsed.urgent and home is not None and home.building:
        if _ACROSS.search(text):
            return None
        if _next_door(text) and not _UPSTAIRS_INTO_MINE.search(text):
            return replace(home_place(home), room=None)
    known = home is not None and bool(home.building)
    if parsed.address is not None:
        a = parsed.address
        if a.building is None and home is not None and known and a.room:
            # "1502的…" from someone whose building we know
            return replace(home_place(home), unit=a.unit or home.unit, room=a.room)
        if a.building is None and home is not None and known and a.unit:
            # 一单元楼道里堆满了杂物: a stairwell of the building they live in (people speak of
            # their own building), in its estate; not their flat
            return replace(home_place(home), unit=a.unit, room=None)
        if a.building is None and a.room is None and not known:
            return None  # 1单元 alone: which building is asked, not filed with nobody's place
        return Place(a.building, a.unit, a.room)
    if home is not None and known:
        # 楼道里的灯坏了: the stairwell of their home, not the flat; someone shut in the lift
        # is at the lift (found from outside: filed at the flat, a responder may go to its door)
        shared = STAIRWELL.search(text) or parsed.hazard == "lift"
        return replace(home_place(home), room=None) if shared else home_place(home)
    return None


def new_order(text: str, parsed: ParseResult, place: Place) -> NewOrder:
    pt = parsed.preferred_time
    return NewOrder(
        text=text,
        category=parsed.category or "other",
        urgent=parsed.urgent,
        summary=parsed.summary or text.strip()[:30],
        place=place,
        phones=parsed.phones,
        preferred_start=datetime.fromisoformat(pt.start) if pt else None,
        preferred_end=datetime.fromisoformat(pt.end) if pt else None,
        danger=parsed.danger,
        hazard=parsed.hazard,
    )


# the stairwell or the landing of the resident's building: a place shared by the unit
STAIRWELL = re.compile(r"楼道|楼梯|过道|单元门|单元口|楼梯间")
# where an emergency next to the resident's home is: not in the home itself
_ACROSS = re.compile(
    r"对面(?:楼|那栋|那幢|那个楼|的楼|单元)|对过(?:楼)?|别的楼|另一栋|后面那栋|前面那栋"
)
_NEXT_DOOR = re.compile(r"对门|隔壁|楼下|楼上|邻居|邻居家|[上下]一层|[上下]面一层")
# 楼上漏水漏到我家电表箱了: what comes from upstairs is a danger in the resident's own home
_UPSTAIRS_INTO_MINE = re.compile(r"楼[上下].{0,8}(?:到|进|往)(?:我家|我屋|俺家|家里|屋里)")
# 今晚就从楼上跳下去: a height to jump from, not the neighbours upstairs (found from outside: a
# self-harm order was taken for one next door and never took the resident's home address)
_FROM_A_HEIGHT = re.compile(r"从?楼上(?:往下)?跳")


def _next_door(text: str) -> bool:
    return _NEXT_DOOR.search(_FROM_A_HEIGHT.sub("", text)) is not None


async def create(
    orders: OrderService, message: Incoming, new: NewOrder, inbound_id: int | None
) -> tuple[str, Order | FreshOrder | None]:
    """A new order, or the open order it repeats; the reply says which (and the order)."""
    openid = message.openid
    names = gazetteer(await orders.roster())
    if new.place.building and names and names.find(new.summary):
        # 青和居，楼道里垃圾堆了好几天: the estate is part of the address, read with it
        new = replace(new, summary=names.strip(new.summary))
    repeat = await orders.repeat_of(openid, new)
    if repeat is not None and repeat.urgent and not new.urgent and new.place.building is None:
        # a calm report with no place (去年3栋着过一次火，现在楼道里的灭火器都过期了) is not an
        # emergency told again: its words alone made it the fire of 4栋 (found from outside)
        repeat = None
    if repeat is not None:
        await orders.join(repeat, openid, new.text)
        said = texts.ALREADY_HANDLING.format(number=repeat.id)
        return said + await adopt_waiting(orders, openid, repeat), repeat
    # a report that may be dangerous is promised a check by the grid leader: never held back
    if not new.urgent and new.danger != "possible" and await orders.over_hourly_limit(openid):
        return texts.REPORT_LIMIT, None
    order, member = await orders.report(openid, new, inbound_id)
    roles = "、".join(ROLE_NAMES.get(r, r) for r in member.roles or []) if member else ""
    who = f"{member.name}（{roles or texts.SOME_MEMBER}）" if member else None
    parts = [texts.order_created(order.id, who)]
    if new.preferred_start is not None and new.preferred_end is not None:
        # the time as understood, so a wrong reading (明天 said after midnight) can be caught
        span = time_span(new.preferred_start, new.preferred_end, orders.config.tz)
        parts.append(texts.PREFERRED_NOTED.format(when=span))
    earlier = await _recurrence_of(orders, openid, new)
    if earlier is not None:
        await orders.note_recurrence(order, openid, earlier)
        told = (
            texts.RECURRENCE_NOTED
            if earlier.resident_openid == openid
            else texts.RECURRENCE_NOTED_SHARED
        )
        parts.append(told.format(number=earlier.id).strip())
    if new.urgent:
        # with no place yet, no grid leader can be told: said so, not promised
        known = new.place.building is not None
        parts.append(texts.URGENT_NOTED if known else texts.URGENT_NOTED_NO_PLACE)
    return "\n".join(parts) + await adopt_waiting(orders, openid, order), order


_RECURRENCE_WINDOW = timedelta(days=30)


async def _recurrence_of(orders: OrderService, openid: str, new: NewOrder) -> Order | None:
    """The finished order of the last month this report tells again (the same problem at
    the same place): the resident's own (楼道灯又不亮了 a fortnight after the light was
    fixed), or a neighbour's about a part of the building they share."""
    since = orders.clock.now() - _RECURRENCE_WINDOW
    p = new.place
    mine = place_key(p.building, p.unit, p.room, p.community, p.estate)
    for done in await batch.done_of(orders.session, openid, since):
        same_place = done.category == new.category and not elsewhere(done.place, mine)
        if same_place and same_problem(done.text, new.text):
            return await queries.find(orders.session, done.id)
    if p.building is None or not shared_part(new.text):
        return None
    # a part the stairwell shares (楼道窗户玻璃碎了), fixed for a neighbour and broken again:
    # the office reads that the repair did not hold (found from outside)
    for done in await batch.done_in_building(orders.session, p.building, new.category, since):
        same_place = not elsewhere(without_home(done.place), without_home(mine))
        if same_place and shared_part(done.text) and same_problem(done.text, new.text):
            return await queries.find(orders.session, done.id)
    return None


async def adopt_waiting(orders: OrderService, openid: str, order: Order | FreshOrder) -> str:
    """Photos and places the resident sent before this report join its order; the reply's
    line saying so ("" when there were none)."""
    limit = orders.config.media.per_order
    joined = await media.adopt(orders.session, openid, order.id, orders.clock.now(), limit)
    for attachment_id, sent in joined:
        await orders.attach(order, openid, sent.kind, sent.history(attachment_id))
    if not joined:
        return ""
    photos = sum(1 for _, sent in joined if sent.kind == "image")
    what = [texts.ADOPTED_WHAT["image"].format(n=photos)] if photos else []
    if photos < len(joined):
        what.append(texts.ADOPTED_WHAT["location"])
    return texts.ADOPTED.format(what="和".join(what))


async def file_waiting(
    orders: OrderService,
    message: Incoming,
    data: dict[str, Any],
    place: Place,
    clock: Clock,
    config: Config,
    inbound_id: int | None,
) -> tuple[str, Order | FreshOrder | None]:
    """The report a question kept waiting (``data["text"]``, ``data["inbound_id"]``), filed
    now at ``place``; ``inbound_id`` stands in when the question kept no source message."""
    original = str(data.get("text") or "")
    source = data.get("inbound_id")
    if below_home(original):  # 楼下路灯坏了 → 5栋2单元301: outside that building, not the flat
        place = replace(place, room=None)
    new = new_order(original, parse_here(original, clock, config), place)
    return await create(orders, message, new, int(source) if source else inbound_id)


async def report(
    orders: OrderService,
    message: Incoming,
    parsed: ParseResult,
    clock: Clock,
    inbound_id: int | None,
) -> str:
    """A report in free text: created now if its place is known (or it cannot wait), else
    kept while the resident is asked for the address."""
    session, openid, text = orders.session, message.openid, message.text
    home = await residents.home_of(session, openid)
    place = place_of(parsed, home, text)
    safety = safety_lines(parsed, text)
    unknown, doubtful = "", None
    if place is not None:
        view = await orders.roster()
        place, options = locate(view, place, text, home)
        # 10栋 where the estates have 1-6, 东亭9栋 where 东亭 has 3-4: filed all the same
        # (nothing is lost), and the resident is told that staff will check the address
        unknown = report_note(view, place)
        named = parsed.address is not None and bool(parsed.address.building)
        if not unknown and named and not parsed.urgent:
            unknown = estate_from_home(view, place, text, home)  # 东亭 alone moves it
        if options and not parsed.urgent:
            # a full address of the resident's own is kept as their home once the estate is said
            said = text if parsed.address is not None and parsed.address.building else None
            asked = await ask(orders, openid, text, inbound_id, place, options, clock, said)
            return _join(safety_lines(parsed, text, waiting=True), asked)
        if options:  # an emergency goes out at once: to the first estate that fits, asked
            place = replace(place, community=options[0].community, estate=options[0].estate)
        if unknown and parsed.urgent and place.community is not None:
            # an emergency is not sent to an estate that lacks the building: out as one with
            # no place yet, and the resident asked whether another estate's is meant
            doubtful, place, unknown = place, None, ""
    else:
        options = []
    if place is None and not parsed.urgent and (not in_public_place(text) or below_home(text)):
        data = {"text": text, "inbound_id": inbound_id, "tries": 0}
        await conversation.remember(session, openid, ASK_ADDRESS, data, clock.now())
        return _join(safety_lines(parsed, text, waiting=True), texts.ASK_ADDRESS)
    new = new_order(text, parsed, place or Place())
    reply, order = await create(orders, message, new, inbound_id)
    if doubtful is not None and order is not None:
        reply += "\n" + await doubted(orders, openid, order, doubtful, ASK_PLACE_FOR)
    elif place is None and order is not None and parsed.urgent:
        # an emergency: out first, the address after
        data = {"order_id": order.id}
        await conversation.remember(session, openid, ASK_PLACE_FOR, data, clock.now())
        reply += ask_place(parsed.hazard, text)
    elif options and isinstance(order, FreshOrder):  # (not an order it repeats)
        reply += await estate_unsure(orders, openid, order, options, ASK_PLACE_FOR)
    elif parsed.address is not None and place is not None and not unknown and not parsed.urgent:
        # (an emergency's address is where it happens: 2栋1单元302的老人摔倒了 is not a home)
        reply += await remember_home(orders, openid, home, place, clock, text)
    return _join(safety, reply + unknown)


# 我妈住5栋3单元101, 帮我奶奶报一下 她家…, 她住5栋 我不住那, 我妈82了一个人住在3栋…: the
# address is someone else's
_FAMILY = (
    "妈|爸|父母|奶奶|爷爷|外婆|外公|姥姥|姥爷|婆婆|公公|岳母|丈母娘|岳父|儿子|女儿|亲戚|朋友|老人"
)
_SOMEONE_ELSES_HOME = re.compile(
    rf"(?:{_FAMILY}|邻居|同事|她|他|对门|隔壁|楼上|楼下)(?:家|住|那边|那儿|屋)"
    r"|(?:不|没)住(?:在)?(?:那|这)"
    rf"|(?:{_FAMILY})[^，,。；;!！?？我]{{0,10}}住"
)


async def remember_home(
    orders: OrderService,
    openid: str,
    home: Home | None,
    place: Place,
    clock: Clock,
    text: str = "",
) -> str:
    """A full address in a report: kept as the resident's home when none is on file and the
    building is on the roster; offered when it differs from the one on file. Not when
    ``text`` (what the resident wrote) says it is someone else's home."""
    if place.building is None or place.room is None or _SOMEONE_ELSES_HOME.search(text):
        return ""
    view = await orders.roster()
    known = view.places.get(place.community or view.default_community or 0, view.buildings)
    if known and (place.key or "") not in known:
        return ""
    if home is None or not home.building:
        await residents.register_home(orders.session, openid, place, clock.now())
        filled = await place_earlier_reports(orders, openid, place)
        return texts.HOME_REMEMBERED.format(place=view.address(place)) + earlier_text(filled)
    if home_place(home) == place:
        return ""
    data = {
        "building": place.building,
        "unit": place.unit,
        "room": place.room,
        "estate": place.estate,
        "community": place.community,
    }
    await conversation.remember(orders.session, openid, CONFIRM_HOME, data, clock.now())
    return texts.HOME_OFFER.format(place=view.address(place))


async def place_earlier_reports(orders: OrderService, openid: str, place: Place) -> list[int]:
    """Open reports the resident filed before any address was known (the "which building?"
    question lapsed or was skipped) are about their home: they take the address now and go to
    the people of that place. A report about a shared place (小区东门口), or an emergency told
    of across the way (对面楼), keeps having none: the home is not where it is; one next door
    (楼上, 对门) is in the home's building and unit, as when the home was known at once (found
    from outside: 楼上有个男的拿着刀 stayed with no place and no grid leader heard of it)."""
    since = orders.clock.now() - orders.config.reports.duplicate_window
    filled = []
    for number in await batch.open_without_place(orders.session, openid, since):
        order = await queries.find(orders.session, number)
        if order is None or order.building is not None:
            continue
        below = below_home(order.text)  # 楼下路灯坏了: outside the home's building
        if in_public_place(order.text) and not below:
            continue
        if order.unit is not None or order.room is not None:
            continue  # 是302家里锅烧干了: a door of its own, not the resident's home
        if order.urgent and _ACROSS.search(order.text):
            continue
        # next door (楼上, 对门), with no door (电梯, 楼道) or below the home (楼下路灯坏了):
        # the home's building and unit
        shared = below or (
            order.urgent
            and (
                doorless(order.hazard, order.text)
                or (_next_door(order.text) and not _UPSTAIRS_INTO_MINE.search(order.text))
            )
        )
        await orders.add_place(order, openid, replace(place, room=None) if shared else place)
        filled.append(order.id)
    return sorted(filled)


def earlier_text(numbers: list[int]) -> str:
    """What the resident is told of the reports that took their home's address."""
    if not numbers:
        return ""
    return texts.BOUND_EARLIER.format(numbers="、".join(f"#{n}" for n in numbers))


def held_reply(message: Incoming) -> Reply | None:
    """The answer to a message kept in the spool while the database is away: no order number
    yet, but an emergency still gets its numbers at once."""
    if message.msg_type == "event":
        return None
    if message.text:
        parsed = parse(message.text, datetime.now(UTC))
        if parsed.danger == "urgent":
            return Reply(text=texts.HELD_URGENT.format(advice=safety_lines(parsed, message.text)))
    return Reply(text=texts.HELD)


def _join(first: str, rest: str) -> str:
    return f"{first}\n{rest}" if first else rest
