"""A community's console on a street (the demo roster: 青和居 and 东亭 each have a grid G01).
Found from outside: 青和居's board offered 东亭's grid, and choosing it showed 青和居's own
G01; an order's page offered 东亭's members and handed 青和居's order to one of them, which
chat refuses."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
from sqlalchemy import select

from bot.app import create_app
from bot.clock import SystemClock
from bot.console import accounts
from bot.keys import CONFIG, ENGINE, ROSTER, SESSIONS
from bot.orders.core import NewOrder
from bot.orders.dispatch import Place
from bot.orders.service import OrderService
from bot.roster.apply import import_rosters
from bot.roster.files.street import read_rosters
from bot.roster.residents import register_home
from models.community import Community
from tests.console_support import PASSWORD, ClientFactory, Console
from tests.support import make_config
from tests.test_console_figures_street import DEMO

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


async def test_a_community_console_offers_only_its_own_grids_and_members(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    app = create_app(make_config(db_url), start_scheduler=False)
    client = await aiohttp_client(app)
    await import_rosters(app[ENGINE], read_rosters(DEMO))
    app[ROSTER].invalidate()
    async with app[SESSIONS]() as s, s.begin():
        ids = {code: id_ for code, id_ in await s.execute(select(Community.code, Community.id))}
        await accounts.add_user(s, "qhj1", PASSWORD, role="admin", community_code="qhj")
        await accounts.add_user(s, "street1", PASSWORD, role="admin", community_code="dh")
        service = OrderService(s, SystemClock(), app[CONFIG], app[ROSTER])
        place = Place("3", "1", "101", estate="QHJ", community=ids["qhj"])
        new = NewOrder(text="楼道灯坏了", category="repair", urgent=False,
                       summary="楼道灯坏了", place=place, phones=())  # fmt: skip
        order, _ = await service.report("o_r1", new)
    c = Console(client, {})
    assert (await c.login("qhj1")).status == 303
    board = lxml.html.fromstring(await (await client.get("/admin/orders")).text())
    grids = {o.get("value"): o.text for o in board.xpath('//select[@name="grid"]/option')}
    assert "东亭网格" not in grids.values() and "qhj:G01" in grids, grids
    assert "林志远" not in board.xpath('string(//select[@name="assignee"])')
    page = lxml.html.fromstring(await (await client.get(f"/admin/orders/{order.id}")).text())
    offered = " ".join(page.xpath('//select[@name="member"]/option/text()'))
    assert "林志远" not in offered and "黄海燕" not in offered and offered, offered
    # 东亭's members and residents are none of 青和居's office's business
    members = await (await client.get("/admin/members")).text()
    assert "林志远" not in members and "黄海燕" not in members and "吴建华" in members
    async with app[SESSIONS]() as s, s.begin():
        await register_home(s, "o_dt_res", Place("4", "2", "602", "DT", ids["dt"]), NOW)
        await register_home(s, "o_qhj_res", Place("3", "1", "101", "QHJ", ids["qhj"]), NOW)
    listed = await (await client.get("/admin/residents")).text()
    assert "3栋1单元101" in listed or "101" in listed
    assert "602" not in listed
    refused = await c.act(order.id, "assign", member="d02", reason="试试")
    assert (await c.order(order.id)).assignee_id != (await _member_id(app, "d02"))
    assert refused.status in (303, 400, 409)
    # the street office sees both communities' grids, each named with its community
    street = Console(client, {})
    assert (await street.login("street1")).status == 303
    board = lxml.html.fromstring(await (await client.get("/admin/orders")).text())
    names = [o.text for o in board.xpath('//select[@name="grid"]/option') if o.get("value")]
    assert any("东亭" in n for n in names) and any("青和居" in n for n in names), names
    shown = await (await client.get("/admin/orders", params={"grid": "dt:G01"})).text()
    assert f'/admin/orders/{order.id}"' not in shown  # 东亭's G01 is not 青和居's
    shown = await (await client.get("/admin/orders", params={"grid": "qhj:G01"})).text()
    assert f'/admin/orders/{order.id}"' in shown


async def _member_id(app: object, key: str) -> int | None:
    async with app[SESSIONS]() as s:  # type: ignore[index]
        view = await app[ROSTER].get(s)  # type: ignore[index]
        member = view.by_key.get(key)
        return member.id if member else None
