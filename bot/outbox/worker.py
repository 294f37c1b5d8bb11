"""The outbox delivery worker: claim due rows atomically, send them, record what happened.

Claiming is one statement (``UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP LOCKED])
RETURNING …``), so concurrent workers — in one process or many — never claim a row twice. A
claim is a lease: if the worker dies, the rows become due again when ``lease_until`` passes.

Each claim is one attempt, counted in ``attempts`` and written to ``attempt_log``; the API client
makes exactly one exchange per attempt, so nothing is retried out of sight. What a lost answer
(the request may have reached WeChat) means depends on the kind of message:
- template messages are at-least-once: they carry a ``client_msg_id`` derived from the dedupe
  key, WeChat drops a resend of one it already accepted, so resending is safe;
- customer-service messages have no such key and are at-most-once: a lost answer ends the row
  as ``unconfirmed`` (perhaps delivered, never resent) — except rows queued ``at_least_once``
  (alerts about urgent orders), where a duplicate is better than a miss: those are resent.
A lease that runs out (the worker died mid-send) is the same unknown: customer-service rows
that are not at-least-once are then ended as ``unconfirmed`` rather than sent again.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import defaultdict
from collections.abc import Mapping, Set
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.outbox import channel as ch
from bot.outbox.attempts import (
    Claimed,
    Job,
    OutboxSettings,
    Outcome,
    is_deadlock,
    logged,
)
from bot.outbox.limits import SendLimits
from bot.outbox.sending import Sending
from bot.storage.outages import OutageLog, short
from bot.wechat.api import WeChatClient
from bot.wechat.tokens import default_holder
from models.base import UTCDateTime
from models.inbound import WeChatUser
from models.outbox import OutboxMessage

log = logging.getLogger("mulin.outbox")

_OUTBOX = cast(Table, OutboxMessage.__table__)
_USERS = cast(Table, WeChatUser.__table__)


class OutboxWorker(Sending):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        client: WeChatClient,
        *,
        templates: Mapping[str, str],
        limits: SendLimits | None = None,
        clock: Clock | None = None,
        settings: OutboxSettings | None = None,
        worker_id: str | None = None,
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._templates = dict(templates)
        self._limits = limits
        self._clock = clock or SystemClock()
        self.settings = settings or OutboxSettings()
        self.worker_id = worker_id or default_holder()
        self._running = asyncio.Lock()
        self._claiming = asyncio.Lock()
        self._inflight: set[str] = set()  # recipients of the batches being sent
        self._closing = False
        self.totals: dict[str, int] = defaultdict(int)
        self._users = _USERS
        self.dependencies = OutageLog("outbound dependencies (Redis / database)", log)

    # --- public --------------------------------------------------------------------------

    async def tick(self) -> int:
        """Deliver due messages for up to ``tick_budget`` seconds; returns rows processed."""
        if self._closing:
            return 0
        async with self._running:
            deadline = time.monotonic() + self.settings.tick_budget
            loops = max(1, self.settings.parallel_batches)
            counts = await asyncio.gather(*(self._batches(deadline) for _ in range(loops)))
            return sum(counts)

    async def _batches(self, deadline: float) -> int:
        done = 0
        for _ in range(self.settings.max_batches):
            n = await self._deliver_batch()
            done += n
            if n < self._batch_size() or self._closing or time.monotonic() >= deadline:
                break
        return done

    async def drain(self, max_ticks: int = 1000) -> int:
        """Tick until nothing is due now (tests, ``mulin demo``, benchmarks)."""
        total = 0
        for _ in range(max_ticks):
            n = await self.tick()
            total += n
            if n == 0:
                break
        return total

    async def aclose(self) -> None:
        """Stop claiming; wait for the batch in flight to be recorded."""
        self._closing = True
        async with self._running:
            pass

    # --- one batch -------------------------------------------------------------------------

    def _batch_size(self) -> int:
        size = self.settings.batch_size
        rate = getattr(self._limits, "rate", 0.0) or 0.0
        if rate > 0:  # the batch must go out well within its lease
            size = min(size, max(1, int(rate * self.settings.lease.total_seconds() / 4)))
        return size

    async def _deliver_batch(self) -> int:
        async with self._claiming:
            rows = await self.claim(self._batch_size(), exclude=self._inflight)
            recipients = {r.recipient for r in rows}
            self._inflight |= recipients
        if not rows:
            return 0
        try:
            jobs = [Job(row, ch.Undeliverable("")) for row in rows]
            try:
                jobs = await self._plan(rows)
                # Marked before the send slots are reserved: a slot is a moment in time,
                # and a round trip after reserving it would push the first sends late.
                await self._mark_in_flight(jobs)
                await self._apply_limits(jobs)
            except Exception as exc:
                # Redis or the database behind the limits is away: nothing was sent, so the
                # rows go back at once instead of sitting leased until the lease runs out.
                self.dependencies.failed(exc, "; pushes wait and are retried every few seconds")
                for job in jobs:
                    job.outcome = job.outcome or self._local_failure(str(short(exc)))
            else:
                self.dependencies.recovered()
            await self._send_all(jobs)
            await self._with_deadlock_retry(lambda: self._record(jobs))
        finally:
            self._inflight -= recipients
        for job in jobs:
            assert job.outcome is not None
            self.totals[job.outcome.status] += 1
        return len(rows)

    async def claim(self, limit: int, exclude: Set[str] = frozenset()) -> list[Claimed]:
        """Lease up to ``limit`` due rows in one atomic statement (not to ``exclude``)."""
        return await self._with_deadlock_retry(lambda: self._claim(limit, exclude))

    async def _with_deadlock_retry(self, work: Any, attempts: int = 3) -> Any:
        """PostgreSQL may pick this transaction as a deadlock victim (seen once right after a
        database stall): the statement is safe to run again, so it is, quietly, and counted."""
        for attempt in range(attempts):
            try:
                return await work()
            except Exception as exc:
                if not is_deadlock(exc) or attempt == attempts - 1:
                    raise
                self.totals["deadlock_retries"] += 1
                await asyncio.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
        raise AssertionError("unreachable")

    async def _claim(self, limit: int, exclude: Set[str]) -> list[Claimed]:
        now = self._clock.now()
        t = _OUTBOX
        due = or_(
            and_(t.c.status == "pending", t.c.next_attempt_at <= now),
            and_(t.c.status == "sending", t.c.lease_until < now),
        )
        async with self._sessions.begin() as session:
            pick = select(t.c.id).where(due).order_by(t.c.next_attempt_at, t.c.id).limit(limit)
            if exclude:
                pick = pick.where(t.c.recipient.not_in(sorted(exclude)))
            if session.get_bind().dialect.name == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            stmt = (
                update(t)
                .where(t.c.id.in_(pick.scalar_subquery()))
                .values(
                    status="sending",
                    lease_until=now + self.settings.lease,
                    leased_by=self.worker_id,
                    attempts=t.c.attempts + 1,
                )
                .returning(
                    t.c.id,
                    t.c.purpose,
                    t.c.recipient,
                    t.c.payload,
                    t.c.dedupe_key,
                    t.c.attempts,
                    t.c.attempt_log,
                    t.c.in_flight,
                )
            )
            result = await session.execute(stmt)
            rows = [Claimed(*r) for r in result.all()]
        rows.sort(key=lambda r: r.id)
        return rows

    async def _mark_in_flight(self, jobs: list[Job]) -> None:
        """Say on each row which channel is about to be tried, before anything is sent.

        If this process dies before recording the results, the next worker knows the send
        had begun (and on which channel), and applies that kind's rule for an unknown outcome.
        """
        by_channel: dict[str, list[int]] = defaultdict(list)
        for job in jobs:
            if job.outcome is None and job.plan.channel is not None:
                by_channel[job.plan.channel].append(job.row.id)
        if not by_channel:
            return
        t = _OUTBOX
        async with self._sessions.begin() as session:
            for channel, ids in sorted(by_channel.items()):
                await session.execute(
                    update(t)
                    .where(t.c.id.in_(sorted(ids)), t.c.leased_by == self.worker_id)
                    .values(in_flight=channel)
                )

    async def _record(self, jobs: list[Job]) -> None:
        now = self._clock.now()
        params: list[dict[str, Any]] = []
        window_sends: list[dict[str, Any]] = []
        # Rows and users in one fixed order: two transactions touching the same rows never
        # wait on each other crosswise (the inbound side upserts users in openid order too).
        for job in sorted(jobs, key=lambda j: j.row.id):
            o = job.outcome
            assert o is not None
            params.append(self._result(job.row, o, now))
            if o.window_send:
                window_sends.append({"b_openid": job.row.recipient})
            if o.status in ("failed", "undeliverable"):
                log.warning(
                    "outbox %s (%s): %s: %s", job.row.id, job.row.purpose, o.status, o.error
                )
        window_sends.sort(key=lambda p: p["b_openid"])
        async with self._sessions.begin() as session:
            conn = await session.connection()
            await conn.execute(_RECORD, params)
            if window_sends:
                await conn.execute(_WINDOW_SEND, window_sends)

    def _result(self, row: Claimed, o: Outcome, now: datetime) -> dict[str, Any]:
        return {
            "b_id": row.id,
            "b_me": self.worker_id,
            "b_status": o.status,
            "b_back": 1 if o.give_back_attempt else 0,
            "b_next": o.next_attempt_at,
            "b_error": o.error[:2000] if o.error else None,
            "b_channel": o.channel,
            "b_msgid": o.msgid,
            "b_sent": now if o.status == "sent" else None,
            "b_log": logged(row, o, now),
        }


# What an attempt leaves on its row (only if this worker still holds the lease).
_RECORD = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.id == bindparam("b_id"),
        _OUTBOX.c.leased_by == bindparam("b_me"),
        _OUTBOX.c.status == "sending",
    )
    .values(
        status=bindparam("b_status"),
        attempts=_OUTBOX.c.attempts - bindparam("b_back"),
        next_attempt_at=func.coalesce(
            bindparam("b_next", type_=UTCDateTime()), _OUTBOX.c.next_attempt_at
        ),
        lease_until=None,
        leased_by=None,
        last_error=bindparam("b_error"),
        channel=bindparam("b_channel"),
        wechat_msgid=bindparam("b_msgid"),
        sent_at=bindparam("b_sent", type_=UTCDateTime()),
        attempt_log=bindparam("b_log", type_=_OUTBOX.c.attempt_log.type),
        in_flight=None,
    )
)
_WINDOW_SEND = (
    update(_USERS)
    .where(_USERS.c.openid == bindparam("b_openid"))
    .values(window_sends=_USERS.c.window_sends + 1)
)
