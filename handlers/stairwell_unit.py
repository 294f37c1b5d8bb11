"""A stairwell's problem answered with a building alone (楼道灯坏了 → "where?" → 1栋): the
unit is asked before the report is filed, and the next answer (2单元) completes the place.
Found from outside (pass 9): 1栋 alone joined 1栋1单元's stairwell order, and 2单元 was then
refused with the 绑定 format. A stairwell, a lift or a unit door is one unit's, and the
building alone matches any unit's order of the same thing."""

from __future__ import annotations

from typing import Any

from bot import texts
from bot.chat import conversation
from bot.clock import Clock
from bot.intake import ParseResult
from bot.orders.dispatch import Place
from bot.orders.duplicates import shared_part
from bot.orders.service import OrderService
from handlers.reports import ASK_ADDRESS

SO_FAR = "building_so_far"  # [building, community, estate] of the answer before


async def ask_unit(
    orders: OrderService, openid: str, data: dict[str, Any], place: Place, clock: Clock
) -> str:
    """The question for the unit when the waiting report is about a unit's shared part and
    the answer gave the building only (asked once: a second building alone is filed as it
    is), kept with what it waits for; "" when no unit is to be asked."""
    if place.building is None or place.unit is not None or SO_FAR in data:
        return ""
    if not shared_part(str(data.get("text") or "")):
        return ""
    kept = {**data, SO_FAR: [place.building, place.community, place.estate]}
    await conversation.remember(orders.session, openid, ASK_ADDRESS, kept, clock.now())
    return texts.ASK_UNIT_OF_BUILDING.format(building=place.building)


def rest_of_place(data: dict[str, Any], parsed: ParseResult, skip: bool) -> Place | None:
    """The unit (and door) answered after the building: the place they complete together;
    the building alone when the unit is skipped (跳过, 不知道)."""
    so_far, a = data.get(SO_FAR), parsed.address
    if not so_far:
        return None
    building, community, estate = so_far
    if skip:
        return Place(building, estate=estate, community=community)
    if a is None or a.building is not None or a.unit is None:
        return None
    return Place(building, a.unit, a.room, estate, community)
