"""The order timer tick: claim orders whose next timer is due, act, and reschedule.

Every ``mulin serve`` process runs this tick. It locks the due rows for its transaction
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the single writer on SQLite) or, when falling back to
one order at a time, leases them; so processes never work on one order at the same time. What
each timer did is recorded on the order (reminded, escalation level, overdue, survey sent), the
order's version is bumped with every write, and every push has a dedupe key — so each
reminder, escalation and follow-up goes out once.

The writes go in batches, each batch one statement sent while the next batch is worked out
(bot.storage.bulk), so the database's part mostly overlaps the Python (the README's benchmark
table says how long each part takes).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import DateTime, Select, Table, bindparam, or_, select, text, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock, StoppedClock
from bot.config import Config
from bot.orders.service import OrderService
from bot.orders.state import ROW_COLUMNS, OrderRow
from bot.orders.timers import Due
from bot.outbox import queue_rows
from bot.roster.cache import RosterCache
from bot.storage.bulk import InsertRows, UpdateRows, write
from bot.storage.outages import is_outage
from bot.storage.write_behind import WriteBehind
from models.base import UTCDateTime
from models.orders import Order, OrderEvent

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
BATCH = 250  # due orders written back together while the next ones are worked out
_ORDERS = cast(Table, Order.__table__)
_EVENTS = cast(Table, OrderEvent.__table__)


def _claim_sql(dialect: str) -> str:
    lock = " FOR UPDATE SKIP LOCKED" if dialect == "postgresql" else ""
    return (
        "UPDATE orders SET timer_lease_until = :lease WHERE id IN ("
        "SELECT id FROM orders WHERE next_timer_at <= :now"
        " AND (timer_lease_until IS NULL OR timer_lease_until < :now)"
        f" ORDER BY next_timer_at LIMIT :n{lock}) RETURNING id"
    )


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[int]:
    dialect = session.get_bind().dialect.name
    stmt = text(_claim_sql(dialect)).bindparams(
        bindparam("lease", type_=_ORDERS.c.timer_lease_until.type),
        bindparam("now", type_=_ORDERS.c.next_timer_at.type),
    )
    rows = await session.execute(stmt, {"lease": now + LEASE, "now": now, "n": limit})
    return [int(r[0]) for r in rows.all()]


def _read_column(name: str, dialect: str) -> Any:
    column = _ORDERS.c[name]
    if dialect == "postgresql" and isinstance(column.type, UTCDateTime):
        # asyncpg already hands back aware UTC values: skip a conversion per value
        return type_coerce(column, DateTime(timezone=True))
    return column


def _due_query(now: datetime, limit: int, dialect: str) -> Select[Any]:
    return (
        select(*(_read_column(name, dialect) for name in ROW_COLUMNS))
        .where(
            _ORDERS.c.next_timer_at <= now,
            or_(_ORDERS.c.timer_lease_until.is_(None), _ORDERS.c.timer_lease_until < now),
        )
        .order_by(_ORDERS.c.next_timer_at)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer anyway
    )


def _batches(total: int, size: int) -> list[tuple[int, int]]:
    """Slices of the due rows: ``size`` each, but the last one small.

    Each batch's write runs while the next batch is worked out; only the last one's runs
    alone, so it is cut short: a fifth of a batch.
    """
    cut = max(0, total - max(1, size // 5))
    starts = sorted({*range(0, cut, size), cut})
    ends = [*starts[1:], total]
    return [(a, b) for a, b in zip(starts, ends, strict=True) if a < b]


async def _write_back(
    session: AsyncSession,
    done: list[OrderRow],
    events: list[dict[str, Any]],
    pushes: list[dict[str, Any]],
) -> None:
    """One batch's orders, history entries and pushes: one statement on PostgreSQL."""
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for order in done:
        change = order.changes()
        shapes.setdefault(tuple(change), []).append(change)
    await write(
        session,
        # one update per shape of change, usually one or two: what each timer sets
        *(UpdateRows(_ORDERS, rows, bump="version") for rows in shapes.values()),
        InsertRows(_EVENTS, events),
        queue_rows(pushes),
    )


async def _tick_in_one_transaction(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    config: Config,
    roster: RosterCache,
    now: datetime,
    limit: int,
    batch: int,
) -> int:
    """Lock the due orders, act on them and write everything back in one transaction.

    Most due orders only need a message and a timestamp: those are read as rows, and written
    back in batches of ``batch``, each batch's writes running while the next batch is worked
    out. An order that moves down the dispatch chain goes through the ORM and the dispatcher
    like any other reassignment (rare: nobody answered it twice), after the rest.
    """
    async with sessions() as session, session.begin():
        # Everything the tick records happens "at" its now: one value for a whole batch's
        # timestamps, not a slightly different one per row to send as an array.
        service = OrderService(session, StoppedClock(now), config, roster, collect=True)
        dialect = session.get_bind().dialect.name
        rows = (await session.execute(_due_query(now, limit, dialect))).all()
        await service.roster()  # now: once writes are in flight, timers must not use the session
        handed_on: list[int] = []
        async with WriteBehind() as writes:
            for first, last in _batches(len(rows), batch):
                done: list[OrderRow] = []
                for row in rows[first:last]:
                    order = OrderRow.read(row)
                    due = await service.due(order, now)  # the roster is read already
                    if Due.HAND_ON in due:
                        handed_on.append(order.id)
                        continue
                    await service.run_timers(order, now, due)
                    done.append(order)
                events, pushes = service.take_collected()
                await writes.start(_write_back(session, done, events, pushes))
            await writes.finish()
        if handed_on:
            found = await session.execute(select(Order).where(Order.id.in_(handed_on)))
            for full in found.scalars():
                await service.run_timers(full, now)
            events, pushes = service.take_collected()
            await write(session, InsertRows(_EVENTS, events), queue_rows(pushes))
        return len(rows)


async def order_timer_tick(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    config: Config,
    roster: RosterCache,
    limit: int = 500,
    batch: int = BATCH,
) -> int:
    """One tick: claim due orders, act on them, reschedule. Returns how many were handled.

    Normally all due orders are handled in one transaction that locks them. If that fails
    (one bad order must not stall the rest), the due orders are leased and handled one by one:
    a failing order keeps its lease and is retried after it runs out.
    """
    now = clock.now()
    try:
        return await _tick_in_one_transaction(sessions, clock, config, roster, now, limit, batch)
    except Exception as exc:
        if is_outage(exc):
            raise  # the database is away: one by one would fail the same way
        log.exception("timer batch failed; handling the due orders one by one")
    async with sessions() as session, session.begin():
        ids = await claim_due(session, now, limit)
    done = 0
    for order_id in ids:
        try:
            async with sessions() as session, session.begin():
                service = OrderService(session, clock, config, roster)
                found = await session.get(Order, order_id)
                if found is None:
                    continue
                await service.run_timers(found, now)
            done += 1  # counted once committed
        except Exception:
            log.exception("timers failed for order %d; retried after the lease", order_id)
    return done
