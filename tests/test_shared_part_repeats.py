"""Two households of one stairwell reporting its light are one order. Found from outside:
楼道灯坏了 from 1-1-101 and from 1-1-201 became two orders for the same representative."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient

from tests.support import order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


async def test_neighbours_of_one_stairwell_report_one_light(world: World) -> None:
    await world.chat.say("o_res_101", "绑定 1栋1单元101")
    await world.chat.say("o_res_201", "绑定 1栋1单元201")
    n = order_number(await world.chat.say("o_res_101", "我们单元楼道灯坏了，晚上黑乎乎的"))
    reply = await world.chat.say("o_res_201", "楼道灯坏了，晚上上楼看不见")
    assert f"已在 #{n}" in reply


async def test_neighbours_who_give_their_own_doors_report_one_light(world: World) -> None:
    n = order_number(await world.chat.say("o_res_101", "1栋1单元101 我们单元楼道灯坏了"))
    assert (await world.chat.order(n)).room == "101"
    reply = await world.chat.say("o_res_201", "1栋1单元201 楼道灯坏了，晚上上楼看不见")
    assert f"已在 #{n}" in reply


async def test_each_home_keeps_its_own_problem(world: World) -> None:
    await world.chat.say("o_res_101", "绑定 1栋1单元101")
    await world.chat.say("o_res_201", "绑定 1栋1单元201")
    n = order_number(await world.chat.say("o_res_101", "家里厨房灯坏了"))
    other = order_number(await world.chat.say("o_res_201", "家里厨房灯坏了"))
    assert other != n


async def test_another_stairwell_is_another_light(world: World) -> None:
    await world.chat.say("o_res_101", "绑定 1栋1单元101")
    await world.chat.say("o_res_201", "绑定 1栋2单元201")
    n = order_number(await world.chat.say("o_res_101", "我们单元楼道灯坏了"))
    other = order_number(await world.chat.say("o_res_201", "我们单元楼道灯坏了"))
    assert other != n
