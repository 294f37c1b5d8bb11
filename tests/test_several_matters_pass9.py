"""Pass 9: two matters in one message, told without 另外 (厨房水管漏水，楼道灯也坏了). Found
from outside: the leak and the dead lamp were read as one emergency (water reaching a
light), and with the stairwell light already on an open order the leak was lost."""

from __future__ import annotations

import re

import pytest

from bot.intake import parse
from tests.support import count_orders
from tests.test_timers import START, World

RESIDENT = "o_resident_p9_several"


def numbers(reply: str) -> list[int]:
    return [int(n) for n in re.findall(r"工单号 #(\d+)", reply)]


@pytest.mark.parametrize(
    "text",
    ["2栋1单元601 厨房水管漏水，楼道灯也坏了", "2栋1单元601 厨房水管漏水 & 楼道灯坏了"],
)
async def test_a_leak_and_a_dead_stairwell_light_are_two_ordinary_orders(
    world: World, text: str
) -> None:
    reply = await world.chat.say(RESIDENT, text)
    found = numbers(reply)
    assert len(found) == 2 and "①" in reply and "②" in reply, reply
    assert "紧急" not in reply, reply
    leak, light = [await world.chat.order(n) for n in found]
    assert "漏水" in leak.summary and (leak.building, leak.unit, leak.room) == ("2", "1", "601")
    assert "灯" in light.summary and (light.building, light.unit) == ("2", "1")
    assert not leak.urgent and not light.urgent
    assert sum("紧急" in t for t in await world.chat.pushed("o_m01")) == 0  # no grid-leader alert


async def test_the_leak_is_not_lost_when_the_light_is_already_reported(world: World) -> None:
    first = numbers(await world.chat.say("o_neighbour_p9", "1栋1单元102 楼道灯坏了"))
    reply = await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水，楼道灯也坏了")
    assert f"#{first[0]}" in reply, reply  # the light joins the neighbour's order
    assert await count_orders(world.sessions) == 2
    leak = [n for n in numbers(reply) if n != first[0]]
    assert len(leak) == 1 and "漏水" in (await world.chat.order(leak[0])).summary, reply


def test_the_parser_sees_no_emergency_in_a_leak_and_a_dead_lamp() -> None:
    result = parse("厨房水管漏水，楼道灯也坏了", now=START)
    assert not result.urgent and result.danger != "urgent"
