"""Found from outside (pass 9, finding 22): an order finished at night and rated at once
(00:14) still asked the resident "满意吗？回复 1-5 分" the next morning, when the pushes the
night held back went out.

START (tests/test_timers.py) is Monday 09:00 in Shanghai, so START + 15 h is 00:00 there.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models.outbox import OutboxMessage
from tests.support import order_number
from tests.test_timers import START, World

RESIDENT = "o_resident_tap"
MIDNIGHT = START + timedelta(hours=15)


async def _held(world: World) -> list[str]:
    """What the resident is still to be sent (held for the morning)."""
    async with world.sessions() as s:
        rows = await s.execute(
            select(OutboxMessage).where(
                OutboxMessage.recipient == RESIDENT,
                OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at > world.clock.now(),
            )
        )
        return [r.payload.get("text", "") for r in rows.scalars()]


async def _done_at_night(world: World) -> int:
    world.clock.set(MIDNIGHT - timedelta(minutes=16))  # 23:44
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 卫生间水龙头一直滴水关不紧"))
    world.clock.set(MIDNIGHT + timedelta(minutes=14))
    await world.chat.say("o_m02", f"接单 {n}")
    await world.chat.say("o_m02", f"完成 {n} 换了阀芯")
    asks = [t for t in await _held(world) if "满意吗" in t]
    assert len(asks) == 1 and "换了阀芯" in asks[0]  # held until 07:00
    return n


async def test_a_resident_who_rated_at_night_is_not_asked_again_in_the_morning(
    world: World,
) -> None:
    n = await _done_at_night(world)
    assert "5 分" in await world.chat.say(RESIDENT, "5")
    assert (await world.chat.order(n)).status == "closed"
    held = await _held(world)
    assert not [t for t in held if "满意吗" in t or "回复 1-5 分" in t]
    assert [t for t in held if "已由" in t and "接单" in t]  # the rest still goes out


async def test_a_low_score_at_night_drops_the_held_ask_too(world: World) -> None:
    n = await _done_at_night(world)
    assert "重新打开" in await world.chat.say(RESIDENT, "2")
    assert (await world.chat.order(n)).status == "assigned"
    assert not [t for t in await _held(world) if "满意吗" in t]
