"""Where a report is and whose it is, found from outside (pass 8): a neighbour told "your
order #12" could not ask about #12 nor find it in 查询; a corrected address in a building both
estates have said nothing of the other estate, and its name sent next was not understood;
楼下路灯坏了 from a resident with a home on file went to the office with no place at all."""

from __future__ import annotations

import pytest

from tests.street_demo_support import LI, SUN, WANG, WANGFANG, ZHANG, ZHOU, make_demo_street
from tests.support import order_number
from tests.test_street import ClientFactory, Street3


@pytest.fixture
async def street(aiohttp_client: ClientFactory, db_url: str) -> Street3:
    return await make_demo_street(aiohttp_client, db_url)


# --- finding 15: a neighbour whose report joined an order ------------------------------------
async def test_a_neighbour_who_joined_an_order_can_ask_about_it(street: Street3) -> None:
    await street.say(WANG, "绑定 6栋1单元101")
    n = order_number(await street.say(WANG, "我们单元楼道灯不亮了"))
    joined = await street.say(LI, "6栋1单元楼道灯坏了好几天了")
    assert f"已在 #{n}" in joined, joined
    await street.say(ZHOU, f"接单 {n}")
    asked = await street.say(LI, f"{n}现在是谁在办")
    assert "没有找到" not in asked and f"#{n}" in asked and "周桂兰" in asked, asked
    await street.say(ZHOU, f"完成 {n} 换了灯泡")
    listed = await street.say(LI, "查询")
    assert f"#{n}" in listed and "没有报过事" not in listed, listed
    done = await street.say(LI, f"#{n} 进度怎么样了")
    assert "没有找到" not in done and f"#{n}" in done, done
    # still not theirs to withdraw
    assert (await street.order(n)).resident_openid == WANG


async def test_a_stranger_still_cannot_read_an_order_by_number(street: Street3) -> None:
    await street.say(WANG, "绑定 6栋1单元101")
    n = order_number(await street.say(WANG, "我们单元楼道灯不亮了"))
    asked = await street.say(ZHANG, f"{n}现在是谁在办")
    assert "没有找到" in asked, asked


# --- finding 17: a corrected address in a building both estates have --------------------------
@pytest.mark.parametrize(
    ("correction", "building", "unit", "room"),
    [
        ("不对，是3栋2单元501，不是6栋", "3", "2", "501"),
        ("刚才那个单子地址写错了，应该是4栋2单元301", "4", "2", "301"),
    ],
)
async def test_a_correction_to_a_shared_building_names_the_other_estate(
    street: Street3, correction: str, building: str, unit: str, room: str
) -> None:
    await street.say(WANG, "绑定 青和居6栋1单元101")
    n = order_number(await street.say(WANG, "家里暖气不热"))
    moved = await street.say(WANG, correction)
    assert f"#{n}" in moved and f"东亭也有{building}栋" in moved and "回复小区名" in moved, moved
    assert (await street.order(n)).community_id == await street.community_id("qhj")
    again = await street.say(WANG, "东亭")
    assert "没太看明白" not in again and f"#{n}" in again, again
    assert f"东亭{building}栋{unit}单元{room}" in again, again
    order = await street.order(n)
    assert order.community_id == await street.community_id("dt") and order.estate_code == "DT"
    assert (order.building, order.unit, order.room) == (building, unit, room)
    assert any(f"#{n}" in t for t in await street.pushed("o_member_linzhiyuan"))
    # the home on file is not touched
    assert "青和居6栋1单元101" in await street.say(WANG, "我家地址你们记的是哪")


async def test_a_correction_within_the_home_estate_only_says_nothing_more(
    street: Street3,
) -> None:
    await street.say(WANG, "绑定 青和居6栋1单元101")
    n = order_number(await street.say(WANG, "家里暖气不热"))
    moved = await street.say(WANG, "不对，是5栋2单元501，不是6栋")
    assert f"#{n}" in moved and "也有" not in moved, moved


# --- finding 19: 楼下路灯坏了 from a resident whose home is known -----------------------------
async def test_a_lamp_below_the_home_goes_to_the_home_building(street: Street3) -> None:
    await street.say(ZHANG, "绑定 2栋1单元402")
    reply = await street.say(ZHANG, "楼下路灯坏了")
    n = order_number(reply)
    assert "王芳" not in reply, reply
    order = await street.order(n)
    assert (order.building, order.unit, order.room) == ("2", "1", None)
    assert order.community_id == await street.community_id("qhj")
    assert any(f"#{n}" in t for t in await street.pushed(SUN))
    assert not any(f"#{n}" in t for t in await street.pushed(WANGFANG))


async def test_a_lamp_below_from_someone_with_no_home_is_asked_where(street: Street3) -> None:
    asked = await street.say(LI, "楼下路灯坏了")
    assert "哪栋楼" in asked and "工单号" not in asked, asked
    reply = await street.say(LI, "5栋2单元301")
    order = await street.order(order_number(reply))
    assert (order.building, order.unit) == ("5", "2"), (order.building, order.unit)


async def test_a_lamp_at_the_estate_gate_stays_a_shared_place(street: Street3) -> None:
    await street.say(ZHANG, "绑定 2栋1单元402")
    order = await street.order(order_number(await street.say(ZHANG, "小区门口的路灯坏了")))
    assert order.building is None
