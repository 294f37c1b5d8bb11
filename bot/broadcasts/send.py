"""One occurrence of a rule: its row, its audience and one outbox row per recipient, all in
the caller's transaction. ``UNIQUE(rule_id, key)`` on the occurrence is the guard: whoever
inserts it first sends; everyone else (another process, a retry, a restart) finds it there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts import eligibility
from bot.broadcasts.audience import parse_audience, recipients
from bot.broadcasts.message import render, render_fields, values
from bot.outbox import write
from bot.outbox.write import build_payload
from bot.storage.dialect import dialect_insert
from models.broadcasts import BroadcastOccurrence, BroadcastReceipt, BroadcastRule

PURPOSE = "broadcast"
_OCC = cast(Table, BroadcastOccurrence.__table__)
_RECEIPTS = cast(Table, BroadcastReceipt.__table__)


def dedupe_key(rule_id: int, key: str, openid: str) -> str:
    return f"bc:{rule_id}:{key}:{openid}"


async def enqueue_many(
    session: AsyncSession,
    *,
    recipients: Sequence[str],
    payload: Mapping[str, Any],
    dedupe_prefix: str,
    now: datetime,
    purpose: str = PURPOSE,
) -> int:
    """Queue ``payload`` for every recipient through the outbox's one write path; returns the
    rows added (a recipient already queued under this key is left alone)."""
    rows = [
        {
            "purpose": purpose,
            "recipient": openid,
            "payload": payload,
            "dedupe_key": f"{dedupe_prefix}{openid}",
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for openid in recipients
    ]
    return await write.enqueue_many(session, rows)


async def record_occurrences(
    session: AsyncSession,
    rule_id: int,
    rows: Sequence[tuple[str, datetime]],
    status: str,
    now: datetime,
) -> None:
    """Skipped occurrences: a row each (``ON CONFLICT DO NOTHING``), nothing sent."""
    if not rows:
        return
    stmt = dialect_insert(session, _OCC).on_conflict_do_nothing(index_elements=["rule_id", "key"])
    await session.execute(
        stmt,
        [
            {
                "rule_id": rule_id,
                "key": key,
                "scheduled_for": at,
                "status": status,
                "recipients": 0,
                "created_at": now,
            }
            for key, at in rows
        ],
    )


async def audience_for(
    session: AsyncSession, rule: BroadcastRule, at: datetime, tz: ZoneInfo
) -> list[str]:
    """Who this occurrence speaks to (eligibility: minus those already reminded)."""
    audience = parse_audience(rule.audience)
    if rule.kind != "eligibility":
        return await recipients(session, audience)
    age = int((rule.condition or {})["turns_age"])
    catch_up = (rule.late_within_s or 0) // 86400
    born_on = eligibility.birth_dates_window(age, at.astimezone(tz).date(), catch_up)
    openids = await recipients(session, audience, born_on)
    if not openids:
        return []

    reminded = set(
        (
            await session.execute(
                select(BroadcastReceipt.openid).where(
                    BroadcastReceipt.rule_id == rule.id,
                    BroadcastReceipt.subject == eligibility.subject(age),
                    BroadcastReceipt.openid.in_(openids),
                )
            )
        ).scalars()
    )
    return [o for o in openids if o not in reminded]


async def _claim_receipts(
    session: AsyncSession,
    rule_id: int,
    subject: str,
    openids: Sequence[str],
    occurrence_id: int,
    now: datetime,
) -> list[str]:
    """Insert a receipt per resident; only those inserted now are sent to."""
    if not openids:
        return []
    stmt = (
        dialect_insert(session, _RECEIPTS)
        .values(
            rule_id=bindparam("rule_id"),
            openid=bindparam("openid"),
            subject=bindparam("subject"),
            occurrence_id=bindparam("occurrence_id"),
            created_at=bindparam("created_at", type_=_RECEIPTS.c.created_at.type),
        )
        .on_conflict_do_nothing(index_elements=["rule_id", "openid", "subject"])
        .returning(_RECEIPTS.c.openid)
    )
    params = [
        {
            "rule_id": rule_id,
            "openid": openid,
            "subject": subject,
            "occurrence_id": occurrence_id,
            "created_at": now,
        }
        for openid in openids
    ]
    result = await session.execute(stmt, params)
    return sorted(str(row[0]) for row in result.all())


async def fire(
    session: AsyncSession,
    rule: BroadcastRule,
    *,
    key: str,
    at: datetime,
    status: str,
    now: datetime,
    tz: ZoneInfo,
) -> int | None:
    """Send one occurrence; returns messages queued, or None when it had already happened."""
    stmt = (
        dialect_insert(session, _OCC)
        .values(
            rule_id=rule.id,
            key=key,
            scheduled_for=at,
            status=status,
            recipients=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["rule_id", "key"])
        .returning(_OCC.c.id)
    )
    occurrence_id = (await session.execute(stmt)).scalar()
    if occurrence_id is None:
        return None
    openids = await audience_for(session, rule, at, tz)
    age = None
    if rule.kind == "eligibility":
        age = int((rule.condition or {})["turns_age"])
        openids = await _claim_receipts(
            session, rule.id, eligibility.subject(age), openids, occurrence_id, now
        )
    filled = values(at, tz, age)
    payload = build_payload(
        text=render(rule.text, filled),
        news=None,
        template_fields=render_fields(rule.template_fields, filled),
        template_url=None,
    )
    count = await enqueue_many(
        session,
        recipients=openids,
        payload=payload,
        dedupe_prefix=f"bc:{rule.id}:{key}:",
        now=now,
    )
    await session.execute(update(_OCC).where(_OCC.c.id == occurrence_id).values(recipients=count))
    return count
