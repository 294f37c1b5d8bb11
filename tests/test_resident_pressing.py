"""A resident pressing an order presses the one they mean, and 查询 shows every open order.
Found from outside: 孩子课堂那个事能不能快点回复我 pressed the newest order (a stairwell
light); 厨房灯到底什么时候来修？都两天了 pressed nothing; 查询 listed the five newest
orders, a cancelled one among them, and left two open ones out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from tests.support import order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_pressing"


async def test_pressing_names_the_order_by_its_words(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    lesson = order_number(await world.chat.say(RESIDENT, "孩子放学后能不能去社区的四点半课堂"))
    light = order_number(await world.chat.say(RESIDENT, "我们单元楼道灯坏了"))
    reply = await world.chat.say(RESIDENT, "孩子课堂那个事能不能快点回复我")
    assert f"#{lesson}" in reply and f"#{light}" not in reply
    notes = [note for *_, note in await world.chat.history(lesson)]
    assert any("课堂那个事" in note for note in notes)


async def test_pressing_an_order_of_two_days_ago(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    n = order_number(await world.chat.say(RESIDENT, "厨房灯不亮了"))
    world.clock.set(world.clock.now() + timedelta(days=2))
    reply = await world.chat.say(RESIDENT, "厨房灯到底什么时候来修？都两天了")
    assert f"#{n}" in reply and "催办" in reply


async def test_my_orders_lists_every_open_one(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    reports = [
        "厨房水龙头滴水",
        "卫生间门锁坏了",
        "阳台晾衣架坏了",
        "楼道灯坏了",
        "信箱坏了",
        "窗户关不上",
    ]
    numbers = [order_number(await world.chat.say(RESIDENT, text)) for text in reports]
    await world.chat.say(RESIDENT, f"取消 {numbers[-1]}")
    listed = await world.chat.say(RESIDENT, "查询")
    for n in numbers[:-1]:
        assert f"#{n}" in listed


async def test_asking_which_home_is_on_file(world: World) -> None:
    # found from outside: this was answered with how to register
    assert "还没有登记" in await world.chat.say(RESIDENT, "我家住哪里你们记的是哪")
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    reply = await world.chat.say(RESIDENT, "我家住哪里你们记的是哪")
    assert "1栋1单元101" in reply and "绑定" in reply
