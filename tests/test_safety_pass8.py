"""What a resident is told to do first when a child is already in the water, has already
fallen or was hit by something falling, and when a thrown flowerpot hit someone (outside pass
8). The parser reads every child in peril as one kind, whose advice ("don't frighten the
child, carry it away from the danger", 110 and 119) is for a child still at a window; a child
in a river got that advice and no ambulance, and a flowerpot got the advice for a fight."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.support import first_line, order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_safety8"
CARRY_AWAY = "带离危险的地方"


@pytest.mark.parametrize(
    "text",
    ["5栋有个小孩掉进小区的河里了", "小孩掉水里了，快来人", "有个小孩掉进池塘里了，在水里扑腾"],
)
async def test_a_child_in_the_water_is_a_drowning(world: World, text: str) -> None:
    reply = await world.chat.say(RESIDENT, text)
    order_number(reply)
    first = first_line(reply)
    assert "110" in first and "120" in first, first
    assert "绳子" in first and "不会游泳不要下水" in first
    assert CARRY_AWAY not in reply and "惊吓" not in reply


async def test_a_child_in_the_water_is_told_the_same_numbers_when_nobody_comes(
    world: World,
) -> None:
    """The numbers said again while the emergency waits (有人吗) are the drowning's too."""
    n = order_number(await world.chat.say(RESIDENT, "5栋有个小孩掉进小区的河里了"))
    again = await world.chat.say(RESIDENT, "有人吗？")
    assert f"#{n}" in again and "120" in again, again


async def test_a_child_who_fell_from_a_balcony_gets_the_ambulance(world: World) -> None:
    reply = await world.chat.say(RESIDENT, "有个小孩从二楼阳台掉下去了")
    order_number(reply)
    first = first_line(reply)
    assert "120" in first and "110" in first, first
    assert "不要随意搬动" in first
    assert CARRY_AWAY not in reply and "惊吓" not in reply


@pytest.mark.parametrize(
    "text",
    [
        "窗台上站着个小朋友 窗户是开的",
        "对面楼有个小孩爬到窗台外面了，快要掉下来了",
        "天台水池盖打开了，有个小孩在边上玩，就快掉下去了",
    ],
)
async def test_a_child_still_up_at_a_window_keeps_the_childs_advice(
    world: World, text: str
) -> None:
    first = first_line(await world.chat.say(RESIDENT, text))
    assert "119" in first and "惊吓" in first, first


async def test_a_child_hit_by_a_falling_tile_gets_the_ambulance(world: World) -> None:
    reply = await world.chat.say(RESIDENT, "外墙的瓷砖掉下来砸到一个小孩")
    order_number(reply)
    first = first_line(reply)
    assert "120" in first, first
    assert "远离可能掉落" in first
    assert CARRY_AWAY not in reply


async def test_a_flowerpot_thrown_down_is_a_falling_object_not_a_fight(world: World) -> None:
    reply = await world.chat.say(RESIDENT, "楼上扔下来一个花盆砸到人了，头破了")
    order_number(reply)
    first = first_line(reply)
    assert "120" in first and "110" in first, first
    assert "远离可能掉落" in first
    assert "动手或持械" not in reply


async def test_a_fight_with_a_brick_is_still_a_fight(world: World) -> None:
    first = first_line(await world.chat.say(RESIDENT, "楼下两个人打起来了，有人拿砖头砸人"))
    assert "110" in first and "动手或持械" in first, first


@pytest.mark.parametrize(
    "text",
    [
        "楼下草丛里发现一个小孩掉进窨井里了",
        "小孩掉化粪池里了 快来人",
        "楼下的井盖没盖 有个小孩掉下去了",
    ],
)
async def test_a_child_in_a_manhole_is_not_to_be_climbed_in_after(world: World, text: str) -> None:
    reply = await world.chat.say(RESIDENT, text)
    order_number(reply)
    first = first_line(reply)
    assert "119" in first and "120" in first, first
    assert "不要下井" in first and CARRY_AWAY not in reply
