"""Found from outside in the sandbox: an urgent order nobody took was chased every window
for days; a reopened order kept its first time limits (the grid leader was chased about it
at once); the member who had completed a reopened order was not told; a representative who
had said 下岗 was still reminded of an order; a member read one event twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from itertools import pairwise

from bot.orders import lifecycle as lc
from bot.orders.timers import Due, Sla, plan
from models.orders import Order
from tests.support import order_number
from tests.test_timers import SLA, START, World, row

RESIDENT = "o_resident_f"
NOBODY_ON_DUTY = ("o_m01", "o_m02", "o_m03", "o_m04", "o_m05", "o_m06", "o_m07")


# --- 1. an urgent order with nobody: chased less and less often ------------------------------
def _chases(sla: Sla, hours: int) -> list[timedelta]:
    """When the chases of an unowned urgent order fall, ticking every minute for ``hours``:
    what each chase writes (accept_reminded_at) is all the next plan reads."""
    order = row("received", True, START, escalation_level=2)
    found = []
    for minute in range(hours * 60):
        now = START + timedelta(minutes=minute)
        if Due.CHASE_UNASSIGNED in plan(order, sla, now)[0]:
            found.append(now - START)
            order.accept_reminded_at = now
    return found


def test_chases_back_off_doubling_to_every_four_hours() -> None:
    sla = replace(SLA, escalate_urgent=timedelta(minutes=15))  # staff told 30 min in
    told = timedelta(minutes=30)
    gaps: list[timedelta] = []
    last = told
    for at in _chases(sla, 24):
        gaps.append(at - last)
        last = at
    m = timedelta(minutes=1)
    assert gaps[:6] == [15 * m, 30 * m, 60 * m, 120 * m, 240 * m, 240 * m]
    assert set(gaps[4:]) == {240 * m}  # then every 4 hours: six a day, not ninety
    # the same from a stored row alone (a restart): a chase at 45 min and one at 75 min
    # leave accept_reminded_at at 75 min, and the next falls an hour later
    stored = row(
        "received",
        True,
        START,
        escalation_level=2,
        accept_reminded_at=START + timedelta(minutes=75),
    )
    assert Due.CHASE_UNASSIGNED not in plan(stored, sla, START + timedelta(minutes=134))[0]
    assert Due.CHASE_UNASSIGNED in plan(stored, sla, START + timedelta(minutes=135))[0]


def test_after_a_day_of_chases_an_unowned_emergency_is_chased_daily() -> None:
    sla = replace(SLA, escalate_urgent=timedelta(minutes=15))  # staff told 30 min in
    chases = _chases(sla, 24 * 4)
    gaps = [b - a for a, b in pairwise(chases)]
    # 45 min, 75 min, 2h15, 4h15, then every 4 h until a day of chasing has passed ...
    assert gaps[:4] == [timedelta(minutes=m) for m in (30, 60, 120, 240)]
    daily = gaps.index(timedelta(days=1))
    assert set(gaps[3:daily]) == {timedelta(hours=4)}
    # ... then once a day: two more in the next three days, not eighteen
    assert set(gaps[daily:]) == {timedelta(days=1)} and len(gaps[daily:]) == 2, gaps


async def test_an_unowned_emergency_is_chased_a_handful_of_times_a_day(world: World) -> None:
    for member in NOBODY_ON_DUTY:
        await world.chat.say(member, "下岗")
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼道里在冒烟 越来越大"))
    assert (await world.chat.order(n)).assignee_id is None
    for minutes in range(0, 24 * 60 + 1, 20):
        await world.at(timedelta(minutes=minutes))
    # staff are told at 4 h (2 h windows), chased at 6 h, then 4 h apart: 10, 14, 18, 22 h
    assert await world.count("o_m03", "仍无人接单") == 5
    assert await world.count("o_m01", "仍无人接单") == 5


# --- 2. a reopened order: its clocks start again ---------------------------------------------
async def _done_and_reopened(world: World, after: timedelta) -> int:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水"))
    await world.chat.say("o_m02", f"接单 {n}")
    await world.chat.say("o_m02", f"完成 {n} 换了水管")
    world.clock.set(START + after)
    assert "重新打开" in await world.chat.say(RESIDENT, "水管还是漏")
    return n


async def test_a_reopened_order_is_timed_from_the_reopen(world: World) -> None:
    # Wednesday 17:00 (the night would hold a non-urgent order's pushes): the first 3-day
    # limit ends 16 h later
    reopened = timedelta(days=2, hours=8)
    n = await _done_and_reopened(world, reopened)
    order = await world.chat.order(n)
    assert order.status == "assigned" and order.escalation_level == 0
    before = {who: len(await world.chat.pushed(who)) for who in ("o_m01", "o_m02", "o_m03")}
    for minutes in (1, 20, 31, 40):
        await world.at(reopened + timedelta(minutes=minutes))
    # half an hour after the reopen its member is reminded, as of any order; nothing is late
    assert len(await world.chat.pushed("o_m02")) == before["o_m02"] + 1
    for who in ("o_m01", "o_m03"):
        assert len(await world.chat.pushed(who)) == before[who], await world.chat.pushed(who)
    # the grid leader is chased two hours after the reopen, in those words
    await world.at(reopened + timedelta(hours=2, minutes=1))
    chased = [t for t in await world.chat.pushed("o_m01") if "催办" in t]
    assert len(chased) == 1 and "重新打开已经2小时" in chased[0], chased
    assert "居民报事" not in chased[0]
    holder = (await world.chat.order(n)).assignee_id
    assert holder is not None
    # the first limit passes: not overdue; three days after the reopen it is
    await world.at(reopened + timedelta(hours=17))
    assert (await world.chat.order(n)).overdue_at is None
    await world.at(reopened + timedelta(days=3, minutes=1))
    order = await world.chat.order(n)
    assert order.overdue_at is not None
    assert (order.created_at, order.reopened_at) == (START, START + reopened)


def test_reopen_restarts_the_clocks_in_the_plan() -> None:
    reopen = START + timedelta(days=5)
    order = row(
        "assigned",
        False,
        START,
        assigned_at=reopen,
        escalation_level=0,
        reopened_at=reopen,
    )
    assert plan(order, SLA, reopen + timedelta(minutes=1)) == ([], reopen + timedelta(minutes=30))
    due, _ = plan(order, SLA, reopen + timedelta(hours=2, minutes=1))
    assert Due.ESCALATE_GRID in due and Due.OVERDUE not in due
    # what a low rating writes: the escalation ladder starts again, the reopen time kept
    low = lc.rate_low(row("resolved", False, START, escalation_level=2), 1, reopen)
    assert low.values["reopened_at"] == reopen and low.values["escalation_level"] == 0


async def test_a_reopened_order_is_chased_and_followed_up_again(world: World) -> None:
    """The second round's reminders are pushes of their own, not taken for the first's."""
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水"))
    for minutes in (31, 61, 121):  # nobody accepted: handed on, then the grid leader chased
        await world.at(timedelta(minutes=minutes))
    assert await world.count("o_m01", "催办：") == 1
    world.clock.set(START + timedelta(hours=2, minutes=5))  # handed on to the grid leader
    assert "已接单" in await world.chat.say("o_m01", f"接单 {n}")
    await world.chat.say("o_m01", f"完成 {n}")
    world.clock.set(START + timedelta(hours=3))
    await world.chat.say(RESIDENT, "2分")
    assert (await world.chat.order(n)).status == "assigned"
    for minutes in (211, 241, 301):  # two hours after the reopen, not accepted
        await world.at(timedelta(minutes=minutes))
    assert await world.count("o_m01", "催办：") == 2
    assert await world.count("o_m01", "重新打开已经2小时") == 1


async def test_the_office_reopening_an_order_tells_who_completed_it(world: World) -> None:
    from bot.clock import SystemClock
    from bot.orders.office_service import Author, OfficeService

    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水"))
    await world.chat.say("o_m02", f"接单 {n}")
    await world.chat.say("o_m02", f"完成 {n} 换了水管")
    await world.chat.say("o_m02", "下岗")
    before = len(await world.chat.pushed("o_m02"))
    async with world.sessions() as s, s.begin():
        service = OfficeService(s, SystemClock(), world.config, world.roster)  # type: ignore[arg-type]
        order = await s.get(Order, n)
        assert order is not None
        await service.reopen(order, None, "居民电话说还漏", Author("admin"))
    told = (await world.chat.pushed("o_m02"))[before:]
    assert len(told) == 1 and "社区要求重办（居民电话说还漏）" in told[0], told
    order = await world.chat.order(n)
    assert order.reopened_at is not None and order.escalation_level == 0


# --- 3. the member who completed a reopened order hears of it --------------------------------
async def test_the_member_who_completed_a_reopened_order_is_told(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水"))
    await world.chat.say("o_m02", f"接单 {n}")
    await world.chat.say("o_m02", f"完成 {n} 换了水管")
    await world.chat.say("o_m02", "下岗")  # so the reopened order goes to someone else
    before = len(await world.chat.pushed("o_m02"))
    world.clock.set(START + timedelta(hours=3))
    await world.chat.say(RESIDENT, "水管还是漏")
    order = await world.chat.order(n)
    assert order.status == "assigned" and order.assignee_id is not None
    told = (await world.chat.pushed("o_m02"))[before:]
    assert len(told) == 1, told
    assert f"#{n}" in told[0] and "没有解决" in told[0] and "张美丽" in told[0], told[0]
    assert "水管还是漏" in told[0]


async def test_a_reopened_order_back_with_its_member_is_one_push(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水"))
    await world.chat.say("o_m02", f"接单 {n}")
    await world.chat.say("o_m02", f"完成 {n} 换了水管")
    before = len(await world.chat.pushed("o_m02"))
    world.clock.set(START + timedelta(hours=3))
    await world.chat.say(RESIDENT, "没修好")
    assert (await world.chat.order(n)).assignee_id is not None
    told = (await world.chat.pushed("o_m02"))[before:]
    assert len(told) == 1 and f"接单 {n}" in told[0] and "没有解决" in told[0], told


# --- 4. off duty: no reminder, the order goes on ---------------------------------------------
async def test_an_off_duty_member_is_not_reminded_the_order_goes_on(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 厨房水管漏水"))
    assert (await world.chat.order(n)).assignee_id is not None
    await world.chat.say("o_m02", "下岗")
    before = len(await world.chat.pushed("o_m02"))
    await world.at(timedelta(minutes=31))
    assert (await world.chat.pushed("o_m02"))[before:] == []
    order = await world.chat.order(n)
    assert order.status == "assigned"
    leader = [t for t in await world.chat.pushed("o_m01") if f"接单 {n}" in t]
    assert leader, "the next in the chain (the grid leader) has it"
    assert "下岗" in (await world.chat.history(n))[-1][2]
    await world.at(timedelta(minutes=65))
    assert (await world.chat.pushed("o_m02"))[before:] == []


# --- 5. one event, one message ---------------------------------------------------------------
async def test_a_holder_who_was_also_chased_hears_once_that_it_is_taken(world: World) -> None:
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼道里在冒烟 越来越大"))
    await world.at(timedelta(minutes=61))  # the representative did not answer: grid leader
    assert f"接单 {n}" in (await world.chat.pushed("o_m01"))[-1]
    before = len(await world.chat.pushed("o_m01"))
    world.clock.set(START + timedelta(minutes=70))
    assert "已接单" in await world.chat.say("o_m03", f"接单 {n}")  # staff step in
    # the grid leader held it and is chased about every emergency: one sentence, once
    told = (await world.chat.pushed("o_m01"))[before:]
    assert len(told) == 1, told
    assert told[0].count(f"#{n}") == 1 and "王芳" in told[0], told[0]


# --- a timer that fell due just before something else happened to the order ----------------
async def test_a_reminder_due_before_a_progress_note_is_still_sent(world: World) -> None:
    """Found from inside: any change to an order set its next timer to the one after those
    already due, so a 进度 written between the deadline reminder falling due and the next
    tick dropped the reminder (the member next heard of the order when it was overdue)."""
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 门锁坏了"))
    await world.chat.say("o_m02", f"接单 {n}")
    await world.at(timedelta(hours=3))
    world.clock.set(START + timedelta(days=2, hours=10))  # 80 % of 3 days: due, not yet ticked
    assert "已记录" in await world.chat.say("o_m02", f"进度 {n} 配件到了明天装")
    await world.at(timedelta(days=2, hours=10, minutes=1))
    assert await world.count("o_m02", "办理时限还剩") == 1
    assert await world.count("o_m02", "超时") == 0


async def test_a_reminder_with_nobody_to_remind_is_not_retried_every_tick() -> None:
    """The accept reminder of an order whose holder left the roster writes that its moment
    passed: with the next timer now due at once, it would be picked up on every tick."""
    order = row("assigned", False, START, assigned_at=START)
    at = START + timedelta(minutes=31)
    change = lc_timer(order, at)
    assert change.values.get("accept_reminded_at") == at and not change.notices


def lc_timer(order: object, at: object) -> lc.Change:
    from bot.orders.timers import TimerContext, timer_change

    found = timer_change(order, Due.REMIND_ACCEPT, SLA, at, TimerContext())  # type: ignore[arg-type]
    assert found is not None
    return found


async def test_reassigning_an_old_order_does_not_chase_about_the_report_at_once(
    world: World,
) -> None:
    """Found from outside (the console's browser test, after timers stopped being skipped):
    a days-old order the office or a member reassigned was escalated to the grid leader and
    staff the moment it changed hands — as if the report had just gone unanswered — and the
    office's next action on it was refused as stale."""
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 门锁坏了"))
    await world.chat.say("o_m02", f"接单 {n}")
    world.clock.set(START + timedelta(hours=5))
    assert "赵强" in await world.chat.say("o_m02", f"转派 {n} 赵强")
    await world.at(timedelta(hours=5, minutes=1))
    assert await world.count("o_m01", "催办") == 0 and await world.count("o_m03", "催办升级") == 0
    await world.at(timedelta(hours=5, minutes=31))  # the new holder is reminded as usual
    assert await world.count("o_m05", "提醒") == 1
