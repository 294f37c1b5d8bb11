"""A reopened order (重办) starts a new round: whoever timed out on it in the first round is
not passed over again. Found from outside: an order handed on by the timers until nobody was
left, then taken and completed by its representative, was rated 2 and reopened to nobody
("暂时没有可以派单的人") although everyone was on duty, and went overdue unowned."""

from __future__ import annotations

from datetime import timedelta

from tests.support import order_number
from tests.test_timers import World

RESIDENT = "o_resident_reopen"


async def test_a_low_rating_after_time_outs_goes_back_to_the_chain(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼道灯坏了"))
    for minutes in (31, 61, 91, 121, 151, 181, 241, 301):  # nobody answers: handed on to nobody
        await world.at(timedelta(minutes=minutes))
    assert (await world.chat.order(n)).assignee_id is None
    await world.chat.say("o_m02", f"接单 {n}")
    await world.chat.say("o_m02", f"完成 {n} 换好了")
    await world.chat.say(RESIDENT, f"#{n} 2")
    order = await world.chat.order(n)
    assert order.status == "assigned" and order.assignee_id is not None
    history = await world.chat.history(n)
    assert "暂时没有可以派单的人" not in history[-1][2], history[-1]
    assert any(f"接单 {n}" in t and "重办" in t for t in await world.chat.pushed("o_m02"))
