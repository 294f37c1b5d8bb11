"""A resident turning the account's notices off and on. Found from outside: 以后不要再给我
发通知了 cancelled the resident's open report (read as 'cancel'), and 退订 was not
understood: there was no way to stop the broadcasts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient

from bot.broadcasts.audience import Audience, recipients
from tests.support import order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_quiet"


async def audience(world: World) -> list[str]:
    async with world.sessions() as s:
        return await recipients(s, Audience("community"))


async def test_asking_for_no_notices_keeps_the_report_and_stops_broadcasts(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼道灯不亮了好几天了"))
    assert RESIDENT in await audience(world)
    for said in ("以后不要再给我发通知了", "退订", "取消订阅"):
        reply = await world.chat.say(RESIDENT, said)
        assert "不再发给您" in reply and "已取消" not in reply, (said, reply)
    assert (await world.chat.order(n)).status != "cancelled"
    assert RESIDENT not in await audience(world)
    assert "照常" in await world.chat.say(RESIDENT, "订阅")
    assert RESIDENT in await audience(world)
    assert "已取消" in await world.chat.say(RESIDENT, f"取消 {n}")  # a real cancel still works
