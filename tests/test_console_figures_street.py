"""The figures page on a street (the demo roster: 青和居 and 东亭, both with a grid G01): the
street office sees both communities with their grids apart, a community account its own, a
grid leader of 东亭 their G01 and not 青和居's."""

from __future__ import annotations

import io

import lxml.html
from openpyxl import load_workbook

from bot.clock import SystemClock
from tests.console_support import ClientFactory
from tests.street_demo_support import demo_street_console

ACCOUNTS = [  # username, role, community, grid, member
    ("street1", "staff", "dh", None, "s01"),
    ("qhj1", "staff", "qhj", None, None),
    ("dt_leader", "grid_leader", "dt", "G01", "d01"),
]


def _grids(html: str) -> dict[str, str]:
    doc = lxml.html.fromstring(html)
    return {
        r.get("data-label"): r.get("data-value")
        for r in doc.xpath('//section[@id="grids"]//rect[@class="bar"]')
        if r.get("data-series") == "受理工单数"
    }


def _month(html: str) -> str:
    href = lxml.html.fromstring(html).xpath('//a[@id="download"]')[0].get("href")
    return str(href).split("month=")[1][:7]


def _received(html: str) -> str:
    doc = lxml.html.fromstring(html)
    cell = doc.xpath('//tr[@data-figure="received"]/td[@class="now"]')[0]
    return str(cell.text_content()).strip()


async def test_street_community_and_grid_leader_scopes(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    reports = [("o_r1", "1", "QHJ", "qhj"), ("o_r2", "2", "QHJ", "qhj"), ("o_r3", "3", "DT", "dt")]
    c, _ = await demo_street_console(aiohttp_client, db_url, SystemClock(), ACCOUNTS, reports)

    assert (await c.login("street1")).status == 303
    page = await (await c.client.get("/admin/figures")).text()
    assert _received(page) == "3"
    options = lxml.html.fromstring(page).xpath('//select[@name="community"]/option/@value')
    assert options == ["", "dt", "qhj"]  # the communities, not the street itself
    assert _grids(page) == {"青和居社区·第一网格": "2", "东亭社区·东亭网格": "1"}
    one = await (await c.client.get("/admin/figures", params={"grid": "dt:G01"})).text()
    assert _received(one) == "1"
    dt = await (await c.client.get("/admin/figures", params={"community": "qhj"})).text()
    assert _received(dt) == "2"
    # a community or grid that is not one is a 400 in Chinese, not an empty page
    for params in ({"community": "nowhere"}, {"community": "dh"}, {"grid": "dt:G02"}):
        for path in ("/admin/figures", "/admin/reports/monthly"):
            resp = await c.client.get(path, params=params)
            assert resp.status == 400 and "没有这个" in await resp.text(), (path, params)
    # the workbook keeps the two G01 apart too, and both grid leaders
    xlsx = await c.client.get("/admin/reports/monthly", params={"month": _month(page)})
    book = load_workbook(io.BytesIO(await xlsx.read()), read_only=True)
    grids = {r[0] for r in book["分网格"].iter_rows(values_only=True) if r}
    assert {"青和居社区·第一网格", "东亭社区·东亭网格"} <= grids, grids
    leaders = {r[0] for r in book["网格长走访"].iter_rows(values_only=True) if r}
    assert {"陈秀英", "刘志强", "黄海燕"} <= leaders, leaders

    assert (await c.login("qhj1")).status == 303
    page = await (await c.client.get("/admin/figures")).text()
    assert _received(page) == "2" and _grids(page) == {"第一网格": "2"}
    assert "黄海燕" not in page  # 东亭's grid leader is not in 青和居's visits
    assert (await c.client.get("/admin/figures", params={"community": "dt"})).status == 403

    assert (await c.login("dt_leader")).status == 303
    page = await (await c.client.get("/admin/figures")).text()
    assert _received(page) == "1" and _grids(page) == {"东亭网格": "1"}
    assert "东亭网格" in lxml.html.fromstring(page).xpath("//h1")[0].text_content()
    assert "陈秀英" not in page  # 青和居's G01 leader
    refused = await c.client.get("/admin/figures", params={"grid": "qhj:G01"})
    assert refused.status == 403
