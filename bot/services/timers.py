"""The order timer tick: claim orders whose next timer is due, act, and reschedule.

Every ``mulin serve`` process runs this tick. It locks the due rows for its transaction
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the single writer on SQLite) or, when falling back to
one order at a time, leases them; so processes never work on one order at the same time. What
each timer did is recorded on the order (reminded, escalation level, overdue, survey sent), the
order's version is bumped with every write, and every push has a dedupe key — so each
reminder, escalation and follow-up goes out once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, inspect, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.domain.dispatch import CATEGORY_NAMES
from bot.domain.orders import Status
from bot.domain.timers import Due, TimerState, plan, resolve_deadline
from bot.services.orders import OrderDesk, place_text, timer_state
from bot.services.roster_cache import RosterCache
from models.orders import Order

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
_ORDERS = cast(Table, Order.__table__)


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


def _local(when: datetime, config: Config) -> str:
    return when.astimezone(config.tz).strftime("%m月%d日 %H:%M")


def _span(delta: timedelta) -> str:
    minutes = max(1, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes}分钟"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}小时"
    return f"{hours // 24}天"


async def act(
    desk: OrderDesk,
    order: Order,
    now: datetime,
    planned: tuple[TimerState, list[Due]] | None = None,
) -> list[Due]:
    """Do whatever is due on this order now; returns what was done.

    ``planned``: the order's timer state and what is due, when the caller has worked them out.
    """
    if planned is None:
        state = timer_state(order)
        due = plan(state, desk.sla, now)[0]
    else:
        state, due = planned
    view = await desk.roster()
    category = CATEGORY_NAMES.get(order.category, order.category)
    common = {
        "number": order.id,
        "category": category,
        "place": place_text(order),
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
                desk._fields(order, "待接单"),
            )
            order.accept_reminded_at = now
            note = f"提醒 {holder.name} 接单"
        elif what == Due.HAND_ON:
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
                    desk._fields(order, "临近时限"),
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
                    desk._fields(order, "已超时"),
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
                desk._fields(order, "请评价"),
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
    desk.reschedule(order)
    order.timer_lease_until = None
    return due


_COLUMN_OF = {attr.key: attr.columns[0].name for attr in inspect(Order).column_attrs}


def _pending_columns(order: Order) -> dict[str, Any]:
    """The columns act() changed on this order that are not yet written."""
    state = inspect(order)
    # committed_state holds exactly the attributes changed since the last flush
    return {_COLUMN_OF[key]: state.dict[key] for key in state.committed_state if key in _COLUMN_OF}


async def _write_orders(session: AsyncSession, pending: list[tuple[int, dict[str, Any]]]) -> None:
    """Write the acted-on orders with one executemany per shape of change.

    The rows are locked for this transaction (``FOR UPDATE`` on PostgreSQL, the single writer on
    SQLite), so nobody can have changed them since they were read: the version is bumped so that
    a member who read the order earlier gets a conflict, but it need not be checked here. One
    versioned UPDATE per order through the ORM cost ~0.3 ms each, most of the tick. (On
    PostgreSQL one UPDATE … FROM (VALUES …) or FROM unnest(arrays) measured slower than
    asyncpg's pipelined executemany: preparing the large statement and, for arrays, type
    introspection cost more than they save.)
    """
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for order_id, changed in pending:
        names = tuple(sorted(changed))
        shapes.setdefault(names, []).append(
            {"_id": order_id, **{f"_{n}": v for n, v in changed.items()}}
        )
    for names, rows in shapes.items():
        stmt = (
            _ORDERS.update()
            .where(_ORDERS.c.id == bindparam("_id"))
            .values(
                {
                    **{n: bindparam(f"_{n}", type_=_ORDERS.c[n].type) for n in names},
                    "version": _ORDERS.c.version + 1,
                }
            )
        )
        await session.execute(stmt, rows)


def _due_query(now: datetime, limit: int) -> Select[Order]:
    return (
        select(Order)
        .where(
            Order.next_timer_at <= now,
            or_(Order.timer_lease_until.is_(None), Order.timer_lease_until < now),
        )
        .order_by(Order.next_timer_at)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer anyway
    )


async def _tick_in_one_transaction(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    config: Config,
    roster: RosterCache,
    now: datetime,
    limit: int,
) -> int:
    """Lock the due orders, act on them and write everything back in one transaction."""
    async with sessions() as session, session.begin():
        desk = OrderDesk(session, clock, config, roster, buffered=True)
        orders = list((await session.execute(_due_query(now, limit))).scalars())
        pending: list[tuple[int, dict[str, Any]]] = []
        done: list[Order] = []  # acted on, changes taken, still in the session
        with session.no_autoflush:  # one write at the end, not one per push
            for order in orders:
                state = timer_state(order)
                due = plan(state, desk.sla, now)[0]
                if done and Due.HAND_ON in due:
                    # a hand-on flushes the session: take the finished orders out first, or
                    # it would write each of them again, one versioned UPDATE at a time
                    for finished in done:
                        session.expunge(finished)
                    done.clear()
                await act(desk, order, now, (state, due))
                changed = _pending_columns(order)
                done.append(order)
                if changed:
                    pending.append((order.id, changed))
        session.expunge_all()  # written below in bulk, not by the ORM at commit
        await _write_orders(session, pending)
        await desk.flush_buffers()
        return len(orders)


async def order_timer_tick(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    config: Config,
    roster: RosterCache,
    limit: int = 500,
) -> int:
    """One tick: claim due orders, act on them, reschedule. Returns how many were handled.

    Normally all due orders are handled in one transaction that locks them. If that fails
    (one bad order must not stall the rest), the due orders are leased and handled one by one:
    a failing order keeps its lease and is retried after it runs out.
    """
    now = clock.now()
    try:
        return await _tick_in_one_transaction(sessions, clock, config, roster, now, limit)
    except Exception:
        log.exception("timer batch failed; handling the due orders one by one")
    async with sessions() as session, session.begin():
        ids = await claim_due(session, now, limit)
    done = 0
    for order_id in ids:
        try:
            async with sessions() as session, session.begin():
                desk = OrderDesk(session, clock, config, roster)
                found = await session.get(Order, order_id)
                if found is not None:
                    await act(desk, found, now)
                    done += 1
        except Exception:
            log.exception("timers failed for order %d; retried after the lease", order_id)
    return done
