"""Several requests in one message become one order each. Found from outside: 1. 4栋楼下的
路灯坏了 2. 小区门口有个井盖松了 became one 4栋 streetlight order with the loose manhole cover
at the gate buried in its summary; 厨房水管漏水了，另外楼道里的灯也坏了 became one order."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.support import count_orders
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_lists"


def numbers(reply: str) -> list[int]:
    return [int(n) for n in re.findall(r"工单号 #(\d+)", reply)]


async def test_a_numbered_list_is_one_order_per_item(world: World) -> None:
    reply = await world.chat.say(
        RESIDENT, "1. 4栋楼下的路灯坏了 2. 小区门口有个井盖松了，踩上去会晃"
    )
    found = numbers(reply)
    assert len(found) == 2 and "2 件事" in reply, reply
    light, cover = [await world.chat.order(n) for n in found]
    assert light.building == "4" and "路灯" in light.summary
    assert cover.building is None and "井盖" in cover.summary and cover.category == "safety"


async def test_another_need_after_另外_keeps_the_building(world: World) -> None:
    reply = await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水了，另外楼道里的灯也坏了")
    leak, light = [await world.chat.order(n) for n in numbers(reply)]
    assert (leak.building, leak.unit, leak.room) == ("1", "1", "101")
    assert (light.building, light.unit) == ("1", "1") and "灯" in light.summary


@pytest.mark.parametrize(
    "text",
    [
        "1栋1单元101 厨房水管漏水了，还有就是水管一直在滴",  # one thing told twice
        "我家1栋1单元101，电话13800000000，厨房水管漏水了",  # the parts of one report
    ],
)
async def test_one_request_stays_one_order(world: World, text: str) -> None:
    await world.chat.say(RESIDENT, text)
    assert await count_orders(world.sessions) == 1


async def test_a_list_that_would_need_a_question_stays_one_report(world: World) -> None:
    """No home on file and no address: the resident is asked once, for one report."""
    reply = await world.chat.say("o_resident_new", "厨房水管漏水了，另外卫生间灯也坏了")
    assert "哪栋楼" in reply and await count_orders(world.sessions) == 0
