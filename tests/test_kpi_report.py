"""``mulin report monthly``: a real SQLite database filled through the webhook, the workbook
loaded back with openpyxl (sheets, values, charts), an empty month, a bad --month."""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
import zipfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from bot.app import create_app
from bot.cli.commands import run
from bot.clock import FakeClock, StoppedClock
from bot.config import Config
from bot.keys import SESSIONS
from bot.kpi.cli import run_report_monthly
from bot.kpi.period import Period
from bot.kpi.report import EMPTY, SHEETS
from tests.support import make_config, order_number, seed_roster
from tests.test_orders_flow import Chat

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
NOV = Period.month(2026, 11)
AFTER = StoppedClock(datetime(2026, 12, 3, 8, tzinfo=UTC))  # the report is made in December


async def fill(chat: Chat, clock: FakeClock) -> dict[str, int]:
    """October: one order. November (Shanghai): a leak accepted in 10 min, done the next day and
    rated 5; a stairwell light nobody accepts; a request cancelled; a grid leader's visit.
    December 01:30 in Shanghai (30 Nov in UTC): one more order, not November's."""
    clock.set(datetime(2026, 10, 20, 2, tzinfo=UTC))
    october = order_number(await chat.say("o_r5", "3栋1单元102门锁坏了"))
    clock.set(datetime(2026, 11, 10, 2, tzinfo=UTC))  # Tuesday 10:00 in Shanghai
    leak = order_number(await chat.say("o_r1", "1栋1单元101厨房水管漏水了"))
    clock.advance(timedelta(minutes=10))
    assert "已接单" in await chat.say("o_m02", f"接单 {leak}")
    light = order_number(await chat.say("o_r2", "4栋1单元201楼道灯坏了"))
    cancelled = order_number(await chat.say("o_r3", "2栋1单元301门口的灯坏了"))
    assert "已取消" in await chat.say("o_r3", f"取消 #{cancelled}")
    await chat.say("o_m01", "走访 2小时 3栋入户")
    clock.advance(timedelta(days=1))
    assert "办结" in await chat.say("o_m02", f"完成 {leak} 已换新水管")
    await chat.say("o_r1", "5")
    clock.set(datetime(2026, 11, 30, 17, 30, tzinfo=UTC))
    december = order_number(await chat.say("o_r4", "5栋2单元502楼下垃圾没人收"))
    return {"october": october, "leak": leak, "light": light, "december": december}


@pytest.fixture
async def filled(aiohttp_client: ClientFactory, sqlite_url: str) -> tuple[Config, dict[str, int]]:
    clock = FakeClock(datetime(2026, 10, 1, tzinfo=UTC))
    config = make_config(sqlite_url, "plain")
    app = create_app(config, clock=clock, start_scheduler=False)
    client = await aiohttp_client(app)
    await seed_roster(app[SESSIONS], clock.now())
    return config, await fill(Chat(client), clock)


