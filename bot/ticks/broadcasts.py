"""The broadcast tick: claim due rules atomically, send what is due, advance ``next_run_at``.

1. Claim (one statement): ``UPDATE broadcast_rules SET lease_until, leased_by WHERE id IN
   (SELECT id … WHERE enabled AND next_run_at <= now AND lease free ORDER BY next_run_at
   LIMIT n [FOR UPDATE SKIP LOCKED]) RETURNING id``. A crashed claimer's lease runs out and
   the rule becomes claimable again.
2. Per claimed rule, one transaction: the occurrences between ``next_run_at`` and now — the
   latest sent if still within ``late_within``, older ones recorded as skipped — the outbox
   rows, the new ``next_run_at`` and the released lease commit together. The occurrence's
   ``UNIQUE(rule_id, key)`` makes a second sender (after a lost lease) send nothing.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcasts.schedule import (
    ScheduleError,
    build_trigger,
    occurrence_key,
    plan_due,
    sendable_checker,
)
from bot.broadcasts.send import fire, record_occurrences
from bot.clock import Clock
from bot.config import Config
from bot.storage.dialect import dialect_name
from bot.storage.outages import is_outage
from models.broadcasts import BroadcastRule

log = logging.getLogger("mulin.broadcasts")

LEASE = timedelta(minutes=5)
BATCH = 10
_RULES = cast(Table, BroadcastRule.__table__)


def _lease_free(now: datetime) -> Any:
    return or_(_RULES.c.lease_until.is_(None), _RULES.c.lease_until < now)


async def claim_due(session: AsyncSession, now: datetime, token: str, limit: int) -> list[int]:
    due = (
        select(_RULES.c.id)
        .where(
            _RULES.c.enabled.is_(True),
            _RULES.c.removed_at.is_(None),
            _RULES.c.next_run_at <= now,
            _lease_free(now),
        )
        .order_by(_RULES.c.next_run_at)
        .limit(limit)
    )
    if dialect_name(session) == "postgresql":
        due = due.with_for_update(skip_locked=True)
    stmt = (
        update(_RULES)
        .where(_RULES.c.id.in_(due), _lease_free(now))
        .values(lease_until=now + LEASE, leased_by=token)
        .returning(_RULES.c.id)
    )
    return [int(i) for i in (await session.execute(stmt)).scalars()]


async def broadcast_tick(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    config: Config,
    *,
    limit: int = BATCH,
) -> int:
    """One tick; returns the number of messages queued. Safe to run in many processes."""
    now = clock.now()
    token = uuid.uuid4().hex
    async with sessions() as session, session.begin():
        claimed = await claim_due(session, now, token, limit)
    queued = 0
    for rule_id in claimed:
        try:
            queued += await _process(sessions, rule_id, token, now, config)
        except Exception as exc:  # one broken rule must not stop the others; its lease runs out
            if is_outage(exc):
                raise  # the database is away: the tick's caller logs that once
            log.exception("broadcast rule %s failed; retried when its lease runs out", rule_id)
    return queued


async def _process(
    sessions: async_sessionmaker[AsyncSession],
    rule_id: int,
    token: str,
    now: datetime,
    config: Config,
) -> int:
    tz = config.tz
    async with sessions() as session, session.begin():
        rule = (
            await session.execute(
                select(BroadcastRule).where(
                    BroadcastRule.id == rule_id, BroadcastRule.leased_by == token
                )
            )
        ).scalar_one_or_none()
        if rule is None:  # lease lost to another process: it handles the rule
            return 0
        rule.lease_until = None
        rule.leased_by = None
        if not rule.enabled or rule.removed_at is not None or rule.next_run_at is None:
            return 0
        try:
            trigger = build_trigger(rule.kind, rule.schedule, tz)
        except ScheduleError as exc:
            log.error("broadcast rule %s disabled: %s", rule_id, exc)
            rule.enabled = False
            rule.next_run_at = None
            return 0
        late = None if rule.late_within_s is None else timedelta(seconds=rule.late_within_s)
        plan = plan_due(trigger, rule.next_run_at, now, sendable_checker(rule.kind, late, tz))
        await record_occurrences(
            session,
            rule.id,
            [(occurrence_key(rule.kind, at, tz), at) for at in plan.skipped],
            "skipped",
            now,
        )
        if plan.skipped:
            log.info(
                "broadcast rule %s: %d missed occurrence(s) skipped",
                rule_id,
                len(plan.skipped) + plan.more_skipped,
            )
        queued = 0
        if plan.send is not None:
            key = occurrence_key(rule.kind, plan.send, tz)
            sent = await fire(session, rule, key=key, at=plan.send, status="sent", now=now, tz=tz)
            queued = sent or 0
            log.info("broadcast rule %s occurrence %s: %s queued", rule_id, key, sent)
        rule.next_run_at = plan.next_run_at
        return queued


async def broadcast_tick_app(app: Any) -> int:
    """The tick for an aiohttp application (``SESSIONS``, ``CLOCK``, ``CONFIG`` keys)."""
    from bot.keys import CLOCK, CONFIG, SESSIONS

    return await broadcast_tick(app[SESSIONS], app[CLOCK], app[CONFIG])
