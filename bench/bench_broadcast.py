"""Broadcast benchmark: one occurrence to 10,000 residents enqueued by the tick.

    .venv/bin/python bench/bench_broadcast.py [--n 10000]

On SQLite (a temporary file) and, when MULIN_TEST_POSTGRES_URL is set, on a scratch
PostgreSQL database. Figures per backend:
1. baseline: a plain executemany of N rows into a scratch table (one transaction);
2. the tick: claim the due rule, resolve the audience (community, N following residents),
   write the occurrence and N outbox rows, advance next_run_at — one commit (target <= 2 s);
3. ``mulin broadcast run``-style manual occurrence of the same rule (same work, no claim).
Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.broadcasts import ops  # noqa: E402
from bot.broadcasts.rules import parse_rules  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.config import build_config  # noqa: E402
from bot.storage.engine import create_engine, session_factory  # noqa: E402
from bot.storage.migrations import upgrade  # noqa: E402
from bot.ticks.broadcasts import broadcast_tick  # noqa: E402
from models.community import Resident  # noqa: E402
from models.outbox import OutboxMessage  # noqa: E402

TARGET_S = 2.0
SH = ZoneInfo("Asia/Shanghai")


async def seed(sessions: async_sessionmaker[AsyncSession], n: int, now: datetime) -> None:
    rows = [
        {
            "openid": f"oBench{i:07d}xxxxxxxxxxxxxxx",
            "building": str(1 + i % 19),
            "unit": str(1 + i % 4),
            "room": str(101 + i % 30),
            "tags": [],
            "created_at": now,
            "updated_at": now,
        }
        for i in range(n)
    ]
    async with sessions() as s, s.begin():
        await s.execute(Resident.__table__.insert(), rows)


async def baseline(sessions: async_sessionmaker[AsyncSession], n: int) -> float:
    async with sessions() as s, s.begin():
        await s.execute(text("DROP TABLE IF EXISTS bench_scratch"))
        await s.execute(
            text(
                "CREATE TABLE bench_scratch (id INTEGER PRIMARY KEY, recipient VARCHAR(64),"
                " dedupe_key VARCHAR(200) UNIQUE, payload TEXT)"
            )
        )
    params = [
        {"id": i, "r": f"o{i}", "k": f"bc:1:x:o{i}", "p": '{"text": "您好"}'} for i in range(n)
    ]
    start = time.perf_counter()
    async with sessions() as s, s.begin():
        await s.execute(
            text("INSERT INTO bench_scratch VALUES (:id, :r, :k, :p)"),
            params,
        )
    return time.perf_counter() - start


async def bench(url: str, label: str, n: int) -> bool:
    engine = create_engine(url)
    await upgrade(engine, "heads")
    sessions = session_factory(engine)
    config = build_config(
        {"wechat": {"token": "t", "mode": "plain"}, "database": {"url": url}}, environ={}
    )
    clock = FakeClock(datetime(2026, 11, 30, 4, tzinfo=UTC))
    await seed(sessions, n, clock.now())
    spec = parse_rules(
        [
            {
                "name": "议事会",
                "schedule": {"day": "1st tue", "hour": 19, "minute": 30},
                "audience": "community",
                "text": "各位居民朋友好！本月居民议事会定于{date}（{weekday}）晚上{time}召开。",
                "template_fields": {"thing1": "居民议事会", "time2": "{date} {time}"},
            }
        ],
        SH,
    )
    (rule,) = await ops.add_rules(sessions, spec, clock.now(), SH)
    base = await baseline(sessions, n)
    assert rule.next_run_at is not None
    clock.set(rule.next_run_at)
    start = time.perf_counter()
    queued = await broadcast_tick(sessions, clock, config)
    tick = time.perf_counter() - start
    start = time.perf_counter()
    manual = await ops.run_rule_now(sessions, rule.id, clock.now(), SH)
    run = time.perf_counter() - start
    async with sessions() as s:
        total = (await s.execute(select(func.count()).select_from(OutboxMessage))).scalar()
    await engine.dispose()
    ok = queued == n and manual == n and total == 2 * n and tick <= TARGET_S
    print(f"[{label}] baseline executemany of {n:,} rows into a scratch table: {base:.3f} s")
    print(
        f"[{label}] tick: {queued:,} outbox rows for one occurrence: {tick:.3f} s"
        f" ({tick / base:.1f}x baseline; target <= {TARGET_S:.1f} s) {'ok' if ok else 'MISSED'}"
    )
    print(f"[{label}] manual run of the same rule: {manual:,} rows in {run:.3f} s")
    return ok


async def pg_database(admin_url: str) -> str:
    name = f"mulin_bench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_pg(admin_url: str, url: str) -> None:
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        name = make_url(url).database
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def main(n: int) -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ok &= await bench(f"sqlite+aiosqlite:///{tmp}/bench.db", "sqlite", n)
    pg = os.environ.get("MULIN_TEST_POSTGRES_URL")
    if pg:
        url = await pg_database(pg)
        try:
            ok &= await bench(url, "postgresql", n)
        finally:
            await drop_pg(pg, url)
    else:
        print("[postgresql] skipped: MULIN_TEST_POSTGRES_URL not set")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    raise SystemExit(asyncio.run(main(parser.parse_args().n)))
