"""Found from outside (pass 5): a follow-up about one emergency changed another, a new matter
after an emergency was swallowed into it, a new request sent while the address was asked was
taken as the address and lost, "不对，我想说的是单元门禁坏了" opened a second order, and a
"nothing happened, just letting you know" became a dispatched dispute order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.support import count_orders, order_number
from tests.test_street import Street3, make_street
from tests.test_timers import START, World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_pass5"


async def _notes(world: World, number: int) -> list[str]:
    return [note or "" for *_, note in await world.chat.history(number)]


async def _three_emergencies(world: World) -> tuple[int, int, int]:
    await world.chat.say(RESIDENT, "绑定 3栋2单元501")
    fall = order_number(
        await world.chat.say(RESIDENT, "我老伴在卫生间摔倒了起不来，头上流了好多血")
    )
    knife = order_number(await world.chat.say(RESIDENT, "楼道里有个男的拿着刀在追人！"))
    fire = order_number(
        await world.chat.say(RESIDENT, "楼下有辆电动车在充电的时候冒烟了，还有火星")
    )
    return fall, knife, fire


# --- 1. a follow-up goes to the emergency it describes ----------------------------------------
async def test_a_follow_up_goes_to_the_emergency_it_describes(world: World) -> None:
    fall, knife, fire = await _three_emergencies(world)
    arrived = await world.chat.say(RESIDENT, "救护车来了，人已经送医院了")
    assert f"#{fall}" in arrived and f"#{fire}" not in arrived
    assert any("送医院" in note for note in await _notes(world, fall))
    assert not any("送医院" in note for note in await _notes(world, fire))

    calmed = await world.chat.say(RESIDENT, "刚才那个拿刀的是看错了，是在拍视频")
    assert f"#{knife}" in calmed and "普通工单" in calmed
    assert not (await world.chat.order(knife)).urgent
    assert (await world.chat.order(fire)).urgent  # the fire is never calmed by it
    assert (await world.chat.order(fall)).urgent
    assert await count_orders(world.sessions) == 3


async def test_a_follow_up_that_names_no_emergency_is_asked_about(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 3栋2单元501")
    fall = order_number(
        await world.chat.say(RESIDENT, "我老伴在卫生间摔倒了起不来，头上流了好多血")
    )
    knife = order_number(await world.chat.say(RESIDENT, "楼道里有个男的拿着刀在追人！"))
    asked = await world.chat.say(RESIDENT, "搞错了，没那么急")
    assert "哪一件" in asked and f"#{fall}" in asked and f"#{knife}" in asked
    assert (await world.chat.order(fall)).urgent and (await world.chat.order(knife)).urgent
    calmed = await world.chat.say(RESIDENT, str(knife))
    assert f"#{knife}" in calmed and "普通工单" in calmed
    assert not (await world.chat.order(knife)).urgent
    assert (await world.chat.order(fall)).urgent
    assert any("搞错了" in note for note in await _notes(world, knife))


# --- 3. a different matter after an emergency is its own order --------------------------------
async def test_a_different_matter_after_an_emergency_is_its_own_order(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 5栋2单元302")
    fire = order_number(await world.chat.say(RESIDENT, "4栋1单元楼道里着火了，好多烟"))
    holder = (await world.chat.order(fire)).assignee_id
    world.clock.set(START + timedelta(minutes=30))
    reply = await world.chat.say(RESIDENT, "家里马桶堵了，水漫出来了")
    assert f"补充到紧急工单 #{fire}" not in reply
    toilet = order_number(reply)
    assert toilet != fire
    order = await world.chat.order(toilet)
    assert order.category == "repair" and (order.building, order.room) == ("5", "302")
    assert not any("马桶" in note for note in await _notes(world, fire))
    assert holder is not None
    assert not any("马桶" in t for t in await world.chat.pushed("o_m07"))  # the fire's holder


# --- 4. a new request while the address is asked ----------------------------------------------
async def test_a_new_request_while_the_address_is_asked_is_not_taken_as_the_address(
    world: World,
) -> None:
    assert "哪栋楼" in await world.chat.say(RESIDENT, "救命，这个月物业费又涨了，还让不让人活了")
    reply = await world.chat.say(
        RESIDENT, "去年3栋着过一次火，现在楼道里的灭火器都过期了，能不能换一下"
    )
    # the fee complaint is filed without an address (not at 3栋, a past fire's building),
    # and the extinguishers wait for their own address
    fee = order_number(reply)
    assert (await world.chat.order(fee)).building is None
    assert "哪栋楼" in reply
    filed = await world.chat.say(RESIDENT, "5栋1单元201")
    extinguishers = order_number(filed)
    order = await world.chat.order(extinguishers)
    assert "灭火器" in order.text and (order.building, order.room) == ("5", "201")
    assert await count_orders(world.sessions) == 2


@pytest.fixture
async def street(aiohttp_client: ClientFactory, db_url: str) -> Street3:
    return await make_street(aiohttp_client, db_url)


async def test_a_new_request_with_a_shared_building_is_its_own_report(street: Street3) -> None:
    """青和居 and 东亭 both have a 3栋: the new request asks its own estate, and is filed."""
    assert "哪栋楼" in await street.say("o_b", "救命，这个月物业费又涨了，还让不让人活了")
    reply = await street.say("o_b", "3栋楼道里的灭火器都过期了，能不能换一下")
    assert "物业费" in reply and "工单 #" in reply and "哪个小区" in reply
    filed = await street.say("o_b", "青和居")
    order = await street.order(order_number(filed))
    assert "灭火器" in order.text and order.building == "3"


# --- 8. a correction of what the report was about ---------------------------------------------
async def test_saying_the_report_meant_another_thing_replaces_it(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 5栋2单元302")
    steps = order_number(await world.chat.say(RESIDENT, "单元门口的台阶塌了一块"))
    reply = await world.chat.say(RESIDENT, "不对，我想说的是单元门禁坏了")
    assert f"#{steps} 已撤回" in reply
    assert (await world.chat.order(steps)).status == "cancelled"
    lock = await world.chat.order(order_number(reply.split("\n", 1)[1]))
    assert lock.summary == "单元门禁坏了" and "不对" not in lock.summary


# --- 14. something over, told for the record --------------------------------------------------
async def test_something_over_told_for_the_record_opens_no_order(world: World) -> None:
    reply = await world.chat.say(RESIDENT, "昨天小区里有人吵架，已经没事了，就是说一声")
    assert "工单号" not in reply and "哪栋楼" not in reply and "需要" in reply
    assert await count_orders(world.sessions) == 0
    assert await world.chat.pushed("o_m06") == []  # the mediator is not sent out
    assert "不登记" in await world.chat.say(RESIDENT, "不用了")
    assert await count_orders(world.sessions) == 0


async def test_something_over_is_filed_when_the_resident_says_it_is_needed(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 2栋1单元101")
    await world.chat.say(RESIDENT, "昨天小区里有人吵架，已经没事了，就是说一声")
    filed = await world.chat.say(RESIDENT, "需要")
    order = await world.chat.order(order_number(filed))
    assert "吵架" in order.text
    assert await count_orders(world.sessions) == 1
