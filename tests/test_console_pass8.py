"""Found from outside (pass 8), on the console: the audit log ran on the wall clock beside
order histories on the demo's; 更正 saved 「1单元101」 with no building; a grid leader asking
for another grid's board got an empty board, not the 403 the figures page gives; the street
office's bare 「G01」 (a code both communities use) summed two grids on the figures page and
emptied the board; the figures page showed zeros for months not yet begun."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import lxml.html

from bot.clock import FakeClock
from tests.console_support import ClientFactory, Console, make_console
from tests.street_demo_support import demo_street_console

START = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)  # 10:00 on 8 December in Shanghai


def _text(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).text_content().split())


def _audit_times(html: str) -> list[tuple[str, str]]:
    """(time, action) of each row of the audit page, newest first."""
    doc = lxml.html.fromstring(html)
    return [
        (row.xpath("string(td[1])"), row.xpath("string(td[3])"))
        for row in doc.xpath("//table[@class='list']/tbody/tr")
    ]


# --- 4. the audit log on the service's clock -----------------------------------------------


async def test_the_audit_log_uses_the_same_clock_as_the_order_history(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    clock = FakeClock(START)
    c = await make_console(aiohttp_client, db_url, clock=clock)
    assert (await c.login("admin1")).status == 303
    clock.advance(timedelta(minutes=14))
    assert (await c.act(c.numbers["g1"], "note", text="已电话联系居民")).status == 303
    page = await (await c.client.get("/admin/audit")).text()
    times = _audit_times(page)
    assert times[0][0] == "2026-12-08 10:14:00", times  # the note, at the service's time
    assert times[1][0] == "2026-12-08 10:00:00", times  # the sign-in before it
    # a day later on the service's clock, a new sign-in is logged on that day, not the wall's
    clock.advance(timedelta(days=1))
    assert (await c.login("admin1")).status == 303
    times = _audit_times(await (await c.client.get("/admin/audit")).text())
    assert times[0][0] == "2026-12-09 10:14:00", times
    history = await (await c.client.get(f"/admin/orders/{c.numbers['g1']}")).text()
    assert "12-08 10:14" in _text(history)  # the history line of the note, the same minute


# --- 11. 更正 without a building ------------------------------------------------------------


async def test_a_unit_and_room_without_a_building_are_refused(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await make_console(aiohttp_client, db_url)
    assert (await c.login("staff1")).status == 303
    n = c.numbers["g1"]
    before = await c.order(n)
    resp = await c.act(n, "edit", category="repair", building="", unit="1", room="101")
    assert resp.status == 400, resp.status
    said = _text(await resp.text())
    assert "楼栋" in said, said
    after = await c.order(n)
    assert (after.building, after.unit, after.room) == (before.building, before.unit, before.room)
    assert not [e for e in await c.history(n) if "更正" in e[2]]  # nothing recorded
    # the grid leader of the building still finds it on their board
    assert (await c.login("leader1")).status == 303
    board = await (await c.client.get("/admin/orders")).text()
    assert f'/admin/orders/{n}"' in board


# --- 12. a grid leader asking for another grid ------------------------------------------------


async def test_a_grid_leader_filtering_another_grid_is_refused_as_out_of_scope(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await make_console(aiohttp_client, db_url)
    assert (await c.login("leader1")).status == 303
    for path in ("/admin/orders", "/admin/orders/rows"):
        for grid in ("G02", "qhj:G02"):
            resp = await c.client.get(path, params={"grid": grid})
            assert resp.status == 403, (path, grid, resp.status)
            assert "管辖" in await resp.text()
    figures = await c.client.get("/admin/figures", params={"grid": "G02"})
    assert figures.status == 403  # the same answer as the figures page
    for grid in ("G01", "qhj:G01"):  # their own grid, as before
        own = await c.client.get("/admin/orders", params={"grid": grid})
        assert own.status == 200
        assert f'/admin/orders/{c.numbers["g1"]}"' in await own.text()


# --- 22. the street office's bare G01 ---------------------------------------------------------


async def _street(aiohttp_client: ClientFactory, db_url: str) -> tuple[Console, dict[str, int]]:
    c, numbers = await demo_street_console(
        aiohttp_client,
        db_url,
        FakeClock(START),
        [("jiedao", "admin", "dh", None, None), ("qhj1", "staff", "qhj", None, None)],
        [("qhj", "1", "QHJ", "qhj"), ("dt", "3", "DT", "dt")],
    )
    return c, numbers


async def test_the_street_office_is_asked_which_community_a_shared_grid_code_means(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c, numbers = await _street(aiohttp_client, db_url)
    assert (await c.login("jiedao")).status == 303
    for path in ("/admin/figures", "/admin/orders"):
        resp = await c.client.get(path, params={"grid": "G01"})
        assert resp.status == 400, (path, resp.status)
        said = _text(await resp.text())
        assert "G01" in said and "青和居" in said and "东亭" in said, said
    # each community's grid, named with its community, works as before
    board = await (await c.client.get("/admin/orders", params={"grid": "qhj:G01"})).text()
    assert f'/admin/orders/{numbers["qhj"]}"' in board
    assert f'/admin/orders/{numbers["dt"]}"' not in board
    assert (await c.client.get("/admin/figures", params={"grid": "dt:G01"})).status == 200
    # a code only one community has is not ambiguous
    assert (await c.client.get("/admin/figures", params={"grid": "G02"})).status == 200
    assert (await c.client.get("/admin/orders", params={"grid": "G02"})).status == 200
    # a community's own account: G01 is its own grid
    assert (await c.login("qhj1")).status == 303
    board = await (await c.client.get("/admin/orders", params={"grid": "G01"})).text()
    assert f'/admin/orders/{numbers["qhj"]}"' in board


# --- 25. months not begun ----------------------------------------------------------------------


async def test_the_figures_page_refuses_a_period_not_yet_begun(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await make_console(aiohttp_client, db_url, clock=FakeClock(START))
    assert (await c.login("staff1")).status == 303
    for params in (
        {"period": "2030-01"},
        {"period": "2027-01"},
        {"period": "2030-W02"},
        {"from": "2027-01-01", "to": "2027-01-31"},
    ):
        resp = await c.client.get("/admin/figures", params=params)
        assert resp.status == 400, (params, resp.status)
        said = _text(await resp.text())
        assert "还没开始" in said and "下载月报" not in said, said
    for params in ({"period": "2026-12"}, {"period": "week"}, {"period": "2026-11"}):
        assert (await c.client.get("/admin/figures", params=params)).status == 200
    # a well-formed month that is out of range is not "看不懂"
    old = await c.client.get("/admin/figures", params={"period": "1999-01"})
    said = _text(await old.text())
    assert old.status == 400 and "看不懂" not in said and "2000" in said, said
    wrong = await c.client.get("/admin/figures", params={"period": "2026/01"})
    assert wrong.status == 400 and "看不懂" in _text(await wrong.text())
