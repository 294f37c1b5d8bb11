"""The order timer tick: claim orders whose next timer is due, act, and reschedule.

Every ``mulin serve`` process runs this tick. It locks the due rows for its transaction
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the single writer on SQLite) or, when falling back to
one order at a time, leases them; so processes never work on one order at the same time. What
each timer did is recorded on the order (reminded, escalation level, overdue, survey sent), the
order's version is bumped with every write, and every push has a dedupe key — so each
reminder, escalation and follow-up goes out once.

Where the time goes (1,000 due orders on PostgreSQL, this project's 2-core VM): reading them
~6 ms; deciding and wording each order's messages ~45 ms of Python; writing orders, history and
pushes ~35 ms in the database. The writes go in batches, each batch one statement sent while
the next batch is worked out (bot.storage.bulk), so the database's part mostly overlaps the Python.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import DateTime, Select, Table, bindparam, or_, select, text, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.clock import Clock, StoppedClock
from bot.config import Config
from bot.orders.dispatch import CATEGORY_NAMES
from bot.orders.lifecycle import Status
from bot.orders.service import OrderDesk, place_text, timer_state
from bot.orders.timers import Due, TimerFacts, plan, resolve_deadline
from bot.outbox import queue_rows
from bot.roster.cache import RosterCache
from bot.storage.bulk import InsertRows, UpdateRows, WriteBehind, write
from bot.storage.outages import is_outage
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


@dataclass(slots=True)
class DueOrder:
    """A due order as the tick reads it (its fields are the columns read), changed by act().

    Plain rows, not ORM objects: loading and tracking 1,000 ORM orders cost more than deciding
    and telling for all of them.
    """

    id: int
    status: str
    urgent: bool
    created_at: datetime
    assigned_at: datetime | None
    resolved_at: datetime | None
    accept_reminded_at: datetime | None
    escalation_level: int
    resolve_reminded_at: datetime | None
    overdue_at: datetime | None
    survey_sent_at: datetime | None
    closed_at: datetime | None
    assignee_id: int | None
    resident_openid: str
    category: str
    building: str | None
    unit: str | None
    room: str | None
    summary: str
    updated_at: datetime
    next_timer_at: datetime | None
    timer_lease_until: datetime | None
    before: tuple[Any, ...] = field(default=(), init=False, repr=False)

    @classmethod
    def of(cls, row: Sequence[Any]) -> DueOrder:
        order = cls(*row)
        order.before = tuple(row)
        return order

    def changes(self) -> dict[str, Any]:
        """The written columns act() changed, with the id: what the bulk UPDATE must set."""
        before = self.before
        out: dict[str, Any] = {"id": self.id}
        for name, at in _WRITTEN:
            value = getattr(self, name)
            if value != before[at]:
                out[name] = value
        return out


_READ = tuple(f.name for f in fields(DueOrder) if f.init)
# what act() may change (a hand-on aside, which goes through the ORM), and where each was read
_WRITTEN = tuple(
    (name, _READ.index(name))
    for name in (
        "status",
        "closed_at",
        "accept_reminded_at",
        "escalation_level",
        "resolve_reminded_at",
        "overdue_at",
        "survey_sent_at",
        "updated_at",
        "next_timer_at",
        "timer_lease_until",
    )
)


def _local(when: datetime, config: Config) -> str:
    # a tick words hundreds of deadlines, most of them within the same few minutes
    return _local_minute(int(when.timestamp()) // 60, config.tz)


@lru_cache(maxsize=4096)
def _local_minute(minute: int, tz: tzinfo) -> str:
    t = datetime.fromtimestamp(minute * 60, tz)
    return f"{t.month:02d}月{t.day:02d}日 {t.hour:02d}:{t.minute:02d}"


def _span(delta: timedelta) -> str:
    minutes = max(1, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes}分钟"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}小时"
    return f"{hours // 24}天"


def _facts(order: Order | DueOrder) -> TimerFacts:
    # a row is read as is; an ORM order through timer_state(), which fills in what an
    # order not yet flushed still lacks (escalation_level before its default applies)
    return timer_state(order) if isinstance(order, Order) else order


async def act(
    desk: OrderDesk,
    order: Order | DueOrder,
    now: datetime,
    due: list[Due] | None = None,
) -> list[Due]:
    """Do whatever is due on this order now and set its next timer; returns what was done.

    ``due``: what is due, when the caller has worked it out. Only an ORM order can be handed
    on (the dispatcher needs it); the tick sends those through the ORM.
    """
    state = _facts(order)
    if due is None:
        due = plan(state, desk.sla, now)[0]
    view = await desk.roster()
    place = place_text(order)
    common = {
        "number": order.id,
        "category": CATEGORY_NAMES.get(order.category, order.category),
        "place": place,
        "summary": order.summary,
    }
    for what in due:
        before = order.status
        note = ""
        holder = view.by_id.get(order.assignee_id) if order.assignee_id else None
        if what == Due.REMIND_ACCEPT and holder is not None and order.assigned_at:
            minutes = int((now - order.assigned_at).total_seconds() // 60)
            await desk._tell(
                holder.openid,
                "reminder",
                texts.TIMER_REMIND_ACCEPT.format(**common, minutes=minutes),
                f"order:{order.id}:remind-accept:{order.assigned_at.timestamp():.0f}",
                desk._fields(order, "待接单", place),
            )
            order.accept_reminded_at = now
            note = f"提醒 {holder.name} 接单"
        elif what == Due.HAND_ON:
            if not isinstance(order, Order):
                raise TypeError("a hand-on needs the ORM order: the dispatcher changes it")
            exclude = (holder.key,) if holder is not None else ()
            if order.assignee_id is not None:
                order.declined_by = [*(order.declined_by or []), order.assignee_id]
            await desk.dispatch(order, exclude=exclude, prefix=texts.TIMER_HANDED_ON)
            continue  # dispatch recorded its own event
        elif what in (Due.ESCALATE_GRID, Due.ESCALATE_STAFF):
            body = (
                texts.TIMER_ESCALATE_GRID
                if what == Due.ESCALATE_GRID
                else texts.TIMER_ESCALATE_STAFF
            ).format(
                **common,
                hours=_span(now - order.created_at),
                holder=holder.name if holder else texts.TIMER_NOBODY,
            )
            key = f"order:{order.id}:{what.value}"
            if what == Due.ESCALATE_GRID:
                leader = await desk._tell_grid_leader(order, body, key)
                order.escalation_level = max(order.escalation_level or 0, 1)
                note = f"催办：通知网格长 {leader.name}" if leader else "催办：没有网格长可通知"
            else:
                told = await desk._tell_staff(order, body, key)
                order.escalation_level = 2
                note = f"催办升级：通知社区干事 {told} 人"
        elif what == Due.REMIND_RESOLVE:
            deadline = resolve_deadline(state, desk.sla)  # from when the resident wrote
            if holder is not None:
                await desk._tell(
                    holder.openid,
                    "reminder",
                    texts.TIMER_REMIND_RESOLVE.format(
                        **common, left=_span(deadline - now), deadline=_local(deadline, desk.config)
                    ),
                    f"order:{order.id}:remind-resolve",
                    desk._fields(order, "临近时限", place),
                )
            order.resolve_reminded_at = now
            note = "提醒临近办理时限"
        elif what == Due.OVERDUE:
            deadline = resolve_deadline(state, desk.sla)
            body = texts.TIMER_OVERDUE.format(**common, deadline=_local(deadline, desk.config))
            if holder is not None:
                await desk._tell(
                    holder.openid,
                    "reminder",
                    body,
                    f"order:{order.id}:overdue",
                    desk._fields(order, "已超时", place),
                )
            await desk._tell_grid_leader(order, body, f"order:{order.id}:overdue-fyi")
            order.overdue_at = now
            note = "已超过办理时限"
        elif what == Due.SURVEY:
            await desk._tell(
                order.resident_openid,
                "survey",
                texts.SURVEY.format(number=order.id, summary=order.summary),
                f"order:{order.id}:survey",
                desk._fields(order, "请评价", place),
            )
            order.survey_sent_at = now
            note = "回访：请居民评价"
        elif what == Due.CLOSE_UNRATED:
            order.status = Status.CLOSED.value
            order.closed_at = now
            note = texts.SURVEY_CLOSED_NOTE
        order.updated_at = now
        if note:
            desk._event(order, "system", f"timer:{what.value}", before, note)
    order.next_timer_at = plan(_facts(order), desk.sla, now)[1]
    order.timer_lease_until = None
    return due


def _read_column(name: str, dialect: str) -> Any:
    column = _ORDERS.c[name]
    if dialect == "postgresql" and isinstance(column.type, UTCDateTime):
        # asyncpg already hands back aware UTC values: skip a conversion per value
        return type_coerce(column, DateTime(timezone=True))
    return column


def _due_query(now: datetime, limit: int, dialect: str) -> Select[Any]:
    return (
        select(*(_read_column(name, dialect) for name in _READ))
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
    done: list[DueOrder],
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
        desk = OrderDesk(session, StoppedClock(now), config, roster, buffered=True)
        dialect = session.get_bind().dialect.name
        rows = (await session.execute(_due_query(now, limit, dialect))).all()
        await desk.roster()  # now: once writes are in flight, act() must not use the session
        handed_on: list[int] = []
        async with WriteBehind() as writes:
            for first, last in _batches(len(rows), batch):
                done: list[DueOrder] = []
                for row in rows[first:last]:
                    order = DueOrder.of(row)
                    due = plan(order, desk.sla, now)[0]
                    if Due.HAND_ON in due:
                        handed_on.append(order.id)
                        continue
                    await act(desk, order, now, due)
                    done.append(order)
                events, pushes = desk.take_buffers()
                await writes.start(_write_back(session, done, events, pushes))
            await writes.finish()
        if handed_on:
            found = await session.execute(select(Order).where(Order.id.in_(handed_on)))
            with session.no_autoflush:  # the dispatcher flushes when it needs to, once
                for full in found.scalars():
                    await act(desk, full, now)
            await desk.flush_buffers()
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
                desk = OrderDesk(session, clock, config, roster)
                found = await session.get(Order, order_id)
                if found is None:
                    continue
                await act(desk, found, now)
            done += 1  # counted once committed
        except Exception:
            log.exception("timers failed for order %d; retried after the lease", order_id)
    return done
