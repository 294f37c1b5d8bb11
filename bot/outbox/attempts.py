"""What one delivery attempt is made of: the claimed row, its plan, its outcome, and the
rules for what an attempt's result means (see bot/outbox/worker.py)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.outbox import channel as ch
from bot.storage.outages import is_outage
from bot.wechat.errors import NOT_FOLLOWING, OUT_OF_WINDOW, REFUSED, WINDOW_COUNT

RECIPIENT_REFUSED = frozenset({OUT_OF_WINDOW, NOT_FOLLOWING, REFUSED, WINDOW_COUNT})


@dataclass(frozen=True)
class OutboxSettings:
    batch_size: int = 100
    concurrency: int = 32
    lease: timedelta = timedelta(seconds=60)
    backoff: tuple[float, ...] = (5, 30, 120, 600, 1800, 3600)  # seconds; the last one repeats
    # Our own side failed (Redis, the token store): nothing was sent; try again soon.
    local_retry: float = 5.0
    max_attempts: int = 8
    tick_budget: float = 4.0  # seconds one tick may keep claiming further batches
    # Batches in flight at once in one process: one claims and records while the other sends.
    # A recipient is never in two of them, so one user's messages still go out in order.
    parallel_batches: int = 2
    max_batches: int = 1000  # hard bound on batches per tick


@dataclass(frozen=True)
class Claimed:
    id: int
    purpose: str
    recipient: str
    payload: dict[str, Any]
    dedupe_key: str
    attempts: int  # including this one
    attempt_log: list[dict[str, Any]] | None = None
    # The channel a worker was sending on when it stopped without recording the result
    # (its lease ran out): that attempt's fate is unknown.
    in_flight: str | None = None

    @property
    def at_least_once(self) -> bool:
        return bool(self.payload.get("at_least_once"))


@dataclass
class Outcome:
    status: str  # sent | pending | failed | undeliverable
    error: str | None = None
    channel: str | None = None
    msgid: str | None = None
    next_attempt_at: datetime | None = None
    give_back_attempt: bool = False  # deferred before trying: the attempt does not count
    window_send: bool = False  # a customer-service message went out


@dataclass
class Job:
    row: Claimed
    plan: ch.Plan
    slot: datetime | None = None
    outcome: Outcome | None = None


def client_msg_id(dedupe_key: str) -> str:
    return "mulin-" + hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]


LOG_KEEP = 10  # attempts kept per row; `attempts` still counts them all


def logged(row: Claimed, outcome: Outcome, now: datetime) -> list[dict[str, Any]]:
    """The row's attempt log with this attempt added (a deferral before sending is no attempt)."""
    entries = list(row.attempt_log or [])
    if outcome.give_back_attempt:
        return entries[-LOG_KEEP:]
    entry: dict[str, Any] = {"n": row.attempts, "at": now.isoformat(), "result": outcome.status}
    if outcome.channel:
        entry["channel"] = outcome.channel
    if outcome.error:
        entry["error"] = outcome.error[:300]
    return [*entries, entry][-LOG_KEEP:]


def is_deadlock(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(
        getattr(orig, "__cause__", None), "sqlstate", None
    )
    return code == "40P01" or "deadlock detected" in str(exc)


def is_local_outage(exc: BaseException) -> bool:
    if is_outage(exc):
        return True
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is a dependency
        return False
    return isinstance(exc, RedisConnectionError | RedisTimeoutError)
