"""Corrections, repeats and questions by number, found from outside (pass 7): a second
不对，我想说的是… joined the order it corrected; 不对，我是说… opened a duplicate order with the
raw sentence as its summary, at the home instead of the corrected address; 9999现在是谁在办？
became an order and 322现在是谁在办？ a request to bind room 322; a street lamp joined an
open stairwell-light order; two orders from one message were not told apart."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.support import count_orders, order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_pass7"
NEIGHBOUR = "o_neighbour_pass7"


def filed(reply: str) -> list[int]:
    return [int(n) for n in re.findall(r"工单号 #(\d+)", reply)]


async def test_a_second_correction_replaces_the_order_it_corrects(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    first = order_number(await world.chat.say(RESIDENT, "楼道灯坏了"))
    second = filed(await world.chat.say(RESIDENT, "不对，我想说的是电梯坏了"))[0]
    reply = await world.chat.say(RESIDENT, "不对，我想说的是水管漏了，不是电梯")
    assert f"#{second}" in reply and "撤回" in reply and "已在" not in reply, reply
    (third,) = filed(reply)
    assert (await world.chat.order(first)).status == "cancelled"
    assert (await world.chat.order(second)).status == "cancelled"
    leak = await world.chat.order(third)
    assert "水管" in leak.summary and "电梯" not in leak.summary and "不对" not in leak.summary
    assert leak.status not in ("cancelled", "resolved")


async def test_i_mean_keeps_the_corrected_address_and_opens_no_duplicate(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    light = order_number(await world.chat.say(RESIDENT, "我家门口的楼道灯不亮了"))
    moved = await world.chat.say(RESIDENT, "不对，刚才说错了，是我妈家，4栋1单元201")
    assert f"#{light}" in moved and "4栋1单元201" in moved, moved
    reply = await world.chat.say(RESIDENT, "不对，我想说的是电梯坏了，不是灯")
    assert f"#{light}" in reply and "撤回" in reply, reply
    (lift,) = filed(reply)
    assert (await world.chat.order(light)).status == "cancelled"
    order = await world.chat.order(lift)
    assert (order.building, order.unit) == ("4", "1"), (order.building, order.unit)
    assert "电梯" in order.summary and "不对" not in order.summary and "灯" not in order.summary
    assert any(f"#{lift}" in t or f"接单 {lift}" in t for t in await world.chat.pushed("o_m07"))


async def test_i_am_saying_restates_the_report_without_the_correction_words(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    leak = order_number(await world.chat.say(RESIDENT, "厨房水管漏水了"))
    reply = await world.chat.say(RESIDENT, "不对，我是说厨房水管有点渗水，不紧急的")
    assert f"#{leak}" in reply and "撤回" in reply and "哪栋楼" not in reply, reply
    (meant,) = filed(reply)
    assert (await world.chat.order(leak)).status == "cancelled"
    order = await world.chat.order(meant)
    assert "渗水" in order.text and "我是说" not in order.summary and "不对" not in order.summary
    assert (order.building, order.unit, order.room) == ("1", "1", "101")


async def test_i_am_saying_it_is_not_urgent_withdraws_the_emergency(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    urgent = order_number(await world.chat.say(RESIDENT, "厨房插座冒火花了"))
    assert (await world.chat.order(urgent)).urgent
    reply = await world.chat.say(RESIDENT, "不对，我是说厨房插座松了，不紧急的")
    assert f"#{urgent}" in reply and "撤回" in reply and "119" not in reply, reply
    (meant,) = filed(reply)
    assert (await world.chat.order(urgent)).status == "cancelled"
    order = await world.chat.order(meant)
    assert not order.urgent and "不对" not in order.summary and "插座" in order.summary


async def test_the_same_emergency_told_better_stays_with_its_responders(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    lift = order_number(await world.chat.say(RESIDENT, "电梯困人了"))
    reply = await world.chat.say(RESIDENT, "不对，是电梯停在两层中间，里面有人")
    assert "撤回" not in reply and not filed(reply), reply
    assert (await world.chat.order(lift)).status != "cancelled"
    assert await count_orders(world.sessions) == 1


@pytest.mark.parametrize("ask", ["9999现在是谁在办？", "#9999 进度怎么样了"])
async def test_asking_about_an_unknown_number_makes_no_order(world: World, ask: str) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    reply = await world.chat.say(RESIDENT, ask)
    assert "没有找到" in reply and "#9999" in reply and "工单号" not in reply, reply
    assert await count_orders(world.sessions) == 0


async def test_asking_about_someone_elses_number_binds_nothing(world: World) -> None:
    theirs = order_number(await world.chat.say(NEIGHBOUR, "2栋1单元301 厨房水龙头坏了"))
    reply = await world.chat.say(RESIDENT, f"{theirs}现在是谁在办？")
    assert "没有找到" in reply and f"#{theirs}" in reply, reply
    assert "绑定" not in reply and "工单号" not in reply and "2栋1单元301" not in reply
    assert await count_orders(world.sessions) == 1
    assert "没有" in await world.chat.say(RESIDENT, "我家地址你们记的是哪")


async def test_a_room_with_a_problem_and_a_question_is_still_a_report(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    reply = await world.chat.say(RESIDENT, "1502的灯坏了谁来修一下")
    assert "没有找到" not in reply and filed(reply), reply


async def test_a_street_lamp_is_not_the_open_stairwell_light(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 4栋1单元201")
    stairwell = order_number(await world.chat.say(RESIDENT, "楼道的灯坏了好几天了"))
    reply = await world.chat.say(RESIDENT, "1. 4栋楼下路灯坏了 2. 小区门口井盖松了")
    assert "已在" not in reply, reply
    numbers = filed(reply)
    assert len(numbers) == 2 and stairwell not in numbers, reply
    lamp = await world.chat.order(numbers[0])
    assert "路灯" in lamp.summary
    # the same stairwell light told again still joins its order
    again = await world.chat.say(RESIDENT, "楼道灯还是坏的")
    assert f"#{stairwell}" in again and not filed(again), again


async def test_two_orders_from_one_message_say_which_is_which(world: World) -> None:
    reply = await world.chat.say(RESIDENT, "1栋1单元101 家里没热水了，还有卫生间门锁坏了")
    numbers = filed(reply)
    assert len(numbers) == 2, reply
    lines = reply.splitlines()
    water = next(line for line in lines if f"#{numbers[0]}" in line)
    lock = next(line for line in lines if f"#{numbers[1]}" in line)
    assert "热水" in water and "门锁" not in water, reply
    assert "门锁" in lock and "热水" not in lock, reply


async def test_an_estate_name_after_a_report_placed_by_the_home_moves_it(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    """Found from outside: 3栋1单元201 楼道里老鼠很多 from a resident of 青和居 was placed in
    青和居 without a word (东亭 has a 3栋 too), and 东亭 sent next was not understood."""
    from tests.test_street import make_street

    street = await make_street(aiohttp_client, db_url)
    await street.say("o_li", "绑定 青和居3栋2单元601")
    reply = await street.say("o_li", "3栋1单元201 楼道里老鼠很多")
    assert "东亭也有3栋" in reply and "回复小区名" in reply, reply
    n = order_number(reply)
    assert (await street.order(n)).community_id == await street.community_id("qhj")
    moved = await street.say("o_li", "东亭")
    assert f"#{n}" in moved and "东亭3栋1单元201" in moved and "没太看明白" not in moved, moved
    order = await street.order(n)
    assert order.community_id == await street.community_id("dt") and order.estate_code == "DT"
    assert any(f"#{n}" in t or f"接单 {n}" in t for t in await street.pushed("o_b02"))
    assert any(f"#{n}" in t and "不用再跟进" in t for t in await street.pushed("o_a02"))
    # naming the estate it is in already changes nothing
    assert "没太看明白" in await street.say("o_li", "东亭")
    # a report about the home itself is where the home is: an estate's name does not move it
    home = order_number(await street.say("o_li", "家里水龙头坏了"))
    await street.say("o_li", "东亭")
    assert (await street.order(home)).community_id == await street.community_id("qhj")
