"""The same problem reported again after its order was finished: a new order, whose history
names the earlier one, so whoever takes it reads what was done the first time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from tests.support import order_number
from tests.test_timers import START, World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_again"


async def finished(world: World, text: str) -> int:
    n = order_number(await world.chat.say(RESIDENT, text))
    await world.chat.say("o_m02", f"接单 {n}")
    await world.chat.say("o_m02", f"完成 {n} 换了灯泡")
    assert (await world.chat.order(n)).status == "resolved"
    return n


async def test_the_same_problem_again_names_the_finished_order(world: World) -> None:
    first = await finished(world, "1栋1单元101 楼道灯不亮")
    world.clock.set(START + timedelta(days=5))
    reply = await world.chat.say(RESIDENT, "1栋1单元101 楼道灯不亮了，晚上黑漆漆的")
    second = order_number(reply)
    assert second != first and f"#{first}" in reply
    notes = [note for *_, note in await world.chat.history(second)]
    assert any(f"再次报修：与 #{first}" in note for note in notes)
    assert (await world.chat.order(first)).status == "resolved"  # the old one is left as it was


async def test_another_problem_or_place_is_not_linked(world: World) -> None:
    first = await finished(world, "1栋1单元101 楼道灯不亮")
    reply = await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水了")
    assert f"#{first}" not in reply.replace(f"#{order_number(reply)}", "")
    reply = await world.chat.say(RESIDENT, "2栋1单元201 楼道灯不亮")
    assert f"#{first}" not in reply.replace(f"#{order_number(reply)}", "")
