"""Broadcast rules, the occurrences they produced, and who got an eligibility reminder.

The database is the clock: ``next_run_at`` says when a rule is due; a tick claims due rules
with a lease (``lease_until``/``leased_by``) and writes one :class:`BroadcastOccurrence` per
scheduled time. ``UNIQUE(rule_id, key)`` is what makes an occurrence happen once, whatever
the number of processes, restarts or manual runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

RULE_KINDS = ("recurring", "eligibility")
OCCURRENCE_STATUSES = ("sent", "skipped", "manual")


class BroadcastRule(Base):
    __tablename__ = "broadcast_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # "recurring" | "eligibility"
    # APScheduler-3 CronTrigger fields with day NAMES, e.g. {"day": "1st tue", "hour": 19,
    # "minute": 30}; eligibility rules: {"hour": 9} (daily).
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON)
    condition: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"turns_age": 65}
    audience: Mapped[str] = mapped_column(String(100))  # community | grid:G01 | tag:独居 | ...
    text: Mapped[str] = mapped_column(Text)
    template_fields: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # How long after its time a missed occurrence is still sent; None = the kind's default
    # (12 h for recurring rules, the rest of the local day for eligibility rules).
    late_within_s: Mapped[int | None] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(default=True)
    next_run_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    leased_by: Mapped[str | None] = mapped_column(String(64))
    removed_at: Mapped[datetime | None]  # soft delete
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_broadcast_rules_due", "enabled", "next_run_at"),)


class BroadcastOccurrence(Base):
    __tablename__ = "broadcast_occurrences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("broadcast_rules.id"))
    # Recurring: the scheduled time in UTC ("2026-12-01T11:30Z"); eligibility: the local date
    # ("2026-12-01"); manual runs: "run:" + the time of the run.
    key: Mapped[str] = mapped_column(String(40))
    scheduled_for: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # sent | skipped | manual
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("rule_id", "key"),)


class BroadcastReceipt(Base):
    """One row per resident and subject (``age:65``): an eligibility reminder goes once."""

    __tablename__ = "broadcast_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("broadcast_rules.id"))
    openid: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(40))
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("broadcast_occurrences.id"))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("rule_id", "openid", "subject"),)
