"""A report re-registered by 不对，我想说的是… keeps what was wrong when the correction names
only the thing's other place. Found from outside (pass 9): 厨房下水道堵了, then 不对，我想说的是
卫生间的下水道 filed 卫生间的下水道 — the 堵了 was gone from the summary and the member's push."""

from __future__ import annotations

import pytest

from bot.orders.duplicates import with_state_of
from tests.support import order_number
from tests.test_timers import World

RESIDENT = "o_meant_other_room"


async def test_the_problem_stays_when_only_the_place_is_corrected(world: World) -> None:
    chat = world.chat
    first = order_number(await chat.say(RESIDENT, "1栋1单元302 厨房下水道堵了"))
    reply = await chat.say(RESIDENT, "不对，我想说的是卫生间的下水道")
    assert f"#{first} 已撤回" in reply, reply
    n = order_number(reply.split("\n", 1)[1])
    order = await chat.order(n)
    assert order.summary == "卫生间的下水道堵了"
    pushed = [t for t in await chat.pushed("o_m02") if f"#{n}" in t]
    assert pushed and "卫生间的下水道堵了" in pushed[0], pushed


@pytest.mark.parametrize(
    ("meant", "before", "filed"),
    [
        ("卫生间的下水道", "厨房下水道堵了", "卫生间的下水道堵了"),
        ("卫生间的下水道", "厨房下水道堵了，水都漫出来了", "卫生间的下水道堵了"),
        ("卫生间的下水道堵了", "厨房下水道不通", "卫生间的下水道堵了"),  # its own problem
        ("电梯坏了", "楼道灯不亮了", "电梯坏了"),
        ("电梯", "楼道灯不亮了", "电梯"),  # another thing: nothing carried over
    ],
)
def test_what_was_wrong_is_carried_only_to_the_same_thing(
    meant: str, before: str, filed: str
) -> None:
    assert with_state_of(meant, before) == filed
