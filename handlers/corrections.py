"""A resident correcting the address of a report just made: 不对，是4栋，不是3栋; 刚才那个单子
地址写错了，应该是4栋2单元301. Found from outside: the correction was registered as the
resident's home (losing the full address on file) or filed as a second order, and the urgent
first one stayed at the wrong building with its member."""

from __future__ import annotations

import re
from datetime import timedelta

from bot import texts
from bot.clock import Clock
from bot.intake import ParseResult, parse
from bot.messages import Incoming
from bot.orders import queries
from bot.orders.corrections import UNTAKEN, correct_place
from bot.orders.dispatch import Place
from bot.orders.duplicates import things
from bot.orders.lifecycle import OPEN_VALUES
from bot.orders.moved import send_to_place
from bot.orders.service import OrderService
from bot.orders.wording import who
from bot.roster import residents
from handlers.estate_buildings import correction_doubted
from handlers.locate import bare_estate, estate_from_home, gazetteer
from models.orders import Order

# words that say the address given before was wrong
_CORRECTION = re.compile(
    r"^\s*(?:不对|不是|错了|说错了|写错了|打错了|搞错了|弄错了|更正|纠正|改一下|改成|应该是)"
    r"|(?:地址|门牌|楼号|单元|房号)(?:号)?.{0,3}(?:(?:写|说|打|填|报|弄|搞)?错了|不对)"
    r"|(?:单子|工单|刚才|刚刚).{0,10}(?:写|说|打|填|报)错"
    r"|不是\s?\S{1,8}[,，。\s]*是\s?\S{1,8}|是\s?\S{1,8}[,，。\s]*不是"
)
RECENT = timedelta(hours=2)  # a correction is of a report made this long ago at most
_SAVED_WITH = timedelta(minutes=1)  # a home written this close to a report was saved from it


# 我说的是我妈家那栋: the place is someone else's, nothing of the order's old flat carries over
_ELSEWHERE = re.compile(
    r"(?:妈|爸|父母|老人|奶奶|爷爷|外婆|外公|姥姥|婆婆|亲戚|朋友|邻居|别人)家|那栋|另一栋|别的楼"
)


def _place(
    parsed: ParseResult, order: Order, text: str
) -> tuple[str | None, str | None, str | None]:
    """The corrected place: the parts the resident gave, the rest as the order had them (是4栋
    keeps 2单元301; a new building with a new room keeps no old unit)."""
    a = parsed.address
    assert a is not None
    building = a.building or order.building
    if a.building and a.building != order.building and _ELSEWHERE.search(text):
        return building, a.unit, a.room
    if a.building and a.room and not a.unit:
        return building, None, a.room
    return building, a.unit or order.unit, a.room or order.room


async def correct_recent_place(
    message: Incoming, orders: OrderService, clock: Clock, parsed: ParseResult
) -> str:
    """Move the resident's newest open report of the last two hours to the address they
    correct it to; "" when the message is no such correction."""
    text = message.text
    if parsed.address is None or parsed.urgent or not _CORRECTION.search(text):
        return ""
    order = await _corrected_order(orders, message.openid, things(text))
    if order is None:
        return ""
    view = await orders.roster()
    estates = (
        [e.key for e in gazetteer(view).find(text) if isinstance(e.key, tuple)]
        if view.estates
        else []
    )
    community, estate = estates[0] if estates else (order.community_id, order.estate_code)
    building, unit, room = _place(parsed, order, text)
    before = Place(order.building, order.unit, order.room, order.estate_code, order.community_id)
    after = Place(building, unit, room, estate, community)
    if (building, unit, room, community, estate) == (
        order.building, order.unit, order.room, order.community_id, order.estate_code,
    ):  # fmt: skip
        return texts.PLACE_CORRECTED_SAME.format(number=order.id, place=view.address(after))
    if doubted := correction_doubted(view, after, order.id):
        return doubted
    moved = await move_order(orders, order, (before, after), f"resident:{message.openid}")
    moved += await _home_too(orders, message.openid, order, (before, after))
    if estates:
        return moved
    # 3栋 where 东亭 has a 3栋 too, placed by the home's 青和居: said, and 东亭 alone moves it
    home = await residents.home_of(orders.session, message.openid)
    return moved + estate_from_home(view, after, text, home)


