"""The project list's XLSX download: a project with its demands, resources, responsible unit
and person, budget in yuan (held in fen), milestones and status, under Chinese headers —
loaded back with openpyxl; the download button is on the projects page. The same workbook
imports back: edits applied, bad rows named, and a refused file changes nothing and tells
nobody."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import lxml.html
from aiohttp import FormData
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bot.keys import SESSIONS
from bot.lists import project_sheet
from models.lists import DemandGroup, ListChange, PartnerResource, Project
from models.outbox import OutboxMessage
from tests.console_support import ClientFactory, Console
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


async def _setup(c: Console) -> tuple[int, int, list[int]]:
    """A fund, two 3栋 light reports promoted into a project; (project, fund, other orders)."""
    orders = [await add_order(c, f"o_{i}", "3", "3栋楼道灯坏了") for i in range(2)]
    others = [await add_order(c, f"o_w{i}", "5", "5栋水管漏水") for i in range(2)]
    assert (await post(c, RES, RES, partner="共建基金", kind="fund", amount="1000")).status == 303
    async with c.app[SESSIONS]() as s:
        fund = (await s.scalars(select(PartnerResource))).one()
    resp = await post(
        c, "/admin/lists/demands/promote", pick=",".join(map(str, orders)), title="楼道灯",
        budget="300", resource_ids=str(fund.id),
    )  # fmt: skip
    assert resp.status == 303
    async with c.app[SESSIONS]() as s:
        project = (await s.scalars(select(Project))).one()
    return project.id, fund.id, others


async def _import(c: Console, data: bytes) -> Any:
    form = FormData()
    form.add_field("csrf_token", await c.csrf(PROJ))
    form.add_field("file", data, filename="项目.xlsx")
    return await c.client.post(f"{PROJ}/import", data=form, allow_redirects=False)


async def _state(c: Console) -> list[tuple[Any, ...]]:
    async with c.app[SESSIONS]() as s:
        rows = await s.scalars(select(Project).order_by(Project.id))
        return [
            (p.title, p.budget_fen, p.status, p.milestones, p.demand_ids, p.resource_ids)
            for p in rows
        ]


async def _counts(c: Console) -> tuple[int, int]:
    async with c.app[SESSIONS]() as s:
        changes = len((await s.scalars(select(ListChange))).all())
        told = len((await s.scalars(select(OutboxMessage))).all())
    return changes, told


async def test_the_project_sheet_imports_back(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await as_user(aiohttp_client, db_url, "staff1")
    project, fund, others = await _setup(c)
    body = await (await c.client.get(f"{PROJ}.xlsx")).read()
    before, counts = await _state(c), await _counts(c)
    same = await _import(c, body)  # unchanged: nothing written, nobody told
    assert same.status == 303, await same.text()
    assert (await _state(c), await _counts(c)) == (before, counts)
    assert (
        "0 个新项目，更新 0 个，1 个没有变化"
        in await (await c.client.get(same.headers["Location"])).text()
    )
    # edited in the sheet: a status, a budget, a milestone; a new project on the other demand
    book = load_workbook(io.BytesIO(body))
    sheet, steps = book[project_sheet.SHEET], book[project_sheet.MILESTONES]
    sheet.cell(row=2, column=6).value = 450.5
    sheet.cell(row=2, column=7).value = "实施中"
    sheet.insert_rows(3)
    for column, value in enumerate(["", "5栋水管", "", "物业", "王师傅", 100, "筹备中"], 1):
        sheet.cell(row=3, column=column).value = value
    sheet.cell(row=3, column=9).value = f"#{fund}"
    sheet.cell(row=4, column=6).value = 550.5  # the 合计 row
    steps.append([project, "楼道灯", "2026-12-20", "验收", 50])
    out = io.BytesIO()
    book.save(out)
    resp = await _import(c, out.getvalue())
    assert resp.status == 303, await resp.text()
    after = await _state(c)
    assert after[0][:3] == ("楼道灯", 45050, "running")
    assert after[0][3] == [{"date": "2026-12-20", "what": "验收", "amount_fen": 5000}]
    assert after[1][:2] == ("5栋水管", 10000) and after[1][5] == [fund]
    changes, _ = await _counts(c)
    assert changes == counts[0] + 2  # one update, one create
    assert others


async def test_bad_project_rows_are_named_and_nothing_is_imported(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await as_user(aiohttp_client, db_url, "staff1")
    project, fund, _ = await _setup(c)
    before, counts = await _state(c), await _counts(c)
    async with c.app[SESSIONS]() as s:
        demand = (await s.scalars(select(DemandGroup))).one()
    rows = [
        [project, "楼道灯", "", "", "", 300, "实施中", f"登记号 {demand.id}", f"#{fund}"],  # fine
        [None, "新项目", "", "", "", "十元", "筹备中"],  # 3: not an amount
        [999, "不存在", "", "", "", 1, "筹备中"],  # 4: no such project
        [None, "", "", "", "", 1],  # 5: no title
        [None, "抢钱", "", "", "", 900, "筹备中", "", f"#{fund}"],  # 6: 900 > 1000 - 300
        [None, "状态乱写", "", "", "", 0, "快好了"],  # 7
        [None, "别人的需求", "", "", "", 0, "", f"登记号 {demand.id}"],  # 8: in project already
    ]
    data = _sheet(rows, [[project, "楼道灯", "明天", "验收", 1], [77, "x", "2026-12-01", "y", 0]])
    resp = await _import(c, data)
    assert resp.status == 400
    doc = lxml.html.fromstring(await resp.text())
    problems = [li.text_content() for li in doc.xpath('//ul[@class="problems"]/li')]
    for row in (3, 5, 7):  # what the file itself gets wrong
        assert any(p.startswith(f"第 {row} 行") for p in problems), (row, problems)
    assert any(p.startswith("项目节点 第 2 行") for p in problems)
    assert any(p.startswith("项目节点 第 3 行") for p in problems)
    assert (await _state(c), await _counts(c)) == (before, counts)
    # the rows that only the database can judge: refused the same way, all of them listed
    data = _sheet([rows[0], rows[2], rows[4], rows[6]], None)
    resp = await _import(c, data)
    assert resp.status == 400
    doc = lxml.html.fromstring(await resp.text())
    problems = [li.text_content() for li in doc.xpath('//ul[@class="problems"]/li')]
    assert [p.split("：")[0] for p in problems] == ["第 3 行", "第 4 行", "第 5 行"]
    assert "999" in problems[0] and "超出" in problems[1] and "已列入项目" in problems[2]
    assert (await _state(c), await _counts(c)) == (before, counts)
    for junk in (b"not a workbook", _sheet([], None, headers=("编号", "名称"))):
        resp = await _import(c, junk)
        assert resp.status == 400 and "表" in await resp.text()


def _sheet(
    rows: list[list[Any]],
    steps: list[list[Any]] | None,
    headers: tuple[str, ...] = project_sheet.HEADERS,
) -> bytes:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = project_sheet.SHEET
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    if steps is not None:
        more = wb.create_sheet(project_sheet.MILESTONES)
        more.append(list(project_sheet.MILESTONE_HEADERS))
        for row in steps:
            more.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
