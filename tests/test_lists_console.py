"""The three lists' console pages: roles, CSRF, bad input in Chinese, escaping, history, and the
residents told when demands become a project and when the project reports back."""

from __future__ import annotations

from sqlalchemy import select

from bot.keys import SESSIONS
from models.console import AuditEntry
from models.lists import DemandGroup, ListChange, PartnerResource, Project
from models.outbox import OutboxMessage
from tests.console_support import ClientFactory, Console
from tests.lists_support import add_order, as_user, post

PAGES = ("/admin/lists/demands", "/admin/lists/resources", "/admin/lists/projects")


async def _lights(c: Console) -> list[int]:
    return [
        await add_order(c, "o_a", "3", "3栋楼道灯坏了", followers=("o_f",)),
        await add_order(c, "o_b", "3", "楼道灯不亮了"),
        await add_order(c, "o_c", "3", "3栋的楼道灯又坏了", status="closed"),
    ]


async def _rows(c: Console, model: type) -> list:  # type: ignore[type-arg]
    async with c.app[SESSIONS]() as s:
        return list(await s.scalars(select(model).order_by(model.id)))


async def _outbox(c: Console) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    async with c.app[SESSIONS]() as s:
        query = select(OutboxMessage).where(OutboxMessage.dedupe_key.startswith("list:"))
        rows = await s.scalars(query)
        for row in rows:
            found.setdefault(row.recipient, []).append(row.payload["text"])
    return found


