"""The figures page's fast path (bot.kpi.page) against the reference: the same numbers as
``load_facts`` + the scope's filter + ``summarize`` + ``trend`` on a generated street of
orders, for months, weeks, custom ranges and the running month, every kind of scope; and the
figures it keeps of finished months follow later changes (a rating, a reopen, a roster move).

The orders sit on a half-hour grid under working hours with a holiday, so that many land
exactly on a deadline (the floats cannot decide those: they go the reference way), and some
carry microseconds (the database's seconds must be exactly ``datetime.timestamp()``'s)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kpi.facts import OrderFact
from bot.kpi.figures import summarize, trend
from bot.kpi.load import REOPEN, WHISTLE, load_facts
from bot.kpi.page import PAGE_CUTS, FiguresCache, PageFigures, page_figures
from bot.kpi.period import Period
from bot.kpi.rows import Filter
from bot.orders.calendar import WorkCalendar
from bot.orders.timers import Sla
from bot.roster.apply import import_rosters
from bot.roster.files.street import read_rosters
from bot.storage.engine import create_engine
from bot.storage.migrations import upgrade
from models.community import Building, Community, Grid, Member
from models.orders import Order, OrderEvent
from tests.street_demo_support import DEMO

SH = ZoneInfo("Asia/Shanghai")

M, H, D = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
SLA = Sla(
    accept_within=30 * M,
    escalate_after=2 * H,
    resolve_urgent=2 * H,
    resolve_default=3 * D,
    survey_after=24 * H,
    survey_timeout=72 * H,
    calendar=WorkCalendar(
        tz=SH, opens=time(9), closes=time(17), holidays=frozenset({date(2026, 11, 12)})
    ),
)
NOW = datetime(2026, 12, 10, 3, 15, tzinfo=UTC)
CATEGORIES = ("repair", "elderly", "sanitation", "dispute")


def _order(rng: random.Random, created: datetime, who: dict[str, Any]) -> dict[str, Any]:
    step = 30 * M
    if rng.random() < 0.2:  # off the grid, to the microsecond
        created += timedelta(microseconds=rng.randrange(1, 10**6) * rng.randrange(1, 600))
    assigned = created + step * rng.randrange(3) if rng.random() < 0.85 else None
    accepted = (assigned or created) + step * rng.randrange(5) if rng.random() < 0.7 else None
    if accepted and rng.random() < 0.1:  # just either side of the 30-minute deadline
        accepted = (assigned or created) + step + timedelta(microseconds=rng.choice((-400, 700)))
    resolved = created + step * rng.randrange(1, 400) if accepted and rng.random() < 0.7 else None
    if resolved:
        status = rng.choice(("resolved", "closed", "closed", "assigned"))  # assigned: reopened
    else:
        status = rng.choice(("received", "assigned", "accepted", "cancelled", "escalated"))
    return {
        "resident_openid": f"o_r{rng.randrange(400)}", "unit": "1", "room": "101",
        "text": "楼道灯坏了", "summary": "楼道灯坏了", "phones": [], "declined_by": [],
        "category": rng.choice(CATEGORIES), "urgent": rng.random() < 0.15, "status": status,
        "created_at": created, "updated_at": created, "assigned_at": assigned,
        "accepted_at": accepted, "resolved_at": resolved,
        "closed_at": resolved if status == "closed" else None,
        "rating": rng.randint(1, 5) if status in ("closed", "assigned") and resolved else None,
        "escalation_level": rng.choice((0, 0, 1, 2)),
        "overdue_at": created + 3 * D if rng.random() < 0.1 else None,
        "merged_into": 1 if rng.random() < 0.03 else None, "version": 1,
        **who,
    }  # fmt: skip


async def seed(engine: AsyncEngine, count: int = 1500) -> None:
    await upgrade(engine)
    await import_rosters(engine, read_rosters(DEMO))
    rng = random.Random(16)
    orders, events = cast(Table, Order.__table__), cast(Table, OrderEvent.__table__)
    async with engine.begin() as conn:
        members = list((await conn.execute(select(Member.id))).scalars())
        ids = {c.code: c.id for c in await conn.execute(select(Community.code, Community.id))}
        places = [  # community, estate, building: known, unknown, without estate, none at all
            (ids["qhj"], "QHJ", "3"), (ids["qhj"], "QHJ", "5"), (ids["dt"], "DT", "3"),
            (ids["dt"], "DT", "4"), (ids["dt"], "", "4"), (None, None, "2"), (None, None, None),
            (ids["qhj"], "QHJ", "99"),
        ]  # fmt: skip
        start = datetime(2025, 11, 20, tzinfo=SH)
        rows = []
        for _ in range(count):
            community, estate, building = rng.choice(places)
            who = {
                "community_id": community,
                "estate_code": estate,
                "building": building,
                "assignee_id": rng.choice(members) if rng.random() < 0.9 else None,
            }
            created = start + 30 * M * rng.randrange(390 * 48)
            rows.append(_order(rng, created.astimezone(UTC), who))
        await conn.execute(orders.insert(), rows)
        found = (await conn.execute(select(Order.id, Order.created_at))).all()
        marks = [
            {"order_id": i, "at": at, "actor": "system", "note": "",
             "action": REOPEN if rng.random() < 0.5 else WHISTLE}
            for i, at in found if rng.random() < 0.15
        ]  # fmt: skip
        await conn.execute(events.insert(), marks)


def _admits(scope: Filter, o: OrderFact) -> bool:
    wanted = scope.category is None or o.category == scope.category
    return wanted and scope.admits_place(o.community, o.grid)


async def reference(
    engine: AsyncEngine, period: Period, scope: Filter, with_trend: bool = True
) -> PageFigures:
    months = period.months_back(12)
    start = min(months[0].start_utc, period.previous().start_utc)
    facts, names = await load_facts(engine, start, max(period.end_utc, months[-1].end_utc))
    kept = [o for o in facts if _admits(scope, o)]
    summary = summarize(kept, SLA, period, PAGE_CUTS, as_of=min(NOW, period.end_utc))
    series = trend(kept, SLA, period, 12, as_of=NOW) if with_trend else None
    return PageFigures(summary, series, names)


PERIODS = [
    Period.month(2026, 11),  # finished
    Period.month(2026, 12),  # running: as of NOW
    Period.month(2025, 12),  # its previous month nearly empty
    Period.week(date(2026, 11, 11)),  # the holiday's week
    Period.custom(date(2026, 9, 25), date(2026, 10, 9)),
]
SCOPES = [
    Filter(),
    Filter(allowed=frozenset({"qhj"})),
    Filter(community="dt", grid="G01"),
    Filter(allowed=frozenset({"qhj", "dt"}), grid="G01", category="repair"),
    Filter(category="elderly"),
]


async def test_the_fast_path_gives_the_reference_figures(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await seed(engine)
        cache = FiguresCache()
        for period in PERIODS:
            for scope in SCOPES:
                want = await reference(engine, period, scope)
                for kept in (None, cache, cache):  # cold, then filling the cache, then from it
                    got = await page_figures(engine, SLA, period, scope, NOW, cache=kept)
                    assert got == want, (period, scope)
                assert want.summary.figures.received > 0 or scope.category, (period, scope)
        printed = await page_figures(engine, SLA, PERIODS[0], Filter(), NOW, with_trend=False)
        assert printed == await reference(engine, PERIODS[0], Filter(), with_trend=False)
        assert cache.hits > 0
    finally:
        await engine.dispose()


async def test_kept_figures_follow_later_changes(db_url: str) -> None:
    engine = create_engine(db_url)
    november = Period.month(2026, 11)
    try:
        await seed(engine, 400)
        cache = FiguresCache()

        async def both() -> tuple[PageFigures, PageFigures]:
            got = await page_figures(engine, SLA, november, Filter(), NOW, cache=cache)
            return got, await reference(engine, november, Filter())

        first, _ = await both()
        hits = cache.hits
        again, _ = await both()
        assert again == first and cache.hits == hits + 12  # every window was kept
        # a late rating on a November order (the ORM bumps its version, as the service does)
        async with engine.begin() as conn:
            target = (
                await conn.execute(
                    select(Order.id)
                    .where(Order.created_at >= november.start_utc, Order.status == "resolved")
                    .where(Order.created_at < november.end_utc, Order.merged_into.is_(None))
                    .limit(1)
                )
            ).scalar_one()
            await conn.execute(
                update(Order)
                .where(Order.id == target)
                .values(status="closed", rating=5, version=Order.version + 1)
            )
        rated, want = await both()
        assert rated == want and rated.summary.figures.rated == first.summary.figures.rated + 1
        # 青和居's building 5 moves to G01: the grids' figures move with it
        async with engine.begin() as conn:
            g01 = select(Grid.id).where(Grid.code == "G01", Grid.community_id == Community.id)
            qhj = (await conn.execute(select(Community.id).where(Community.code == "qhj"))).one()
            await conn.execute(
                update(Building)
                .where(Building.number == "5", Building.community_id == qhj[0])
                .values(grid_id=g01.where(Community.code == "qhj").scalar_subquery())
            )
        moved, want = await both()
        assert moved == want and moved.summary.cuts["place"] != rated.summary.cuts["place"]
    finally:
        await engine.dispose()


def test_sqlite_seconds_are_the_timestamps_python_gives() -> None:
    """Both SQL forms (SQLite 3.38+ and older) read the stored text as exactly the float
    ``datetime.timestamp()`` gives, including a fraction SQLite would round to a second."""
    import sqlite3

    from bot.kpi.rows import seconds

    db = sqlite3.connect(":memory:")
    rng = random.Random(3)
    times = [
        datetime(2026, 11, 1, 9, 59, 59, 999_700, tzinfo=UTC),
        datetime(2026, 1, 1, tzinfo=UTC),
    ]
    times += [NOW - timedelta(microseconds=rng.randrange(10**14)) for _ in range(500)]
    forms = (True, False) if sqlite3.sqlite_version_info >= (3, 38) else (False,)
    for modern in forms:
        sql = f"SELECT {seconds('?1', 'sqlite', modern)}"
        for t in times:
            stored = t.replace(tzinfo=None).isoformat(" ", timespec="microseconds")
            assert db.execute(sql, (stored,)).fetchone()[0] == t.timestamp(), (modern, stored)
        assert db.execute(sql, (None,)).fetchone()[0] is None
