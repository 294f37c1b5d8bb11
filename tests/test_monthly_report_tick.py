"""The monthly report push: on the 1st from 08:00 Shanghai time, once however many processes
tick, to console admins linked to a member with WeChat bound; the previous month's figures and
the download link."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import create_app
from bot.clock import FakeClock
from bot.console import accounts
from bot.keys import CONFIG, ROSTER, SESSIONS
from bot.orders.core import NewOrder
from bot.orders.dispatch import Place
from bot.orders.service import OrderService
from bot.ticks.monthly_report import monthly_report_tick
from models.outbox import OutboxMessage
from tests.console_support import PASSWORD, ClientFactory
from tests.support import make_config, seed_roster

ACCOUNTS = [  # username, role, member, disabled
    ("boss", "admin", "m03", False),
    ("boss_no_member", "admin", None, False),
    ("staff_linked", "staff", "m02", False),
    ("boss_gone", "admin", "m04", True),
]


async def _outbox(app: object, openid: str) -> list[str]:
    async with app[SESSIONS]() as s:  # type: ignore[index]
        rows = await s.execute(
            select(OutboxMessage.payload).where(OutboxMessage.recipient == openid)
        )
        return [t for t in (p.get("text", "") for p in rows.scalars()) if "睦邻月报" in t]


async def test_monthly_report_pushed_once_on_the_first_after_eight(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    clock = FakeClock(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    app = create_app(make_config(db_url, "plain"), clock=clock, start_scheduler=False)
    await aiohttp_client(app)
    await seed_roster(app[SESSIONS], clock.now())
    app[ROSTER].invalidate()
    async with app[SESSIONS]() as s, s.begin():
        for name, role, member, disabled in ACCOUNTS:
            await accounts.add_user(
                s, name, PASSWORD, role=role, community_code="qhj", member_key=member
            )
            if disabled:
                await accounts.disable(s, name)
        service = OrderService(s, clock, app[CONFIG], app[ROSTER])
        for openid, building in (("o_r1", "1"), ("o_r2", "4")):
            new = NewOrder(text="楼道灯坏了", category="repair", urgent=False, summary="楼道灯坏了",
                           place=Place(building, "1", "101"), phones=())  # fmt: skip
            await service.report(openid, new)
    sessions, config = app[SESSIONS], app[CONFIG]

    async def tick() -> int:
        return await monthly_report_tick(sessions, clock, config)

    clock.set(datetime(2026, 11, 30, 23, 59, tzinfo=UTC))  # 1 December 07:59 in Shanghai
    assert await tick() == 0
    clock.set(datetime(2026, 12, 1, 0, 5, tzinfo=UTC))  # 08:05: once, however many tickers
    assert sum(await asyncio.gather(*(tick() for _ in range(3)))) == 1
    assert await tick() == 0
    (text,) = await _outbox(app, "o_m03")
    assert "2026年11月" in text and "受理工单 2 件" in text and "响应率" in text
    assert "/admin/reports/monthly?month=2026-11" in text
    assert await _outbox(app, "o_m02") == [] and await _outbox(app, "o_m04") == []
    # the service was down on 1 January until the 4th: December's push is stale by then
    clock.set(datetime(2027, 1, 4, 1, 0, tzinfo=UTC))
    assert await tick() == 0
    # 1 February: January had no orders, and the push says so
    clock.set(datetime(2027, 2, 1, 3, 0, tzinfo=UTC))
    assert await tick() == 1
    texts = await _outbox(app, "o_m03")
    assert len(texts) == 2 and "本月没有工单" in texts[-1] and "2027年1月" in texts[-1]
