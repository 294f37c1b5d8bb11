"""The loader reads what the order service wrote: grids, members, reopen (重办) and 吹哨 events,
a period's bounds in Shanghai time; SQLite always, PostgreSQL when configured."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.clock import FakeClock, StoppedClock
from bot.keys import SESSIONS
from bot.kpi.cli import run_report_monthly
from bot.kpi.figures import summarize
from bot.kpi.load import load_facts, utc
from bot.kpi.period import Period
from bot.orders.sla import sla_of
from bot.storage.engine import create_engine
from tests.support import make_config, order_number, seed_roster
from tests.test_orders_flow import Chat

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
NOV = Period.month(2026, 11)


async def test_facts_from_the_service(aiohttp_client: ClientFactory, db_url: str) -> None:
    clock = FakeClock(datetime(2026, 11, 10, 2, tzinfo=UTC))
    config = make_config(db_url, "plain")
    app = create_app(config, clock=clock, start_scheduler=False)
    client = await aiohttp_client(app)
    await seed_roster(app[SESSIONS], clock.now())
    chat = Chat(client)
    # a lock: accepted, done, rated 不满意 -> reopened (重办) and given again
    lock = order_number(await chat.say("o_r1", "1栋1单元101 门锁坏了"))
    clock.advance(timedelta(minutes=5))
    await chat.say("o_m02", f"接单 {lock}")
    clock.advance(timedelta(hours=2))
    await chat.say("o_m02", f"完成 {lock}")
    assert "重新打开" in await chat.say("o_r1", "不满意")
    # a street light: reassigned to staff, accepted, 吹哨 beyond the community
    light = order_number(await chat.say("o_r2", "2栋3单元601门口的路灯坏了"))
    await chat.say("o_m01", f"转派 {light} 王芳")
    await chat.say("o_m03", f"接单 {light}")
    assert "吹哨" in await chat.say("o_m03", f"吹哨 {light} 路灯归市政管，需要街道协调")
    # written at 23:30 on 30 November in Shanghai (15:30 UTC): still November's
    clock.set(datetime(2026, 11, 30, 15, 30, tzinfo=UTC))
    late = order_number(await chat.say("o_r3", "4栋1单元201楼道灯坏了"))
    # 00:30 on 1 December in Shanghai: December's
    clock.set(datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    order_number(await chat.say("o_r4", "4栋1单元202楼道灯坏了"))

    engine = create_engine(db_url)
    try:
        facts, names = await load_facts(engine, NOV.start_utc, NOV.end_utc)
    finally:
        await engine.dispose()
    by_id = {f.id: f for f in facts}
    assert sorted(by_id) == sorted([lock, light, late])
    f = by_id[lock]
    assert (f.status, f.rating, f.reopened, f.whistled, f.grid, f.community) == (
        "assigned", 1, True, False, "G01", "qhj",
    )  # fmt: skip
    assert f.created_at == datetime(2026, 11, 10, 2, tzinfo=UTC)
    assert f.resolved_at == datetime(2026, 11, 10, 4, 5, tzinfo=UTC)  # the first resolution
    g = by_id[light]
    assert (g.status, g.whistled, g.member, g.member_name) == ("escalated", True, "m03", "王芳")
    assert by_id[late].grid == "G02" and by_id[late].member == "m07"
    assert names.grids == {"G01": "第一网格", "G02": "第二网格"}
    assert names.grid_leaders == {"G01": "m01", "G02": "m04"}
    # the figures over them: the lock reached follow-up and was reopened, 1 of 1
    s = summarize(facts, sla_of(config), NOV, ("grid",), as_of=clock.now())
    assert (s.figures.received, s.figures.reopened, s.figures.reopen_rate) == (3, 1, 1.0)
    assert (s.figures.resolved, s.figures.whistled) == (0, 1)
    assert {k: v.received for k, v in s.cuts["grid"].items()} == {"G01": 2, "G02": 1}


def test_stored_times_are_read_as_utc() -> None:
    assert utc("2026-11-10 02:00:00.000000") == datetime(2026, 11, 10, 2, tzinfo=UTC)
    assert utc(datetime(2026, 11, 10, 2)) == datetime(2026, 11, 10, 2, tzinfo=UTC)
    assert utc(None) is None


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_progress_shows_on_a_terminal_only(sqlite_url: str, tmp_path: Any) -> None:
    import asyncio

    config = make_config(sqlite_url, "plain")
    tty, pipe = Terminal(), io.StringIO()
    clock = StoppedClock(datetime(2026, 12, 3, tzinfo=UTC))
    for err in (tty, pipe):
        code = await asyncio.to_thread(
            run_report_monthly, config, NOV, str(tmp_path / "r.xlsx"), io.StringIO(), err, clock
        )
        assert code == 0
    assert "月报" in tty.getvalue() and "汇总" in tty.getvalue()
    assert pipe.getvalue() == ""


async def test_an_escalation_before_a_reopen_still_counts(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    """Found from inside: a reopen starts the order's escalation level afresh (its timers run
    again), so an order the timers had escalated to the grid leader, then done, rated 不满意
    and reopened, dropped out of the month's escalated figure."""
    from tests.test_timers import START, make_world

    world = await make_world(aiohttp_client, db_url)
    n = order_number(await world.chat.say("o_r1", "1栋1单元101 门锁坏了"))
    await world.at(timedelta(hours=2, minutes=1))  # nobody took it: the grid leader is told
    assert await world.count("o_m01", "催办") == 1
    world.clock.set(START + timedelta(hours=3))
    await world.chat.say("o_m01", f"接单 {n}")
    await world.chat.say("o_m01", f"完成 {n}")
    assert "重新打开" in await world.chat.say("o_r1", "不满意")
    assert (await world.chat.order(n)).escalation_level == 0  # its new round starts afresh

    from bot.kpi.page import page_figures
    from bot.kpi.rows import Filter

    engine = create_engine(db_url)
    try:
        facts, _ = await load_facts(engine, NOV.start_utc, NOV.end_utc)
        console = await page_figures(  # the console's own reading of the month
            engine, sla_of(world.config), NOV, Filter(), world.clock.now(), with_trend=False
        )
    finally:
        await engine.dispose()
    assert console.summary.figures.escalated == 1
    assert [f.escalation_level > 0 for f in facts if f.id == n] == [True]
    s = summarize(facts, sla_of(world.config), NOV, ("grid",), as_of=world.clock.now())
    assert (s.figures.escalated, s.figures.reopened) == (1, 1)
