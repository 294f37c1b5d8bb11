"""Found from outside (pass 6): for two hours after an emergency, unrelated messages (电梯里有人
抽烟, 我家孩子在阳台上晒被子, 昨天有人吵架已经没事了) were added to it; follow-ups sent while the
emergency's address was asked were answered "没关系。能说个楼号吗" and lost, and the address
then went to the newest emergency only; a new request sent while an address was asked was
merged into an unrelated fire order and the reply named that order as just filed; a
self-harm order never took the resident's home address when they bound it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.support import order_number
from tests.test_timers import World, make_world

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
LI = "o_resident_li6"
WANG = "o_resident_wang6"


@pytest.fixture
async def world(aiohttp_client: ClientFactory, db_url: str) -> World:
    return await make_world(aiohttp_client, db_url)


async def _notes(world: World, number: int) -> list[str]:
    return [note or "" for *_, note in await world.chat.history(number)]


# --- N5: the home address goes to a self-harm order --------------------------------------------
async def test_binding_the_home_places_a_self_harm_order_and_tells_the_grid_leader(
    world: World,
) -> None:
    harm = order_number(await world.chat.say(WANG, "我不想活了，活着太累了，今晚就从楼上跳下去"))
    bound = await world.chat.say(WANG, "绑定 5栋2单元302")
    assert f"#{harm}" in bound
    order = await world.chat.order(harm)
    assert (order.building, order.unit, order.room) == ("5", "2", "302")
    assert any(f"#{harm}" in text for text in await world.chat.pushed("o_m04"))  # 5栋's leader
