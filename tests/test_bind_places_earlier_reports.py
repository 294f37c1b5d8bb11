"""A resident who reported before giving any address, then registers their home: the earlier
reports go to the people of that home, and the resident is told which ones."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from tests.support import order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_bind"


async def test_registering_a_home_places_the_reports_filed_without_one(world: World) -> None:
    assert "哪栋楼" in await world.chat.say(RESIDENT, "家里没热水了")
    n = order_number(await world.chat.say(RESIDENT, "跳过"))
    before = await world.chat.order(n)
    assert before.building is None
    reply = await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    assert "地址登记好了" in reply and f"#{n}" in reply
    placed = await world.chat.order(n)
    assert (placed.building, placed.unit, placed.room) == ("1", "1", "101")
    # the representative of 1-1-* now holds it and is told, with the place in the push
    assert any(f"#{n}" in t or f"接单 {n}" in t for t in await world.chat.pushed("o_m02"))


async def test_a_report_about_a_shared_place_keeps_having_no_flat(world: World) -> None:
    await world.chat.say(RESIDENT, "小区东门口的路灯坏了好几天了")
    said = await world.chat.say(RESIDENT, "跳过")
    reply = await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    assert "地址登记好了" in reply and "之前没留地址" not in reply, said


async def test_registering_with_nothing_waiting_says_nothing_more(world: World) -> None:
    reply = await world.chat.say(RESIDENT, "我家住2栋1单元202，登记一下")
    assert "地址登记好了" in reply and "之前没留地址" not in reply


async def test_a_full_address_in_a_later_report_places_the_earlier_one(world: World) -> None:
    assert "哪栋楼" in await world.chat.say(RESIDENT, "家里没热水了")
    n = order_number(await world.chat.say(RESIDENT, "跳过"))
    reply = await world.chat.say(RESIDENT, "1栋1单元101 卫生间门锁坏了")
    assert "已记下您家的地址" in reply and f"#{n}" in reply
    placed = await world.chat.order(n)
    assert (placed.building, placed.unit, placed.room) == ("1", "1", "101")


async def test_an_emergency_told_of_somewhere_near_does_not_take_the_home(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "对面楼有个小孩爬到窗台外面了"))
    assert (await world.chat.order(n)).urgent
    world.clock.set(world.clock.now() + timedelta(hours=1))  # the "where?" question lapsed
    reply = await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    assert "地址登记好了" in reply and f"#{n}" not in reply
    assert (await world.chat.order(n)).building is None


async def test_a_report_with_a_door_number_of_its_own_keeps_it(world: World) -> None:
    # found from outside: 是302家里锅烧干了 (stored with room 302 only) took the new home
    n = order_number(await world.chat.say(RESIDENT, "302家里厨房的灯不亮了"))
    assert (await world.chat.order(n)).room == "302"
    reply = await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    assert "地址登记好了" in reply and f"#{n}" not in reply
    assert (await world.chat.order(n)).building is None


async def test_a_door_no_building_has_is_not_registered_and_moves_nothing(world: World) -> None:
    """Found from outside (N12): 「绑定 1栋9单元9999」 was registered and four earlier orders
    were moved there; the roster lists no units, but no building has a 99th floor."""
    assert "哪栋楼" in await world.chat.say(RESIDENT, "家里没热水了")
    n = order_number(await world.chat.say(RESIDENT, "跳过"))
    reply = await world.chat.say(RESIDENT, "绑定 1栋9单元9999")
    assert "9999" in reply and "核对" in reply and "登记好了" not in reply, reply
    assert (await world.chat.order(n)).building is None
    assert "单元" in await world.chat.say(RESIDENT, "绑定 1栋99单元101")
    assert (await world.chat.order(n)).building is None
    assert "地址登记好了" in await world.chat.say(RESIDENT, "绑定 1栋2单元1802")
    assert (await world.chat.order(n)).room == "1802"
