"""One timer tick over 100,000 open orders of which 1,000 are due.

Measures on SQLite, and on PostgreSQL when MULIN_TEST_POSTGRES_URL is set, the whole tick of a
running process: lock the due rows, decide each order's timers, queue the reminders, record the
events, reschedule the orders, commit. A first tick over a few orders runs before it, as in a
process that has been up for a while (its time, with statements still to compile, is printed).
Baseline in the same run: only reading the 1,000 due orders through the ORM.
Target (issue): the tick <= 100 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.clock import FakeClock
from bot.config import build_config
from bot.observability import heap
from bot.roster.apply import import_rosters
from bot.roster.cache import RosterCache
from bot.roster.files.street import read_rosters
from bot.storage.engine import create_engine, session_factory
from bot.storage.migrations import upgrade
from bot.ticks.order_timers import order_timer_tick
from models.orders import Order

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
TARGET_MS = 100.0
WARM = 20  # due first, handled by a warm-up tick as a running process would have done
ROUNDS = 5  # the tick is measured this many times (the same orders made due again each time)


async def seed(url: str, total: int, due: int) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    # the demo roster is a street of several communities (bot/sandbox/demo_roster.yaml)
    await import_rosters(engine, read_rosters(ROOT / "bot" / "sandbox" / "demo_roster.yaml"))
    table = cast(Table, Order.__table__)
    async with engine.begin() as conn:
        member_id = (await conn.execute(text("SELECT min(id) FROM members"))).scalar_one()
        rows: list[dict[str, Any]] = []
        for i in range(total):
            due_now = i < due + WARM
            # Due ones really have their deadline reminder due (80 % of 3 days gone, none
            # overdue); the rest are younger and fall due later.
            created = (
                NOW - timedelta(days=2, hours=12, seconds=i % 600)
                if due_now
                else NOW - timedelta(days=2, minutes=i % 600)
            )
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
                    "next_timer_at": NOW - timedelta(seconds=2 if i < WARM else 1)
                    if due_now
                    else NOW + timedelta(hours=1 + i % 50),
                }
            )
            if len(rows) == 5000:
                await conn.execute(table.insert(), rows)
                rows = []
        if rows:
            await conn.execute(table.insert(), rows)
    async with engine.begin() as conn:
        # A live table has planner statistics (autovacuum keeps them); a table filled a moment
        # ago has none, and PostgreSQL would then scan all 100,000 rows instead of the index.
        await conn.execute(text("ANALYZE orders"))
    await engine.dispose()


async def measure(url: str, total: int, due: int) -> tuple[float, float, list[float], int]:
    await seed(url, total, due)
    config = build_config(
        {"wechat": {"token": "t", "mode": "plain"}, "database": {"url": url}}, environ={}
    )
    engine = create_engine(url)
    sessions = session_factory(engine)
    clock = FakeClock(NOW)
    try:
        roster = RosterCache()
        async with sessions() as s:
            await roster.get(s)  # warm, as in a running process
        # A process's first tick also pays for compiling and preparing its statements.
        t = time.perf_counter()
        assert await order_timer_tick(sessions, clock, config, roster, limit=WARM) == WARM
        first_ms = (time.perf_counter() - t) * 1000
        heap.settle()  # as `mulin serve` does once it has started (bot/heap.py says why)
        async with sessions() as s:  # baseline: only reading the due orders, nothing else
            t = time.perf_counter()
            rows = await s.execute(
                select(Order).where(Order.next_timer_at <= NOW).order_by(Order.next_timer_at)
            )
            assert len(rows.scalars().all()) == due
            base_ms = (time.perf_counter() - t) * 1000
        ticks: list[float] = []
        for round_ in range(ROUNDS):
            if round_:  # make the same orders due again, as if their reminder had not gone out
                async with engine.begin() as conn:
                    await conn.execute(
                        text(
                            "UPDATE orders SET resolve_reminded_at = NULL, next_timer_at = :due"
                            " WHERE resolve_reminded_at IS NOT NULL"
                        ).bindparams(bindparam("due", type_=Order.__table__.c.next_timer_at.type)),
                        {"due": NOW - timedelta(seconds=1)},
                    )
            t = time.perf_counter()
            handled = await order_timer_tick(sessions, clock, config, roster, limit=due)
            ticks.append((time.perf_counter() - t) * 1000)
            assert handled == due, (round_, handled)
        return base_ms, first_ms, ticks, handled
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
    results: list[tuple[str, tuple[float, float, list[float], int]]] = []
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
    for name, (base_ms, first_ms, ticks, handled) in results:
        median = statistics.median(ticks)
        print(
            f"{name:<11} baseline: read the due orders {base_ms:6.1f} ms   "
            f"first tick ({WARM} orders) {first_ms:6.1f} ms   "
            f"tick ({handled} orders) median {median:6.1f} ms, best {min(ticks):6.1f},"
            f" worst {max(ticks):6.1f} of {len(ticks)}"
        )
        print(f"{'':<11} each tick (ms): {' '.join(f'{t:.0f}' for t in ticks)}")
        if name == "postgresql" and median > TARGET_MS:
            ok = False
    if not pg:
        print("MULIN_TEST_POSTGRES_URL not set: the PostgreSQL target was not measured")
        ok = False
    print(
        f"target: tick <= {TARGET_MS:.0f} ms on PostgreSQL (median of {ROUNDS}):"
        f" {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
