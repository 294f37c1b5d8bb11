"""What a resident reads about their orders. Found from outside (pass 5): 333现在是谁在办？ about
a finished order named nobody; 取消 with 12 open orders listed 5 and never said more were open."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient

from tests.support import order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_lists"


async def test_who_handles_an_order_and_who_finished_it(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼道灯坏了"))
    await world.chat.say("o_m02", f"接单 {n}")
    assert "李建国" in await world.chat.say(RESIDENT, f"{n}现在是谁在办？")
    await world.chat.say("o_m02", f"完成 {n} 灯泡换好了")
    asked = await world.chat.say(RESIDENT, f"{n}现在是谁在办？")
    assert f"#{n}" in asked and "李建国" in asked, asked
    assert "李建国" in await world.chat.say(RESIDENT, "查询")


async def test_cancel_alone_says_how_many_more_are_open(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    reports = [
        "厨房水龙头滴水",
        "卫生间门锁坏了",
        "阳台晾衣架坏了",
        "楼道灯坏了",
        "信箱坏了",
        "窗户关不上",
        "暖气不热",
    ]
    numbers = [order_number(await world.chat.say(RESIDENT, text)) for text in reports]
    reply = await world.chat.say(RESIDENT, "取消")
    assert "还有 2 张" in reply and "查询" in reply and "取消 #" in reply, reply
    # the two left out are still named by 查询, and 取消 #N works for them
    listed = await world.chat.say(RESIDENT, "查询")
    left_out = [n for n in numbers if f"#{n} " not in reply]
    assert len(left_out) == 2 and all(f"#{n}" in listed for n in left_out)
    assert "已取消" in await world.chat.say(RESIDENT, f"取消 #{left_out[0]}")


async def test_cancel_alone_with_few_orders_says_nothing_more(world: World) -> None:
    await world.chat.say(RESIDENT, "1栋1单元101 卫生间门锁坏了")
    await world.chat.say(RESIDENT, "1栋1单元101 厨房灯不亮")
    assert "还有" not in await world.chat.say(RESIDENT, "取消")
