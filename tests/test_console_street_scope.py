"""A community's console on a street (the demo roster: 青和居 and 东亭 each have a grid G01).
Found from outside: 青和居's board offered 东亭's grid, and choosing it showed 青和居's own
G01; an order's page offered 东亭's members and handed 青和居's order to one of them, which
chat refuses."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
from sqlalchemy import select

from bot.clock import SystemClock
from bot.keys import ROSTER, SESSIONS
from bot.orders.dispatch import Place
from bot.roster.residents import register_home
from models.community import Community
from tests.console_support import ClientFactory, Console
from tests.street_demo_support import demo_street_console

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


async def test_a_community_console_offers_only_its_own_grids_and_members(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    users = [("qhj1", "admin", "qhj", None, None), ("street1", "admin", "dh", None, None)]
    c, numbers = await demo_street_console(
        aiohttp_client, db_url, SystemClock(), users, [("o_r1", "3", "QHJ", "qhj")]
    )
    client, order_id = c.client, numbers["o_r1"]
    assert (await c.login("qhj1")).status == 303
    board = lxml.html.fromstring(await (await client.get("/admin/orders")).text())
    grids = {o.get("value"): o.text for o in board.xpath('//select[@name="grid"]/option')}
    assert "东亭网格" not in grids.values() and "qhj:G01" in grids, grids
    assert "林志远" not in board.xpath('string(//select[@name="assignee"])')
    page = lxml.html.fromstring(await (await client.get(f"/admin/orders/{order_id}")).text())
    offered = " ".join(page.xpath('//select[@name="member"]/option/text()'))
    assert "林志远" not in offered and "黄海燕" not in offered and offered, offered
    # 东亭's members and residents are none of 青和居's office's business
    members = await (await client.get("/admin/members")).text()
    assert "林志远" not in members and "黄海燕" not in members and "吴建华" in members
    app = client.app
    async with app[SESSIONS]() as s, s.begin():
        ids = {code: id_ for code, id_ in await s.execute(select(Community.code, Community.id))}
        await register_home(s, "o_dt_res", Place("4", "2", "602", "DT", ids["dt"]), NOW)
        await register_home(s, "o_qhj_res", Place("3", "1", "101", "QHJ", ids["qhj"]), NOW)
    listed = await (await client.get("/admin/residents")).text()
    assert "3栋1单元101" in listed or "101" in listed
    assert "602" not in listed
    refused = await c.act(order_id, "assign", member="d02", reason="试试")
    assert (await c.order(order_id)).assignee_id != (await _member_id(app, "d02"))
    assert refused.status in (303, 400, 409)
    # the street office sees both communities' grids, each named with its community
    street = Console(client, {})
    assert (await street.login("street1")).status == 303
    board = lxml.html.fromstring(await (await client.get("/admin/orders")).text())
    names = [o.text for o in board.xpath('//select[@name="grid"]/option') if o.get("value")]
    assert any("东亭" in n for n in names) and any("青和居" in n for n in names), names
    shown = await (await client.get("/admin/orders", params={"grid": "dt:G01"})).text()
    assert f'/admin/orders/{order_id}"' not in shown  # 东亭's G01 is not 青和居's
    shown = await (await client.get("/admin/orders", params={"grid": "qhj:G01"})).text()
    assert f'/admin/orders/{order_id}"' in shown


async def _member_id(app: object, key: str) -> int | None:
    async with app[SESSIONS]() as s:  # type: ignore[index]
        view = await app[ROSTER].get(s)  # type: ignore[index]
        member = view.by_key.get(key)
        return member.id if member else None
