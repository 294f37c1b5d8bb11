"""Members say things their own way, and are understood or told why not. Found from outside
(pass 5): 已完成 333，灯泡换好了 opened a new repair order sent to the office and 333完成了 got
the resident's fallback; 好的收到 接單 333 was answered as a resident; 轉派 333 吳建華 found nobody;
a second 下岗 said the same as the first; 走访 25小时 was answered with the usage alone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.keys import SESSIONS
from models.orders import Order
from models.visits import Visit
from tests.support import order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_shortcuts"


async def _orders(world: World) -> int:
    async with world.chat.client.app[SESSIONS]() as s:
        return int(await s.scalar(select(func.count()).select_from(Order)) or 0)


async def _accepted(world: World, text: str) -> int:
    n = order_number(await world.chat.say(RESIDENT, f"1栋1单元101 {text}"))
    assert "已接单" in await world.chat.say("o_m02", f"接单 {n}")
    return n


@pytest.mark.parametrize(
    "said",
    [
        "已完成 {n}，灯泡换好了",
        "{n}完成了",
        "{n} 已办好",
        "#{n} 已经修好了，灯泡换了新的",
        "好的 已完成{n}",
    ],
)
async def test_a_members_word_that_an_order_is_done_completes_it(world: World, said: str) -> None:
    n = await _accepted(world, "楼道灯坏了")
    before = await _orders(world)
    reply = await world.chat.say("o_m02", said.format(n=n))
    assert f"工单 #{n} 已办结" in reply, reply
    assert (await world.chat.order(n)).status == "resolved"
    assert await _orders(world) == before  # no order opened from it
    assert not any("待接单" in t or "新工单" in t for t in await world.chat.pushed("o_m03"))


async def test_a_members_word_about_an_order_not_theirs_opens_nothing(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼道灯坏了"))
    before = await _orders(world)
    # not accepted yet: told to accept first, not filed as a new report
    reply = await world.chat.say("o_m02", f"{n}完成了")
    assert f"接单 {n}" in reply and "工单号" not in reply, reply
    # an order they cannot act on: the member's answer, not the resident's
    reply = await world.chat.say("o_m07", f"已完成 {n}，灯泡换好了")
    assert f"#{n}" in reply and "工单号" not in reply, reply
    assert await _orders(world) == before


@pytest.mark.parametrize("said", ["{n}完成了吗？", "{n}修好了没有"])
async def test_a_member_asking_whether_it_is_done_completes_nothing(
    world: World, said: str
) -> None:
    n = await _accepted(world, "楼道灯坏了")
    await world.chat.say("o_m02", said.format(n=n))
    assert (await world.chat.order(n)).status == "accepted"


async def test_a_members_other_word_about_their_order_gets_the_commands(world: World) -> None:
    n = await _accepted(world, "楼道灯坏了")
    before = await _orders(world)
    reply = await world.chat.say("o_m02", f"{n} 灯泡买好了，明天去换")
    assert f"进度 {n}" in reply and f"完成 {n}" in reply and "工单号" not in reply, reply
    assert await _orders(world) == before
    assert (await world.chat.order(n)).status == "accepted"


@pytest.mark.parametrize(
    "said", ["好的收到 接單 {n}", "好的收到，接单 {n}", "嗯嗯 好的 收到 接单{n}"]
)
async def test_several_words_of_assent_before_a_command(world: World, said: str) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 卫生间门锁坏了"))
    reply = await world.chat.say("o_m02", said.format(n=n))
    assert f"已接单 #{n}" in reply, reply
    assert (await world.chat.order(n)).status == "accepted"


@pytest.mark.parametrize("said", ["轉派 {n} 趙強", "轉派 {n} 趙強 他那邊有梯子"])
async def test_a_name_in_traditional_characters_is_found(world: World, said: str) -> None:
    n = await _accepted(world, "卫生间门锁坏了")
    reply = await world.chat.say("o_m02", said.format(n=n))
    assert "转给赵强" in reply and "没有找到" not in reply, reply
    assert any(f"#{n}" in t for t in await world.chat.pushed("o_m05"))


async def test_going_off_or_on_duty_twice_says_so(world: World) -> None:
    assert "已下岗" in await world.chat.say("o_m02", "下岗")
    again = await world.chat.say("o_m02", "下岗")
    assert "已经是下岗状态" in again and "上岗" in again, again
    assert "已上岗" in await world.chat.say("o_m02", "上岗")
    assert "已经是上岗状态" in await world.chat.say("o_m02", "上岗")


@pytest.mark.parametrize("said", ["走访 25小时 全部", "走访 -3小时", "走访 0分钟"])
async def test_a_visit_out_of_range_says_why(world: World, said: str) -> None:
    reply = await world.chat.say("o_m01", said)
    assert "24 小时" in reply and "1 分钟" in reply, reply
    async with world.chat.client.app[SESSIONS]() as s:
        assert await s.scalar(select(func.count()).select_from(Visit)) == 0


async def test_a_member_speaking_of_their_own_report_is_a_resident(world: World) -> None:
    n = order_number(await world.chat.say("o_m05", "1栋1单元101 我家门锁坏了"))
    reply = await world.chat.say("o_m05", f"{n}修好了")
    assert "自己家报的事" not in reply and "没有找到您能处理" not in reply, reply


async def test_a_members_emergency_after_an_order_number_is_still_an_emergency(
    world: World,
) -> None:
    n = await _accepted(world, "楼道灯坏了")
    reply = await world.chat.say("o_m02", f"{n} 那边有人拿着刀在追人")
    assert "110" in reply and f"进度 {n}" not in reply, reply
