"""A phone number sent after a report belongs to the report. Found from outside (pass 9):
我电话13912340000，师傅来之前打个电话 listed the resident's orders (read as 查询), and
有事打我电话13912340000 opened a new order whose summary was 有事打我电话; the order itself
still had no phone."""

from __future__ import annotations

import pytest

from tests.support import order_number
from tests.test_timers import World

RESIDENT = "o_leaves_phone"


@pytest.mark.parametrize(
    "told",
    ["我电话13912340000，师傅来之前打个电话", "有事打我电话13912340000", "13912340000"],
)
async def test_a_phone_sent_after_a_report_is_added_to_it(world: World, told: str) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元302 卫生间下水道堵了"))
    reply = await world.chat.say(RESIDENT, told)
    assert f"#{n}" in reply and "电话" in reply, reply
    assert "您最近的工单" not in reply and "工单号" not in reply
    order = await world.chat.order(n)
    assert order.phones == ["13912340000"]
    assert order.summary == "卫生间下水道堵了"
    pushed = await world.chat.pushed("o_m02")  # 李建国 holds 1-1-*
    assert any(f"#{n}" in t and "13912340000" in t for t in pushed), pushed


async def test_a_phone_goes_to_the_newest_open_order_only_once(world: World) -> None:
    await world.chat.say(RESIDENT, "1栋1单元302 厨房灯坏了")
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元302 卫生间下水道堵了"))
    await world.chat.say(RESIDENT, "我电话13912340000")
    await world.chat.say(RESIDENT, "电话13912340000，师傅来之前打个电话")
    assert (await world.chat.order(n)).phones == ["13912340000"]


async def test_a_phone_with_a_new_problem_is_still_a_report(world: World) -> None:
    first = order_number(await world.chat.say(RESIDENT, "1栋1单元302 卫生间下水道堵了"))
    reply = await world.chat.say(RESIDENT, "1栋1单元302 厨房灯坏了，电话13912340000")
    n = order_number(reply)
    assert n != first
    assert (await world.chat.order(n)).phones == ["13912340000"]
    assert (await world.chat.order(first)).phones == []
