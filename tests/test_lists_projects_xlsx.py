"""The project list's XLSX download: a project with its demands, resources, responsible unit
and person, budget in yuan (held in fen), milestones and status, under Chinese headers —
loaded back with openpyxl; the download button is on the projects page."""

from __future__ import annotations

import io
from decimal import Decimal

import lxml.html
from openpyxl import load_workbook
from sqlalchemy import select

from bot.keys import SESSIONS
from bot.lists import project_sheet
from models.lists import PartnerResource, Project
from tests.console_support import ClientFactory
from tests.lists_support import add_order, as_user, post

PROJ, RES = "/admin/lists/projects", "/admin/lists/resources"


async def test_the_project_list_downloads_as_a_workbook(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await as_user(aiohttp_client, db_url, "staff1")
    orders = [
        await add_order(c, "o_a", "3", "3栋楼道灯坏了"),
        await add_order(c, "o_b", "3", "3栋楼道灯不亮了"),
    ]
    assert (
        await post(c, RES, RES, partner="区城建公司", kind="fund", amount="5000.55")
    ).status == 303
    assert (await post(c, RES, RES, partner="物业维修组", kind="people")).status == 303
    async with c.app[SESSIONS]() as s:
        fund, crew = (await s.scalars(select(PartnerResource).order_by(PartnerResource.id))).all()
    promoted = await post(
        c, "/admin/lists/demands/promote", pick=",".join(map(str, orders)),
        title="3栋楼道灯改造", owner="区城建公司", person="李经理", budget="1200.50",
        resource_ids=f"{fund.id},{crew.id}",
    )  # fmt: skip
    assert promoted.status == 303, await promoted.text()
    async with c.app[SESSIONS]() as s:
        project = (await s.scalars(select(Project))).one()
    edited = await post(
        c, f"{PROJ}/{project.id}", PROJ, title="3栋楼道灯改造", owner="区城建公司",
        person="李经理", budget="1200.50", status="running",
        demand_ids=",".join(map(str, project.demand_ids)), resource_ids=f"{fund.id},{crew.id}",
        milestones="2026-12-01 采购灯具 800.25\n2026-12-10 安装",
    )  # fmt: skip
    assert edited.status == 303, await edited.text()
    formula = '=HYPERLINK("http://x","点我")'
    assert (await post(c, PROJ, PROJ, title=formula)).status == 303

    page = lxml.html.fromstring(await (await c.client.get(PROJ)).text())
    [button] = page.xpath('//a[@id="projects-xlsx"]')
    resp = await c.client.get(button.get("href"))
    assert resp.status == 200 and "attachment" in resp.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(await resp.read()))
    assert book.sheetnames == [project_sheet.SHEET, project_sheet.MILESTONES]
    rows = list(book[project_sheet.SHEET].values)
    assert rows[0] == project_sheet.HEADERS
    first = dict(zip(project_sheet.HEADERS, rows[1], strict=True))
    assert first["编号"] == project.id and first["项目"] == "3栋楼道灯改造"
    assert first["所属社区"] == "青和居社区"
    assert (first["负责单位"], first["负责人"], first["状态"]) == ("区城建公司", "李经理", "实施中")
    assert Decimal(str(first["预算（元）"])) == Decimal("1200.50")  # 120050 fen
    assert first["关联需求"] == f"登记号 {project.demand_ids[0]} 楼道灯坏了（2 单）"
    assert (
        "区城建公司（资金 5,000.55 元）" in first["关联资源"]
        and "物业维修组（人力）" in first["关联资源"]
    )
    assert (first["节点数"], Decimal(str(first["节点金额合计（元）"]))) == (2, Decimal("800.25"))
    assert rows[2][1] == formula  # a title is text, never a formula
    assert all(
        cell.data_type != "f" for row in book[project_sheet.SHEET].iter_rows() for cell in row
    )
    assert rows[-1][1] == "合计" and Decimal(str(rows[-1][5])) == Decimal("1200.50")
    steps = list(book[project_sheet.MILESTONES].values)
    assert steps[0] == project_sheet.MILESTONE_HEADERS
    assert [s[2:4] for s in steps[1:]] == [("2026-12-01", "采购灯具"), ("2026-12-10", "安装")]
    assert Decimal(str(steps[1][4])) == Decimal("800.25") and steps[2][4] == 0
    number_format = book[project_sheet.SHEET].cell(row=2, column=6).number_format
    assert number_format == project_sheet.MONEY


async def test_an_empty_project_list_is_a_sheet_with_headers(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await as_user(aiohttp_client, db_url, "viewer1")  # a viewer may download it too
    resp = await c.client.get(f"{PROJ}.xlsx")
    assert resp.status == 200
    rows = list(load_workbook(io.BytesIO(await resp.read()))[project_sheet.SHEET].values)
    assert rows[0] == project_sheet.HEADERS and rows[1][1] == "合计" and rows[1][5] == 0