async def _corrected_order(
    orders: OrderService, openid: str, named: frozenset[str]
) -> Order | None:
    """The open report of the last two hours the correction is of: the newest, or the newest
    that names the thing the correction names (路灯那个地址不对 after 1. 楼下路灯坏了
    2. 我家马桶堵了: found from outside, filed as a new order). None when no report names it
    (不是我家，是3栋楼道灯坏了: another problem, reported on its own)."""
    since = orders.clock.now() - RECENT
    latest = await queries.latest_since(orders.session, openid, since)
    if latest is None or not named or not named.isdisjoint(things(latest.text)):
        return latest if latest is not None and latest.status in OPEN_VALUES else None
    recent = [
        o for o in await queries.open_orders_of(orders.session, openid) if o.created_at >= since
    ]
    return max(
        (o for o in recent if not named.isdisjoint(things(o.text))),
        key=lambda o: (o.created_at, o.id),
        default=None,
    )


async def _home_too(
    orders: OrderService, openid: str, order: Order, places: tuple[Place, Place]
) -> str:
    """The home saved from the very report corrected (no home was on file, its full address
    was kept then): corrected with it, or every later report goes to the wrong building. A
    home on file before the report stays (the correction is of the report's place)."""
    before, after = places
    home = await residents.home_of(orders.session, openid)
    if home is None or residents.home_place(home) != before or after.room is None:
        return ""
    told = parse(order.text or "").address
    if told is None or (told.building, told.room) != (before.building, before.room):
        return ""  # the report did not give the home (绑定 just before it): the home stays
    written = await residents.home_written_at(orders.session, openid)
    if written is None or written < order.created_at - _SAVED_WITH:
        return ""
    await residents.register_home(orders.session, openid, after, orders.clock.now())
    view = await orders.roster()
    return texts.HOME_CORRECTED_TOO.format(place=view.address(after))


async def move_order(
    orders: OrderService, order: Order, places: tuple[Place, Place], actor: str
) -> str:
    """Move ``order`` from the first place to the second: one nobody has taken goes to the
    people of the new place, its holder is told otherwise; the reply says which."""
    view = await orders.roster()
    before, after = places
    change = correct_place(
        order,
        (after.building, after.unit, after.room),
        (after.community, after.estate),
        (view.address(before), view.address(after)),
        orders.clock.now(),
    )
    if order.status in UNTAKEN:
        member = await send_to_place(orders, order, change, actor)
        follow = texts.NEXT_ASSIGNEE.format(who=who(member)) if member else texts.NEXT_NOBODY
    else:
        await orders.apply(order, change, actor)
        holder = view.by_id.get(order.assignee_id) if order.assignee_id is not None else None
        follow = texts.PLACE_CORRECTED_HOLDER.format(who=who(holder))
    return texts.PLACE_CORRECTED_SENT.format(
        number=order.id, place=view.address(after), next=follow
    )


async def estate_corrected(orders: OrderService, openid: str, text: str) -> str:
    """东亭 alone right after a report whose estate was taken from the resident's home (its
    building is in both, its words named neither): the report moves to the estate named.
    "" when the message is not that."""
    view = await orders.roster()
    named = bare_estate(view, text)
    since = orders.clock.now() - RECENT
    order = await queries.latest_since(orders.session, openid, since) if named else None
    if named is None or order is None or order.status not in OPEN_VALUES or not order.building:
        return ""
    if (order.community_id, order.estate_code) == named or gazetteer(view).find(order.text):
        return ""
    if named not in view.candidates(Place(order.building)):
        return ""  # 东亭 has no such building: not a correction of this report
    said = parse(order.text, orders.clock.now()).address
    told = (said is not None and bool(said.building)) or await queries.placed_by(
        orders.session, order.id, f"resident:{openid}"
    )  # the building is the resident's word: in the report, or a correction (不对，是3栋…)
    if not told:
        return ""  # 家里水龙头坏了: the home itself, its estate no guess
    before = Place(order.building, order.unit, order.room, order.estate_code, order.community_id)
    after = Place(order.building, order.unit, order.room, named[1], named[0])
    return await move_order(orders, order, (before, after), f"resident:{openid}")
