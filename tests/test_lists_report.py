"""The three lists in the monthly report: the 三大清单 sheet shows the month's demand lines with
their state on record, the resources and the projects, money in yuan."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from bot.clock import StoppedClock
from bot.keys import CONFIG
from bot.kpi.cli import run_report_monthly
from bot.kpi.period import Period
from bot.lists.tables import DEMAND_HEADERS, PROJECT_HEADERS, RESOURCE_HEADERS
from tests.console_support import ClientFactory
from tests.lists_support import add_order, as_user, post


async def test_the_report_has_the_three_lists(
    aiohttp_client: ClientFactory, sqlite_url: str, tmp_path: Path
) -> None:
    c = await as_user(aiohttp_client, sqlite_url, "staff1")
    ids = [
        await add_order(c, "o_a", "3", "3栋楼道灯坏了"),
        await add_order(c, "o_b", "3", "楼道灯不亮了", status="closed"),
    ]
    await add_order(c, "o_c", "5", "垃圾没人收")  # once: not a demand line
    page = "/admin/lists/resources"
    await post(c, page, page, partner="城建公司", kind="fund", amount="3000.5")
    await post(c, page, page, partner="志愿队", kind="people", contact="王队长")
    promote = {"pick": ",".join(map(str, ids)), "title": "楼道灯改造", "budget": "1200"}
    assert (
        await post(c, "/admin/lists/demands/promote", resource_ids="1", **promote)
    ).status == 303
    now = datetime.now(UTC)
    config = c.app[CONFIG]
    period = Period.month(*map(int, now.astimezone(config.tz).strftime("%Y %m").split()))
    path = tmp_path / "report.xlsx"
    out, err = io.StringIO(), io.StringIO()
    code = await asyncio.to_thread(
        run_report_monthly, config, period, str(path), out, err, StoppedClock(now)
    )
    assert code == 0, err.getvalue()
    rows = list(load_workbook(path)["三大清单"].iter_rows(values_only=True))
    heads = [i for i, r in enumerate(rows) if r[0] in (DEMAND_HEADERS[0], "编号")]
    assert [rows[i][: len(h)] for i, h in zip(heads, (DEMAND_HEADERS, RESOURCE_HEADERS, PROJECT_HEADERS), strict=True)] == [
        DEMAND_HEADERS, RESOURCE_HEADERS, PROJECT_HEADERS,
    ]  # fmt: skip
    demand = rows[heads[0] + 1]
    assert demand[0].startswith("3栋 楼道灯坏了 ") and demand[0].endswith("2 次, 1 户未解决")
    assert demand[3:8] == (2, 1, "已立项", 1, 1)
    assert rows[heads[0] + 2][0] is None  # only the one line: a single report is not listed
    fund, people = rows[heads[1] + 1], rows[heads[1] + 2]
    assert fund[1:3] == ("城建公司", "资金") and Decimal(str(fund[5])) == Decimal("3000.5")
    assert people[1:4] == ("志愿队", "人力", "王队长") and people[5] is None
    project = rows[heads[2] + 1]
    assert project[1] == "楼道灯改造" and project[4] == 1200 and project[5] == "筹备中"
    assert project[6:8] == ("1", "1")
