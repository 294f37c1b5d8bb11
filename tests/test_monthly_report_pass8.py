"""Found from outside (pass 8), in the monthly report on the demo street (青和居 and 东亭 both
have a grid G01): the sheet 工单明细 named 青和居's first-grid orders 「东亭网格」, looking the
name up by code alone; the sheet 网格长走访 judged weeks not yet begun as 不达标 and left out
the week the month began in, which the figures page shows."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.clock import FakeClock, StoppedClock
from bot.keys import CONFIG
from bot.kpi.cli import run_report_monthly
from bot.kpi.period import Period
from tests.console_support import ClientFactory, Console
from tests.street_demo_support import demo_street_console

START = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)  # Tuesday 8 December, 10:00 in Shanghai
ORDERS = (  # openid, building, estate, community
    ("o_q1", "1", "QHJ", "qhj"),
    ("o_q2", "3", "QHJ", "qhj"),
    ("o_q3", "5", "QHJ", "qhj"),
    ("o_d1", "3", "DT", "dt"),
)


async def _street(aiohttp_client: ClientFactory, url: str) -> tuple[Console, dict[str, int]]:
    users = [("demo", "admin", "qhj", None, None), ("jiedao", "admin", "dh", None, None)]
    return await demo_street_console(aiohttp_client, url, FakeClock(START), users, ORDERS)


async def _book(c: Console, user: str) -> Any:
    assert (await c.login(user)).status == 303
    resp = await c.client.get("/admin/reports/monthly", params={"month": "2026-12"})
    assert resp.status == 200, await resp.text()
    return load_workbook(io.BytesIO(await resp.read()), read_only=True)


def _grids(book: Any) -> dict[str, str]:
    """Order number -> the 网格 column of 工单明细."""
    rows = book["工单明细"].iter_rows(min_row=2, values_only=True)
    return {r[0]: r[4] for r in rows if r and r[0]}


def _weeks(book: Any) -> dict[str, set[str]]:
    """Leader -> the weeks (Mondays) of the duty table of 网格长走访."""
    out: dict[str, set[str]] = {}
    for row in book["网格长走访"].iter_rows(values_only=True):
        if row and len(row) > 5 and row[5] in ("是", "否"):
            out.setdefault(str(row[0]), set()).add(str(row[2]))
    return out


# --- 5. the grid of each order -----------------------------------------------------------------


async def test_the_order_sheet_names_each_order_s_grid_of_its_own_community(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c, n = await _street(aiohttp_client, db_url)
    grids = _grids(await _book(c, "demo"))
    assert grids[f"#{n['o_q1']}"] == "第一网格", grids
    assert grids[f"#{n['o_q2']}"] == "第一网格", grids
    assert grids[f"#{n['o_q3']}"] == "第二网格", grids
    assert "东亭网格" not in grids.values() and f"#{n['o_d1']}" not in grids
    # the street office's workbook spans both communities: each grid with its community
    grids = _grids(await _book(c, "jiedao"))
    assert grids[f"#{n['o_q1']}"] == "青和居社区·第一网格", grids
    assert grids[f"#{n['o_d1']}"] == "东亭社区·东亭网格", grids


# --- 6. the weeks of grid leaders' visits ------------------------------------------------------


async def test_the_visits_sheet_shows_the_weeks_the_figures_page_shows(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c, _ = await _street(aiohttp_client, db_url)
    weeks = _weeks(await _book(c, "demo"))
    # on 8 December: the week of 30 November (1-6 December) and this week; none not yet begun
    assert weeks == {"陈秀英": {"2026-11-30", "2026-12-07"}, "刘志强": {"2026-11-30", "2026-12-07"}}
    page = await (await c.client.get("/admin/figures", params={"period": "2026-12"})).text()
    for week in ("2026-11-30", "2026-12-07"):
        assert week in page
    for week in ("2026-12-14", "2026-12-21", "2026-12-28"):
        assert week not in page


async def test_mulin_report_monthly_leaves_out_weeks_not_begun(
    aiohttp_client: ClientFactory, sqlite_url: str, tmp_path: Path
) -> None:
    c, n = await _street(aiohttp_client, sqlite_url)
    config = c.app[CONFIG]
    path = tmp_path / "report.xlsx"
    out, err = io.StringIO(), io.StringIO()
    clock = StoppedClock(START)
    code = await asyncio.to_thread(
        run_report_monthly, config, Period.month(2026, 12), str(path), out, err, clock
    )
    assert code == 0, err.getvalue()
    book = load_workbook(path, read_only=True)
    mondays = set().union(*_weeks(book).values())
    assert mondays == {"2026-11-30", "2026-12-07"}, mondays
    grids = _grids(book)  # the whole street: grids named with their community
    assert grids[f"#{n['o_q1']}"] == "青和居社区·第一网格", grids
    # a month gone by: every week that overlaps it, all begun
    path = tmp_path / "november.xlsx"
    code = await asyncio.to_thread(
        run_report_monthly, config, Period.month(2026, 11), str(path), out, err, clock
    )
    assert code == 0, err.getvalue()
    mondays = set().union(*_weeks(load_workbook(path, read_only=True)).values())
    assert mondays == {"2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23",
                       "2026-11-30"}, mondays  # fmt: skip
