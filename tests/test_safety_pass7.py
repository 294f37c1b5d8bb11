"""What a resident is told to do first when an emergency is more than one danger: someone hurt
beside a falling object or in a stuck lift adds 120, a collapse beside leaking gas is gas
poisoning (fresh air, 119 and 120, never "don't move them"), a pan of burning oil, a burning
gas cylinder and people trapped above a fire each get advice that fits. Found from outside
(pass 7): the reply gave the numbers and advice of one kind only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.support import first_line, order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_safety7"


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("楼上阳台的花盆掉下来砸到人了，头破了", ("120", "110")),
        ("电梯里困着个老人，他说心脏不舒服", ("96333", "120")),
        ("楼上有人跳楼了，躺在地上", ("120", "110")),
    ],
)
async def test_someone_hurt_beside_another_danger_adds_120(
    world: World, text: str, numbers: tuple[str, ...]
) -> None:
    reply = await world.chat.say(RESIDENT, text)
    order_number(reply)
    first = first_line(reply)
    for number in numbers:
        assert number in first, (text, first)


@pytest.mark.parametrize(
    "text", ["外墙瓷砖掉下来了，还在往下掉", "楼上阳台的花盆掉下来了，差点砸到人"]
)
async def test_nobody_hurt_adds_no_ambulance(world: World, text: str) -> None:
    first = first_line(await world.chat.say(RESIDENT, text))
    assert "120" not in first and "110" in first


async def test_a_collapse_beside_leaking_gas_is_gas_poisoning(world: World) -> None:
    reply = await world.chat.say(RESIDENT, "热水器漏气，我妈晕倒了")
    order_number(reply)
    first = first_line(reply)
    assert "119" in first and "120" in first
    assert "通风" in first and "空气新鲜" in first and "开关电灯" in first
    assert "不要随意搬动" not in reply


@pytest.mark.parametrize("text", ["炒菜锅里的油着火了，火苗窜得老高", "油锅起火了"])
async def test_an_oil_fire_in_a_pan_gets_pan_advice(world: World, text: str) -> None:
    first = first_line(await world.chat.say(RESIDENT, text))
    assert "119" in first
    assert "锅盖" in first and "关火" in first and "不要" in first and "水" in first
    assert "弯腰沿楼梯撤离" not in first


@pytest.mark.parametrize("text", ["煤气罐阀门那里着火了", "煤气罐着火了"])
async def test_a_burning_gas_cylinder_is_told_to_shut_the_valve_not_not_to_light_a_flame(
    world: World, text: str
) -> None:
    first = first_line(await world.chat.say(RESIDENT, text))
    assert "119" in first and "阀门" in first and "离开" in first
    assert "不要点火" not in first


@pytest.mark.parametrize("text", ["一楼着火了，有人被困在二楼", "楼上着火了，我们被困在家里出不去"])
async def test_people_trapped_above_a_fire_get_fire_advice(world: World, text: str) -> None:
    first = first_line(await world.chat.say(RESIDENT, text))
    assert "119" in first and "关紧" in first and "窗" in first
    assert "被压住" not in first
