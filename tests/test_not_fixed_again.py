"""A resident who says a finished order is still not fixed gets that order reopened, not a
new one — in the words of the report or its traditional form, and when the member never
came. Found from outside: 楼道灯还是不亮，师傅根本没来 made a new order because the report
was written 樓道燈也壞了, and 水龙头还是滴水 was not read as "not fixed"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.support import count_orders, order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_not_fixed"


async def finished(world: World, text: str) -> int:
    n = order_number(await world.chat.say(RESIDENT, text))
    await world.chat.say("o_m02", f"接单 {n}")
    await world.chat.say("o_m02", f"完成 {n}")
    return n


@pytest.mark.parametrize(
    ("report", "again"),
    [
        ("1栋1单元101 樓道燈也壞了", "楼道灯还是不亮，师傅根本没来"),
        ("1栋1单元101 厨房水龙头一直滴水", "水龙头还是滴水，师傅根本没来"),
    ],
)
async def test_still_broken_reopens_the_finished_order(
    world: World, report: str, again: str
) -> None:
    other = await finished(world, "1栋1单元101 卫生间门锁坏了")
    n = await finished(world, report)
    reply = await world.chat.say(RESIDENT, again)
    assert f"#{n} 已重新打开" in reply
    assert await count_orders(world.sessions) == 2
    # found from outside: saying it is not fixed recorded a rating of 1 nobody gave
    assert (await world.chat.order(n)).rating is None
    assert (await world.chat.order(other)).status == "resolved"


async def test_a_rating_that_names_the_thing_rates_that_order(world: World) -> None:
    # found from outside: with two orders waiting, this was asked "which order?"
    light = await finished(world, "1栋1单元101 卫生间灯不亮了")
    tap = await finished(world, "1栋1单元101 厨房水龙头一直滴水")
    reply = await world.chat.say(RESIDENT, "灯修好了，谢谢，5分")
    assert "哪" not in reply
    assert (await world.chat.order(light)).rating == 5
    assert (await world.chat.order(tap)).rating is None
