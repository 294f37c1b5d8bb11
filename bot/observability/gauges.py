"""What the database says about the service's health, read when Prometheus scrapes /metrics:
open orders, urgent orders nobody accepted, overdue orders, the outbox's backlog and the
timers' lag. Every process answers the same figures (they come from the shared database);
alert on ``max`` across instances."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Gauge
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.orders.lifecycle import OPEN_VALUES
from models.orders import Order
from models.outbox import OutboxMessage

OPEN_STATUSES = (*OPEN_VALUES, "resolved")  # resolved: waiting for the resident's verdict
UNACCEPTED = ("received", "assigned")


class Gauges:
    def __init__(self, registry: CollectorRegistry) -> None:
        def gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
            return Gauge(name, doc, labels, registry=registry)

        self.database_up = gauge(
            "mulin_database_up", "1 when the last scrape could read the database"
        )
        self.orders_open = gauge("mulin_orders_open", "Open orders by status", ("status",))
        self.orders_overdue = gauge("mulin_orders_overdue", "Open orders past their deadline")
        self.urgent_unaccepted = gauge(
            "mulin_orders_urgent_unaccepted", "Urgent orders nobody has accepted yet"
        )
        self.urgent_unaccepted_age = gauge(
            "mulin_orders_urgent_unaccepted_oldest_seconds",
            "Age of the oldest urgent order nobody has accepted (0 when none)",
        )
        self.outbox_pending = gauge("mulin_outbox_pending", "Pushes waiting to be sent")
        self.outbox_oldest = gauge(
            "mulin_outbox_oldest_due_seconds",
            "How long the oldest due, unsent push has been waiting (0 when none)",
        )
        self.outbox_undeliverable = gauge(
            "mulin_outbox_undeliverable",
            "Pushes given up as undeliverable (all time), by reason",
            ("reason",),
        )
        self.token_failures = gauge(
            "mulin_token_refresh_failures",
            "Access-token fetches this process attempted that failed (since it started)",
        )
        self.timer_lag = gauge(
            "mulin_timer_lag_seconds", "Now minus the oldest order timer that is due (0 when none)"
        )

    async def refresh(self, engine: AsyncEngine, now: datetime) -> None:
        try:
            async with engine.connect() as conn:
                by_status = dict(
                    (
                        await conn.execute(
                            select(Order.status, func.count())
                            .where(Order.status.in_(OPEN_STATUSES))
                            .group_by(Order.status)
                        )
                    ).all()
                )
                overdue = await conn.scalar(
                    select(func.count()).where(
                        Order.status.in_(OPEN_VALUES), Order.overdue_at.is_not(None)
                    )
                )
                urgent = (
                    await conn.execute(
                        select(func.count(), func.min(Order.created_at)).where(
                            Order.status.in_(UNACCEPTED), Order.urgent.is_(True)
                        )
                    )
                ).one()
                pending = (
                    await conn.execute(
                        select(func.count(), func.min(OutboxMessage.next_attempt_at)).where(
                            OutboxMessage.status == "pending"
                        )
                    )
                ).one()
                undeliverable = (
                    await conn.execute(
                        select(OutboxMessage.last_error, func.count())
                        .where(OutboxMessage.status == "undeliverable")
                        .group_by(OutboxMessage.last_error)
                    )
                ).all()
                due_timer = await conn.scalar(
                    select(func.min(Order.next_timer_at)).where(Order.next_timer_at <= now)
                )
        except Exception:
            self.database_up.set(0)
            raise
        self.database_up.set(1)
        for status in OPEN_STATUSES:
            self.orders_open.labels(status=status).set(by_status.get(status, 0))
        self.orders_overdue.set(overdue or 0)
        self.urgent_unaccepted.set(urgent[0])
        self.urgent_unaccepted_age.set(_age(now, urgent[1]))
        self.outbox_pending.set(pending[0])
        self.outbox_oldest.set(_age(now, pending[1]))
        by_reason = dict.fromkeys(REASONS, 0)
        for error, n in undeliverable:
            by_reason[undeliverable_reason(error)] += n
        for reason, n in by_reason.items():
            self.outbox_undeliverable.labels(reason=reason).set(n)
        self.timer_lag.set(_age(now, due_timer))


REASONS = ("no_template", "unfollowed", "window", "refused", "other")


def undeliverable_reason(error: str | None) -> str:
    """A short label for why a push could not be delivered (from the outbox's last_error)."""
    text = (error or "").lower()
    if "no template" in text:  # the fix: configure wechat.templates
        return "no_template"
    if "43004" in text or "unfollow" in text:
        return "unfollowed"
    if "45015" in text or "45047" in text or "48-hour" in text:
        return "window"
    if "errcode" in text:
        return "refused"
    return "other"


def _age(now: datetime, since: object) -> float:
    """Seconds since ``since`` (a UTC datetime, naive from SQLite's Core reads), 0 if later."""
    if not isinstance(since, datetime):
        return 0.0
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return max(0.0, (now - since).total_seconds())
