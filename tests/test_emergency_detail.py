"""More said about an emergency just reported is added to it, not filed as a new emergency at
the reporter's own flat; asking whether anyone is dealing with it presses it. Found from
outside: 是的，流了很多血，人有点迷糊 became a second emergency at the resident's home."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.support import count_orders, order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_detail"


async def test_more_about_an_emergency_joins_it(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 2栋1单元201")
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101的老人摔倒在楼道里了，头在流血"))
    assert (await world.chat.order(n)).urgent
    reply = await world.chat.say(RESIDENT, "是的，流了很多血，人有点迷糊")
    assert f"#{n}" in reply and "补充" in reply and "120" in reply
    assert await count_orders(world.sessions) == 1
    assert any("居民补充情况" in t for t in await world.chat.pushed("o_m02"))
    notes = [note for *_, note in await world.chat.history(n)]
    assert any("流了很多血，人有点迷糊" in note for note in notes)


async def test_an_emergency_of_another_kind_is_its_own_report(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101的老人摔倒在楼道里了，头在流血"))
    other = order_number(await world.chat.say(RESIDENT, "3栋2单元301 厨房着火了"))
    assert other != n


async def test_asking_whether_anyone_deals_with_it_presses_the_order(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 卫生间门锁坏了 打不开"))
    reply = await world.chat.say(RESIDENT, "门锁那个事到底有没有人管")
    assert f"#{n}" in reply and "催办" in reply
    assert await count_orders(world.sessions) == 1


@pytest.mark.parametrize("rest", ["1单元101", "1栋1单元101"])
async def test_an_emergencys_building_first_then_its_door(world: World, rest: str) -> None:
    n = order_number(await world.chat.say(RESIDENT, "我妈在卫生间摔倒了起不来 头在流血"))
    first = await world.chat.say(RESIDENT, "1栋")
    assert f"#{n}" in first and "几单元几号" in first
    reply = await world.chat.say(RESIDENT, rest)
    assert f"#{n}" in reply and "1栋1单元101" in reply
    order = await world.chat.order(n)
    assert (order.building, order.unit, order.room) == ("1", "1", "101")


async def test_more_about_an_emergency_while_its_place_is_asked_keeps_the_question(
    world: World,
) -> None:
    n = order_number(await world.chat.say(RESIDENT, "我妈在卫生间摔倒了起不来 头在流血"))
    reply = await world.chat.say(RESIDENT, "血流了好多 人叫不醒了")
    assert f"#{n}" in reply and "补充" in reply and "具体在哪栋楼" in reply
    assert await count_orders(world.sessions) == 1
    assert "1栋1单元101" in await world.chat.say(RESIDENT, "1栋1单元101")
    assert (await world.chat.order(n)).building == "1"


# Found from outside (second pass): what was done since, and how it ended, became new
# emergencies — water advice for a gas leak, a fall filed at the reporter's own flat.
async def test_what_was_done_after_a_gas_smell_joins_it_without_water_advice(
    world: World,
) -> None:
    await world.chat.say(RESIDENT, "绑定 2栋1单元201")
    n = order_number(await world.chat.say(RESIDENT, "厨房里一股很大的煤气味"))
    assert (await world.chat.order(n)).urgent
    reply = await world.chat.say(RESIDENT, "阀门关了，窗户也打开了，人都出来了")
    assert f"#{n}" in reply and "补充" in reply
    assert "进水总阀" not in reply
    assert await count_orders(world.sessions) == 1


async def test_more_about_a_fall_downstairs_is_not_filed_at_the_reporters_flat(
    world: World,
) -> None:
    await world.chat.say(RESIDENT, "绑定 2栋1单元201")
    n = order_number(await world.chat.say(RESIDENT, "楼下独居的老太太摔倒了起不来，叫她半天没反应"))
    reply = await world.chat.say(RESIDENT, "头上还流血了，门锁着进不去")
    assert f"#{n}" in reply and "补充" in reply
    assert await count_orders(world.sessions) == 1


async def test_how_a_fire_ended_joins_it_even_with_its_door_number(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "3栋1单元302家里着火了 窗户在冒烟"))
    world.clock.set(world.clock.now() + timedelta(minutes=40))
    reply = await world.chat.say(RESIDENT, "消防车来了，火灭了，是302家里锅烧干了")
    assert f"#{n}" in reply and "补充" in reply
    assert await count_orders(world.sessions) == 1


async def test_an_emergency_said_not_to_be_one_becomes_an_ordinary_order(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "楼上有人打起来了 砰砰的砸东西"))
    assert (await world.chat.order(n)).urgent
    reply = await world.chat.say(RESIDENT, "不是打架，是楼上装修，就是太吵了")
    assert f"#{n}" in reply and "普通工单" in reply and "几单元" in reply
    assert not (await world.chat.order(n)).urgent
    assert await count_orders(world.sessions) == 1
    placed = await world.chat.say(RESIDENT, "1栋1单元101")
    assert f"#{n}" in placed
    assert (await world.chat.order(n)).building == "1"
    notes = [note for *_, note in await world.chat.history(n)]
    assert any("不是紧急情况" in note for note in notes)