async def test_demand_list_groups_confirms_renames_and_keeps_history(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await as_user(aiohttp_client, db_url, "staff1")
    ids = await _lights(c)
    page = await (await c.client.get("/admin/lists/demands")).text()
    assert "3栋 楼道灯坏了 本月 3 次, 2 户未解决" in page
    assert "1栋厨房水管漏水" not in page  # a single report is not a recurring problem
    everything = await (await c.client.get("/admin/lists/demands?all=1")).text()
    assert "厨房水管漏水 本月 1 次" in everything
    picked = ",".join(map(str, ids))
    resp = await post(c, "/admin/lists/demands/confirm", orders=picked)
    assert resp.status == 303
    resp = await post(c, "/admin/lists/demands/confirm", orders=picked, title="<b>楼道灯</b>")
    assert resp.status == 303
    [demand] = await _rows(c, DemandGroup)
    assert (demand.status, demand.title, demand.order_ids) == ("confirmed", "<b>楼道灯</b>", ids)
    page = await (await c.client.get("/admin/lists/demands")).text()
    assert "3栋 &lt;b&gt;楼道灯&lt;/b&gt; 本月 3 次, 2 户未解决" in page and "<b>楼道灯" not in page
    changes = await _rows(c, ListChange)
    assert [(h.actor, h.action) for h in changes] == [
        ("console:staff1", "create"),
        ("console:staff1", "rename"),
    ]
    assert changes[1].before["title"] == "楼道灯坏了"
    assert changes[1].after["title"] == "<b>楼道灯</b>"


async def test_promoting_demands_tells_the_residents_and_report_back_reaches_them(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await as_user(aiohttp_client, db_url, "staff1")
    ids = await _lights(c)
    other = await add_order(c, "o_x", "4", "4栋楼道灯坏了")
    page = "/admin/lists/resources"
    resp = await post(
        c, page, page, partner="区城建公司", kind="fund", amount="5000", contact="李经理"
    )
    assert resp.status == 303
    [fund] = await _rows(c, PartnerResource)
    assert fund.amount_fen == 500000
    form = {"title": "3栋楼道灯改造", "owner": "区城建公司", "person": "李经理"}
    too_much = await post(
        c,
        "/admin/lists/demands/promote",
        pick=",".join(map(str, ids)),
        budget="5000.01",
        resource_ids=str(fund.id),
        **form,
    )
    assert too_much.status == 400 and "超出" in await too_much.text()
    assert not await _rows(c, Project) and not await _rows(c, DemandGroup)
    resp = await post(
        c,
        "/admin/lists/demands/promote",
        pick=",".join(map(str, ids)),
        budget="1200.50",
        resource_ids=str(fund.id),
        **form,
    )
    assert resp.status == 303
    [project] = await _rows(c, Project)
    assert (project.budget_fen, project.resource_ids) == (120050, [fund.id])
    [demand] = await _rows(c, DemandGroup)
    assert (demand.status, demand.project_id) == ("promoted", project.id)
    told = await _outbox(c)
    assert sorted(told) == ["o_a", "o_b", "o_c", "o_f"]  # reporters and the follower
    assert "3栋楼道灯改造" in told["o_a"][0] and "区城建公司" in told["o_a"][0]
    async with c.app[SESSIONS]() as s:
        query = select(OutboxMessage).where(OutboxMessage.recipient == "o_a")
        row = (await s.scalars(query.where(OutboxMessage.dedupe_key.startswith("list:")))).one()
        # outside the 48-hour window the broadcast template carries it
        assert row.purpose == "broadcast" and row.payload["template"]["fields"]["thing2"]
    assert "o_x" not in told and other
    resp = await post(
        c,
        f"/admin/lists/projects/{project.id}/report",
        "/admin/lists/projects",
        text="灯具已到货，本周五安装",
    )
    assert resp.status == 303
    told = await _outbox(c)
    assert all(len(texts) == 2 for texts in told.values()) and "o_x" not in told
    assert "本周五安装" in told["o_f"][1]
    history = [(h.kind, h.action) for h in await _rows(c, ListChange)]
    assert ("project", "report_back") in history and ("demand", "promote") in history
    shown = await (await c.client.get("/admin/lists/projects")).text()
    assert "1,200.50" in shown and "灯具已到货" in shown


async def test_projects_refuse_money_that_does_not_add_up_with_a_chinese_400(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await as_user(aiohttp_client, db_url, "admin1")
    page = "/admin/lists/projects"
    await post(c, "/admin/lists/resources", page, partner="基金", kind="fund", amount="1000")
    [fund] = await _rows(c, PartnerResource)
    base = {"title": "助老食堂", "resource_ids": str(fund.id)}
    cases = [
        ({"budget": "-5"}, "负数"),
        ({"budget": "12.345"}, "两位小数"),
        ({"budget": "abc"}, "金额"),
        ({"budget": "2000"}, "超出"),
        ({"budget": "1000", "milestones": "2026-12-01 采购 800\n2026-12-20 开业 300"}, "超过"),
        ({"budget": "100", "milestones": "明天 采购"}, "节点"),
        ({"budget": "100", "demand_ids": "99"}, "不存在"),
        ({"budget": "100", "resource_ids": "x"}, "不对"),
        ({"budget": "100", "status": "lost"}, "状态"),
        ({"title": ""}, "请填写"),
    ]
    for extra, words in cases:
        resp = await post(c, page, page, **{**base, **extra})
        assert resp.status == 400, extra
        assert words in await resp.text(), extra
    assert not await _rows(c, Project)
    ok = await post(c, page, page, **base, budget="600", milestones="2026-12-01 采购 600")
    assert ok.status == 303
    # a second project cannot take what the first already holds
    again = await post(c, page, page, **{**base, "title": "二期", "budget": "500"})
    assert again.status == 400 and "400.00" in await again.text()
    # nor can the fund shrink below what the project draws
    shrink = await post(
        c, f"/admin/lists/resources/{fund.id}", page, partner="基金", kind="fund", amount="500"
    )
    assert shrink.status == 400
    assert (await _rows(c, PartnerResource))[0].amount_fen == 100000
    assert (await c.client.get("/admin/lists/projects/1/report")).status in (404, 405)
    missing = await post(c, "/admin/lists/projects/77/report", page, text="x")
    assert missing.status == 404


async def test_roles_and_csrf(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await as_user(aiohttp_client, db_url, "leader2")
    mine = await add_order(c, "o_a", "4", "4栋电梯停了")
    await add_order(c, "o_b", "4", "4栋电梯又停了")
    await _lights(c)  # building 3: grid G01
    page = await (await c.client.get("/admin/lists/demands")).text()
    assert "4栋 电梯" in page and "3栋" not in page and "/demands/confirm" not in page
    for path in PAGES:
        assert (await c.client.get(path)).status == 200
    resp = await post(c, "/admin/lists/demands/confirm", orders=str(mine))
    assert resp.status == 403
    for user in ("viewer1",):
        assert (await c.login(user)).status == 303
        for path in PAGES:
            assert (await c.client.get(path)).status == 200
        posts = (
            ("/admin/lists/demands/confirm", {"orders": str(mine)}),
            ("/admin/lists/resources", {"partner": "x", "kind": "people"}),
            ("/admin/lists/projects", {"title": "x"}),
        )
        for path, form in posts:
            assert (await post(c, path, **form)).status == 403
    assert (await c.login("staff1")).status == 303
    no_token = await c.client.post(
        "/admin/lists/resources", data={"partner": "x", "kind": "people"}, allow_redirects=False
    )
    assert no_token.status == 403
    assert not await _rows(c, PartnerResource) and not await _rows(c, DemandGroup)
    bad = await post(c, "/admin/lists/demands/confirm", orders="1,abc")
    assert bad.status == 400 and "工单" in await bad.text()
    gone = await post(c, "/admin/lists/demands/confirm", orders="999999")
    assert gone.status == 400 and "没有找到" in await gone.text()
    odd = await c.client.get("/admin/lists/demands?period=nope")
    assert odd.status == 400
    empty = await post(c, "/admin/lists/demands/promote", title="x")
    assert empty.status == 400 and "请至少选择" in await empty.text()


async def test_a_demand_belongs_to_one_project_and_goes_back_when_taken_out(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await as_user(aiohttp_client, db_url, "staff1")
    ids = await _lights(c)
    pick = ",".join(map(str, ids))
    huge = await post(c, "/admin/lists/demands/promote", pick="99999999999999999999", title="x")
    assert huge.status == 400
    assert (await post(c, "/admin/lists/demands/promote", pick=pick, title="一期")).status == 303
    again = await post(c, "/admin/lists/demands/promote", pick=pick, title="二期")
    assert again.status == 400 and "已列入项目" in await again.text()
    [project] = await _rows(c, Project)
    [demand] = await _rows(c, DemandGroup)
    page = "/admin/lists/projects"
    resp = await post(c, f"{page}/{project.id}", page, title="一期", status="running")
    assert resp.status == 303
    [demand] = await _rows(c, DemandGroup)
    assert (demand.status, demand.project_id) == ("confirmed", None)
    assert (await _rows(c, Project))[0].status == "running"
    assert ("demand", "release") in [(h.kind, h.action) for h in await _rows(c, ListChange)]


async def test_list_actions_are_in_the_console_audit_log_too(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await as_user(aiohttp_client, db_url, "staff1")
    ids = await _lights(c)
    await post(c, "/admin/lists/demands/confirm", orders=",".join(map(str, ids)), title="楼道灯")
    await post(c, "/admin/lists/resources", partner="志愿队", kind="people")
    async with c.app[SESSIONS]() as s:
        rows = await s.scalars(select(AuditEntry).where(AuditEntry.action.startswith("lists_")))
        assert [(a.username, a.action, a.detail) for a in rows] == [
            ("staff1", "lists_rename", "楼道灯"),
            ("staff1", "lists_resource", "志愿队"),
        ]
