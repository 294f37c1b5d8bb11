"""Reports that arrive together share one unit of work (one transaction, their orders staged
and written at its end): each still sees what the ones before it did, exactly as if each had
been handled alone — a repeat joins the order filed a moment earlier, a status query lists it,
a member can take it — and everything is in the database once the batch has committed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.app import create_app
from bot.keys import SESSIONS
from bot.sandbox.platform import WeChatPlatform
from models.community import Resident
from models.orders import Order, OrderEvent
from models.outbox import OutboxMessage
from tests.support import APPID, TOKEN, make_config, order_number, seed_roster, submit_together

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


async def batch(client: TestClient[Any, Any], *said: tuple[str, str]) -> list[str]:
    """Hand the messages to the processor together (one batch) and return the replies."""
    wx = WeChatPlatform(token=TOKEN, appid=APPID, mode="plain")
    return await submit_together(client, wx, *(wx.text(openid, text) for openid, text in said))


async def test_a_batch_sees_its_own_orders(aiohttp_client: ClientFactory, db_url: str) -> None:
    app = create_app(make_config(db_url, "plain"), start_scheduler=False)
    client = await aiohttp_client(app)
    await seed_roster(app[SESSIONS], datetime.now(UTC))
    first, again, neighbour, status, other = await batch(
        client,
        ("o_r1", "1栋1单元101厨房水管漏水了"),
        ("o_r1", "1栋1单元101厨房水管漏水了"),  # the same report again: joins it
        ("o_r2", "1栋1单元101厨房水管漏水了，我是楼下的"),  # same home, same problem
        ("o_r1", "查询"),
        ("o_r3", "4栋1单元202楼道灯不亮"),
    )
    n = order_number(first)
    assert "李建国" in first and "工单号" in first
    assert f"#{n}" in again and "已在" in again
    assert f"#{n}" in neighbour and "已在" in neighbour
    assert f"#{n}" in status  # the resident's list has the order filed in the same batch
    m = order_number(other)
    assert m != n and "钱进" in other
    # a member takes it in the next batch; its history reads as if handled one by one
    (accepted,) = await batch(client, ("o_m02", f"接单 {n}"))
    assert "已接单" in accepted
    async with app[SESSIONS]() as s:
        orders = (await s.execute(select(Order).order_by(Order.id))).scalars().all()
        history = (
            await s.execute(
                select(OrderEvent.action).where(OrderEvent.order_id == n).order_by(OrderEvent.id)
            )
        ).scalars()
        pushes = await s.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.recipient == "o_m02")
        )
        home = await s.get(Resident, "o_r1")
    assert [o.id for o in orders] == [n, m]
    # created, dispatched, joined twice, accepted: one version each, as one by one
    assert orders[0].status == "accepted" and orders[0].version == 5
    assert list(history) == ["receive", "assign", "linked", "linked", "accept"]
    assert pushes == 1  # the repeats did not push the member again
    assert home is not None and (home.building, home.unit, home.room) == ("1", "1", "101")
