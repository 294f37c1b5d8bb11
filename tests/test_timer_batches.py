"""The timer tick over many due orders at once: batches, every kind of timer, failures mid-way.

The tick reads due orders as plain rows and writes them back in batches while it works on the
next batch; these tests use tiny batches so that every boundary, every shape of change and a
failure in a batch that is already in flight are all exercised.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.config import Config
from bot.roster.cache import RosterCache
from bot.storage.engine import create_engine, session_factory
from bot.storage.migrations import upgrade
from bot.ticks.order_timers import order_timer_tick
from models.community import Member
from models.orders import Order, OrderEvent
from models.outbox import OutboxMessage
from tests.support import make_config, seed_roster

# Monday noon in Shanghai: every kind falls due in the day (a non-urgent order's timers
# ping nobody at night, sla.quiet_hours)
NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
M, H, D = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@dataclass(frozen=True)
class Kind:
    """One kind of due order: how it looks before the tick, what the tick must do to it."""

    name: str
    status: str
    created: timedelta  # before NOW
    assigned: timedelta | None = None
    accept_reminded: timedelta | None = None
    escalation_level: int = 0
    resolve_reminded: timedelta | None = None
    resolved: timedelta | None = None
    survey_sent: timedelta | None = None
    action: str | None = None  # the history entry the tick must add
    told: tuple[str, ...] = ()  # who gets a push
    column: str | None = None  # the timestamp column the tick must set to NOW


KINDS = [
    Kind("remind_accept", "assigned", 35 * M, assigned=35 * M, action="timer:remind_accept",
         told=("o_m02",), column="accept_reminded_at"),
    Kind("escalate_grid", "assigned", 2 * H + 5 * M, assigned=10 * M,
         action="timer:escalate_grid", told=("o_m01",)),
    Kind("escalate_staff", "assigned", 4 * H + 5 * M, assigned=10 * M, escalation_level=1,
         action="timer:escalate_staff", told=("o_m03",)),
    Kind("remind_resolve", "accepted", 2 * D + 12 * H, assigned=2 * D + 12 * H,
         action="timer:remind_resolve", told=("o_m02",), column="resolve_reminded_at"),
    Kind("overdue", "accepted", 3 * D + H, assigned=3 * D + H, resolve_reminded=12 * H,
         action="timer:overdue", told=("o_m02", "o_m01"), column="overdue_at"),
    Kind("survey", "resolved", 2 * D, assigned=2 * D, resolved=25 * H, action="timer:survey",
         told=("o_resident",), column="survey_sent_at"),
    Kind("close_unrated", "resolved", 6 * D, assigned=6 * D, resolved=5 * D,
         survey_sent=3 * D + H, action="timer:close_unrated", column="closed_at"),
    Kind("nothing_yet", "accepted", H, assigned=H),  # a stale timer: only rescheduled
    Kind("hand_on", "assigned", 65 * M, assigned=65 * M, accept_reminded=35 * M,
         action="assign", told=("o_m01",)),  # the grid leader is next in the chain
]  # fmt: skip


def ago(delta: timedelta | None) -> datetime | None:
    return None if delta is None else NOW - delta


class Desk:
    def __init__(self, url: str) -> None:
        self.url = url
        self.config: Config = make_config(url, "plain")
        self.engine = create_engine(url)
        self.sessions: async_sessionmaker[AsyncSession] = session_factory(self.engine)
        self.clock = FakeClock(NOW)
        self.roster = RosterCache()

    async def open(self) -> None:
        await upgrade(self.engine)
        await seed_roster(self.sessions, NOW - 30 * D)

    async def seed(self, kinds: list[Kind], copies: int) -> dict[int, Kind]:
        async with self.sessions() as s, s.begin():
            m02 = (await s.execute(select(Member.id).where(Member.key == "m02"))).scalar_one()
            made: list[tuple[Order, Kind]] = []
            for i in range(copies):
                for kind in kinds:
                    order = Order(
                        resident_openid="o_resident",
                        building="1",
                        unit="1",
                        room=f"{101 + i}",
                        category="repair",
                        urgent=False,
                        text="水管漏水",
                        summary="水管漏水",
                        phones=[],
                        status=kind.status,
                        assignee_id=m02,
                        declined_by=[],
                        created_at=NOW - kind.created,
                        updated_at=NOW - kind.created,
                        assigned_at=ago(kind.assigned),
                        accepted_at=ago(kind.assigned) if kind.status != "assigned" else None,
                        resolved_at=ago(kind.resolved),
                        accept_reminded_at=ago(kind.accept_reminded),
                        escalation_level=kind.escalation_level,
                        resolve_reminded_at=ago(kind.resolve_reminded),
                        survey_sent_at=ago(kind.survey_sent),
                        next_timer_at=NOW - timedelta(seconds=1 + i),
                    )
                    s.add(order)
                    made.append((order, kind))
            await s.flush()
            return {order.id: kind for order, kind in made}

    async def tick(self, batch: int) -> int:
        return await order_timer_tick(
            self.sessions, self.clock, self.config, self.roster, limit=1000, batch=batch
        )

    async def close(self) -> None:
        await self.engine.dispose()


@pytest.fixture
async def desk(db_url: str) -> Any:
    d = Desk(db_url)
    await d.open()
    try:
        yield d
    finally:
        await d.close()


async def history(desk: Desk) -> tuple[dict[int, Order], Counter[tuple[int, str]], list[Any]]:
    async with desk.sessions() as s:
        orders = {o.id: o for o in (await s.execute(select(Order))).scalars()}
        events = Counter(
            (e.order_id, e.action) for e in (await s.execute(select(OrderEvent))).scalars()
        )
        pushes = list((await s.execute(select(OutboxMessage))).scalars())
    return orders, events, pushes


@pytest.mark.parametrize("batch", [4, 1000])
async def test_every_kind_of_timer_once_across_batches(desk: Desk, batch: int) -> None:
    made = await desk.seed(KINDS, copies=5)  # 45 due orders: in batches of 4, 12 batches
    assert await desk.tick(batch) == len(made)
    orders, events, pushes = await history(desk)
    pushed = Counter(p.dedupe_key.split(":")[1] for p in pushes)  # order:<id>:...
    for order_id, kind in made.items():
        o = orders[order_id]
        where = f"#{order_id} {kind.name}"
        assert o.timer_lease_until is None, where
        if kind.action:
            assert events[(order_id, kind.action)] == 1, where
        if kind.column:
            assert getattr(o, kind.column) == NOW, where
        assert pushed[str(order_id)] == len(kind.told), where
        recipients = sorted(p.recipient for p in pushes if f":{order_id}:" in p.dedupe_key)
        assert recipients == sorted(kind.told), where
        if kind.name == "hand_on":  # next in the chain, through the dispatcher
            assert o.status == "assigned" and o.assigned_at == NOW, where
            assert o.declined_by == [o.declined_by[0]] and o.assignee_id != o.declined_by[0], where
            assert o.version == 2, where  # written once, by the dispatcher
            continue
        assert o.version == 2, where  # every write bumps it: earlier readers get a conflict
        assert o.next_timer_at is None or o.next_timer_at > NOW, where
        if kind.name == "escalate_grid":
            assert o.escalation_level == 1, where
        if kind.name == "escalate_staff":
            assert o.escalation_level == 2, where
        if kind.name == "close_unrated":
            assert o.status == "closed" and o.next_timer_at is None, where
        if kind.name == "nothing_yet":
            assert sum(n for (oid, _), n in events.items() if oid == order_id) == 0, where
            assert o.next_timer_at == o.created_at + 3 * D * 0.8, where
    remind = next(p for p in pushes if "remind-resolve" in p.dedupe_key)
    assert (
        "12小时" in remind.payload["text"] and "11月24日 00:00" in remind.payload["text"]
    )  # Shanghai time
    assert remind.payload["template"]["fields"]["thing3"].startswith("1栋1单元")
    # and a second tick finds nothing left to do
    assert await desk.tick(batch) == 0
    assert len((await history(desk))[2]) == len(pushes)


@pytest.fixture
def failing_update(desk: Desk) -> Any:
    """A database trigger that refuses the tick's write to one order (a real write error)."""

    async def install(order_id: int) -> None:
        async with desk.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(
                    text(
                        "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN"
                        f" IF NEW.id = {order_id} AND NEW.resolve_reminded_at IS NOT NULL"
                        " THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$"
                        " LANGUAGE plpgsql"
                    )
                )
                await conn.execute(
                    text(
                        "CREATE TRIGGER refuse BEFORE UPDATE ON orders"
                        " FOR EACH ROW EXECUTE FUNCTION refuse()"
                    )
                )
            else:
                await conn.execute(
                    text(
                        "CREATE TRIGGER refuse BEFORE UPDATE ON orders"
                        f" WHEN NEW.id = {order_id} AND NEW.resolve_reminded_at IS NOT NULL"
                        " BEGIN SELECT RAISE(ABORT, 'refused'); END"
                    )
                )

    return install


