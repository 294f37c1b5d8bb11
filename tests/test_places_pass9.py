"""Where an emergency without a door is filed (outside pass 9): someone shut in a stuck lift
was filed at the resident's own flat (青和居2栋1单元302), which could send the responder to a
door instead of the lift. Like the question, the place stops at the building and unit."""

from __future__ import annotations

from tests.support import order_number
from tests.test_timers import World

RESIDENT = "o_resident_places9"


async def test_a_stuck_lift_is_filed_at_the_building_and_unit_not_the_flat(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    n = order_number(await world.chat.say(RESIDENT, "电梯卡在两层中间了，我被关在里面出不去"))
    order = await world.chat.order(n)
    assert order.urgent
    assert (order.building, order.unit, order.room) == ("1", "1", None)


async def test_a_leak_at_home_keeps_the_flat(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    n = order_number(await world.chat.say(RESIDENT, "家里厨房水管爆了，水喷得到处都是"))
    order = await world.chat.order(n)
    assert (order.building, order.unit, order.room) == ("1", "1", "101")