async def report(config: Config, period: Period, path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await asyncio.to_thread(run_report_monthly, config, period, str(path), out, err, AFTER)
    return code, out.getvalue(), err.getvalue()


def figures_of(ws: Any) -> dict[str, tuple[Any, Any]]:
    return {r[0]: (r[1], r[2]) for r in ws.iter_rows(min_row=6, max_row=27, values_only=True)}


async def test_monthly_workbook(filled: tuple[Config, dict[str, int]], tmp_path: Path) -> None:
    config, n = filled
    path = tmp_path / "report.xlsx"
    code, out, err = await report(config, NOV, path)
    assert (code, err) == (0, "")  # piped: no progress bar
    assert "3 件工单" in out
    wb = load_workbook(path)
    assert wb.sheetnames == list(SHEETS)
    summary = wb["汇总"]
    assert summary["A1"].value == "睦邻月报 · 2026年11月"
    assert summary["B5"].value == "2026年11月" and summary["C5"].value == "2026年10月"
    f = figures_of(summary)
    # November: leak, light, cancelled = 3; October: the lock = 1
    assert f["受理工单数"] == (3, 1) and f["已取消"] == (1, 0)
    # response: leak in 10 min (on time), light never accepted = 1 of 2
    assert f["响应率"][0] == pytest.approx(0.5)
    # resolution: the leak of the 2 not cancelled; satisfaction: one rating, a 5
    assert f["解决率"][0] == pytest.approx(0.5) and f["满意率"][0] == 1.0
    assert f["接单用时中位数"][0] == "10分钟" and f["办结用时中位数"][0] == "1天"
    assert f["满意率"][1] == "—"  # October: nobody rated
    assert summary["B10"].number_format == "0.0%"
    # native charts: a bar of categories and a line of daily orders on the summary
    assert len(summary._charts) == 2
    with zipfile.ZipFile(path) as z:
        charts = [name for name in z.namelist() if name.startswith("xl/charts/chart")]
    assert len(charts) >= 4  # the summary's two, per grid, per category

    rows = list(wb["工单明细"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [f"#{n['leak']}", f"#{n['light']}", f"#{n['leak'] + 2}"]
    leak = rows[0]
    assert leak[1] == datetime(2026, 11, 10, 10, 0)  # local time in the sheet
    assert (leak[2], leak[4], leak[5], leak[7], leak[8], leak[12]) == (
        "维修", "第一网格", "1栋", "已完成", "李建国", 5,
    )  # fmt: skip
    assert rows[2][7] == "已取消"

    grids = {r[0]: r for r in wb["分网格"].iter_rows(min_row=2, values_only=True)}
    assert grids["第一网格"][1] == 2 and grids["第二网格"][1] == 1
    assert wb["分类别"]["A1"].value == "类别"
    people = {r[0]: r for r in wb["人员"].iter_rows(min_row=2, values_only=True)}
    assert people["李建国"][1] == 1 and people["李建国"][2] == 1.0  # one order, on time

    visits = list(wb["网格长走访"].iter_rows(values_only=True))
    week = [r for r in visits if r[0] == "张美丽" and r[2] == "2026-11-09"]
    assert week == [("张美丽", "第一网格", "2026-11-09", 1, 2.0, "否")]  # 1 of 3 visits
    assert any(r[1] == "张美丽" and r[2] == 120 and r[3] == "3栋入户" for r in visits)


async def test_an_empty_month_says_so(
    filled: tuple[Config, dict[str, int]], tmp_path: Path
) -> None:
    config, _ = filled
    path = tmp_path / "empty.xlsx"
    code, out, _ = await report(config, Period.month(2027, 2), path)  # January too is empty
    assert code == 0 and "0 件工单" in out
    wb = load_workbook(path)
    assert wb["汇总"]["A3"].value == EMPTY
    assert figures_of(wb["汇总"])["响应率"] == ("—", "—")
    assert wb["工单明细"]["A2"].value == EMPTY


@pytest.mark.parametrize("month", ["2026-13", "2026/11", "November", "2026-1"])
def test_a_bad_month_is_one_line_and_exit_2(
    month: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["report", "monthly", "--config", str(tmp_path / "x.yaml"), "--month", month])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "--month" in err and "Traceback" not in err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
async def test_libreoffice_opens_it(filled: tuple[Config, dict[str, int]], tmp_path: Path) -> None:
    config, _ = filled
    path = tmp_path / "report.xlsx"
    assert (await report(config, NOV, path))[0] == 0
    profile = tmp_path / "lo-profile"
    result = await asyncio.to_thread(
        subprocess.run,
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.stat().st_size > 1000, result.stdout + result.stderr


async def test_an_output_directory_that_does_not_exist_is_exit_2(
    filled: tuple[Config, dict[str, int]], tmp_path: Path
) -> None:
    config, _ = filled
    code, _, err = await report(config, NOV, tmp_path / "nowhere" / "r.xlsx")
    assert code == 2 and err.count("\n") == 1 and "--output" in err


@pytest.mark.slow
def test_the_command_on_a_new_database(tmp_path: Path) -> None:
    """The real command in a child process: a database with nothing in it yet, default name."""
    from tests.test_cli import ROOT, mulin, write_config

    result = mulin("report", "monthly", "--config", str(write_config(tmp_path)),
                   "--month", "2026-11", cwd=tmp_path, env={"PYTHONPATH": str(ROOT)})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # piped: no progress bar
    path = tmp_path / "睦邻月报-2026-11.xlsx"
    assert path.exists() and str(path.name) in result.stdout
    assert load_workbook(path)["汇总"]["A3"].value == EMPTY
