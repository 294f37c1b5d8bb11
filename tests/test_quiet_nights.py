"""Found by an outside tester: a barking dog reported at 23:00 had the chain pinged all night
(待接单, 超时未接单, 催办 at 00:00, 01:00, 02:00, 03:00); `完成 N` on an order nobody had taken
said "没有找到"; outside WeChat's 48-hour window a resident's added words or "不是紧急情况"
reached members as a bare "#N · … · 催办" template.

START (tests/test_timers.py) is Monday 09:00 in Shanghai, so START + 14 h is 23:00 there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot import texts
from bot.clock import FakeClock
from bot.config import ConfigError, build_config
from bot.orders.calendar import QuietHours
from bot.orders.timers import Due, plan
from bot.outbox.channel import TemplatePlan, template_plan
from bot.roster.cache import RosterCache
from bot.ticks.order_timers import order_timer_tick
from models.outbox import OutboxMessage
from tests.support import order_number
from tests.test_timers import SLA, START, World, row

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
SHANGHAI = ZoneInfo("Asia/Shanghai")
RESIDENT = "o_resident_night"
NIGHT = timedelta(hours=14)  # 23:00 in Shanghai
MEMBERS = ("o_m01", "o_m02", "o_m03", "o_m04", "o_m05", "o_m06", "o_m07")


def local(delta: timedelta) -> datetime:
    return (START + delta).astimezone(SHANGHAI)


async def pushes(world: World) -> list[OutboxMessage]:
    async with world.sessions() as s:
        found = await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))
        return [m for m in found.scalars() if m.recipient in MEMBERS]


async def tick_every(world: World, first: timedelta, last: timedelta, step: int = 10) -> None:
    at = first
    while at <= last:
        await world.at(at)
        at += timedelta(minutes=step)


# --- 1. a non-urgent order pings nobody at night ---------------------------------------------
async def test_a_barking_dog_at_23_waits_for_the_morning(world: World) -> None:
    assert local(NIGHT).hour == 23
    world.clock.set(START + NIGHT)
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼上的狗一直叫，吵得睡不着"))
    order = await world.chat.order(n)
    assert not order.urgent and order.status == "assigned"
    first = await pushes(world)
    # the new order goes to its holder at once: the resident is told it is filed
    assert len(first) == 1 and "新工单" in first[0].payload["text"]
    holder = first[0].recipient

    await tick_every(world, NIGHT, NIGHT + timedelta(hours=8))  # 23:00 .. 07:00
    assert [p.id for p in await pushes(world)] == [first[0].id]

    # the morning: the holder is reminded at 07:30 and has until 08:00 before the order moves
    # on; the grid leader hears of it at 09:00, staff at 11:00 (two and four hours of day)
    await tick_every(world, NIGHT + timedelta(hours=8), NIGHT + timedelta(hours=12, minutes=10))
    later = (await pushes(world))[1:]
    assert later and all(7 <= p.created_at.astimezone(SHANGHAI).hour < 22 for p in later)
    reminded = [p for p in later if p.recipient == holder and "提醒" in p.payload["text"]]
    assert [p.created_at for p in reminded] == [START + NIGHT + timedelta(hours=8, minutes=30)]
    assert "派给您已经8小时了" in reminded[0].payload["text"]  # not "510分钟"
    chased = [p for p in later if "催办" in p.payload["text"]]
    assert min(p.created_at for p in chased) == START + NIGHT + timedelta(hours=10)  # 09:00
    upgraded = [p for p in later if "催办升级" in p.payload["text"]]
    assert [p.created_at for p in upgraded] == [START + NIGHT + timedelta(hours=12)]  # 11:00


async def test_an_urgent_order_is_never_held(world: World) -> None:
    world.clock.set(START + NIGHT)
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼道里在冒烟 越来越大"))
    assert (await world.chat.order(n)).urgent
    await tick_every(world, NIGHT, NIGHT + timedelta(hours=5))
    at_night = [p for p in await pushes(world) if p.created_at > START + NIGHT]
    assert any("提醒" in p.payload["text"] for p in at_night)
    assert any("催办" in p.payload["text"] for p in at_night)  # the grid leader at 01:00


async def test_the_night_is_read_from_the_stored_order_after_a_restart(world: World) -> None:
    world.clock.set(START + NIGHT)
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼上的狗一直叫，吵得睡不着"))
    # what a process that starts later reads: the next timer is in the morning
    stored = (await world.chat.order(n)).next_timer_at
    assert stored is not None and stored.astimezone(SHANGHAI) == local(
        NIGHT + timedelta(hours=8, minutes=30)
    )
    before = len(await pushes(world))
    for delta in (timedelta(hours=3), timedelta(hours=8, minutes=31)):  # 02:00, 07:31
        fresh = FakeClock(START + NIGHT + delta)  # a new process: its own clock and roster
        await order_timer_tick(world.sessions, fresh, world.config, RosterCache())
        if delta < timedelta(hours=8):
            assert len(await pushes(world)) == before
    assert len(await pushes(world)) == before + 1


async def test_a_deadline_that_passes_at_night_is_told_in_the_morning(world: World) -> None:
    world.clock.set(START + NIGHT)
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 门锁坏了"))
    await world.chat.say("o_m02", f"接单 {n}")
    deadline = NIGHT + timedelta(days=3)  # Thursday 23:00: the deadline is not moved
    await world.at(deadline + timedelta(minutes=1))
    await world.at(deadline + timedelta(hours=7, minutes=59))  # Friday 06:59
    assert (await world.chat.order(n)).overdue_at is None
    assert await world.count("o_m02", "超时") == 0
    await world.at(deadline + timedelta(hours=8))  # Friday 07:00
    overdue = [t for t in await world.chat.pushed("o_m02") if t.startswith("超时")]
    assert len(overdue) == 1 and "11月26日 23:00" in overdue[0]
    assert await world.count("o_m01", "超时") == 1


def test_quiet_hours_in_the_plan() -> None:
    quiet = QuietHours(SHANGHAI, time(22), time(7))
    sla = replace(SLA, quiet=quiet)
    night = START + NIGHT
    order = row("assigned", False, night, assigned_at=night)
    assert plan(order, sla, night + timedelta(hours=8)) == (
        [],
        night + timedelta(hours=8, minutes=30),
    )
    due, _ = plan(order, sla, night + timedelta(hours=8, minutes=30))
    assert due == [Due.REMIND_ACCEPT]
    urgent = row("assigned", True, night, assigned_at=night)
    assert plan(urgent, sla, night + timedelta(minutes=30))[0] == [Due.REMIND_ACCEPT]
    # a survey due at 02:00 waits until 07:00; the deadline of an order does not move
    done = row("resolved", False, night, resolved_at=START + timedelta(hours=17))
    assert plan(done, sla, START + timedelta(days=1, hours=17))[1] == START + timedelta(
        days=1, hours=22
    )
    # 30 minutes of day from 21:45 is 07:15; a night that does not span midnight works too
    at_2145 = datetime(2026, 11, 23, 13, 45, tzinfo=UTC)
    assert quiet.add(at_2145, timedelta(minutes=30)) == datetime(2026, 11, 23, 23, 15, tzinfo=UTC)
    early = QuietHours(SHANGHAI, time(0), time(6))
    at_2330 = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
    assert early.add(at_2330, timedelta(hours=1)) == datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
    assert early.wake(at_2330) == at_2330


@pytest.mark.parametrize(
    "night", [(time(22), time(7)), (time(0), time(6)), (time(23, 30), time(6))]
)
def test_day_time_agrees_with_a_walk_minute_by_minute(night: tuple[time, time]) -> None:
    quiet = QuietHours(SHANGHAI, *night)

    def dark(t: datetime) -> bool:
        clock = t.astimezone(SHANGHAI).time()
        if night[0] > night[1]:
            return clock >= night[0] or clock < night[1]
        return night[0] <= clock < night[1]

    def walk(start: datetime, delta: timedelta) -> datetime:
        at, left, minute = start, delta, timedelta(minutes=1)
        while dark(at):
            at += minute
        while left > timedelta(0):
            left -= timedelta(0) if dark(at) else minute
            at += minute
        return at

    first = datetime(2026, 11, 20, tzinfo=UTC)
    for i in range(60):
        start = first + timedelta(minutes=(i * 997) % (5 * 24 * 60))
        delta = timedelta(minutes=1 + (i * 389) % (30 * 60))
        # landing on the night's first minute or on the morning is the same push
        assert quiet.wake(quiet.add(start, delta)) == quiet.wake(walk(start, delta)), (start, delta)
        assert quiet.wake(start) == walk(start, timedelta(0))


def test_quiet_hours_setting() -> None:
    def sla(**kw: object) -> Any:
        return build_config({"wechat": {"token": "t", "mode": "plain"}, "sla": kw}, environ={}).sla

    assert sla().quiet_hours == (time(22), time(7))
    assert sla(quiet_hours="23:30-06:00").quiet_hours == (time(23, 30), time(6))
    assert sla(quiet_hours=None).quiet_hours is None
    assert sla(quiet_hours="off").quiet_hours is None
    with pytest.raises(ConfigError, match=r"sla\.quiet_hours"):
        sla(quiet_hours="07:00-07:00")
    with pytest.raises(ConfigError, match=r"sla\.quiet_hours"):
        sla(quiet_hours="late")


# --- 2. 完成 on an order nobody has accepted -------------------------------------------------
async def test_finishing_an_untaken_order_asks_to_take_it_first(world: World) -> None:
    # a dispute goes to the mediator; the household's representative may take it too
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 楼上的狗一直叫，吵得睡不着"))
    assert (await world.chat.order(n)).assignee_id is not None
    for command in (f"完成 {n}", f"完成 {n} 已经协调好了", f"进度 {n} 明天上门"):
        reply = await world.chat.say("o_m02", command)
        assert reply == texts.ORDER_REFUSALS["not_accepted"].format(number=n), reply
    # someone who may not take it learns nothing of it
    for member in ("o_m07", "o_m04"):
        reply = await world.chat.say(member, f"完成 {n}")
        assert reply == texts.MEMBER_ORDER_UNKNOWN.format(number=n), reply
    assert (await world.chat.order(n)).status == "assigned"
    await world.chat.say("o_m02", f"接单 {n}")
    assert "已办结" in await world.chat.say("o_m02", f"完成 {n}")


# --- 3. what a template carries of the resident's words --------------------------------------
def _template(message: OutboxMessage) -> dict[str, str]:
    plan_ = template_plan(message.purpose, message.payload, {message.purpose: "tpl"})
    assert isinstance(plan_, TemplatePlan), plan_
    return plan_.fields


async def _latest(world: World, openid: str) -> OutboxMessage:
    return [p for p in await pushes(world) if p.recipient == openid][-1]


async def test_a_detail_and_a_calm_word_reach_the_template(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    n = order_number(await world.chat.say(RESIDENT, "楼上好像有人在打架，砸东西砰砰响"))
    holder = (await pushes(world))[0].recipient
    world.clock.set(START + timedelta(minutes=5))
    await world.chat.say(RESIDENT, "是的，还在打，有人在喊救命")
    fields = _template(await _latest(world, holder))
    assert fields["character_string1"] == f"#{n}"
    assert fields["phrase4"] == texts.STATE_DETAIL
    assert fields["thing5"] == "是的，还在打，有人在喊救命"

    world.clock.set(START + timedelta(minutes=10))
    await world.chat.say(RESIDENT, "不是打架，是楼上装修，就是太吵了，吵得老人家一晚上都睡不着")
    calmed = await _latest(world, holder)
    assert "已改为普通工单" in calmed.payload["text"]
    fields = _template(calmed)
    assert fields["phrase4"] == texts.STATE_CALMED
    assert fields["thing5"] == "不是打架，是楼上装修，就是太吵了，吵得…"  # cut to 20
    assert all(len(v) <= 20 for v in fields.values())


async def test_a_word_about_an_ordinary_order_and_a_hurry_reach_the_template(
    world: World,
) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    n = order_number(await world.chat.say(RESIDENT, "我妈82了一个人住，能不能帮忙买点菜"))
    await world.chat.say(RESIDENT, "我妈说下午三点以后在家")
    fields = _template(await _latest(world, "o_m02"))
    assert (fields["phrase4"], fields["thing5"]) == (texts.STATE_DETAIL, "我妈说下午三点以后在家")
    # a push that asks the member to answer keeps saying how
    await world.at(timedelta(minutes=31))
    reminder = _template(await _latest(world, "o_m02"))
    assert reminder["thing5"] == texts.ACCEPT_HINT.format(number=n)
    world.clock.set(START + timedelta(minutes=40))
    await world.chat.say(RESIDENT, "能不能快点啊")
    fields = _template(await _latest(world, "o_m02"))
    assert (fields["phrase4"], fields["thing5"]) == (texts.STATE_CHASED, "能不能快点啊")


def test_every_template_state_is_a_wechat_phrase() -> None:
    states = {k: v for k, v in vars(texts).items() if k.startswith("STATE_")}
    assert {"STATE_DETAIL", "STATE_CALMED"} <= states.keys()
    assert all(isinstance(v, str) and 0 < len(v) <= 5 for v in states.values()), states


async def test_what_a_member_does_at_night_is_told_to_the_resident_in_the_morning(
    world: World,
) -> None:
    """Found from outside: members passing an ordinary order back and forth after midnight
    woke its resident with each step. The resident's pushes wait for the end of the night;
    an emergency's do not."""
    world.clock.set(START + NIGHT)  # 23:00 in Shanghai
    n = order_number(await world.chat.say(RESIDENT, "1栋1单元101 卫生间门锁坏了"))
    await world.chat.say("o_m02", f"接单 {n}")
    async with world.sessions() as s:
        rows = (
            (await s.execute(select(OutboxMessage).where(OutboxMessage.recipient == RESIDENT)))
            .scalars()
            .all()
        )
    told = [r for r in rows if f"#{n}" in r.payload.get("text", "")]
    assert told and all(local_at(r.next_attempt_at).hour == 7 for r in told), told
    u = order_number(await world.chat.say("o_resident_gas", "1栋1单元102 家里好大的煤气味"))
    await world.chat.say("o_m02", f"接单 {u}")
    async with world.sessions() as s:
        urgent = (
            (
                await s.execute(
                    select(OutboxMessage).where(OutboxMessage.recipient == "o_resident_gas")
                )
            )
            .scalars()
            .all()
        )
    assert urgent and all(local_at(r.next_attempt_at).hour == 23 for r in urgent)


def local_at(when: datetime) -> datetime:
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return aware.astimezone(SHANGHAI)


async def test_the_offices_words_reach_the_residents_template(world: World) -> None:
    # found from outside: outside the 48-hour window a template is all the resident reads,
    # and the office's message was not in it (only 社区留言)
    from bot.orders.office_service import Author, OfficeService
    from models.orders import Order

    await world.chat.say(RESIDENT, "绑定 1栋1单元101")
    n = order_number(await world.chat.say(RESIDENT, "楼道灯坏了"))
    async with world.sessions() as s, s.begin():
        order = await s.get(Order, n)
        assert order is not None
        office = OfficeService(s, world.clock, world.config, world.roster)  # type: ignore[arg-type]
        await office.message(order, order.version, "师傅明天上午到", Author("staff1"))
    async with world.sessions() as s:
        found = await s.execute(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == RESIDENT)
            .order_by(OutboxMessage.id.desc())
        )
        fields = _template(found.scalars().first())  # type: ignore[arg-type]
    assert (fields["phrase4"], fields["thing5"]) == (texts.STATE_MESSAGE, "师傅明天上午到")
