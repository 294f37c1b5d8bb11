"""The demand list's grouping over a month of 10,000 orders.

The orders are generated with a fixed seed to look like a month in a large community: 40
buildings (a tenth of orders with no building, placed by grid), seven categories, and each
report worded in one of about 150 colloquial ways (the same problem said differently, with
the address, particles and punctuation around it), a fifth of them still unresolved.

- Grouping: :func:`bot.lists.demands.group_orders` over the 10,000 facts (median of three),
  then every group's line. Target (issue 16): <= 2 s.
- Baseline in the same run: the same facts put in buckets by place and category only (no
  wording, no lines): what grouping costs beyond touching every order once.
- The page's path, reported: the same month written to SQLite (migrations, 8 grids of 40 buildings),
  then what the demand page does — read the month's orders and the building-to-grid map,
  make the facts, group them; baseline the same rows fetched as raw tuples.
- Worst case, reported, not a target: 10,000 orders at one building in one category, each
  with different wording, so every order is compared with every group.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, select, text

from bot.lists.demands import OrderFact, group_orders, place_of
from bot.lists.store import ORDER_COLUMNS, facts, grid_map
from bot.storage.engine import create_engine
from bot.storage.migrations import upgrade
from models.community import Building, Community, Grid
from models.orders import Order

START = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 1 November, Beijing time

TARGET_S = 2.0
ORDERS = 10_000
ROUNDS = 3
CATEGORIES = ("repair", "elderly", "paperwork", "dispute", "sanitation", "safety", "parking")
PROBLEMS = (
    "楼道灯坏了",
    "楼道灯不亮",
    "电梯停了",
    "电梯困人",
    "厨房水管漏水",
    "下水道堵了",
    "楼上漏水到我家",
    "门禁坏了",
    "单元门锁坏了",
    "垃圾没人清",
    "路灯不亮",
    "化粪池满了",
    "楼顶防水坏了",
    "电动车乱停",
    "充电桩坏了",
    "高空抛物",
    "噪音扰民",
    "独居老人没人管",
    "要办老年卡",
    "低保年审",
    "邻居吵架",
    "绿化带没人修",
    "积水过不去",
    "窗户玻璃碎了",
    "停水了",
    "停电了",
    "燃气有味道",
    "墙皮脱落",
    "消防通道被占",
    "楼梯扶手松了",
)
TEMPLATES = (
    "{b}栋{p}",
    "{p}了",
    "我家{p}，麻烦快点",
    "{b}号楼{u}单元{p}!!",
    "{p}啊",
    "请帮忙看看{p}",
)
STATUSES = (
    "received",
    "assigned",
    "accepted",
    "resolved",
    "closed",
    "closed",
    "closed",
    "cancelled",
)


def month(seed: int = 16) -> list[OrderFact]:
    rng = random.Random(seed)
    out = []
    for n in range(1, ORDERS + 1):
        building = None if rng.random() < 0.1 else str(rng.randint(1, 40))
        problem = rng.choice(PROBLEMS)
        words = rng.choice(TEMPLATES).format(b=building or "", u=rng.randint(1, 4), p=problem)
        out.append(
            OrderFact(
                n,
                f"o_r{rng.randrange(3000)}",
                1,
                "",
                building,
                f"G{rng.randint(1, 8):02d}",
                rng.choice(CATEGORIES),
                words[:100],
                words,
                rng.choice(STATUSES),
            )
        )
    return out


def worst(seed: int = 17) -> list[OrderFact]:
    rng = random.Random(seed)
    alphabet = (
        "灯电梯水管漏堵门锁垃圾路化粪池顶防车乱停充桩空抛噪音独居老人卡低保吵绿积窗玻璃燃气墙消"
    )
    return [
        OrderFact(
            n,
            f"o{n}",
            1,
            "",
            "3",
            "G01",
            "repair",
            "".join(rng.sample(alphabet, 6)),
            "",
            "received",
        )
        for n in range(1, ORDERS + 1)
    ]


def buckets(orders: list[OrderFact]) -> int:
    found: dict[tuple[str, str], list[OrderFact]] = defaultdict(list)
    for o in orders:
        found[(place_of(o)[0], o.category)].append(o)
    return len(found)


def grouping(orders: list[OrderFact]) -> int:
    groups = group_orders(orders)
    return len([g.line() for g in groups])


def timed(work: Callable[[list[OrderFact]], int], orders: list[OrderFact]) -> tuple[float, int]:
    times, result = [], 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        result = work(orders)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _row(o: OrderFact, n: int) -> dict[str, Any]:
    at = START + timedelta(seconds=n * 259)  # spread over the month
    return {
        "resident_openid": o.openid,
        "community_id": None,
        "building": o.building,
        "category": o.category,
        "urgent": False,
        "text": o.text,
        "summary": o.summary,
        "phones": [],
        "status": o.status,
        "declined_by": [],
        "created_at": at,
        "updated_at": at,
        "escalation_level": 0,
        "version": 1,
    }


async def roster(conn: Any) -> None:
    """One community, 8 grids, 40 buildings (building n in grid n mod 8)."""
    await conn.execute(
        cast(Table, Community.__table__).insert(),
        [{"id": 1, "code": "c", "name": "社区", "kind": "community"}],
    )
    grids = [
        {"id": g, "community_id": 1, "code": f"G{g:02d}", "name": f"第{g}网格", "active": True}
        for g in range(1, 9)
    ]
    await conn.execute(cast(Table, Grid.__table__).insert(), grids)
    buildings = [
        {"community_id": 1, "grid_id": n % 8 + 1, "number": str(n), "estate_code": ""}
        for n in range(1, 41)
    ]
    await conn.execute(cast(Table, Building.__table__).insert(), buildings)


async def page_path(orders: list[OrderFact]) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'demands.db'}")
        await upgrade(engine)
        async with engine.begin() as conn:
            await roster(conn)
            await conn.execute(
                cast(Table, Order.__table__).insert(),
                [_row(o, n) for n, o in enumerate(orders)],
            )
        end = START + timedelta(days=30)
        query = select(*ORDER_COLUMNS).where(Order.created_at >= START, Order.created_at < end)
        raw = text("SELECT * FROM orders WHERE created_at >= :a AND created_at < :b")
        bounds = {"a": START.replace(tzinfo=None), "b": end.replace(tzinfo=None)}
        pages, raws, groups = [], [], 0
        for _ in range(ROUNDS):
            t = time.perf_counter()
            async with engine.connect() as conn:
                rows = (await conn.execute(raw, bounds)).all()
            raws.append(time.perf_counter() - t)
            t = time.perf_counter()
            async with engine.connect() as conn:
                rows = (await conn.execute(query)).all()
                grids = await grid_map(conn)
            groups = len(group_orders(facts(rows, grids), 2))
            pages.append(time.perf_counter() - t)
        await engine.dispose()
    return statistics.median(pages), statistics.median(raws), groups


def main() -> int:
    orders = month()
    base_s, places = timed(buckets, orders)
    print(f"baseline: {ORDERS:,} orders into {places} place/category buckets: {base_s:.3f} s")
    took, groups = timed(grouping, orders)
    biggest = max(group_orders(orders), key=lambda g: g.count)
    print(f"grouping {ORDERS:,} orders into {groups:,} groups with their lines: {took:.3f} s")
    print(f"  largest: {biggest.line()}")
    hard_s, hard = timed(grouping, worst())
    print(
        f"worst case (one place and category, all worded differently): {hard:,} groups, "
        f"{hard_s:.2f} s (reported, not a target)"
    )
    page_s, raw_s, shown = asyncio.run(page_path(orders))
    print(
        f"page path on SQLite (read, grid map, facts, groups of 2+: {shown:,}): {page_s:.3f} s;"
        f" baseline raw fetch of the month's rows: {raw_s:.3f} s (reported, not a target)"
    )
    ok = took <= TARGET_S
    print(f"target grouping <= {TARGET_S} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
