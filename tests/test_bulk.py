"""Bulk writes (bot.storage.bulk) on a real database: what lands is exactly what was asked for."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from sqlalchemy import Table, select
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.storage.bulk import InsertRows, UpdateRows, insert_many, write
from bot.storage.engine import create_engine, session_factory
from bot.storage.migrations import upgrade
from bot.storage.write_behind import WriteBehind
from models.outbox import OutboxMessage

OUTBOX = cast(Table, OutboxMessage.__table__)
T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def message(i: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "purpose": "reminder",
        "recipient": f"o_{i % 3}",
        "payload": {"text": f"工单 #{i} 请处理", "template": {"fields": {"n": i}}},
        "dedupe_key": f"k{i}",
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": T0,
        "created_at": T0,
    }
    row.update(changes)
    return row


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[tuple[AsyncEngine, async_sessionmaker[AsyncSession]]]:
    engine = create_engine(db_url)
    await upgrade(engine)
    try:
        yield engine, session_factory(engine)
    finally:
        await engine.dispose()


async def stored(sessions: async_sessionmaker[AsyncSession]) -> dict[str, OutboxMessage]:
    async with sessions() as s:
        rows = (await s.execute(select(OutboxMessage))).scalars().all()
        return {m.dedupe_key: m for m in rows}


async def test_rows_land_as_given_with_shared_and_varying_values(
    db: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    _, sessions = db
    rows = [message(i) for i in range(50)]
    rows[7]["next_attempt_at"] = T0 + timedelta(hours=1)  # one row differs in a shared column
    rows[8]["payload"] = {"news": {"title": "通知", "url": "https://example.org/a"}}
    async with sessions() as s, s.begin():
        await insert_many(s, OUTBOX, rows)
    got = await stored(sessions)
    assert len(got) == 50
    for row in rows:
        m = got[row["dedupe_key"]]
        assert (m.purpose, m.recipient, m.payload, m.status, m.attempts) == (
            row["purpose"],
            row["recipient"],
            row["payload"],
            row["status"],
            row["attempts"],
        )
        assert m.next_attempt_at == row["next_attempt_at"] and m.created_at == T0
    assert got["k3"].payload["template"]["fields"]["n"] == 3  # JSON kept its types


async def test_a_single_row_and_rows_that_agree_on_everything(
    db: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    _, sessions = db
    async with sessions() as s, s.begin():
        await insert_many(s, OUTBOX, [message(1)])
    # every column the same but the key: it still makes exactly one row each
    async with sessions() as s, s.begin():
        await insert_many(s, OUTBOX, [message(2), message(2)], skip_conflicts_on="dedupe_key")
    got = await stored(sessions)
    assert sorted(got) == ["k1", "k2"]


async def test_conflicting_keys_are_skipped_and_the_rest_land(
    db: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    _, sessions = db
    async with sessions() as s, s.begin():
        await insert_many(s, OUTBOX, [message(1, recipient="o_first")])
    async with sessions() as s, s.begin():
        await insert_many(
            s,
            OUTBOX,
            [message(1, recipient="o_again"), message(2), message(2, recipient="o_twice")],
            skip_conflicts_on="dedupe_key",
        )
    got = await stored(sessions)
    assert sorted(got) == ["k1", "k2"]
    assert got["k1"].recipient == "o_first"  # what was queued first stays
    assert got["k2"].recipient == "o_2"


async def test_updates_inserts_and_version_bump_in_one_write(
    db: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    _, sessions = db
    async with sessions() as s, s.begin():
        await insert_many(s, OUTBOX, [message(i) for i in range(6)])
    ids = {k: m.id for k, m in (await stored(sessions)).items()}
    later = T0 + timedelta(minutes=5)
    async with sessions() as s, s.begin():
        await write(
            s,
            UpdateRows(
                OUTBOX,
                [{"id": ids[f"k{i}"], "status": "sent", "sent_at": later} for i in (0, 1, 2)],
                bump="attempts",
            ),
            UpdateRows(OUTBOX, [{"id": ids["k3"], "status": "failed", "last_error": "45015"}]),
            UpdateRows(OUTBOX, []),  # nothing to do: skipped
            InsertRows(OUTBOX, [message(9)], skip_conflicts_on="dedupe_key"),
        )
    got = await stored(sessions)
    for k in ("k0", "k1", "k2"):
        assert (got[k].status, got[k].sent_at, got[k].attempts) == ("sent", later, 1)
    assert (got["k3"].status, got["k3"].last_error, got["k3"].attempts) == ("failed", "45015", 0)
    assert (got["k4"].status, got["k4"].sent_at) == ("pending", None)
    assert "k9" in got


async def test_a_failing_write_leaves_nothing_behind(
    db: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    _, sessions = db
    async with sessions() as s, s.begin():
        await insert_many(s, OUTBOX, [message(1)])
    with pytest.raises(Exception):  # noqa: B017 - the driver's own error, whichever it is
        async with sessions() as s, s.begin():
            await insert_many(s, OUTBOX, [message(2)])
            await insert_many(s, OUTBOX, [message(1)])  # no skip: the unique key refuses it
    assert sorted(await stored(sessions)) == ["k1"]


async def test_write_behind_runs_batches_in_order_and_reports_failure(
    db: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    _, sessions = db
    async with sessions() as s, s.begin(), WriteBehind() as writes:
        for batch in range(4):
            # each batch re-queues the previous batch's keys too: only order makes them skip
            rows = [message(i, recipient=f"o_batch{batch}") for i in range(batch * 10 + 10)]
            await writes.start(insert_many(s, OUTBOX, rows, skip_conflicts_on="dedupe_key"))
        await writes.finish()
    got = await stored(sessions)
    assert len(got) == 40
    assert {got[f"k{i}"].recipient for i in range(10)} == {"o_batch0"}
    assert {got[f"k{i}"].recipient for i in range(30, 40)} == {"o_batch3"}

    # a batch that fails surfaces at the next start, and the transaction keeps none of it
    async with sessions() as s:
        await s.begin()
        writes = WriteBehind()
        await writes.start(insert_many(s, OUTBOX, [message(100)]))
        await writes.start(insert_many(s, OUTBOX, [message(0)]))  # clashes with k0
        with pytest.raises(IntegrityError):
            await writes.start(insert_many(s, OUTBOX, [message(101)]))
        await s.rollback()
    assert len(await stored(sessions)) == 40


async def test_a_batch_failing_fails_the_block_even_without_finish(
    db: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    _, sessions = db
    async with sessions() as s, s.begin():
        await insert_many(s, OUTBOX, [message(0)])
    with pytest.raises(IntegrityError):
        async with sessions() as s, s.begin(), WriteBehind() as writes:
            await writes.start(insert_many(s, OUTBOX, [message(1)]))
            await writes.start(insert_many(s, OUTBOX, [message(0)]))  # clashes; never finished
    assert sorted(await stored(sessions)) == ["k0"]  # k1 went with the failed transaction


async def test_values_that_only_look_alike_stay_apart(
    db: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    _, sessions = db
    payloads = [{"n": 1, "ok": 1}, {"n": 1.0, "ok": True}]  # equal in Python, not as JSON
    rows = [message(i, payload=p) for i, p in enumerate(payloads)]
    async with sessions() as s, s.begin():
        await insert_many(s, OUTBOX, rows)
    got = await stored(sessions)
    assert [type(got[f"k{i}"].payload["n"]) for i in range(2)] == [int, float]
    assert [type(got[f"k{i}"].payload["ok"]) for i in range(2)] == [int, bool]


async def test_nulls_and_shared_values_in_every_column_kind(
    db: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    _, sessions = db
    rows = [
        message(i, lease_until=None, last_error=None, sent_at=None, channel="custom")
        for i in range(3)
    ]
    async with sessions() as s, s.begin():
        await insert_many(s, OUTBOX, rows)
    ids = [m.id for m in (await stored(sessions)).values()]
    async with sessions() as s, s.begin():
        await write(
            s,
            UpdateRows(OUTBOX, [{"id": i, "channel": None, "sent_at": T0} for i in ids]),
        )
    got = await stored(sessions)
    assert {(m.channel, m.sent_at, m.lease_until, m.last_error) for m in got.values()} == {
        (None, T0, None, None)
    }


async def test_values_the_column_cannot_hold_are_refused_not_altered(
    db: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    engine, sessions = db
    # a naive time would be read as the server's local time: refused, as the ORM refuses it
    with pytest.raises((ValueError, StatementError), match="naive"):
        async with sessions() as s, s.begin():
            await insert_many(s, OUTBOX, [message(1, created_at=datetime(2026, 11, 23, 1))])
    if engine.dialect.name == "postgresql":  # SQLite does not enforce VARCHAR lengths
        with pytest.raises(DBAPIError, match="too long"):
            async with sessions() as s, s.begin():
                await insert_many(s, OUTBOX, [message(2, recipient="o" * 70)])
        with pytest.raises(DBAPIError, match="too long"):
            async with sessions() as s, s.begin():
                await insert_many(s, OUTBOX, [message(3, recipient="o" * 70), message(4)])
    assert await stored(sessions) == {}


async def test_write_behind_waits_for_the_batch_in_flight_when_the_caller_fails(
    db: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    _, sessions = db
    finished: list[str] = []

    async def slow_batch(s: AsyncSession) -> None:
        await insert_many(s, OUTBOX, [message(1)])
        await asyncio.sleep(0.05)
        finished.append("batch")

    with pytest.raises(RuntimeError, match="caller"):
        async with sessions() as s, s.begin(), WriteBehind() as writes:
            await writes.start(slow_batch(s))
            raise RuntimeError("caller failed while a batch was in flight")
    # the batch ran to its end before the rollback, which then took it away
    assert finished == ["batch"]
    assert await stored(sessions) == {}


async def test_a_cancelled_caller_lets_the_batch_in_flight_end_before_rolling_back(
    db: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    _, sessions = db
    finished: list[str] = []
    started = asyncio.Event()

    async def slow_batch(s: AsyncSession) -> None:
        started.set()
        await insert_many(s, OUTBOX, [message(1)])
        await asyncio.sleep(0.1)
        finished.append("batch")

    async def caller() -> None:
        async with sessions() as s, s.begin(), WriteBehind() as writes:
            await writes.start(slow_batch(s))
            await writes.finish()

    task = asyncio.create_task(caller())
    await started.wait()
    task.cancel()  # a shutdown while the tick waits for its batch
    with pytest.raises(asyncio.CancelledError):
        await task
    assert finished == ["batch"]  # not cut off mid-statement
    assert await stored(sessions) == {}  # and rolled back with the rest
    async with sessions() as s, s.begin():  # the connection is fine for the next one
        await insert_many(s, OUTBOX, [message(2)])
    assert sorted(await stored(sessions)) == ["k2"]


async def test_json_none_is_stored_as_the_orm_stores_it(
    db: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    from sqlalchemy import text

    from models.orders import Order, OrderEvent

    _, sessions = db
    async with sessions() as s, s.begin():
        order = Order(
            resident_openid="o_r",
            category="repair",
            urgent=False,
            text="灯坏了",
            summary="灯坏了",
            phones=[],
            status="received",
            declined_by=[],
            created_at=T0,
            updated_at=T0,
        )
        s.add(order)
        await s.flush()
        event: dict[str, Any] = {
            "order_id": order.id,
            "at": T0,
            "actor": "system",
            "action": "note",
            "from_status": None,
            "to_status": "received",
            "note": "",
            "data": None,
        }
        s.add(OrderEvent(**{**event, "action": "by-orm"}))
        await insert_many(s, cast(Table, OrderEvent.__table__), [{**event, "action": "bulk"}])
    async with sessions() as s:
        stored_as = dict(
            (await s.execute(text("SELECT action, data IS NULL FROM order_events"))).all()
        )
    assert stored_as["bulk"] == stored_as["by-orm"]  # the same SQL value either way
