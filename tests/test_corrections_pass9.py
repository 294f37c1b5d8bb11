"""Pass 9: corrections right after a report. Found from outside: a home saved from the very
report being corrected kept the wrong building (every later report went there); the member's
push still showed the old building in the resident's words."""

from __future__ import annotations

import re

from tests.support import count_orders, order_number
from tests.test_timers import World

RESIDENT = "o_resident_p9_corr"


async def test_a_home_saved_from_the_corrected_report_is_corrected_too(world: World) -> None:
    reply = await world.chat.say(RESIDENT, "1栋2单元1101 卫生间灯不亮了")
    assert "已记下您家的地址" in reply, reply
    n = order_number(reply)
    moved = await world.chat.say(RESIDENT, "不对，是4栋，不是1栋")
    assert "4栋2单元1101" in moved and "家庭地址" in moved, moved
    assert "4栋2单元1101" in await world.chat.say(RESIDENT, "我家地址你们记的是哪")
    later = order_number(await world.chat.say(RESIDENT, "家里马桶漏水"))
    assert later != n and (await world.chat.order(later)).building == "4"


async def test_a_home_on_file_before_the_report_stays(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋2单元1101")
    await world.chat.say(RESIDENT, "卫生间灯不亮了")
    moved = await world.chat.say(RESIDENT, "不对，是4栋，不是1栋")
    assert "已改为" in moved and "家庭地址" not in moved, moved
    assert "1栋2单元1101" in await world.chat.say(RESIDENT, "我家地址你们记的是哪")


async def test_the_new_member_s_push_says_the_address_was_corrected(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋2单元1101 卫生间灯不亮了"))
    await world.chat.say(RESIDENT, "不对，是4栋，不是1栋")
    push = next(t for t in await world.chat.pushed("o_m04") if f"#{n}" in t)
    assert "4栋2单元1101" in push and "居民原话：1栋2单元1101" in push, push
    assert "地址后来已更正" in push, push


async def test_a_correction_naming_one_of_two_matters_moves_that_one(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元801")
    reply = await world.chat.say(RESIDENT, "1. 楼下路灯坏了 2. 我家马桶堵了")
    light, toilet = [int(n) for n in re.findall(r"工单号 #(\d+)", reply)]
    fixed = await world.chat.say(RESIDENT, "路灯那个地址不对，是4栋楼下的路灯，不是1栋")
    assert f"#{light}" in fixed and "已改为" in fixed and "工单号" not in fixed, fixed
    assert await count_orders(world.sessions) == 2
    assert (await world.chat.order(light)).building == "4"
    assert (await world.chat.order(toilet)).building == "1"
    pushed = await world.chat.pushed("o_m02")  # the 1栋 representative is stood down
    assert any(f"#{light}" in t and "不用" in t for t in pushed), pushed
    assert any(f"新工单 #{light}" in t for t in await world.chat.pushed("o_m07"))
