"""Where an emergency is, as asked after it went out (outside pass 7): a stuck lift, a smoky
stairwell or something below a building has no door, so the question stops at the building
and unit; a building number the named estate does not have is questioned, and the emergency
stays with whoever already has it instead of going to an estate where nobody can take it."""

from __future__ import annotations

import pytest

from tests.support import order_number
from tests.test_street import ClientFactory, Street3, make_street

LIFT = "电梯困人了，里面有个小孩"


@pytest.fixture
async def street(aiohttp_client: ClientFactory, db_url: str) -> Street3:
    return await make_street(aiohttp_client, db_url)


async def test_a_stuck_lift_is_asked_for_building_and_unit_only(street: Street3) -> None:
    first = await street.say("o_p1", LIFT)
    n = order_number(first)
    assert "几单元" in first and "几号" not in first and "2单元501" not in first
    added = await street.say("o_p1", "青和居2栋1单元")
    assert f"#{n}" in added and "青和居2栋1单元" in added
    assert "几号" not in added and "几单元" not in added and "1501" not in added
    order = await street.order(n)
    assert (order.building, order.unit, order.room) == ("2", "1", None)


async def test_a_lift_given_its_building_alone_is_asked_its_unit_not_a_door(
    street: Street3,
) -> None:
    n = order_number(await street.say("o_p2", LIFT))
    added = await street.say("o_p2", "青和居2栋")
    assert f"#{n}" in added and "几单元" in added and "几号" not in added
    rest = await street.say("o_p2", "1单元")
    assert f"#{n}" in rest and "青和居2栋1单元" in rest
    assert (await street.order(n)).unit == "1"


async def test_a_smoky_stairwell_stops_at_building_and_unit(street: Street3) -> None:
    n = order_number(await street.say("o_p3", "楼道里好大的烟，好像是哪家着火了"))
    added = await street.say("o_p3", "青和居2栋3单元")
    assert f"#{n}" in added and "几号" not in added


async def test_a_fall_at_home_is_still_asked_its_door(street: Street3) -> None:
    n = order_number(await street.say("o_p4", "我妈在卫生间摔倒了起不来 头在流血"))
    added = await street.say("o_p4", "青和居2栋")
    assert f"#{n}" in added and "几单元几号" in added


async def test_an_emergency_at_a_building_the_estate_lacks_stays_and_is_asked(
    street: Street3,
) -> None:
    """Found from outside: 东亭5栋 for a fire moved it to 东亭, which has no 5栋, where nobody
    could take it, and the resident was never told."""
    n = order_number(await street.say("o_p6", "楼道里好大的烟，好像是哪家着火了"))
    held_by = (await street.order(n)).assignee_id
    asked = await street.say("o_p6", "东亭2栋")
    assert "东亭只有3栋、4栋" in asked and "青和居2栋" in asked, asked
    assert "地址已补充" not in asked
    order = await street.order(n)
    assert order.building is None and order.assignee_id == held_by
    assert not any(f"#{n}" in t for t in await street.pushed("o_b01"))  # 东亭's grid leader
    added = await street.say("o_p6", "是的")
    assert f"#{n}" in added and "青和居2栋" in added
    order = await street.order(n)
    assert order.building == "2" and order.community_id == await street.community_id("qhj")


async def test_a_building_no_estate_has_is_asked_again_not_filed(street: Street3) -> None:
    n = order_number(await street.say("o_p7", LIFT))
    asked = await street.say("o_p7", "东亭9栋")
    assert "东亭只有3栋、4栋" in asked and "地址已补充" not in asked
    assert (await street.order(n)).building is None
    added = await street.say("o_p7", "东亭4栋2单元")
    assert f"#{n}" in added and "东亭4栋2单元" in added
    assert (await street.order(n)).community_id == await street.community_id("dt")


async def test_a_report_at_a_building_the_named_estate_lacks_says_so(street: Street3) -> None:
    """Found from outside: 东亭9栋1单元的路灯坏了 became an order with no question."""
    reply = await street.say("o_p8", "东亭9栋1单元的路灯坏了")
    assert "东亭只有3栋、4栋" in reply and "核实" in reply, reply
    reply = await street.say("o_p9", "东亭2栋1单元楼道灯坏了")
    assert "东亭只有3栋、4栋" in reply and "青和居2栋" in reply, reply


async def test_a_new_emergency_at_a_building_the_estate_lacks_reaches_someone_and_asks(
    street: Street3,
) -> None:
    reply = await street.say("o_p10", "东亭2栋1单元楼道里着火了，好大的烟")
    n = order_number(reply)
    assert "119" in reply and "东亭只有3栋、4栋" in reply and "青和居2栋" in reply, reply
    order = await street.order(n)
    assert order.assignee_id is not None and order.community_id != await street.community_id("dt")
    added = await street.say("o_p10", "是")
    assert f"#{n}" in added and "青和居2栋1单元" in added, added
    order = await street.order(n)
    assert (order.building, order.unit) == ("2", "1")
    assert order.community_id == await street.community_id("qhj")
