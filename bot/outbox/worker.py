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
import hashlib
import logging
import random
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.outbox import channel as ch
from bot.outbox.limits import SendLimits
from bot.storage.outages import OutageLog, short
from bot.wechat.api import WeChatClient
from bot.wechat.errors import (
    NOT_FOLLOWING,
    OUT_OF_WINDOW,
    REFUSED,
    WINDOW_COUNT,
    PermanentError,
    QuotaExceeded,
    TokenError,
    TransientError,
    next_beijing_midnight,
)
from bot.wechat.tokens import default_holder
from models.base import UTCDateTime
from models.inbound import WeChatUser
from models.outbox import OutboxMessage

log = logging.getLogger("mulin.outbox")

_OUTBOX = cast(Table, OutboxMessage.__table__)
_USERS = cast(Table, WeChatUser.__table__)
# Errors that mean this user cannot get this message now; not worth retrying.
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
class _Job:
    row: Claimed
    plan: ch.Plan
    slot: datetime | None = None
    outcome: Outcome | None = None


def client_msg_id(dedupe_key: str) -> str:
    return "mulin-" + hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]


class OutboxWorker:
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
            jobs = [_Job(row, ch.Undeliverable("")) for row in rows]
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
                if not _is_deadlock(exc) or attempt == attempts - 1:
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

    async def _plan(self, rows: Sequence[Claimed]) -> list[_Job]:
        recipients = {r.recipient for r in rows}
        async with self._sessions() as session:
            result = await session.execute(
                select(
                    _USERS.c.openid,
                    _USERS.c.last_interaction_at,
                    _USERS.c.window_sends,
                    _USERS.c.following,
                ).where(_USERS.c.openid.in_(recipients))
            )
            users = {u.openid: ch.UserWindow(*u[1:]) for u in result.all()}
        now = self._clock.now()
        planned: dict[str, int] = defaultdict(int)
        jobs: list[_Job] = []
        for row in rows:
            if row.in_flight == "custom" and not row.at_least_once:
                jobs.append(_Job(row, ch.Undeliverable("")))
                jobs[-1].outcome = Outcome(
                    "unconfirmed",
                    "the worker stopped while sending; a customer-service message is sent at"
                    " most once, so it is not sent again",
                    channel="custom",
                )
                continue
            if row.attempts > self.settings.max_attempts:
                plan: ch.Plan = ch.Undeliverable("")
                job = _Job(row, plan)
                job.outcome = Outcome(
                    "failed", f"gave up after {row.attempts - 1} attempts (worker lease expired)"
                )
                jobs.append(job)
                continue
            plan = ch.choose(
                recipient=row.recipient,
                purpose=row.purpose,
                payload=row.payload,
                user=users.get(row.recipient),
                templates=self._templates,
                now=now,
                already_planned=planned[row.recipient],
            )
            if isinstance(plan, ch.CustomPlan):
                planned[row.recipient] += 1
            job = _Job(row, plan)
            if isinstance(plan, ch.Undeliverable):
                job.outcome = Outcome("undeliverable", plan.reason)
            jobs.append(job)
        return jobs

    async def _apply_limits(self, jobs: list[_Job]) -> None:
        if self._limits is None:
            return
        now = self._clock.now()
        for channel in ("custom", "template"):
            wanting = [j for j in jobs if j.outcome is None and j.plan.channel == channel]
            if not wanting:
                continue
            granted = await self._limits.take_quota(channel, len(wanting), now)
            for job in wanting[granted:]:
                job.outcome = self._quota_deferral(channel, now)
        sending = [j for j in jobs if j.outcome is None]
        if not sending:
            return
        start = await self._limits.reserve(len(sending), now)
        rate = getattr(self._limits, "rate", 0.0) or 0.0
        if rate <= 0:
            return
        lease_end = now + self.settings.lease - timedelta(seconds=5)
        for i, job in enumerate(sending):
            slot = start + timedelta(seconds=i / rate)
            if slot > lease_end:  # too far ahead to hold the lease: come back at the slot
                job.outcome = Outcome("pending", "waiting for a send slot", next_attempt_at=slot)
                job.outcome.give_back_attempt = True
            else:
                job.slot = slot

    def _quota_deferral(self, channel: str, now: datetime) -> Outcome:
        return Outcome(
            "pending",
            f"daily {channel} quota used up; retry at next 00:00 Asia/Shanghai",
            next_attempt_at=next_beijing_midnight(now),
            give_back_attempt=True,
        )

    async def _mark_in_flight(self, jobs: list[_Job]) -> None:
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

    async def _send_all(self, jobs: list[_Job]) -> None:
        groups: dict[str, list[_Job]] = defaultdict(list)
        for job in jobs:
            if job.outcome is None:
                groups[job.row.recipient].append(job)
        if not groups:
            return
        gate = asyncio.Semaphore(self.settings.concurrency)

        async def run(group: list[_Job]) -> None:
            # One recipient's messages go out in order; recipients in parallel.
            for job in group:
                if job.slot is not None:
                    wait = (job.slot - self._clock.now()).total_seconds()
                    if wait > 0:
                        await asyncio.sleep(wait)
                async with gate:
                    job.outcome = await self._send(job)

        await asyncio.gather(*(run(g) for g in groups.values()))

    async def _send(self, job: _Job) -> Outcome:
        plan = job.plan
        try:
            if isinstance(plan, ch.CustomPlan):
                try:
                    await self._client.send_custom(plan.body, once=True)
                    return Outcome("sent", channel="custom", window_send=True)
                except PermanentError as exc:
                    if exc.errcode not in (OUT_OF_WINDOW, WINDOW_COUNT):
                        raise
                    fallback = ch.template_plan(job.row.purpose, job.row.payload, self._templates)
                    if not isinstance(fallback, ch.TemplatePlan):
                        return Outcome(
                            "undeliverable", f"customer service refused ({exc}); {fallback}"
                        )
                    log.info("outbox %s: %s, falling back to the template", job.row.id, exc)
                    await self._take_fallback_slot()
                    plan = fallback
            assert isinstance(plan, ch.TemplatePlan)
            msgid = await self._client.send_template(
                job.row.recipient,
                plan.template_id,
                plan.fields,
                url=plan.url,
                client_msg_id=client_msg_id(job.row.dedupe_key),
                once=True,
            )
            return Outcome("sent", channel="template", msgid=msgid)
        except QuotaExceeded as exc:
            if self._limits is not None:
                await self._limits.exhaust_quota(plan.channel or "custom", self._clock.now())
            return Outcome(
                "pending", str(exc), next_attempt_at=exc.retry_at, give_back_attempt=True
            )
        except PermanentError as exc:
            status = "undeliverable" if exc.errcode in RECIPIENT_REFUSED else "failed"
            return Outcome(status, str(exc), channel=plan.channel)
        except TransientError as exc:
            if exc.maybe_delivered and plan.channel == "custom" and not job.row.at_least_once:
                return Outcome(
                    "unconfirmed",
                    f"WeChat's answer was lost ({exc}); customer-service messages are sent at"
                    " most once, so it is not sent again",
                    channel="custom",
                )
            return self._retry_later(job.row, str(exc), channel=plan.channel)
        except TokenError as exc:
            return self._retry_later(job.row, str(exc))
        except Exception as exc:
            if _is_local_outage(exc):  # Redis or the token table: nothing went out
                self.dependencies.failed(exc, "; pushes wait and are retried every few seconds")
                return self._local_failure(short(exc))
            log.exception("outbox %s: unexpected error", job.row.id)  # a bug: keep the row alive
            return self._retry_later(job.row, f"unexpected {type(exc).__name__}: {exc}")

    async def _take_fallback_slot(self) -> None:
        if self._limits is None:
            return
        now = self._clock.now()
        slot = await self._limits.reserve(1, now)
        wait = (slot - now).total_seconds()
        if wait > 0:
            await asyncio.sleep(wait)

    def _retry_later(self, row: Claimed, error: str, channel: str | None = None) -> Outcome:
        if row.attempts >= self.settings.max_attempts:
            return Outcome("failed", f"gave up after {row.attempts} attempts: {error}", channel)
        steps = self.settings.backoff
        delay = steps[min(row.attempts - 1, len(steps) - 1)] * random.uniform(0.9, 1.1)
        return Outcome(
            "pending",
            error,
            channel=channel,
            next_attempt_at=self._clock.now() + timedelta(seconds=delay),
        )

    def _local_failure(self, error: str) -> Outcome:
        return Outcome(
            "pending",
            f"not sent: {error}",
            next_attempt_at=self._clock.now() + timedelta(seconds=self.settings.local_retry),
            give_back_attempt=True,
        )

    # --- recording -----------------------------------------------------------------------

    async def _record(self, jobs: list[_Job]) -> None:
        now = self._clock.now()
        t = _OUTBOX
        params: list[dict[str, Any]] = []
        window_sends: list[dict[str, Any]] = []
        # Rows and users in one fixed order: two transactions touching the same rows never
        # wait on each other crosswise (the inbound side upserts users in openid order too).
        for job in sorted(jobs, key=lambda j: j.row.id):
            o = job.outcome
            assert o is not None
            params.append(
                {
                    "b_id": job.row.id,
                    "b_me": self.worker_id,
                    "b_status": o.status,
                    "b_back": 1 if o.give_back_attempt else 0,
                    "b_next": o.next_attempt_at,
                    "b_error": o.error[:2000] if o.error else None,
                    "b_channel": o.channel,
                    "b_msgid": o.msgid,
                    "b_sent": now if o.status == "sent" else None,
                    "b_log": _logged(job.row, o, now),
                }
            )
            if o.window_send:
                window_sends.append({"b_openid": job.row.recipient})
            if o.status in ("failed", "undeliverable"):
                log.warning(
                    "outbox %s (%s): %s: %s", job.row.id, job.row.purpose, o.status, o.error
                )
        stmt = (
            update(t)
            .where(
                t.c.id == bindparam("b_id"),
                t.c.leased_by == bindparam("b_me"),
                t.c.status == "sending",
            )
            .values(
                status=bindparam("b_status"),
                attempts=t.c.attempts - bindparam("b_back"),
                next_attempt_at=func.coalesce(
                    bindparam("b_next", type_=UTCDateTime()), t.c.next_attempt_at
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
        window_sends.sort(key=lambda p: p["b_openid"])
        async with self._sessions.begin() as session:
            conn = await session.connection()
            await conn.execute(stmt, params)
            if window_sends:
                await conn.execute(
                    update(_USERS)
                    .where(_USERS.c.openid == bindparam("b_openid"))
                    .values(window_sends=_USERS.c.window_sends + 1),
                    window_sends,
                )


_LOG_KEEP = 10  # attempts kept per row; `attempts` still counts them all


def _logged(row: Claimed, outcome: Outcome, now: datetime) -> list[dict[str, Any]]:
    """The row's attempt log with this attempt added (a deferral before sending is no attempt)."""
    entries = list(row.attempt_log or [])
    if outcome.give_back_attempt:
        return entries[-_LOG_KEEP:]
    entry: dict[str, Any] = {"n": row.attempts, "at": now.isoformat(), "result": outcome.status}
    if outcome.channel:
        entry["channel"] = outcome.channel
    if outcome.error:
        entry["error"] = outcome.error[:300]
    return [*entries, entry][-_LOG_KEEP:]


def _is_deadlock(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(
        getattr(orig, "__cause__", None), "sqlstate", None
    )
    return code == "40P01" or "deadlock detected" in str(exc)


def _is_local_outage(exc: BaseException) -> bool:
    from bot.storage.outages import is_outage

    if is_outage(exc):
        return True
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is a dependency
        return False
    return isinstance(exc, RedisConnectionError | RedisTimeoutError)
