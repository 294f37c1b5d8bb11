"""Sending a batch: plan each row's channel, apply the send limits, make one exchange per
row, and turn what WeChat said (or did not say) into the row's outcome."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.outbox import channel as ch
from bot.outbox.attempts import (
    RECIPIENT_REFUSED,
    Claimed,
    Job,
    OutboxSettings,
    Outcome,
    client_msg_id,
    is_local_outage,
)
from bot.outbox.limits import SendLimits
from bot.storage.outages import OutageLog, short
from bot.wechat.api import WeChatClient
from bot.wechat.errors import (
    OUT_OF_WINDOW,
    WINDOW_COUNT,
    PermanentError,
    QuotaExceeded,
    TokenError,
    TransientError,
    next_beijing_midnight,
)

log = logging.getLogger("mulin.outbox")


class Sending:
    """The sending half of the outbox worker (see :class:`bot.outbox.worker.OutboxWorker`)."""

    _sessions: async_sessionmaker[AsyncSession]
    _client: WeChatClient
    _templates: dict[str, str]
    _limits: SendLimits | None
    _clock: Clock
    settings: OutboxSettings
    dependencies: OutageLog
    _users: Table

    async def _plan(self, rows: Sequence[Claimed]) -> list[Job]:
        recipients = {r.recipient for r in rows}
        async with self._sessions() as session:
            result = await session.execute(
                select(
                    self._users.c.openid,
                    self._users.c.last_interaction_at,
                    self._users.c.window_sends,
                    self._users.c.following,
                ).where(self._users.c.openid.in_(recipients))
            )
            users = {u.openid: ch.UserWindow(*u[1:]) for u in result.all()}
        now = self._clock.now()
        planned: dict[str, int] = defaultdict(int)
        jobs: list[Job] = []
        for row in rows:
            if row.in_flight == "custom" and not row.at_least_once:
                jobs.append(Job(row, ch.Undeliverable("")))
                jobs[-1].outcome = Outcome(
                    "unconfirmed",
                    "the worker stopped while sending; a customer-service message is sent at"
                    " most once, so it is not sent again",
                    channel="custom",
                )
                continue
            if row.attempts > self.settings.max_attempts:
                plan: ch.Plan = ch.Undeliverable("")
                job = Job(row, plan)
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
            job = Job(row, plan)
            if isinstance(plan, ch.Undeliverable):
                job.outcome = Outcome("undeliverable", plan.reason)
            jobs.append(job)
        return jobs

    async def _apply_limits(self, jobs: list[Job]) -> None:
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

    async def _send_all(self, jobs: list[Job]) -> None:
        groups: dict[str, list[Job]] = defaultdict(list)
        for job in jobs:
            if job.outcome is None:
                groups[job.row.recipient].append(job)
        if not groups:
            return
        gate = asyncio.Semaphore(self.settings.concurrency)

        async def run(group: list[Job]) -> None:
            # One recipient's messages go out in order; recipients in parallel.
            for job in group:
                if job.slot is not None:
                    wait = (job.slot - self._clock.now()).total_seconds()
                    if wait > 0:
                        await asyncio.sleep(wait)
                async with gate:
                    job.outcome = await self._send(job)

        await asyncio.gather(*(run(g) for g in groups.values()))

    async def _send(self, job: Job) -> Outcome:
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
            if is_local_outage(exc):  # Redis or the token table: nothing went out
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
