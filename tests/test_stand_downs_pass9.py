"""Pass 9: an emergency stood down in other words. Found from outside: 我听错了，是楼上在装修
砸墙 left the fight urgent and escalating, and opened a second order."""

from __future__ import annotations

from tests.support import count_orders, order_number
from tests.test_timers import World

RESIDENT = "o_resident_p9_calm"


async def test_heard_wrong_stands_the_emergency_down(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋2单元601")
    n = order_number(await world.chat.say(RESIDENT, "楼上有人在打架，砰砰响，还有人喊救命"))
    assert (await world.chat.order(n)).urgent
    reply = await world.chat.say(RESIDENT, "不好意思，我听错了，是楼上在装修砸墙")
    assert "工单号" not in reply and f"#{n}" in reply, reply
    assert await count_orders(world.sessions) == 1
    assert not (await world.chat.order(n)).urgent
