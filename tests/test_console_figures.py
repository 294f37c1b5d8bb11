"""The figures page, the monthly report download and its printable page: scope by role, the
charts agree with their tables, bad query parameters are a 400 in Chinese, an empty month
says so."""

from __future__ import annotations

import io

import lxml.html
from openpyxl import load_workbook

from tests.console_support import ClientFactory, Console, make_console, report

BLOCKS = ("trend", "categories", "grids")


async def _as(aiohttp_client: ClientFactory, url: str, user: str) -> Console:
    c = await make_console(aiohttp_client, url)
    assert (await c.login(user)).status == 303
    return c


def _figure(doc: lxml.html.HtmlElement, name: str) -> str:
    cells = doc.xpath(f'//table[@id="figure-rows"]//tr[@data-figure="{name}"]/td[@class="now"]')
    return str(cells[0].text_content()).strip()


def chart_matches_table(doc: lxml.html.HtmlElement, block: str) -> int:
    """Every bar or point of the block's chart has the value its table shows; returns how
    many were checked."""
    section = doc.xpath(f'//section[@id="{block}"]')[0]
    table = section.xpath('.//table[@class="figtable"]')[0]
    headers = [str(h.text_content()).strip() for h in table.xpath("./thead//th")]
    rows = {}
    for tr in table.xpath("./tbody/tr"):
        cells = [str(c.text_content()).strip() for c in tr.xpath("./th|./td")]
        rows[cells[0]] = dict(zip(headers[1:], cells[1:], strict=True))
    marks = section.xpath(".//*[@data-series]")
    checked = 0
    for mark in marks:
        if mark.get("class") not in ("bar", "point"):
            continue
        shown = rows[mark.get("data-label")][mark.get("data-series")]
        value = mark.get("data-value")
        if value == "":
            assert shown == "—"
        else:
            assert float(shown) == float(value), (block, mark.attrib, shown)
        checked += 1
    return checked


