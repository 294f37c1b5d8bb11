"""The answer to "where do you live?" for a stairwell's problem, given a building at a time.
Found from outside (pass 9): 楼道灯坏了, then 1栋 alone joined another unit's stairwell order
(这个问题已在 #1 中处理 — #1 was 1栋1单元's lamp), and 2单元 after it was refused with the
绑定 format. The unit is asked before any stairwell is matched, and 2单元 completes the answer."""

from __future__ import annotations

from tests.support import order_number
from tests.test_timers import World

NEIGHBOUR, RESIDENT = "o_unit_one", "o_unit_two"


async def test_a_building_alone_asks_the_unit_before_a_stairwell_is_matched(world: World) -> None:
    chat = world.chat
    first = order_number(await chat.say(NEIGHBOUR, "1栋1单元楼道灯坏了"))
    assert "哪栋楼" in await chat.say(RESIDENT, "楼道灯坏了")
    asked = await chat.say(RESIDENT, "1栋")
    assert "已在" not in asked and "几单元" in asked, asked
    assert (await chat.order(first)).text == "1栋1单元楼道灯坏了"
    filed = await chat.say(RESIDENT, "2单元")
    assert "绑定" not in filed and "已在" not in filed, filed
    n = order_number(filed)
    assert n != first
    order = await chat.order(n)
    assert (order.building, order.unit) == ("1", "2") and order.summary == "楼道灯坏了"
    # (no door was given: nothing is kept as the home, as for any address without one)


async def test_a_building_and_its_unit_then_join_that_stairwells_order(world: World) -> None:
    chat = world.chat
    first = order_number(await chat.say(NEIGHBOUR, "1栋1单元楼道灯坏了"))
    await chat.say(RESIDENT, "楼道灯坏了")
    await chat.say(RESIDENT, "1栋")
    assert f"已在 #{first}" in await chat.say(RESIDENT, "1单元")


async def test_skipping_the_unit_files_the_report_at_the_building(world: World) -> None:
    chat = world.chat
    await chat.say(RESIDENT, "楼道灯坏了")
    await chat.say(RESIDENT, "1栋")
    n = order_number(await chat.say(RESIDENT, "跳过"))
    order = await chat.order(n)
    assert (order.building, order.unit) == ("1", None)


async def test_a_building_alone_still_files_a_report_inside_a_home(world: World) -> None:
    chat = world.chat
    await chat.say(RESIDENT, "厨房水管漏水了")
    filed = await chat.say(RESIDENT, "1栋")
    n = order_number(filed)
    assert (await chat.order(n)).building == "1"
