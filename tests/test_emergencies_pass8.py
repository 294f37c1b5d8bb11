"""Emergencies after they went out (outside pass 8): the grid leader alerted to one hears when
the resident moves it to the other estate or cancels it; an emergency upstairs told before
the resident's home was known goes to the home's building and unit once it is; 人呢 after
"没事了" does not urge dialling 119 again; a second child in danger somewhere else is a
second emergency, not a note on the first."""

from __future__ import annotations

import pytest

from tests.support import order_number
from tests.test_street import ClientFactory, Street3, make_street
from tests.test_timers import World

LIFT = "电梯卡在5楼和6楼之间，我孙子在里面出不来"


@pytest.fixture
async def street(aiohttp_client: ClientFactory, db_url: str) -> Street3:
    return await make_street(aiohttp_client, db_url)


async def _told(street: Street3, openid: str, since: int, n: int) -> list[str]:
    return [t for t in (await street.pushed(openid))[since:] if f"#{n}" in t]


async def test_the_grid_leader_alerted_hears_the_emergency_moved_to_the_other_estate(
    street: Street3,
) -> None:
    n = order_number(await street.say("o_e1", LIFT))
    await street.say("o_e1", "3栋2单元")  # 青和居 assumed: its grid leader 张美丽 is alerted
    assert await _told(street, "o_a01", 0, n)
    before = len(await street.pushed("o_a01"))
    moved = await street.say("o_e1", "东亭")
    assert "东亭3栋2单元" in moved
    told = await _told(street, "o_a01", before, n)
    assert len(told) == 1 and "东亭3栋2单元" in told[0] and "不用再跟进" in told[0], told
    assert "孙丽" in told[0]  # who has it now
    assert await _told(street, "o_b01", 0, n)  # 东亭's grid leader alerted in turn


async def test_the_grid_leader_alerted_hears_the_emergency_was_cancelled(
    street: Street3,
) -> None:
    n = order_number(await street.say("o_e2", LIFT))
    await street.say("o_e2", "3栋2单元")
    await street.say("o_e2", "东亭")
    before = len(await street.pushed("o_b01"))
    assert "已取消" in await street.say("o_e2", f"取消 {n}")
    told = await _told(street, "o_b01", before, n)
    assert len(told) == 1 and "取消" in told[0], told
    assert len(await _told(street, "o_b02", 0, n)) >= 2  # the holder, as before


async def test_an_ordinary_order_cancelled_tells_only_its_holder(street: Street3) -> None:
    n = order_number(await street.say("o_e3", "东亭3栋2单元502 卫生间灯不亮了"))
    await street.say("o_e3", f"取消 {n}")
    assert not await _told(street, "o_b01", 0, n)
    assert any("取消" in t for t in await _told(street, "o_b02", 0, n))


async def test_an_emergency_upstairs_takes_the_homes_unit_once_the_home_is_known(
    world: World,
) -> None:
    """The steps of the finding: three emergencies with no place, one at 5栋, then the home."""
    openid = "o_upstairs8"
    first = order_number(await world.chat.say(openid, "我不想活了，站在阳台上哭"))
    knife = order_number(await world.chat.say(openid, "楼上有个男的拿着刀在楼道里喊要砍人"))
    shaft = order_number(await world.chat.say(openid, "电梯门开着，里面没有轿厢，好危险"))
    await world.chat.say(openid, "5栋有个小孩掉进小区的河里了")
    home = await world.chat.say(openid, "5栋2单元301")
    assert "地址登记好了" in home
    for n in (first, knife, shaft):
        assert f"#{n}" in home, home
    order = await world.chat.order(knife)
    assert (order.building, order.unit, order.room) == ("5", "2", None)
    assert (await world.chat.order(shaft)).room is None  # a lift has no door either
    # 周杰 leads 第二网格 (4栋, 5栋): the emergency is his to know of now
    assert any(f"#{knife}" in t and "5栋2单元" in t for t in await world.chat.pushed("o_m04"))


async def test_anyone_there_after_the_resident_said_it_is_over_does_not_urge_dialling(
    world: World,
) -> None:
    openid = "o_settled8"
    n = order_number(await world.chat.say(openid, "有人被困电梯里了，叫半天没人应"))
    await world.chat.say(openid, "5栋1单元302")
    before = await world.chat.say(openid, "有人吗？")
    assert "96333" in before  # still going on: the numbers again
    await world.chat.say(openid, "人已经出来了，没事了")
    after = await world.chat.say(openid, "人呢")
    assert f"#{n}" in after
    assert "96333" not in after and "119" not in after and "拨打" not in after, after
    assert f"取消 {n}" in after


async def test_a_second_child_in_danger_elsewhere_is_a_second_emergency(world: World) -> None:
    openid = "o_children8"
    await world.chat.say(openid, "绑定 2栋1单元402")
    balcony = order_number(await world.chat.say(openid, "有个小孩从二楼阳台掉下去了"))
    car = await world.chat.say(openid, "小孩被反锁在车里，车在太阳底下")
    well = await world.chat.say(openid, "楼下草丛里发现一个小孩掉进窨井里了")
    numbers = {balcony, order_number(car), order_number(well)}
    assert len(numbers) == 3, (car, well)
    assert "补充" not in car and "补充" not in well
    for n in numbers:
        assert (await world.chat.order(n)).assignee_id is not None


async def test_more_about_the_same_child_is_still_a_supplement(world: World) -> None:
    openid = "o_child_more8"
    await world.chat.say(openid, "绑定 2栋1单元402")
    n = order_number(await world.chat.say(openid, "小孩被反锁在车里，车在太阳底下"))
    more = await world.chat.say(openid, "孩子还在车里，哭得没声了")
    assert f"#{n}" in more and "补充" in more, more