async def test_staff_sees_every_figure_with_charts_matching_tables(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await _as(aiohttp_client, db_url, "staff1")
    await report(c.app, "o_res_c", "2栋有人摔倒了", "2", urgent=True, category="elderly")
    resp = await c.client.get("/admin/figures")
    assert resp.status == 200
    html = await resp.text()
    doc = lxml.html.fromstring(html)
    assert _figure(doc, "received") == "3"
    for word in ("响应率", "解决率", "满意率", "上期", "近 12 个月趋势", "红榜", "网格长走访"):
        assert word in html, word
    assert "第一网格" in html and "第二网格" in html
    assert 'href="/admin/figures"' in html  # in the nav
    for block in BLOCKS:
        assert chart_matches_table(doc, block) > 0, block
    grids = doc.xpath('//section[@id="grids"]//rect[@class="bar"]')
    counts = {
        r.get("data-label"): r.get("data-value")
        for r in grids
        if r.get("data-series") == "受理工单数"
    }
    assert counts == {"第一网格": "2", "第二网格": "1"}
    assert "/admin/reports/monthly?month=" in html


async def test_grid_leader_sees_only_their_grid(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await _as(aiohttp_client, db_url, "leader2")
    doc = lxml.html.fromstring(await (await c.client.get("/admin/figures")).text())
    assert _figure(doc, "received") == "1"
    labels = {r.get("data-label") for r in doc.xpath('//section[@id="grids"]//rect[@class="bar"]')}
    assert labels == {"第二网格"}
    assert not doc.xpath('//select[@name="grid"]')
    refused = await c.client.get("/admin/figures", params={"grid": "G01"})
    assert refused.status == 403 and "管辖" in await refused.text()
    own = await c.client.get("/admin/figures", params={"grid": "G02"})
    assert own.status == 200
    # the download and the printable page are scoped the same way
    month = doc.xpath('//a[@id="download"]')[0].get("href").split("month=")[1][:7]
    xlsx = await c.client.get("/admin/reports/monthly", params={"month": month})
    assert xlsx.status == 200
    book = load_workbook(io.BytesIO(await xlsx.read()), read_only=True)
    orders = list(book["工单明细"].iter_rows(min_row=2, values_only=True))
    assert len([r for r in orders if r and r[0] is not None]) == 1
    # the weekly visits table too: their own grid's leader, nobody else's
    duty = [r for r in book["网格长走访"].iter_rows(values_only=True) if len(r) > 1 and r[1]]
    grids = {r[1] for r in duty if r[0] != "网格长" and str(r[1]).endswith("网格")}
    assert grids == {"第二网格"}, duty
    printed = await c.client.get("/admin/reports/monthly/print", params={"month": month})
    page = lxml.html.fromstring(await printed.text())
    assert _figure(page, "received") == "1"
    assert (await c.client.get("/admin/reports/monthly", params={"grid": "G01"})).status == 403


async def test_viewer_can_read_and_filters_apply(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await _as(aiohttp_client, db_url, "viewer1")
    resp = await c.client.get("/admin/figures", params={"grid": "G01", "period": "week"})
    assert resp.status == 200
    doc = lxml.html.fromstring(await resp.text())
    assert _figure(doc, "received") == "1"
    only = await c.client.get("/admin/figures", params={"category": "elderly"})
    assert _figure(lxml.html.fromstring(await only.text()), "received") == "0"


async def test_bad_query_parameters_are_400_in_chinese(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await _as(aiohttp_client, db_url, "admin1")
    bad = [
        ("/admin/figures", {"period": "2026-13"}),
        ("/admin/figures", {"period": "soon"}),
        ("/admin/figures", {"period": "2026-W60"}),
        ("/admin/figures", {"period": "99999-01"}),
        ("/admin/figures", {"from": "2026-11-01"}),
        ("/admin/figures", {"from": "2026-11-10", "to": "2026-11-01"}),
        ("/admin/figures", {"from": "2020-01-01", "to": "2026-11-01"}),
        ("/admin/figures", {"from": "2026-02-30", "to": "2026-03-01"}),
        ("/admin/figures", {"grid": "<script>"}),
        ("/admin/figures", {"category": "nonsense"}),
        ("/admin/figures", {"grid": "G99"}),  # names no grid: not a quiet month
        ("/admin/reports/monthly", {"month": "2026/11"}),
        ("/admin/reports/monthly/print", {"month": "11-2026"}),
    ]
    for path, params in bad:
        resp = await c.client.get(path, params=params)
        text = await resp.text()
        assert resp.status == 400, (path, params, resp.status)
        alert = lxml.html.fromstring(text).xpath('//p[@role="alert"]')[0].text_content()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in alert), (path, params, alert)
        assert alert not in ("请求格式不对。", "系统出了点问题，操作可能没有完成，请稍后再试。")


async def test_an_empty_month_says_so(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await _as(aiohttp_client, db_url, "admin1")
    resp = await c.client.get("/admin/figures", params={"period": "2021-03"})
    assert resp.status == 200
    html = await resp.text()
    assert "这个时段没有工单。" in html
    doc = lxml.html.fromstring(html)
    assert _figure(doc, "received") == "0" and _figure(doc, "response_rate") == "—"
    assert chart_matches_table(doc, "trend") > 0
    printed = await c.client.get("/admin/reports/monthly/print", params={"month": "2021-03"})
    assert printed.status == 200 and "这个时段没有工单。" in await printed.text()
    xlsx = await c.client.get("/admin/reports/monthly", params={"month": "2021-03"})
    assert xlsx.status == 200
    assert "attachment" in xlsx.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(await xlsx.read()), read_only=True)
    assert "汇总" in book.sheetnames


async def test_signed_out_goes_to_login(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await make_console(aiohttp_client, db_url)
    resp = await c.client.get("/admin/figures", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"].endswith("/admin/login")


async def test_visits_against_the_weekly_duty(aiohttp_client: ClientFactory, db_url: str) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from bot.keys import SESSIONS
    from models.community import Member
    from models.visits import Visit

    c = await _as(aiohttp_client, db_url, "leader1")
    async with c.app[SESSIONS]() as s, s.begin():
        m01 = (await s.execute(select(Member).where(Member.key == "m01"))).scalar_one()
        for minutes in (240, 240, 300):
            s.add(Visit(member_id=m01.id, at=datetime.now(UTC), minutes=minutes, note="入户"))
    doc = lxml.html.fromstring(await (await c.client.get("/admin/figures")).text())
    rows = [
        [str(td.text_content()).strip() for td in tr.xpath("./th|./td")]
        for tr in doc.xpath('//table[@id="duty"]/tbody/tr')
    ]
    assert rows and all(r[1] == "第一网格" for r in rows), rows
    this_week = [r for r in rows if r[3] == "3"]
    assert len(this_week) == 1 and this_week[0][4] == "13.0" and this_week[0][5] == "是"
    assert (await c.login("leader2")).status == 303
    doc = lxml.html.fromstring(await (await c.client.get("/admin/figures")).text())
    cells = doc.xpath('//table[@id="duty"]/tbody/tr/td[1]')
    assert {str(td.text_content()) for td in cells} == {"第二网格"}