@pytest.mark.parametrize("failure", ["write", "decision"])
async def test_a_failure_in_a_later_batch_loses_nothing(
    desk: Desk, failing_update: Any, caplog: pytest.LogCaptureFixture, failure: str
) -> None:
    kind = next(k for k in KINDS if k.name == "remind_resolve")
    made = await desk.seed([kind], copies=30)
    ids = sorted(made)
    bad = ids[17]  # in the fifth batch of four, while earlier batches are already written
    if failure == "write":
        await failing_update(bad)  # the database refuses the batch that holds it
    else:  # the tick cannot decide for it: fails while the batch before is in flight
        async with desk.engine.begin() as conn:
            await conn.execute(
                text("UPDATE orders SET status = 'no-such-status' WHERE id = :id"), {"id": bad}
            )
    assert await desk.tick(batch=4) == 29  # the batch failed as a whole; then one by one
    assert "timer batch failed" in caplog.text
    orders, events, pushes = await history(desk)
    for order_id in ids:
        reminded = [p for p in pushes if p.dedupe_key == f"order:{order_id}:remind-resolve"]
        if order_id == bad:
            assert orders[bad].resolve_reminded_at is None and not reminded
            assert orders[bad].timer_lease_until is not None  # retried after its lease
            assert events[(bad, "timer:remind_resolve")] == 0
        else:
            assert orders[order_id].resolve_reminded_at == NOW
            assert len(reminded) == 1 and events[(order_id, "timer:remind_resolve")] == 1
            assert orders[order_id].version == 2  # written once: the failed batch left nothing


@pytest.mark.parametrize("total", [0, 1, 49, 50, 51, 260, 1000, 1013])
def test_batches_cover_every_row_once_and_end_small(total: int) -> None:
    from bot.ticks.order_timers import _batches

    slices = _batches(total, 250)
    covered = [i for a, b in slices for i in range(a, b)]
    assert covered == list(range(total))
    assert all(b - a <= 250 for a, b in slices)
    if total > 250:  # the last write runs alone: it is kept short
        assert slices[-1][1] - slices[-1][0] <= 50
