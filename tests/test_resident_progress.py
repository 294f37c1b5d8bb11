"""进度 326 from a resident asks about their own order (found from outside: it was refused as a
members' command)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient

from bot import texts
from tests.support import order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


async def test_a_resident_asks_progress_of_their_own_order(world: World) -> None:
    n = order_number(await world.chat.say("o_r1", "1栋1单元101 卫生间门锁坏了"))
    other = order_number(await world.chat.say("o_r2", "1栋1单元102 楼道灯不亮"))
    reply = await world.chat.say("o_r1", f"进度 {n}")
    assert f"#{n}" in reply and "门锁" in reply
    assert f"#{n}" in await world.chat.say("o_r1", "进度")
    # someone else's order is not shown, and members still use 进度 as before
    assert await world.chat.say("o_r1", f"进度 {other}") == texts.ORDER_NOT_FOUND.format(
        number=other
    )
    assert await world.chat.say("o_r1", f"接单 {n}") == texts.MEMBER_ONLY


async def test_cancel_alone_lists_the_orders_it_could_mean(world: World) -> None:
    a = order_number(await world.chat.say("o_r1", "1栋1单元101 卫生间门锁坏了"))
    b = order_number(await world.chat.say("o_r1", "1栋1单元101 厨房灯不亮"))
    reply = await world.chat.say("o_r1", "取消")
    assert f"#{a} " in reply and f"#{b} " in reply and "门锁" in reply and "厨房灯" in reply
    assert (await world.chat.order(a)).status != "cancelled"
