"""Service orders and their full history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_status_assignee", "status", "assignee_id"),
        Index("ix_orders_resident", "resident_openid", "created_at"),
        # the console's board (migration 0010): newest first, by status, by building
        Index("ix_orders_created_at", "created_at"),
        Index("ix_orders_status_created", "status", "created_at"),
        # a building's orders, newest first: repeats of a report, the board (migration 0016)
        Index("ix_orders_building_created", "building", "created_at"),
        # room on each page for the order's later versions (migration 0006 says why)
        {"postgresql_with": {"fillfactor": 80}},
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True)  # shown to users as #id
    resident_openid: Mapped[str] = mapped_column(String(64))
    # None: the only community (a database from before streets) or not known yet
    community_id: Mapped[int | None] = mapped_column(Integer)
    estate_code: Mapped[str | None] = mapped_column(String(32))
    building: Mapped[str | None] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(16))
    room: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16))
    urgent: Mapped[bool] = mapped_column(default=False)
    danger: Mapped[str | None] = mapped_column(String(16))  # "urgent" / "possible", as read
    hazard: Mapped[str | None] = mapped_column(String(16))  # the kind of danger
    merged_into: Mapped[int | None] = mapped_column(BigInteger)  # a duplicate joined to it
    text: Mapped[str] = mapped_column(Text)  # exactly as the resident wrote it
    summary: Mapped[str] = mapped_column(String(100))
    phones: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferred_start: Mapped[datetime | None]
    preferred_end: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    declined_by: Mapped[list[int]] = mapped_column(JSON, default=list)
    source_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    created_at: Mapped[datetime]  # the clock starts when the resident writes
    updated_at: Mapped[datetime]
    assigned_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    # Timers (see bot.orders.timers): the next moment anything is due, and what was done.
    next_timer_at: Mapped[datetime | None] = mapped_column(index=True)
    timer_lease_until: Mapped[datetime | None]
    accept_reminded_at: Mapped[datetime | None]
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    resolve_reminded_at: Mapped[datetime | None]
    overdue_at: Mapped[datetime | None]
    survey_sent_at: Mapped[datetime | None]
    # 重办: the last time the order was reopened; its timers run from here (migration 0017)
    reopened_at: Mapped[datetime | None]
    # an emergency the resident said was over (火灭了, 没事了): no alarm to them (migration 0018)
    settled_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=0)

    # Optimistic concurrency: every UPDATE checks the version it read, so two members who
    # accept one order at the same moment cannot both succeed.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class OrderEvent(Base):
    """One transition or note: who, when, why. Never updated, never deleted."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(80))  # "resident:<openid>", "member:<key>", "system"
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class OrderFollower(Base):
    """A resident who reported the same problem: told about the order's progress too."""

    __tablename__ = "order_followers"

    order_id: Mapped[int] = mapped_column(_ID, ForeignKey("orders.id"), primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    since: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text, default="")


class Conversation(Base):
    """A resident's pending question (e.g. "which building?"), with an expiry."""

    __tablename__ = "conversations"

    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime]
