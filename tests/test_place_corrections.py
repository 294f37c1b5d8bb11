"""A resident correcting the address of a report just made. Found from outside: 不对，是4栋，
不是3栋 registered 4栋 as the resident's home (losing the full address on file) and left the
order at 3栋 with 3栋's representative; 刚才那个单子地址写错了，应该是… filed a second order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from tests.support import count_orders, order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_moves"


async def test_the_building_corrected_moves_the_order_not_the_home(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元201 卫生间下水道堵了"))
    assert any(f"接单 {n}" in t for t in await world.chat.pushed("o_m02"))  # 1-1-*'s rep
    reply = await world.chat.say(RESIDENT, "不对，是4栋，不是1栋")
    assert f"#{n}" in reply and "4栋1单元201" in reply and "钱进" in reply, reply
    order = await world.chat.order(n)
    assert (order.building, order.unit, order.room) == ("4", "1", "201")
    assert any(f"接单 {n}" in t for t in await world.chat.pushed("o_m07"))  # 4-1-*'s rep
    assert any(f"#{n}" in t and "不用再跟进" in t for t in await world.chat.pushed("o_m02"))
    assert "1栋1单元101" in await world.chat.say(RESIDENT, "我家地址你们记的是哪")
    assert await count_orders(world.sessions) == 1
    notes = " ".join(note for _, _, note in await world.chat.history(n))
    assert "1栋1单元201" in notes and "4栋1单元201" in notes


async def test_a_correction_to_a_relatives_building_keeps_nothing_of_the_home(
    world: World,
) -> None:
    # found from outside: 不对，是6栋，我说的是我妈家那栋 kept the unit of the resident's own home
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    n = order_number(await world.chat.say(RESIDENT, "我家楼道的灯坏了"))
    assert (await world.chat.order(n)).unit == "1"
    reply = await world.chat.say(RESIDENT, "不对，是4栋，我说的是我妈家那栋")
    assert f"#{n}" in reply, reply
    order = await world.chat.order(n)
    assert (order.building, order.unit, order.room) == ("4", None, None)


async def test_a_full_correction_of_a_taken_order_tells_its_holder(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元201 厨房下水道堵了"))
    await world.chat.say("o_m02", f"接单 {n}")
    reply = await world.chat.say(RESIDENT, "刚才那个单子地址写错了，应该是1栋2单元301")
    assert f"#{n}" in reply and "1栋2单元301" in reply and "李建国" in reply, reply
    assert await count_orders(world.sessions) == 1
    told = [t for t in await world.chat.pushed("o_m02") if "更正" in t]
    assert len(told) == 1 and "1栋2单元301" in told[0]
    assert (await world.chat.order(n)).status == "accepted"


async def test_a_correction_long_after_is_not_taken_for_one(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元201 厨房下水道堵了"))
    world.clock.set(world.clock.now() + timedelta(hours=3))
    await world.chat.say(RESIDENT, "不对，是4栋，不是1栋")
    assert (await world.chat.order(n)).building == "1"


async def test_another_problem_said_with_not_is_a_report_of_its_own(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元201 厨房下水道堵了"))
    reply = await world.chat.say(RESIDENT, "不是我家的事，是4栋1单元楼道灯坏了")
    assert order_number(reply) != n
    assert (await world.chat.order(n)).building == "1"


async def test_correcting_what_the_report_was_about_replaces_it(world: World) -> None:
    """Found from outside: 楼道灯坏了 then 不对，我想说的是电梯坏了 filed a second order whose
    summary was the correction, and the wrong one stayed open."""
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼道灯坏了"))
    reply = await world.chat.say(RESIDENT, "不对，我想说的是电梯坏了")
    assert f"#{n}" in reply and "撤回" in reply, reply
    m = order_number(reply.split("重新登记")[1])
    assert m != n and (await world.chat.order(n)).status == "cancelled"
    meant = await world.chat.order(m)
    assert "电梯" in meant.summary and "不对" not in meant.summary and meant.building == "1"


async def test_a_taken_report_is_not_withdrawn_by_a_correction(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼道灯坏了"))
    await world.chat.say("o_m02", f"接单 {n}")
    await world.chat.say(RESIDENT, "不对，我想说的是电梯坏了")
    assert (await world.chat.order(n)).status == "accepted"
