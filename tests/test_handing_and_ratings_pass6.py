"""Found from outside (pass 6): a member who handed an urgent order on (转派) had it handed
straight back to her by the timer; confirming the estate of an emergency pushed 新工单 to the
same member twice; 水箱的4分 was not taken as the rating of 楼顶水箱有怪声; 还有，我说的那个灯
是5楼的 listed the orders instead of adding the floor; a member's 退回 330 was read as a
resident binding a room; 改成4分吧 replaced the resident's comment; a low rating of a finished
fire reopened it as a new fire."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.console.order_page import _details
from bot.keys import SESSIONS
from models.orders import Order
from tests.support import count_orders, order_number
from tests.test_street import Street3, make_street
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_pass6e"


async def _finished(world: World, text: str) -> int:
    """An order of the resident's, accepted and completed by its member (o_m02)."""
    n = order_number(await world.chat.say(RESIDENT, text))
    await world.chat.say("o_m02", f"接单 {n}")
    await world.chat.say("o_m02", f"完成 {n}")
    return n


async def _holder_key(world: World, order: Order) -> str | None:
    async with world.sessions() as s:
        return (await world.roster.get(s)).key_of(order.assignee_id)


# --- N7: a 转派 is not handed back to the one who passed it on --------------------------------
async def test_an_order_handed_on_is_never_handed_back_to_who_passed_it(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 我家老人摔倒了起不来"))
    assert (await world.chat.order(n)).urgent
    assert "已接单" in await world.chat.say("o_m02", f"接单 {n}")
    assert "赵强" in await world.chat.say("o_m02", f"转派 {n} 赵强 他那边有梯子")
    before = len(await world.chat.pushed("o_m02"))
    for minutes in (31, 61, 62, 91):  # 赵强 never answers
        await world.at(timedelta(minutes=minutes))
    order = await world.chat.order(n)
    assert order.assignee_id is not None
    assert await _holder_key(world, order) != "m02"
    again = (await world.chat.pushed("o_m02"))[before:]
    assert not any(f"接单 {n}" in t and "新工单" in t for t in again), again
    assert not any("还没有接单" in t for t in again), again


async def test_a_member_who_declines_after_a_transfer_sends_it_on_up(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水"))
    await world.chat.say("o_m02", f"接单 {n}")
    await world.chat.say("o_m02", f"转派 {n} 赵强")
    reply = await world.chat.say("o_m05", f"退单 {n} 不是我的楼")
    assert "李建国" not in reply, reply
    order = await world.chat.order(n)
    assert await _holder_key(world, order) == "m01"


# --- N8: the estate confirmed, the same member is not sent the order again ----------------------
@pytest.fixture
async def street(aiohttp_client: ClientFactory, db_url: str) -> Street3:
    return await make_street(aiohttp_client, db_url)


async def test_confirming_the_estate_does_not_push_the_order_twice(street: Street3) -> None:
    filed = await street.say("o_wang", "3栋1单元楼道里着火了，好多烟")
    n = order_number(filed)
    assert "青和居" in filed and "东亭" in filed, filed
    holder = (await street.order(n)).assignee_id
    assert holder is not None
    new_pushes = [t for t in await street.pushed("o_a02") if f"接单 {n}" in t]
    assert len(new_pushes) == 1, new_pushes
    await street.say("o_wang", "青和居")
    assert (await street.order(n)).assignee_id == holder
    after = await street.pushed("o_a02")
    assert len([t for t in after if "新工单" in t and f"#{n}" in t]) == 1, after
    assert any("补充了地址" in t for t in after), after
    assigned = [note for action, _, note in await street.chat.history(n) if action == "assign"]
    assert len(assigned) == 1, assigned  # not 派给 the same member a second time


# --- N9: the thing named in the resident's own words picks the order -----------------------------
@pytest.mark.parametrize(
    ("said", "rated", "score"), [("水箱的4分", "tank", 4), ("车棚那个5分", "shed", 5)]
)
async def test_a_rating_naming_the_order_in_its_own_words(
    world: World, said: str, rated: str, score: int
) -> None:
    numbers = {
        "tank": await _finished(world, "1栋1单元101 楼顶水箱有怪声"),
        "shed": await _finished(world, "1栋1单元101 车棚的灯不亮"),
    }
    reply = await world.chat.say(RESIDENT, said)
    n, other = numbers[rated], numbers["shed" if rated == "tank" else "tank"]
    assert f"#{n}" in reply and f"#{other}" not in reply, reply
    assert (await world.chat.order(n)).rating == score
    assert (await world.chat.order(other)).rating is None


# --- N10: a detail about the order just reported is added to it --------------------------------
@pytest.mark.parametrize(
    "said", ["还有，我说的那个灯是5楼的", "对了，我说的那个灯在5楼", "我报的那个灯是5楼楼道的"]
)
async def test_a_detail_about_a_recent_order_is_added_and_forwarded(
    world: World, said: str
) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼道里的声控灯不亮了"))
    holder = (await world.chat.order(n)).assignee_id
    assert holder is not None
    reply = await world.chat.say(RESIDENT, said)
    assert f"补充到工单 #{n}" in reply, reply
    assert await count_orders(world.sessions) == 1
    assert any("5楼" in (note or "") for *_, note in await world.chat.history(n))
    assert any("5楼" in t for t in await world.chat.pushed("o_m02"))


# --- N16: 退回 is a member's 退单 ----------------------------------------------------------------
async def test_a_member_saying_tuihui_is_understood_as_tuidan(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水"))
    bare = await world.chat.say("o_m02", f"退回 {n}")
    assert "退单" in bare and "绑定" not in bare, bare
    done = await world.chat.say("o_m02", f"退回 {n} 不是我负责的")
    assert f"已退单 #{n}" in done, done
    order = await world.chat.order(n)
    assert await _holder_key(world, order) == "m01"


# --- N17: changing the score keeps the comment; a reopen clears it on the console ---------------
async def _console_comment(world: World, n: int) -> str:
    async with world.chat.client.app[SESSIONS]() as s:
        order = await s.get(Order, n)
        assert order is not None
        return str((await _details(s, order))["rating_comment"])


async def test_changing_the_score_keeps_the_comment(world: World) -> None:
    n = await _finished(world, "1栋1单元101 单元门禁坏了")
    await world.chat.say(RESIDENT, "门禁那个5分，师傅很负责")
    assert (await world.chat.order(n)).rating == 5
    await world.chat.say(RESIDENT, "改成4分吧")
    assert (await world.chat.order(n)).rating == 4
    assert "师傅很负责" in await _console_comment(world, n)
    await world.chat.say(RESIDENT, "门禁还是坏的，刷卡没反应")
    order = await world.chat.order(n)
    assert order.rating is None and order.status != "closed"
    assert await _console_comment(world, n) == ""


# --- N18: a finished emergency rated low is reopened as an ordinary order -----------------------
async def test_a_low_rating_of_a_finished_emergency_reopens_it_as_ordinary(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 厨房着火了，好多烟"))
    assert (await world.chat.order(n)).urgent
    await world.chat.say("o_m02", f"接单 {n}")
    await world.chat.say("o_m02", f"完成 {n} 火扑灭了，没人受伤")
    reply = await world.chat.say(RESIDENT, "2")
    assert "重新打开" in reply, reply
    order = await world.chat.order(n)
    assert order.status == "assigned" and not order.urgent
    everyone = [t for key in ("o_m01", "o_m02", "o_m03") for t in await world.chat.pushed(key)]
    reopened = [t for t in everyone if f"#{n}" in t and "重办" in t]
    assert reopened and not any("【紧急】" in t for t in reopened), reopened
    # the urgent windows (10-minute reminders, the 2-hour deadline) follow the flag
    assert any("普通工单" in (note or "") for *_, note in await world.chat.history(n))
