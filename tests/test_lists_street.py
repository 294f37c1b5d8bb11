"""The resource and project lists on a street (the demo roster: 青和居 and 东亭 of 东湖街道):
each community keeps its own, a partner unit may serve the whole street, staff of one
community cannot see or change the other's rows however they guess the numbers, and the
street office sees everything, one community at a time if it likes."""

from __future__ import annotations

import io
from typing import Any

from aiohttp import FormData
from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import create_app
from bot.console import accounts
from bot.keys import ENGINE, ROSTER, SESSIONS
from bot.lists import project_sheet
from bot.lists import words as w
from bot.roster.apply import import_rosters
from bot.roster.files.street import read_rosters
from models.community import Community
from models.lists import PartnerResource, Project
from models.orders import Order
from tests.console_support import PASSWORD, ClientFactory, Console
from tests.lists_support import post
from tests.street_demo_support import DEMO
from tests.support import make_config

ACCOUNTS = [  # username, role, community
    ("street1", "staff", "dh"),
    ("qhj1", "staff", "qhj"),
    ("dt1", "staff", "dt"),
    ("dt_view", "viewer", "dt"),
]
RES, PROJ = "/admin/lists/resources", "/admin/lists/projects"


async def street(aiohttp_client: ClientFactory, url: str) -> Console:
    app = create_app(make_config(url), start_scheduler=False)
    client = await aiohttp_client(app)
    await import_rosters(app[ENGINE], read_rosters(DEMO))
    app[ROSTER].invalidate()
    async with app[SESSIONS]() as s, s.begin():
        for name, role, community in ACCOUNTS:
            await accounts.add_user(s, name, PASSWORD, role=role, community_code=community)
    return Console(client, {})


async def as_(c: Console, user: str) -> Console:
    assert (await c.login(user)).status == 303
    return c


async def _rows(c: Console, model: Any) -> list[Any]:
    async with c.app[SESSIONS]() as s:
        return list(await s.scalars(select(model).order_by(model.id)))


async def _community(c: Console, code: str) -> int:
    async with c.app[SESSIONS]() as s:
        return (await s.execute(select(Community.id).where(Community.code == code))).scalar_one()


async def _add(c: Console, **form: Any) -> int:
    before = {r.id for r in await _rows(c, PartnerResource)}
    resp = await post(c, RES, RES, **form)
    assert resp.status == 303, await resp.text()
    [new] = [r.id for r in await _rows(c, PartnerResource) if r.id not in before]
    return new


async def _project(c: Console, **form: Any) -> int:
    before = {p.id for p in await _rows(c, Project)}
    resp = await post(c, PROJ, PROJ, **form)
    assert resp.status == 303, await resp.text()
    [new] = [p.id for p in await _rows(c, Project) if p.id not in before]
    return new


