"""A member removed from the roster hands their open orders on: found from outside (pass 9),
吴建华 removed by `mulin roster import` was still reminded of an order he could no longer
touch, and the one he had accepted sat with him for days until it was overdue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import yaml

from bot.keys import ENGINE
from bot.roster.apply import import_roster
from bot.roster.files import parse_roster
from tests.support import order_number, roster_rows
from tests.test_timers import START, World

RESIDENT = "o_resident_leaver"


def _roster_without(left: str) -> dict[str, Any]:
    """The world's roster (tests/support.py) as a file, less the member ``left``."""
    rows = roster_rows()
    grids = [
        {"code": c, "name": n, "buildings": b, "leader": leader}
        for c, n, b, leader in rows["grids"]
    ]
    fields = ("id", "name", "phone", "roles", "grids", "buildings", "households", "categories")
    members = [
        {k: v for k, v in zip(fields, (key, name, None, *rest), strict=True) if v}
        | {"openid": f"o_{key}"}
        for key, name, *rest in rows["members"]
        if key != left
    ]
    return {"community": {"code": "qhj", "name": "青和居社区"}, "grids": grids, "members": members}


async def _remove(world: World, key: str, after: timedelta) -> None:
    world.clock.set(START + after)
    data = yaml.safe_dump(_roster_without(key), allow_unicode=True).encode()
    summary = await import_roster(
        world.chat.client.app[ENGINE], parse_roster(data, "yaml"), START + after
    )
    assert summary.deactivated == [key]
    world.roster.invalidate()  # (the service looks at the roster's stamp once a second)


async def test_a_removed_members_open_orders_go_on_to_the_next_person(world: World) -> None:
    accepted = order_number(await world.chat.say(RESIDENT, "1栋1单元101 家里的门锁坏了，锁不上"))
    await world.chat.say("o_m02", f"接单 {accepted}")
    waiting = order_number(await world.chat.say(RESIDENT, "1栋1单元101 阳台晾衣架掉了"))
    await _remove(world, "m02", timedelta(minutes=5))
    await world.at(timedelta(minutes=6))
    leader = (await world.chat.order(accepted)).assignee_id
    for number in (accepted, waiting):
        order = await world.chat.order(number)
        assert order.status == "assigned" and order.assignee_id == leader, number
        assert any(f"#{number}" in t for t in await world.chat.pushed("o_m01"))
        notes = [note or "" for *_, note in await world.chat.history(number)]
        assert any("李建国 已不在名册上" in note for note in notes), notes
    await world.at(timedelta(minutes=40))  # the leaver is reminded of nothing
    assert not any("提醒" in t for t in await world.chat.pushed("o_m02"))
