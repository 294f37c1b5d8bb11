"""A building number the estate does not have (东亭5栋 where 东亭 has only 3栋 and 4栋): the
resident is told which buildings it has and, where another estate has that number, asked
whether they meant it. An emergency whose place is answered so stays with whoever already
has it (found from outside: it moved to an estate where nobody could take it, unassigned);
a report is filed and its address checked by staff, as for a building no estate has."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot import texts
from bot.chat import conversation
from bot.orders.dispatch import Place
from bot.orders.service import OrderService
from bot.orders.state import FreshOrder
from bot.roster.cache import RosterView
from bot.roster.files.spec import building_key, split_building_key
from handlers.locate import estate_label
from models.orders import Order

_YES = re.compile(r"(?:是|是的|对|对的|嗯|没错|就是|是那里|好)[。！!～~]?")


@dataclass(frozen=True)
class Lack:
    said: str  # 东亭只有3栋、4栋，没有5栋 (or: the roster has no 5栋)
    guess: Place | None  # the same building in another estate (青和居5栋)
    guess_name: str
    example: str  # a building the estate has, for "比如"


def lacking(view: RosterView, place: Place) -> Lack | None:
    """What is wrong with ``place``'s building, or None when the roster has it (or lists no
    buildings to check against)."""
    if not view.places or place.building is None:
        return None
    number = place.building.upper()
    if place.community is None:
        if view.candidates(place):
            return None
        return Lack(texts.UNKNOWN_BUILDING.format(building=number), None, "", "3栋")
    keys = view.places.get(place.community, frozenset())
    if not keys or building_key(place.estate, number) in keys:
        return None
    estate = (place.estate or "").upper()
    has = sorted((n for e, n in map(split_building_key, keys) if e == estate), key=_order)
    if not has:
        return None
    name = estate_label(view, place.community, place.estate)
    said = texts.ESTATE_LACKS.format(
        estate=name, buildings="、".join(f"{n}栋" for n in has), building=number
    )
    here = (place.community, place.estate)
    others = [c for c in view.candidates(Place(number)) if c != here]
    if not others:
        return Lack(said, None, "", f"{name}{has[0]}栋")
    community, code = others[0]
    guess = Place(number, place.unit, place.room, code, community)
    return Lack(said, guess, estate_label(view, community, code), f"{name}{has[0]}栋")


def _order(number: str) -> tuple[int, str]:
    return (int(number), "") if number.isdigit() else (10**6, number)


def _guessed(lack: Lack, number: str) -> str:
    return texts.ESTATE_GUESS.format(other=lack.guess_name, building=number)


def correction_doubted(view: RosterView, place: Place, number: int) -> str:
    """The reply to an address correction (不对，是9栋) to a building ``place``'s estate lacks,
    the order left where it was; "" when the roster has the building."""
    lack = lacking(view, place)
    if lack is None:
        return ""
    building = (place.building or "").upper()
    if place.community is None:
        said = texts.PLACE_CORRECTION_NO_SUCH.format(building=building)
    else:
        said = lack.said
    example = f"{lack.guess_name}{building}栋" if lack.guess else lack.example
    return texts.PLACE_CORRECTION_DOUBTED.format(lack=said, number=number, example=example)


def report_note(view: RosterView, place: Place) -> str:
    """The line a report filed at a doubtful building ends with ("" when it is known)."""
    lack = lacking(view, place)
    if lack is None:
        return ""
    if place.community is None:
        return texts.REPORT_UNKNOWN_BUILDING.format(building=place.building)
    said = lack.said + (_guessed(lack, place.building or "") if lack.guess else "。")
    return texts.REPORT_ESTATE_LACKS.format(lack=said, example=lack.example)


async def doubted(
    orders: OrderService, openid: str, order: Order | FreshOrder, place: Place, asking: str
) -> str:
    """The place answered for an emergency names a building its estate lacks: the order keeps
    its handlers and the resident is asked again (``asking``: the state whose answer places
    it; a "是" takes the guessed estate). "" when the place is fine."""
    lack = lacking(await orders.roster(), place)
    if lack is None:
        return ""
    data: dict[str, Any] = {"order_id": order.id, "tries": 0}
    if lack.guess is not None:
        g = lack.guess
        data["suggest"] = [g.building, g.unit, g.room, g.estate, g.community]
        said = lack.said + _guessed(lack, place.building or "") + texts.URGENT_GUESS_THEN
    else:
        said = lack.said + texts.URGENT_CHECK_BUILDING.format(example=lack.example)
    await conversation.remember(orders.session, openid, asking, data, orders.clock.now())
    return texts.URGENT_PLACE_DOUBTED.format(lack=said, number=order.id)


def suggested(data: dict[str, Any], text: str) -> Place | None:
    """The guessed place, when the answer to "是不是青和居5栋？" is yes."""
    guess = data.get("suggest")
    if not isinstance(guess, list) or not _YES.fullmatch(text.strip()):
        return None
    building, unit, room, estate, community = guess
    return Place(building, unit, room, estate, int(community) if community else None)
