"""An emergency reported without an address goes out at once; when the resident gives the
address it goes to the people of that place, and whoever was paged first is told it moved
(as for a corrected address). Found from outside: the first member still had a live
"回复接单" prompt, and the console named the resident as the one who re-dispatched it."""

from __future__ import annotations

from sqlalchemy import select

from models.orders import OrderEvent
from tests.support import order_number
from tests.test_timers import World

RESIDENT = "o_resident_later"


async def test_the_first_member_paged_hears_the_emergency_moved(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "我爸在家突然倒地了，叫不醒，嘴唇发紫"))
    first = await world.chat.order(n)
    assert first.urgent and first.assignee_id is not None
    paged = [
        m
        for m in ("o_m01", "o_m02", "o_m03", "o_m04")
        if any(f"接单 {n}" in t for t in await world.chat.pushed(m))
    ]
    assert paged, "nobody was paged"
    reply = await world.chat.say(RESIDENT, "4栋1单元201")
    assert f"#{n}" in reply
    moved = await world.chat.order(n)
    assert moved.building == "4" and moved.assignee_id != first.assignee_id
    assert any(f"接单 {n}" in t for t in await world.chat.pushed("o_m07"))  # 4-1's rep
    for m in paged:
        assert any(f"#{n} 已改由" in t and "不用再跟进" in t for t in await world.chat.pushed(m))
    actors = await _actors(world, n)
    assert any(a.startswith("resident:") and "补充地址" in note for a, note in actors), actors
    assert actors[-1][0] == "system" and "派给" in actors[-1][1], actors


async def _actors(world: World, number: int) -> list[tuple[str, str]]:
    """Who each history entry is in the name of (the console shows it), with its note."""
    async with world.sessions() as s:
        rows = await s.execute(
            select(OrderEvent.actor, OrderEvent.note)
            .where(OrderEvent.order_id == number)
            .order_by(OrderEvent.id)
        )
        return [(a, note) for a, note in rows]
