"""Console benchmark: the office's pages over many orders.

    .venv/bin/python bench/bench_console.py [--n 100000] [--requests 40]

On SQLite (a temporary file) and, when MULIN_TEST_POSTGRES_URL is set, on a scratch
PostgreSQL database, with N orders (a month's spread, most closed) behind a signed-in admin.
Each figure is the p95 of the time the service takes to answer over loopback (in-process
server and client):
1. baseline: ``GET /healthz`` (the HTTP stack and nothing else), measured in the same run;
2. the board's first page with two filters (status and category): target <= 150 ms;
3. search (a word of the text; a phone number): target <= 300 ms;
4. an order's page (fields, history, pushes, dispatch's suggestion): target <= 50 ms.
The counts at the top of the board are kept 5 s per scope (every open board polls them), so
the board's figure is mostly the page and its capped total; the counts themselves cost about
40 ms at 100,000 orders on SQLite, once per 5 s. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_broadcast import drop_pg, pg_database  # noqa: E402
from bot.app import create_app  # noqa: E402
from bot.config import build_config  # noqa: E402
from bot.console import accounts  # noqa: E402
from bot.keys import ROSTER, SESSIONS  # noqa: E402
from models.community import Building, Community, Grid, Member  # noqa: E402
from models.orders import Order, OrderEvent  # noqa: E402
from models.outbox import OutboxMessage  # noqa: E402

TARGETS = {"board": 0.150, "search": 0.300, "order": 0.050}
CATEGORIES = ["repair"] * 5 + [
    "elderly",
    "paperwork",
    "dispute",
    "sanitation",
    "sanitation",
    "safety",
    "parking",
]
TEXTS = [
    "厨房水管漏水",
    "楼道灯坏了",
    "垃圾桶满了没人清",
    "楼上装修太吵",
    "想办敬老卡",
    "充电桩坏了",
]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def seed(app: Any, n: int, now: datetime) -> None:
    async with app[SESSIONS]() as s, s.begin():
        community = Community(code="qhj", name="青和居社区")
        s.add(community)
        await s.flush()
        for code, buildings in (("G01", range(1, 10)), ("G02", range(10, 20))):
            grid = Grid(community_id=community.id, code=code, name=code, leader_key=None)
            s.add(grid)
            await s.flush()
            s.add_all(
                Building(community_id=community.id, grid_id=grid.id, number=str(b))
                for b in buildings
            )
        s.add_all(
            Member(community_id=community.id, key=f"m{i:02d}", name=f"成员{i}", phone=None,
                   roles=["representative"], grids=[], buildings=[str(i)], households=[],
                   categories=[], openid=f"o_m{i:02d}", on_duty=True, active=True,
                   created_at=now, updated_at=now)
            for i in range(1, 20)
        )  # fmt: skip
        await accounts.add_user(s, "bench", "bench-password", role="admin", community_code="qhj")
    statuses = ["closed"] * 17 + ["resolved", "in_progress", "assigned"]
    rows, events, pushes = [], [], []
    for i in range(1, n + 1):
        created = now - timedelta(seconds=30 * 24 * 3600 * i / n)
        status = statuses[i % len(statuses)]
        rows.append({
            "id": i, "resident_openid": f"o_res_{i % 5000:05d}", "building": str(1 + i % 19),
            "unit": str(1 + i % 4), "room": f"{1 + i % 18}0{1 + i % 4}",
            "category": CATEGORIES[i % len(CATEGORIES)], "urgent": i % 50 == 0,
            "text": f"{1 + i % 19}栋{TEXTS[i % len(TEXTS)]}，电话139{i:08d}",
            "summary": TEXTS[i % len(TEXTS)], "phones": [f"139{i:08d}"], "status": status,
            "assignee_id": 1 + i % 19, "declined_by": [], "created_at": created,
            "updated_at": created, "escalation_level": 0, "version": 1,
            "overdue_at": created + timedelta(days=3) if status == "in_progress" and i % 3 == 0 else None,
        })  # fmt: skip
        events.append({"order_id": i, "at": created, "actor": "system", "action": "assign",
                       "from_status": "received", "to_status": "assigned", "note": "派单", "data": None})  # fmt: skip
        pushes.append({"purpose": "order_assigned", "recipient": f"o_m{1 + i % 19:02d}",
                       "payload": {"text": f"新工单 #{i}"}, "dedupe_key": f"order:{i}:v1:assign:m",
                       "status": "sent", "attempts": 1, "next_attempt_at": created, "created_at": created})  # fmt: skip
    async with app[SESSIONS]() as s, s.begin():
        for table, data in ((Order, rows), (OrderEvent, events), (OutboxMessage, pushes)):
            for start in range(0, len(data), 5000):
                await s.execute(table.__table__.insert(), data[start : start + 5000])
    # statistics as autovacuum (PostgreSQL) or a maintenance ANALYZE (SQLite) would leave them
    async with app[SESSIONS]() as s, s.begin():
        await s.execute(text("ANALYZE"))
    app[ROSTER].invalidate()


async def p95(client: TestClient[Any, Any], paths: list[str], requests: int) -> float:
    for path in paths[:2]:  # warm: templates compiled, roster cached
        await (await client.get(path)).read()
    times = []
    for i in range(requests):
        start = time.perf_counter()
        resp = await client.get(paths[i % len(paths)])
        await resp.read()
        assert resp.status == 200, (paths[i % len(paths)], resp.status)
        times.append(time.perf_counter() - start)
    return statistics.quantiles(times, n=20)[-1]


async def bench(url: str, label: str, n: int, requests: int) -> bool:
    config = build_config(
        {"wechat": {"token": "t", "mode": "plain"}, "database": {"url": url}}, environ={}
    )
    app = create_app(config, start_scheduler=False)
    async with TestClient(TestServer(app)) as client:
        started = time.perf_counter()
        await seed(app, n, datetime.now(UTC))
        print(f"[{label}] seeded {n:,} orders in {time.perf_counter() - started:.1f} s")
        page = await (await client.get("/admin/login")).text()
        token = CSRF.search(page).group(1)  # type: ignore[union-attr]
        await client.post(
            "/admin/login",
            data={"username": "bench", "password": "bench-password", "csrf_token": token},
        )
        figures = {
            "baseline": await p95(client, ["/healthz"], requests),
            "board": await p95(
                client,
                [
                    "/admin/orders?status=working&category=repair",
                    "/admin/orders?status=closed&grid=G02",
                ],
                requests,
            ),
            "search": await p95(
                client, ["/admin/orders?q=水管", f"/admin/orders?q=139{n // 2:08d}"], requests
            ),
            "order": await p95(
                client, [f"/admin/orders/{1 + (i * 7919) % n}" for i in range(requests)], requests
            ),
        }
    ok = True
    base = figures["baseline"]
    print(f"[{label}] baseline GET /healthz p95: {base * 1000:.1f} ms")
    for name, target in TARGETS.items():
        met = figures[name] <= target
        ok &= met
        print(
            f"[{label}] {name} p95: {figures[name] * 1000:.1f} ms ({figures[name] / base:.1f}x baseline;"
            f" target <= {target * 1000:.0f} ms) {'ok' if met else 'MISSED'}"
        )
    return ok


async def main(n: int, requests: int) -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ok &= await bench(f"sqlite+aiosqlite:///{tmp}/bench.db", "sqlite", n, requests)
    pg = os.environ.get("MULIN_TEST_POSTGRES_URL")
    if pg:
        url = await pg_database(pg)
        try:
            ok &= await bench(url, "postgresql", n, requests)
        finally:
            await drop_pg(pg, url)
    else:
        print("[postgresql] skipped: MULIN_TEST_POSTGRES_URL not set")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.n, args.requests)))
