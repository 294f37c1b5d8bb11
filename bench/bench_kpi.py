"""The figures over a month of 100,000 orders, and the monthly report over 10,000.

Seeds a SQLite database (the demo roster; November 2026: 100,000 orders; October: 10,000, a
realistic mix of cancelled, unaccepted, accepted, resolved, rated, reopened and 吹哨 orders)
with working hours set, so durations go through the working-time calendar as in production.

- Figures: what the console's figures page computes for one month (median of three, after one
  as warm-up, as in a server that has been up a while) — ``bot.kpi.page.page_figures`` with
  nothing kept (the month and the previous one, by place, category and member, the 12-month
  trend) — and, beside it, the reference path the monthly report uses (``load_facts``, then
  the month and the previous one by grid and by category). Baseline in the same run: the
  rows the reference path reads, fetched as raw SQL tuples, no processing. Target (issue 16):
  <= 2 s on SQLite, <= 1 s on PostgreSQL (measured when MULIN_TEST_POSTGRES_URL is set); the
  whole page, over HTTP, is measured by ``bench_figures_page``.
- Report: ``mulin report monthly --month 2026-10`` as a child process (the real command, 10,000
  orders plus September's for the comparison), wall time and peak RSS. Baseline in the same
  run: the same command for an empty month (interpreter, imports, database open, workbook).
  Target: <= 10 s and <= 300 MB.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, text

from bot.config import build_config
from bot.kpi.figures import summarize
from bot.kpi.load import REOPEN, WHISTLE, load_facts
from bot.kpi.page import page_figures
from bot.kpi.period import Period
from bot.kpi.rows import Filter
from bot.orders.sla import sla_of
from bot.roster.apply import import_rosters
from bot.roster.files.street import read_rosters
from bot.storage.engine import create_engine
from bot.storage.migrations import upgrade
from models.orders import Order, OrderEvent

ROOT = Path(__file__).resolve().parent.parent
FIGURES_S, FIGURES_PG_S, REPORT_S, REPORT_MB = 2.0, 1.0, 10.0, 300.0
NOVEMBER, OCTOBER = Period.month(2026, 11), Period.month(2026, 10)
CATEGORIES = ("repair", "elderly", "paperwork", "dispute", "sanitation", "safety", "parking")


def order_row(rng: random.Random, period: Period, members: list[int]) -> dict[str, Any]:
    span = (period.end_utc - period.start_utc).total_seconds()
    created = period.start_utc + timedelta(seconds=rng.random() * span)
    row: dict[str, Any] = {
        "resident_openid": f"o_r{rng.randrange(20000)}",
        "building": str(rng.randint(1, 6)),
        "unit": "1",
        "room": "101",
        "category": rng.choice(CATEGORIES),
        "urgent": rng.random() < 0.05,
        "text": "楼道灯坏了",
        "summary": "楼道灯坏了",
        "phones": [],
        "status": "received",
        "declined_by": [],
        "created_at": created,
        "updated_at": created,
        "escalation_level": rng.choice((0, 0, 0, 1, 2)),
        "version": 1,
        # every row has every key: one executemany statement for all
        **dict.fromkeys(
            ("assignee_id", "assigned_at", "accepted_at", "resolved_at", "closed_at", "rating")
        ),
    }
    roll = rng.random()
    if roll < 0.05:
        return {**row, "status": "cancelled", "closed_at": created + timedelta(hours=1)}
    row |= {"assignee_id": rng.choice(members), "assigned_at": created, "status": "assigned"}
    if roll < 0.15:
        return row
    accepted = created + timedelta(minutes=rng.randint(1, 90))
    row |= {"accepted_at": accepted, "status": "accepted"}
    if roll < 0.3:
        return row
    resolved = accepted + timedelta(minutes=rng.randint(30, 7 * 24 * 60))
    row |= {"resolved_at": resolved, "status": "resolved"}
    if roll < 0.45:
        return row
    return row | {"status": "closed", "closed_at": resolved, "rating": rng.randint(1, 5)}


async def seed(url: str, months: dict[Period, int]) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    await import_rosters(engine, read_rosters(ROOT / "bot" / "sandbox" / "demo_roster.yaml"))
    rng = random.Random(16)
    orders, events = cast(Table, Order.__table__), cast(Table, OrderEvent.__table__)
    async with engine.begin() as conn:
        members = list((await conn.execute(text("SELECT id FROM members"))).scalars())
        first = 1
        for period, count in months.items():
            for start in range(0, count, 5000):
                rows = [order_row(rng, period, members) for _ in range(min(5000, count - start))]
                await conn.execute(orders.insert(), rows)
                marks = [
                    {"order_id": first + i, "at": r["created_at"], "actor": "system",
                     "action": REOPEN if rng.random() < 0.5 else WHISTLE, "note": ""}
                    for i, r in enumerate(rows) if rng.random() < 0.04
                ]  # fmt: skip
                await conn.execute(events.insert(), marks)
                first += len(rows)
    await engine.dispose()


async def analyze(url: str) -> None:
    """Statistics for the planner after a bulk load, as autovacuum would soon gather them."""
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("ANALYZE"))
    await engine.dispose()


def bounds(url: str, period: Period) -> dict[str, datetime]:
    a, b = period.previous().start_utc, period.end_utc
    if url.startswith("sqlite"):  # stored as naive UTC
        return {"a": a.replace(tzinfo=None), "b": b.replace(tzinfo=None)}
    return {"a": a, "b": b}


RAW = (
    "SELECT id, created_at, status, category, urgent, assignee_id, building, summary, assigned_at,"
    " accepted_at, resolved_at, closed_at, rating, escalation_level, overdue_at FROM orders"
    " WHERE created_at >= :a AND created_at < :b"
)
ROUNDS = 3


async def figures_page(url: str, config: Any, period: Period) -> tuple[float, float, float, int]:
    """(median seconds for the page's figures, for the reference path, for the raw baseline;
    orders), after one round as warm-up, as in a server that has been up for a while
    (connection open, statements compiled)."""
    engine = create_engine(url)
    sla = sla_of(config)
    now = datetime.now(UTC)

    async def page() -> int:
        got = await page_figures(engine, sla, period, Filter(), now)
        return got.summary.figures.received

    async def reference() -> int:
        facts, _ = await load_facts(engine, period.previous().start_utc, period.end_utc)
        return summarize(facts, sla, period, ("grid", "category")).figures.received

    async def raw() -> int:
        async with engine.connect() as conn:
            return len((await conn.execute(text(RAW), bounds(url, period))).all())

    try:
        count = await page()
        assert await reference() == count
        pages, references, raws = [], [], []
        for _ in range(ROUNDS):
            t = time.perf_counter()
            assert await raw() >= count
            raws.append(time.perf_counter() - t)
            t = time.perf_counter()
            assert await page() == count
            pages.append(time.perf_counter() - t)
            t = time.perf_counter()
            assert await reference() == count
            references.append(time.perf_counter() - t)
        median = statistics.median
        return median(pages), median(references), median(raws), count
    finally:
        await engine.dispose()


def report_run(config_path: Path, month: str, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of ``mulin report monthly`` in a child process."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "report", "monthly", "--config", str(config_path),
         "--month", month, "--output", str(out)],
        stdout=subprocess.DEVNULL, env={k: v for k, v in os.environ.items()
                                        if not k.startswith("MULIN_")},
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"mulin report monthly --month {month} failed")
    return took, usage.ru_maxrss / 1024  # kilobytes on Linux


def main() -> int:
    if sys.argv[1:2] == ["--seed"]:  # the child that fills the database
        asyncio.run(seed(sys.argv[2], {OCTOBER: 10_000, NOVEMBER: 100_000}))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'kpi.db'}"
        t = time.perf_counter()
        # seeded by a child: a forked child's peak RSS counts its parent's pages, so the parent
        # stays small until the report has been measured
        subprocess.run([sys.executable, "-m", "bench.bench_kpi", "--seed", url], check=True)
        print(f"seeded 110,000 orders in {time.perf_counter() - t:.1f} s")
        config_path = Path(tmp) / "config.yaml"
        config_path.write_text(
            f"wechat: {{token: t, mode: plain}}\ndatabase: {{url: '{url}'}}\n"
            "sla: {working_hours: '08:30-17:30'}\n",
            encoding="utf-8",
        )
        empty_s, empty_mb = report_run(config_path, "2027-02", Path(tmp) / "empty.xlsx")
        print(f"baseline report of an empty month: {empty_s:.2f} s, {empty_mb:.0f} MB")
        report_s, report_mb = report_run(config_path, "2026-10", Path(tmp) / "oct.xlsx")
        print(f"report for 10,000 orders: {report_s:.2f} s, {report_mb:.0f} MB")
        raw_config = {
            "wechat": {"token": "t", "mode": "plain"},
            "database": {"url": url},
            "sla": {"working_hours": "08:30-17:30"},
        }
        config = build_config(raw_config, environ={})
        took, reference, baseline, count = asyncio.run(figures_page(url, config, NOVEMBER))
        print(f"baseline raw fetch of the rows (median of {ROUNDS}): {baseline:.2f} s")
        print(f"figures page's figures for {count} orders (page_figures, nothing kept; median of"
              f" {ROUNDS}): {took:.2f} s; the reference path (load_facts, summarize by grid and"
              f" category): {reference:.2f} s")  # fmt: skip
    ok_fig = took <= FIGURES_S
    ok_rep = report_s <= REPORT_S and report_mb <= REPORT_MB
    ok_pg = postgres(config)
    print(f"target figures <= {FIGURES_S} s on SQLite: {'met' if ok_fig else 'MISSED'}")
    print(
        f"target report <= {REPORT_S} s and <= {REPORT_MB:.0f} MB: {'met' if ok_rep else 'MISSED'}"
    )
    return 0 if ok_fig and ok_rep and ok_pg else 1


def postgres(sqlite_config: Any) -> bool:
    """The figures page on PostgreSQL when MULIN_TEST_POSTGRES_URL is set (target 1 s)."""
    from bench.bench_timers import drop_pg, fresh_pg

    base = os.environ.get("MULIN_TEST_POSTGRES_URL")
    if not base:
        print("MULIN_TEST_POSTGRES_URL not set: the PostgreSQL target was not measured")
        return True
    url = asyncio.run(fresh_pg(base))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MULIN_")}
        subprocess.run(
            [sys.executable, "-m", "bench.bench_kpi", "--seed", url], check=True, env=env
        )
        asyncio.run(analyze(url))
        config = build_config(
            {"wechat": {"token": "t", "mode": "plain"}, "database": {"url": url},
             "sla": {"working_hours": "08:30-17:30"}},
            environ={},
        )  # fmt: skip
        took, reference, baseline, count = asyncio.run(figures_page(url, config, NOVEMBER))
    finally:
        asyncio.run(drop_pg(base, url))
    print(
        f"postgresql baseline raw fetch: {baseline:.2f} s; figures page's figures for {count}:"
        f" {took:.2f} s (reference path {reference:.2f} s)"
    )
    ok = took <= FIGURES_PG_S
    print(f"target figures <= {FIGURES_PG_S} s on PostgreSQL: {'met' if ok else 'MISSED'}")
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
