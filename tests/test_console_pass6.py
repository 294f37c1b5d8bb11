"""Found from outside (pass 6): the console's 更正 refused 「3栋」, an unknown assignee on the
board gave 0 orders, the resource list's log was in English, and residents had no name, estate
or link to their orders."""

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
from tests.console_support import PASSWORD, ClientFactory, Console, make_console
from tests.lists_support import post
from tests.street_demo_support import DEMO
from tests.support import make_config

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


async def _as(aiohttp_client: ClientFactory, url: str, user: str) -> Console:
    c = await make_console(aiohttp_client, url)
    assert (await c.login(user)).status == 303
    return c


async def test_correcting_the_building_accepts_it_as_the_chat_does(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    """N22: 「3栋」 and 「三栋」 were refused as 3栋栋; only 「3」 worked."""
    c = await _as(aiohttp_client, db_url, "staff1")
    n = c.numbers["g1"]
    for building, unit, room in (("3栋", "1单元", "301"), ("三栋", "二单元", "502室")):
        resp = await c.act(n, "edit", category="repair", building=building, unit=unit, room=room)
        assert resp.status == 303, await resp.text()
        order = await c.order(n)
        assert (order.building, order.unit, order.room) == (
            "3",
            unit[0].replace("二", "2"),
            room[:3],
        )
    bad = await c.act(n, "edit", category="repair", building="九十九栋", unit="1", room="301")
    assert bad.status == 400 and "99栋" in await bad.text()


async def test_an_unknown_assignee_on_the_board_is_explained(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    """N23: ?assignee=zzz said 共 0 张工单, where a bad status is a 400 with a reason."""
    c = await _as(aiohttp_client, db_url, "staff1")
    resp = await c.client.get("/admin/orders", params={"assignee": "zzz"})
    assert resp.status == 400 and "zzz" in await resp.text()
    rows = await c.client.get("/admin/orders/rows", params={"assignee": "zzz"})
    assert rows.status == 400
    assert (await c.client.get("/admin/orders", params={"assignee": "m01"})).status == 200


async def test_the_resource_log_is_in_chinese_with_the_account(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    """N24: 资源清单's 变更记录 read 「console:staff1 resource #1 create」."""
    c = await _as(aiohttp_client, db_url, "staff1")
    page = "/admin/lists/resources"
    assert (await post(c, page, page, partner="志愿队", kind="people")).status == 303
    html = lxml.html.fromstring(await (await c.client.get(page)).text())
    log = " ".join(html.xpath('string(//table[contains(@class, "history")])').split())
    assert "资源 #1" in log and "新建" in log and "staff1（工作台）" in log, log
    for english in ("console:", "resource", "create"):
        assert english not in log, log


async def test_residents_show_their_estate_and_link_to_their_orders(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    """N28: the residents page showed 「o_re…wang — 5栋2单元302」 (no estate on a street of two
    estates, no way to the resident's orders) and the order page said only 「居民 居民」."""
    app = create_app(make_config(db_url), start_scheduler=False)
    client = await aiohttp_client(app)
    await import_rosters(app[ENGINE], read_rosters(DEMO))
    app[ROSTER].invalidate()
    async with app[SESSIONS]() as s, s.begin():
        ids = {code: id_ for code, id_ in await s.execute(select(Community.code, Community.id))}
        await accounts.add_user(s, "street1", PASSWORD, role="admin", community_code="dh")
        await register_home(s, "o_resident_wang", Place("4", "2", "602", "DT", ids["dt"]), NOW)
        service = OrderService(s, SystemClock(), app[CONFIG], app[ROSTER])
        orders = []
        for openid, text in (("o_resident_wang", "楼道灯坏了"), ("o_resident_li", "水管漏水")):
            place = Place("4", "2", "602", estate="DT", community=ids["dt"])
            new = NewOrder(text=text, category="repair", urgent=False,
                           summary=text, place=place, phones=())  # fmt: skip
            orders.append((await service.report(openid, new))[0].id)
    c = Console(client, {})
    assert (await c.login("street1")).status == 303
    page = lxml.html.fromstring(await (await client.get("/admin/residents")).text())
    row = " ".join(page.xpath("string(//tbody/tr[1])").split())
    assert "东亭4栋2单元602" in row, row
    [link] = page.xpath("//tbody/tr[1]//a/@href")
    board = await (await client.get(link)).text()
    assert f'/admin/orders/{orders[0]}"' in board and f'/admin/orders/{orders[1]}"' not in board
    detail = lxml.html.fromstring(await (await client.get(f"/admin/orders/{orders[0]}")).text())
    said = " ".join(detail.xpath("string(//dt[text()='居民']/following-sibling::dd[1])").split())
    assert "东亭4栋2单元602" in said and "o_re" in said, said
    assert detail.xpath("//dt[text()='居民']/following-sibling::dd[1]//a/@href") == [link]
    bad = await client.get("/admin/orders", params={"resident": "0" * 16})
    assert bad.status == 400


async def test_correcting_to_a_door_no_building_has_is_refused(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    """N12: 更正 to 1栋9单元9999 was saved (and could re-dispatch the order there)."""
    c = await _as(aiohttp_client, db_url, "staff1")
    n = c.numbers["g1"]
    bad = await c.act(n, "edit", category="repair", building="1", unit="9", room="9999")
    assert bad.status == 400 and "9999" in await bad.text()
    assert (await c.order(n)).room == "101"
    ok = await c.act(n, "edit", category="repair", building="1", unit="2", room="1802")
    assert ok.status == 303 and (await c.order(n)).room == "1802"
