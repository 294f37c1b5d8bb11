"""Outbound messaging: the transactional outbox, the shared access token, send counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

# unconfirmed: a customer-service message whose answer from WeChat was lost; perhaps
# delivered, never resent (those have no idempotency key).
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "undeliverable", "unconfirmed")


class OutboxMessage(Base):
    """One message to one user, written in the same transaction as the change that causes it.

    Delivery claims due rows with a lease (``lease_until``/``leased_by``); a crashed worker's
    rows become due again when the lease runs out. ``dedupe_key`` keeps one row per cause.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(64), index=True)
    # {"text": str} | {"news": {...}} | {"template": {"fields": {...}, "url": str}} (combinable)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    leased_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(16))  # "custom" or "template"
    wechat_msgid: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # The last attempts: [{"n", "at", "result", "channel", "error"}], newest last.
    attempt_log: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # Set to the channel just before a send, cleared when its result is recorded: a row
    # claimed again with this set was being sent when its worker stopped.
    in_flight: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)


class WeChatToken(Base):
    """The access token shared by every process, one row per appid."""

    __tablename__ = "wechat_tokens"

    appid: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=0)
    # Whoever holds an unexpired lease is fetching a new token; the others wait for it.
    lease_until: Mapped[datetime | None]
    leased_by: Mapped[str | None] = mapped_column(String(100))


class OutboundCounter(Base):
    """Cross-process send limits: daily quota counts and the rate limiter's next free slot."""

    __tablename__ = "outbound_counters"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    at: Mapped[datetime | None]
