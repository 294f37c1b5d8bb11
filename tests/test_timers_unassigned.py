"""An urgent order that nobody in the chain can take is never left with nobody: the people
who can act are chased again every escalation window until one accepts, the resident hears
that it is being chased, and those chased hear when it is taken. Found from outside: five
emergencies sat unowned for a day, their history ending in "暂时没有可以派单的人"."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.orders.timers import Due, plan
from tests.support import order_number
from tests.test_timers import SLA, START, World, row

RESIDENT = "o_resident_u"


def test_an_urgent_order_with_nobody_is_chased_until_taken() -> None:
    sla = replace(SLA, escalate_urgent=timedelta(minutes=15))
    nobody = row("received", True, START, escalation_level=2)
    assert plan(nobody, sla, START + timedelta(minutes=44))[0] == []
    assert plan(nobody, sla, START + timedelta(minutes=46))[0] == [Due.CHASE_UNASSIGNED]
    chased = row(
        "received",
        True,
        START,
        escalation_level=2,
        accept_reminded_at=START + timedelta(minutes=46),
    )
    due, nxt = plan(chased, sla, START + timedelta(minutes=50))
    # then less often: the next gap is twice the last (tests/test_timer_fixes.py)
    assert due == [] and nxt == START + timedelta(minutes=77)
    # held by someone, or not urgent: the usual timers, no chase
    held = row("received", True, START, escalation_level=2, assignee_id=7)
    ordinary = row("received", False, START, escalation_level=2)
    for order in (held, ordinary):
        assert Due.CHASE_UNASSIGNED not in plan(order, sla, START + timedelta(hours=5))[0]


async def test_nobody_on_duty_an_emergency_is_chased_and_the_resident_told(world: World) -> None:
    for member in ("o_m01", "o_m02", "o_m03", "o_m04", "o_m05", "o_m06", "o_m07"):
        await world.chat.say(member, "下岗")
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼道里在冒烟 越来越大"))
    order = await world.chat.order(n)
    assert order.urgent and order.assignee_id is None
    # whoever may take it finds it in 待办, with how to take it
    for member in ("o_m03", "o_m01"):
        listed = await world.chat.say(member, "待办")
        assert f"#{n}" in listed and f"接单 {n}" in listed, listed
    assert f"#{n}" not in await world.chat.say("o_m04", "待办")  # another grid's leader
    await world.at(timedelta(hours=4, minutes=1))  # both escalations: staff told
    waiting = [t for t in await world.chat.pushed(RESIDENT) if "还没有人接手" in t]
    # a fire's number, not the same three for every kind (tests/test_follow_ups_pass7.py)
    assert len(waiting) == 1 and "119" in waiting[0] and "120" not in waiting[0]
    before = await world.count("o_m03", "仍无人接单")
    await world.at(timedelta(hours=6, minutes=2))  # an escalation window later: again
    assert await world.count("o_m03", "仍无人接单") == before + 1
    assert await world.count("o_m01", "仍无人接单") >= 1  # the grid leader too
    await world.at(timedelta(hours=8, minutes=3))  # then twice that window (capped at 4 h)
    assert await world.count("o_m03", "仍无人接单") == before + 1
    await world.at(timedelta(hours=10, minutes=3))
    assert await world.count("o_m03", "仍无人接单") == before + 2
    assert "已接单" in await world.chat.say("o_m03", f"接单 {n}")
    assert await world.count("o_m01", f"#{n} 已由") == 1  # the grid leader: someone has it
    await world.at(timedelta(hours=12))
    assert await world.count("o_m03", "仍无人接单") == before + 2  # taken: no more chasing
    # the resident heard of the wait once, not at every chase
    assert len([t for t in await world.chat.pushed(RESIDENT) if "还没有人接手" in t]) == 1


async def test_staff_are_not_told_a_grid_leader_knows_of_an_emergency_with_no_place(
    world: World,
) -> None:
    reply = await world.chat.say("o_resident_np", "家里一股煤气味 是不是漏气了")
    n = order_number(reply)
    assert (await world.chat.order(n)).building is None
    await world.at(timedelta(hours=4, minutes=1))
    told = [t for t in await world.chat.pushed("o_m03") if "催办升级" in t and f"#{n}" in t]
    assert told and "居民没留地址" in told[0] and "网格长已通知" not in told[0]


async def test_an_ordinary_order_left_with_nobody_tells_its_resident(world: World) -> None:
    """Found from outside: a reopened order whose chain ran out sat for four days showing
    '待派单' (the office's word) and its resident heard nothing."""
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水"))
    for member in ("o_m01", "o_m02", "o_m03", "o_m04", "o_m05", "o_m06", "o_m07"):
        await world.chat.say(member, "下岗")
    await world.at(timedelta(minutes=31))  # its holder went off duty: handed on, to nobody
    assert (await world.chat.order(n)).assignee_id is None
    waiting = [t for t in await world.chat.pushed(RESIDENT) if "还没有合适的人接手" in t]
    assert len(waiting) == 1 and f"#{n}" in waiting[0] and "110" not in waiting[0]
    for _ in range(2):  # later ticks say nothing more
        await world.at(timedelta(hours=5))
    assert sum("还没有合适的人接手" in t for t in await world.chat.pushed(RESIDENT)) == 1
    listed = await world.chat.say(RESIDENT, "查询")
    assert "社区正在安排人员" in listed and "待派单" not in listed


async def test_the_first_paged_hears_who_took_an_emergency_handed_on(world: World) -> None:
    """Found from outside: a gas leak's first representative, paged twice and then passed
    over, was never told that the street's duty officer took it — she may be on her way."""
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 家里好大的煤气味 头有点晕"))
    assert (await world.chat.order(n)).urgent
    await world.at(timedelta(hours=1, minutes=1))  # not taken: handed on
    order = await world.chat.order(n)
    assert order.assignee_id is not None and order.declined_by
    first = [t for t in await world.chat.pushed("o_m02") if f"#{n}" in t]
    assert "已接单" in await world.chat.say("o_m01", f"接单 {n}")  # the grid leader
    told = [t for t in await world.chat.pushed("o_m02") if f"#{n}" in t][len(first) :]
    assert len(told) == 1 and "接单" in told[0] and "无需" in told[0], told
