"""How far an emergency's address is asked: a stuck lift, a smoky stairwell or something
below a building has no door of its own, so the question stops at the building and unit
(found from outside: the lift's reporter was asked for the unit just given and for a room
number a lift does not have)."""

from __future__ import annotations

import re

from bot import texts
from bot.orders.dispatch import Place

# 小区大门口的路灯, 中心花坛, 地下车库入口: a shared place, not anybody's home
_PUBLIC_PLACE = re.compile(
    r"小区(?:大)?门口|大门口|[东西南北]门(?:口|外|边)?|花坛|广场|停车场|车库|路口|路灯|井盖|篮球场"
    r"|健身(?:器材|区|角)|绿化带|草坪|主干道|小区(?:里|内)的?路|垃圾(?:站|房)|快递柜|游乐|滑梯|凉亭"
)


def in_public_place(text: str) -> bool:
    """The report is about a shared place of the estate: filed without a home address (the
    place is in its words), not held for "which building do you live in?"."""
    return _PUBLIC_PLACE.search(text) is not None


# 楼下路灯坏了, 我们楼前的井盖: outside the resident's own building, not the estate's gate
_BELOW_HOME = re.compile(
    r"楼下(?!.{0,2}(?:家|厨房|屋|房间|那户|邻居|住))|楼前|楼后|单元门口|单元门外"
)
# 小区门口, 东门, 中心广场: a place of the whole estate, whoever writes of it
_ESTATE_WIDE = re.compile(
    r"小区(?:大)?门口|大门口|[东西南北]门(?:口|外|边)?|广场|主干道|小区(?:里|内)的?路"
)


def below_home(text: str) -> bool:
    """The report is about the outside of the writer's own building (楼下路灯坏了): the
    building (and unit) of their home, not a shared place of the whole estate. Found from
    outside: such a lamp went to the office with no place at all."""
    return _BELOW_HOME.search(text) is not None and _ESTATE_WIDE.search(text) is None


# a place shared by a stairwell or outside the flats: 楼道, 单元门口, 就在3栋楼下, 外墙
_NO_DOOR = re.compile(
    r"楼道|楼梯|过道|单元门|单元口|楼梯间|电梯|外墙|楼下(?!.{0,2}(?:家|厨房|屋|房间|那户|邻居))"
    r"|楼前|楼后|空地|高空|从楼上(?:掉|扔|砸)"
)


def doorless(hazard: str | None, text: str) -> bool:
    """The emergency is somewhere without a room number (a lift, a stairwell, outdoors)."""
    return hazard == "lift" or bool(_NO_DOOR.search(text)) or in_public_place(text)


def ask_place(hazard: str | None, text: str) -> str:
    """The question for an emergency sent out with no address."""
    return texts.URGENT_ASK_BUILDING if doorless(hazard, text) else texts.URGENT_ASK_ADDRESS


def unfinished(place: Place, hazard: str | None, text: str) -> bool:
    """The place given so far may still be narrowed (a building alone; a flat without its door)."""
    return place.unit is None or (place.room is None and not doorless(hazard, text))


def more_welcome(hazard: str | None, text: str) -> str:
    """The line inviting the rest of an unfinished place."""
    return texts.UNIT_MORE_WELCOME if doorless(hazard, text) else texts.ADDRESS_MORE_WELCOME
