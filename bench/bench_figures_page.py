"""The console's figures page for one month over 100,000 orders, on SQLite.

Seeds a SQLite database as ``bench_kpi`` does (the demo roster, working hours set; November
2026: 100,000 orders; October: 10,000) and asks the running service, over loopback as a
signed-in admin, for ``GET /admin/figures?period=2026-11``: every figure of the month and the
previous one, the 12-month trend, categories, grids, the 红榜 of members and the grid leaders'
visits, charts and tables rendered. Median of three, after one as warm-up.

Baseline in the same run: the rows the page reads (the 12 months of the trend) fetched as raw
SQL tuples, no processing. Target (issue 16): <= 2 s on SQLite.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_kpi import NOVEMBER, OCTOBER, seed  # noqa: E402
from bot.app import create_app  # noqa: E402
from bot.config import build_config  # noqa: E402
from bot.console import accounts  # noqa: E402
from bot.console.figures_view import load_range  # noqa: E402
from bot.keys import SESSIONS  # noqa: E402
from bot.storage.engine import create_engine  # noqa: E402

TARGET_S, ROUNDS = 2.0, 3
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
RAW = (
    "SELECT id, created_at, status, category, urgent, assignee_id, building, summary, assigned_at,"
    " accepted_at, resolved_at, closed_at, rating, escalation_level, overdue_at, community_id,"
    " estate_code FROM orders WHERE created_at >= :a AND created_at < :b"
)


async def raw_fetch(url: str) -> tuple[float, int]:
    start, end = load_range(NOVEMBER)
    bounds = {"a": start.replace(tzinfo=None), "b": end.replace(tzinfo=None)}
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            t = time.perf_counter()
            rows = (await conn.execute(text(RAW), bounds)).all()
            return time.perf_counter() - t, len(rows)
    finally:
        await engine.dispose()


async def measure(url: str) -> tuple[float, float, int]:
    config = build_config(
        {"wechat": {"token": "t", "mode": "plain"}, "database": {"url": url},
         "sla": {"working_hours": "08:30-17:30"}},
        environ={},
    )  # fmt: skip
    app = create_app(config, start_scheduler=False)
    async with TestClient(TestServer(app)) as client:
        async with app[SESSIONS]() as s, s.begin():
            await accounts.add_user(s, "bench", "bench-password", role="admin")
        page = await (await client.get("/admin/login")).text()
        token = CSRF.search(page).group(1)  # type: ignore[union-attr]
        await client.post(
            "/admin/login",
            data={"username": "bench", "password": "bench-password", "csrf_token": token},
        )

        async def figures() -> str:
            resp = await client.get("/admin/figures", params={"period": "2026-11"})
            assert resp.status == 200, resp.status
            return await resp.text()

        body = await figures()
        found = re.search(r'data-figure="received"><th[^>]*>[^<]*</th><td class="now">(\d+)', body)
        assert found, "no figure in the page"
        pages, raws = [], []
        for _ in range(ROUNDS):
            took, rows = await raw_fetch(url)
            assert rows >= int(found.group(1))
            raws.append(took)
            t = time.perf_counter()
            await figures()
            pages.append(time.perf_counter() - t)
        return statistics.median(pages), statistics.median(raws), int(found.group(1))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'figures.db'}"
        t = time.perf_counter()
        asyncio.run(seed(url, {OCTOBER: 10_000, NOVEMBER: 100_000}))
        print(f"seeded 110,000 orders in {time.perf_counter() - t:.1f} s")
        took, baseline, count = asyncio.run(measure(url))
    print(f"baseline raw fetch of the rows the page reads (median of {ROUNDS}): {baseline:.2f} s")
    print(f"GET /admin/figures?period=2026-11, {count} orders (median of {ROUNDS}): {took:.2f} s")
    ok = took <= TARGET_S
    print(f"target figures page <= {TARGET_S} s on SQLite: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
