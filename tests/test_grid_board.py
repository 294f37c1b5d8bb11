"""网格工单: a grid leader sees every open order in their grid and who holds it — the list the
weekly digest points to (待办 shows only what the leader holds or may take)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient

from bot import texts
from tests.support import order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


async def test_a_grid_leader_sees_the_whole_grid_with_holders(world: World) -> None:
    held = order_number(await world.chat.say("o_r1", "1栋1单元101 厨房水管漏水"))
    other = order_number(await world.chat.say("o_r2", "3栋3单元301 楼道灯不亮"))
    elsewhere = order_number(await world.chat.say("o_r3", "4栋1单元101 门锁坏了"))
    board = await world.chat.say("o_m01", "网格工单")
    assert "本网格未办结工单 2 张" in board
    assert f"#{held}" in board and "李建国" in board  # the representative holds it
    assert f"#{other}" in board and f"#{elsewhere}" not in board
    # the other grid's leader sees their own grid only
    assert f"#{elsewhere}" in await world.chat.say("o_m04", "网格工单")
    # what the digest counts is what the board lists
    assert "……还有" not in board


async def test_others_are_told_what_to_send_instead(world: World) -> None:
    assert await world.chat.say("o_m02", "网格工单") == texts.GRID_BOARD_NOT_LEADER
    assert await world.chat.say("o_r9", "网格工单") == texts.MEMBER_ONLY
    assert await world.chat.say("o_m04", "网格工单") == texts.GRID_BOARD_EMPTY


async def test_an_emergency_nobody_accepted_heads_the_board(world: World) -> None:
    routine = order_number(await world.chat.say("o_r1", "1栋1单元101 楼道灯不亮"))
    urgent = order_number(await world.chat.say("o_r2", "2栋1单元201 厨房着火了 火很大"))
    lines = (await world.chat.say("o_m01", "网格工单")).splitlines()
    assert lines[1].startswith(f"#{urgent}") and any(f"#{routine}" in line for line in lines[2:])
