"""Found from outside (pass 8): 「不对，是9栋」 moved a report to a building the estate does not
have, silently — the representative of the real building was told to stop and the order went
to staff with an impossible address. A new report at such a building is told so; a
correction is too, and the order stays where it was."""

from __future__ import annotations

import pytest

from tests.support import order_number
from tests.test_corrections_pass7 import ClientFactory
from tests.test_street import Street3, make_street
from tests.test_timers import World

RESIDENT = "o_resident_pass8"


async def test_a_correction_to_a_building_the_roster_lacks_leaves_the_order_where_it_was(
    world: World,
) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    n = order_number(await world.chat.say(RESIDENT, "卫生间下水道堵了"))
    before = await world.chat.order(n)
    told = len(await world.chat.pushed("o_m02"))
    reply = await world.chat.say(RESIDENT, "不对，是9栋")
    assert "9栋" in reply and "没有" in reply and f"#{n}" in reply, reply
    assert "已改为" not in reply and "核对" in reply, reply
    after = await world.chat.order(n)
    assert (after.building, after.unit, after.room) == ("1", "1", "101")
    assert after.assignee_id == before.assignee_id
    assert len(await world.chat.pushed("o_m02")) == told  # the representative is not stood down
    # a building the roster has is still a correction, as before
    moved = await world.chat.say(RESIDENT, "不对，是4栋")
    assert f"#{n}" in moved and "已改为" in moved and "4栋1单元101" in moved, moved
    assert (await world.chat.order(n)).building == "4"


@pytest.fixture
async def street(aiohttp_client: ClientFactory, db_url: str) -> Street3:
    return await make_street(aiohttp_client, db_url)


async def test_on_a_street_the_estate_s_buildings_are_named_and_the_other_estate_offered(
    street: Street3,
) -> None:
    n = order_number(await street.say("o_r9", "青和居3栋2单元501 厨房水龙头坏了"))
    reply = await street.say("o_r9", "不对，是4栋")
    # 青和居 has 1-3栋; 东亭 has a 4栋: the resident is shown how to say that one
    assert "青和居只有1栋、2栋、3栋" in reply and "没有4栋" in reply, reply
    assert "东亭4栋" in reply and "已改为" not in reply, reply
    order = await street.order(n)
    assert order.building == "3" and order.estate_code == "QHJ"
    assert not any("不用" in t and f"#{n}" in t for t in await street.pushed("o_a02"))
    nowhere = await street.say("o_r9", "不对，是9栋")
    assert "没有9栋" in nowhere and "已改为" not in nowhere, nowhere
    assert (await street.order(n)).building == "3"
