"""Found from outside (pass 8), on members an order left: members the timer passed by (the
order moved on because nobody accepted it in time) were told 「您已退单」 though they never
declined it; a grid leader who had accepted, whistled and handed an order on (转派) was told
「还没有接单，请先回复“接单 31”」 — invited to take back what she had just passed on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from tests.support import order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_res_pass8_handing"


# --- 16. moved on by the timer: not "you declined it" ------------------------------------------
async def test_a_member_the_timer_passed_by_is_not_told_they_declined(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 单元门禁坏了关不上"))
    for minutes in (31, 61, 91, 121, 131):  # 李建国 (m02) never answers: on to 张美丽 (m01)
        await world.at(timedelta(minutes=minutes))
    assert "已接单" in await world.chat.say("o_m01", f"接单 {n}")
    for said in (f"退单 {n} 不归我管", f"完成 {n}", f"转派 {n} 赵强"):
        reply = await world.chat.say("o_m02", said)
        assert "您已退单" not in reply, reply
        assert f"#{n}" in reply and "超时未接单" in reply and "张美丽" in reply, reply


async def test_a_member_who_declined_is_still_told_so(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水"))
    assert "已退单" in await world.chat.say("o_m02", f"退单 {n} 不是我这栋的")
    reply = await world.chat.say("o_m02", f"完成 {n}")
    assert "您已退单" in reply and "超时" not in reply, reply


# --- 27. handed on (转派): who has it now, not "accept it first" ------------------------------
async def test_a_member_who_handed_an_order_on_is_told_who_has_it(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼道灯坏了"))
    assert "已接单" in await world.chat.say("o_m01", f"好的收到 接單 {n}")
    assert "吹哨" in await world.chat.say("o_m01", f"吹哨 {n} 需要物业配合")
    assert "赵强" in await world.chat.say("o_m01", f"轉派 {n} 趙強 他熟")
    for said in (f"完成 {n} 换好了", f"进度 {n} 在买灯泡"):
        reply = await world.chat.say("o_m01", said)
        assert "请先回复" not in reply and "还没有接单" not in reply, reply
        assert f"#{n}" in reply and "您已转派" in reply and "赵强" in reply, reply
    assert (await world.chat.order(n)).status == "assigned"  # nothing changed
    # a representative who hands it on hears the same
    m = order_number(await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水"))
    await world.chat.say("o_m02", f"接单 {m}")
    assert "赵强" in await world.chat.say("o_m02", f"转派 {m} 赵强")
    reply = await world.chat.say("o_m02", f"完成 {m}")
    assert "您已转派" in reply and "赵强" in reply, reply


async def test_a_grid_leader_who_handed_it_on_may_still_step_back_in(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼道灯坏了"))
    await world.chat.say("o_m01", f"接单 {n}")
    await world.chat.say("o_m01", f"转派 {n} 赵强")
    assert "已接单" in await world.chat.say("o_m01", f"接单 {n}")
    assert "办结" in await world.chat.say("o_m01", f"完成 {n} 换好了") or (
        (await world.chat.order(n)).status == "resolved"
    )
