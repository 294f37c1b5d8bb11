"""An emergency next door or across the way is not filed at the reporter's own flat, and an
emergency's address is never taken as the reporter's home. Found from outside: a child on a
window sill in the building opposite went to the reporter's own representative, at their
flat; 2栋1单元302的老人摔倒了 offered to make 2栋1单元302 the reporter's home."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.support import order_number
from tests.test_timers import World, make_world

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_near"


@pytest.fixture
async def world(aiohttp_client: ClientFactory, db_url: str) -> World:
    world = await make_world(aiohttp_client, db_url)
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    return world


async def test_next_door_is_the_stairwell_not_the_flat(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "对门的老太太好几天没见着了，敲门也没人应"))
    order = await world.chat.order(n)
    assert order.urgent and (order.building, order.unit, order.room) == ("1", "1", None)


async def test_across_the_way_asks_where(world: World) -> None:
    reply = await world.chat.say(RESIDENT, "对面楼有个小孩爬到窗台外面了，家里好像没大人")
    n = order_number(reply)
    order = await world.chat.order(n)
    assert order.urgent and order.building is None
    assert "具体在哪栋楼" in reply


async def test_a_leak_from_upstairs_into_my_home_is_at_home(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "楼上漏水漏到我家电表箱了 在冒火花"))
    order = await world.chat.order(n)
    assert (order.building, order.unit, order.room) == ("1", "1", "101")


async def test_an_emergencys_address_is_not_offered_as_home(world: World) -> None:
    reply = await world.chat.say("o_resident_new", "2栋1单元302的老人摔倒在楼道里了，头在流血")
    assert "以后都用" not in reply and "已记下您家的地址" not in reply