async def test_each_community_keeps_its_own_and_guessed_numbers_find_nothing(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await street(aiohttp_client, db_url)
    await as_(c, "dt1")
    dt_fund = await _add(c, partner="东亭物业", kind="fund", amount="800", description="东亭基金")
    dt_project = await _project(c, title="东亭车棚", budget="300", resource_ids=str(dt_fund))
    await as_(c, "qhj1")
    qhj_fund = await _add(c, partner="青和居商户", kind="fund", amount="500")
    qhj_project = await _project(c, title="青和居路灯", budget="200", resource_ids=str(qhj_fund))
    rows = {r.id: r for r in await _rows(c, PartnerResource)}
    projects = {p.id: p for p in await _rows(c, Project)}
    assert rows[dt_fund].community_id == await _community(c, "dt")
    assert projects[qhj_project].community_id == await _community(c, "qhj")

    # 青和居's staff see their own, nothing of 东亭's: not the rows, not their history
    for path in (RES, PROJ):
        page = await (await c.client.get(path)).text()
        assert "青和居" in page and "东亭" not in page, path
    # guessing 东亭's numbers: not found, and nothing changes
    changed = await post(c, f"{RES}/{dt_fund}", RES, partner="改掉", kind="fund", amount="1")
    assert changed.status == 404
    for target in (f"{PROJ}/{dt_project}", f"{PROJ}/{dt_project}/report"):
        resp = await post(c, target, PROJ, title="改掉", text="告诉居民")
        assert resp.status == 404, target
    linked = await post(c, PROJ, PROJ, title="借东亭的钱", budget="100", resource_ids=str(dt_fund))
    assert linked.status == 400 and w.NO_SUCH_RESOURCE.format(id=dt_fund) in await linked.text()
    sheet = _book([dt_fund, "偷改", "资金", "", "", 1, "东亭社区"])
    imported = await _upload(c, sheet)
    assert imported.status == 400
    text = await imported.text()
    assert "第 2 行" in text and "东亭社区" in text  # not a community of theirs
    sheet = _book([dt_fund, "偷改", "资金", "", "", 1, ""])
    assert (await _upload(c, sheet)).status == 400
    assert {r.id: (r.unit, r.amount_fen) for r in await _rows(c, PartnerResource)} == {
        i: (r.unit, r.amount_fen) for i, r in rows.items()
    }
    for row in ([dt_project, "改掉", "", "", "", 300, "筹备中"], [None, "新", "东亭社区"]):
        refused = await _upload(c, _book(row, headers=project_sheet.HEADERS), PROJ)
        assert refused.status == 400
        assert "第 2 行" in (text := await refused.text()) and ("不存在" in text or "东亭" in text)
    assert [p.title for p in await _rows(c, Project)] == [p.title for p in projects.values()]
    exported = await c.client.get(f"{RES}.xlsx")
    units = [r[1] for r in load_workbook(io.BytesIO(await exported.read())).worksheets[0].values]
    assert "青和居商户" in units and "东亭物业" not in units
    projects_xlsx = await c.client.get(f"{PROJ}.xlsx")
    titles = [
        r[1] for r in load_workbook(io.BytesIO(await projects_xlsx.read()))["项目清单"].values
    ]
    assert "青和居路灯" in titles and "东亭车棚" not in titles
    # nor by picking the other community
    assert (await c.client.get(PROJ, params={"community": "dt"})).status == 400
    # the monthly report's 三大清单 is theirs too
    report = await c.client.get("/admin/reports/monthly")
    book = load_workbook(io.BytesIO(await report.read()), read_only=True)
    cells = {v for row in book["三大清单"].iter_rows(values_only=True) for v in row if v}
    assert {"青和居路灯", "青和居商户"} <= cells and not {"东亭车棚", "东亭物业"} & cells

    # 东亭's read-only viewer reads 东亭's list, and changes nothing
    await as_(c, "dt_view")
    page = await (await c.client.get(PROJ)).text()
    assert "东亭车棚" in page and "青和居路灯" not in page
    assert (await post(c, f"{PROJ}/{dt_project}/report", PROJ, text="x")).status == 403


async def test_a_street_wide_resource_serves_every_community_and_the_street_changes_it(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await street(aiohttp_client, db_url)
    await as_(c, "street1")
    shared = await _add(c, partner="区慈善总会", kind="fund", amount="1000", community="")
    assert (await _rows(c, PartnerResource))[0].community_id is None
    await as_(c, "qhj1")
    page = await (await c.client.get(RES)).text()
    assert "区慈善总会" in page and w.STREET_WIDE in page
    qhj_project = await _project(c, title="青和居助餐", budget="600", resource_ids=str(shared))
    # a community may not change it, nor add one for the whole street
    refused = await post(c, f"{RES}/{shared}", RES, partner="改", kind="fund", amount="1")
    assert refused.status == 400 and "街道" in await refused.text()
    assert (await _rows(c, PartnerResource))[0].unit == "区慈善总会"
    # its export, with the street's row in it, imports back unchanged
    body = await (await c.client.get(f"{RES}.xlsx")).read()
    assert list(load_workbook(io.BytesIO(body)).worksheets[0].values)[1][6] == w.STREET_WIDE
    back = await _upload(c, body)
    assert back.status == 303, await back.text()
    await as_(c, "dt1")
    # the fund is shared: 东亭 gets what 青和居 left
    too_much = await post(
        c, PROJ, PROJ, title="东亭助餐", budget="400.01", resource_ids=str(shared)
    )
    assert too_much.status == 400 and "400.00" in await too_much.text()
    dt_project = await _project(c, title="东亭助餐", budget="400", resource_ids=str(shared))

    await as_(c, "street1")
    everything = await (await c.client.get(PROJ)).text()
    assert "青和居助餐" in everything and "东亭助餐" in everything
    only_dt = await (await c.client.get(PROJ, params={"community": "dt"})).text()
    assert "东亭助餐" in only_dt and "青和居助餐" not in only_dt
    assert (await c.client.get(PROJ, params={"community": "dh"})).status == 400  # the street
    assert (await c.client.get(PROJ, params={"community": "nowhere"})).status == 400
    # the street office must say which community a new project is for
    bare = await post(c, PROJ, PROJ, title="无主项目")
    assert bare.status == 400 and w.PICK_COMMUNITY in await bare.text()
    made = await _project(c, title="东亭议事厅", community="dt")
    found = {p.id: p for p in await _rows(c, Project)}
    assert found[made].community_id == await _community(c, "dt")
    assert found[qhj_project].community_id != found[dt_project].community_id
    # and may move a resource to one community — not from under another's project
    moved = await post(
        c, f"{RES}/{shared}", RES, partner="区慈善总会", kind="fund", amount="1000",
        community="dt",
    )  # fmt: skip
    assert moved.status == 400 and "青和居助餐" not in await moved.text()
    assert (await _rows(c, PartnerResource))[0].community_id is None


async def test_promoting_demands_of_two_communities_is_refused(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await street(aiohttp_client, db_url)
    numbers = []
    async with c.app[SESSIONS]() as s, s.begin():
        for code, estate in (("qhj", "QHJ"), ("qhj", "QHJ"), ("dt", "DT"), ("dt", "DT")):
            community = (
                await s.execute(select(Community.id).where(Community.code == code))
            ).scalar_one()
            order = Order(
                resident_openid=f"o_{code}{len(numbers)}", community_id=community,
                estate_code=estate, building="3", category="repair", text="3栋楼道灯坏了",
                summary="3栋楼道灯坏了", phones=[], status="received",
                created_at=_now(), updated_at=_now(),
            )  # fmt: skip
            s.add(order)
            await s.flush()
            numbers.append(order.id)
    await as_(c, "street1")
    shown = await (await c.client.get("/admin/lists/demands", params={"all": "1"})).text()
    assert all(f'/admin/orders/{n}"' in shown for n in numbers)
    only_dt = await (
        await c.client.get("/admin/lists/demands", params={"all": "1", "community": "dt"})
    ).text()
    assert [f'/admin/orders/{n}"' in only_dt for n in numbers] == [False, False, True, True]
    mixed = await post(c, "/admin/lists/demands/promote", pick=",".join(map(str, numbers)),
                       title="两个社区的灯")  # fmt: skip
    assert mixed.status == 400 and w.MIXED_COMMUNITIES in await mixed.text()
    assert not await _rows(c, Project)
    one = await post(c, "/admin/lists/demands/promote", pick=",".join(map(str, numbers[2:])),
                     title="东亭的灯")  # fmt: skip
    assert one.status == 303
    [project] = await _rows(c, Project)
    assert project.community_id == await _community(c, "dt")
    await as_(c, "qhj1")
    assert "东亭的灯" not in await (await c.client.get(PROJ)).text()


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _book(*rows: list[Any], headers: tuple[str, ...] = w.HEADERS) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def _upload(c: Console, data: bytes, page: str = RES) -> Any:
    form = FormData()
    form.add_field("csrf_token", await c.csrf(page))
    form.add_field("file", data, filename="清单.xlsx")
    return await c.client.post(f"{page}/import", data=form, allow_redirects=False)
