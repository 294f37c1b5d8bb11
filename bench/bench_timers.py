"""One timer tick over 100,000 open orders of which 1,000 are due.

Measures, on PostgreSQL when MULIN_TEST_POSTGRES_URL is set (SQLite otherwise, or both with
--both): the atomic claim of the due rows alone (the part that must not grow with the table),
and the whole tick (claim, deciding each order's timers, the reminders queued, the orders
rescheduled). Baseline in the same run: a plain indexed SELECT of the due ids.
Target (issue): the tick <= 100 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.clock import FakeClock
from bot.config import build_config
from bot.db import create_engine, session_factory
from bot.migrate import upgrade
from bot.roster import import_roster
from bot.roster_io import read_roster
from bot.services.roster_cache import RosterCache
from bot.services.timers import claim_due, order_timer_tick
from models.orders import Order

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
TARGET_MS = 100.0


async def seed(url: str, total: int, due: int) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    await import_roster(engine, read_roster(ROOT / "bot" / "sandbox" / "demo_roster.yaml"))
    table = cast(Table, Order.__table__)
    async with engine.begin() as conn:
        member_id = (await conn.execute(text("SELECT min(id) FROM members"))).scalar_one()
        rows: list[dict[str, Any]] = []
        for i in range(total):
            created = NOW - timedelta(days=2, minutes=i % 600)
            rows.append(
                {
                    "resident_openid": f"o_r{i % 20000}",
                    "building": str(i % 6 + 1),
                    "unit": "1",
                    "room": "101",
                    "category": "repair",
                    "urgent": False,
                    "text": "水管漏水",
                    "summary": "水管漏水",
                    "phones": [],
                    "status": "accepted",
                    "assignee_id": member_id,
                    "declined_by": [],
                    "created_at": created,
                    "updated_at": created,
                    "assigned_at": created,
                    "accepted_at": created,
                    "escalation_level": 0,
                    "version": 1,
                    # due ones: the resolution reminder; the rest fall later
                    "next_timer_at": NOW - timedelta(seconds=1)
                    if i < due
                    else NOW + timedelta(hours=1 + i % 50),
                }
            )
            if len(rows) == 5000:
                await conn.execute(table.insert(), rows)
                rows = []
        if rows:
            await conn.execute(table.insert(), rows)
    await engine.dispose()


async def measure(url: str, total: int, due: int) -> tuple[float, float, float, int]:
    await seed(url, total, due)
    config = build_config(
        {"wechat": {"token": "t", "mode": "plain"}, "database": {"url": url}}, environ={}
    )
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        async with sessions() as s:  # baseline: the indexed lookup alone
            t = time.perf_counter()
            await s.execute(select(Order.id).where(Order.next_timer_at <= NOW).limit(due))
            base_ms = (time.perf_counter() - t) * 1000
        async with sessions() as s, s.begin():  # the atomic claim alone (then released)
            t = time.perf_counter()
            ids = await claim_due(s, NOW, due)
            claim_ms = (time.perf_counter() - t) * 1000
            await s.rollback()
        roster = RosterCache()
        async with sessions() as s:
            await roster.get(s)  # warm, as in a running process
        t = time.perf_counter()
        handled = await order_timer_tick(sessions, FakeClock(NOW), config, roster, limit=due)
        tick_ms = (time.perf_counter() - t) * 1000
        assert len(ids) == due
        return base_ms, claim_ms, tick_ms, handled
    finally:
        await engine.dispose()


async def fresh_pg(base: str) -> str:
    name = f"mulin_bench_{os.getpid()}"
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


async def drop_pg(base: str, url: str) -> None:
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    await admin.dispose()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--due", type=int, default=1_000)
    args = ap.parse_args()
    pg = os.environ.get("MULIN_TEST_POSTGRES_URL")
    results: list[tuple[str, tuple[float, float, float, int]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(
            (
                "sqlite",
                asyncio.run(measure(f"sqlite+aiosqlite:///{tmp}/t.db", args.orders, args.due)),
            )
        )
    if pg:
        url = asyncio.run(fresh_pg(pg))
        try:
            results.append(("postgresql", asyncio.run(measure(url, args.orders, args.due))))
        finally:
            asyncio.run(drop_pg(pg, url))
    ok = True
    print(f"{args.orders} open orders, {args.due} due")
    for name, (base_ms, claim_ms, tick_ms, handled) in results:
        print(
            f"{name:<11} baseline select {base_ms:7.1f} ms   claim {claim_ms:7.1f} ms   "
            f"whole tick {tick_ms:8.1f} ms ({handled} orders)"
        )
        if name == "postgresql" and tick_ms > TARGET_MS:
            ok = False
    if not pg:
        print("MULIN_TEST_POSTGRES_URL not set: the PostgreSQL target was not measured")
        ok = False
    print(f"target: tick <= {TARGET_MS:.0f} ms on PostgreSQL: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
