"""Visits members log in chat, and the weekly digest each grid leader receives."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.orders import queries
from bot.outbox import enqueue
from bot.outbox.templates import digest_fields
from bot.roster.cache import RosterCache
from bot.roster.visits import DUTY_HOURS, DUTY_VISITS, hours_text, visits_between, week_start
from bot.storage.dialect import dialect_insert
from models.community import Member
from models.visits import JobMark

DIGEST_HOUR = 8  # Monday 08:00 local time


async def claim_period(session: AsyncSession, name: str, period: str, now: datetime) -> bool:
    stmt = (
        dialect_insert(session, cast(Table, JobMark.__table__))
        .values(name=name, period=period, at=now)
        .on_conflict_do_nothing(index_elements=["name", "period"])
        .returning(JobMark.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def digest_for(
    session: AsyncSession, config: Config, roster: RosterCache, leader: Member, now: datetime
) -> str:
    view = await roster.get(session)
    index = view.index_for(leader.community_id)
    grids = set(leader.grids or [])
    rows = await queries.grid_board(session, view, leader)
    names = "、".join(index.grid_names.get(g, g) for g in sorted(grids)) or texts.YOUR_GRID
    local = now.astimezone(config.tz)
    lines = [
        texts.DIGEST_HEADER.format(
            grid=names, date=texts.MONTH_DAY.format(month=local.month, day=local.day)
        )
    ]
    overdue = [o for o in rows if o.overdue_at is not None]
    if rows:
        lines.append(texts.DIGEST_OPEN.format(open=len(rows), overdue=len(overdue)))
        for o in rows[:8]:
            flag = texts.OVERDUE_TAG if o.overdue_at is not None else ""
            place = view.order_address(o)
            lines.append(f"#{o.id} {flag}{texts.STATUS_NAMES[o.status]} {place}{o.summary}")
        if len(rows) > 8:
            lines.append(texts.DIGEST_MORE.format(more=len(rows) - 8))
    else:
        lines.append(texts.DIGEST_NONE_OPEN)
    this_week = week_start(now, config)
    count, minutes = await visits_between(
        session, leader.id, this_week - timedelta(days=7), this_week
    )
    ok = count >= DUTY_VISITS and minutes >= DUTY_HOURS * 60
    lines.append(
        texts.DIGEST_VISITS.format(
            count=count,
            hours=hours_text(minutes),
            need_count=DUTY_VISITS,
            need_hours=DUTY_HOURS,
            verdict=texts.DIGEST_VISITS_OK if ok else texts.DIGEST_VISITS_SHORT,
        )
    )
    return "\n".join(lines)


async def digest_tick(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, config: Config, roster: RosterCache
) -> int:
    """Monday 08:00 local time, send this week's digest once.

    Late (the service was down at 08:00) it still goes out the same Monday; after that the
    week's digest is stale and skipped — a new installation does not send one mid-week.
    """
    now = clock.now()
    start = week_start(now, config)
    local_now = now.astimezone(config.tz)
    if not start + timedelta(hours=DIGEST_HOUR) <= local_now < start + timedelta(days=1):
        return 0
    local = start.astimezone(config.tz)
    period = f"{local.isocalendar().year}-W{local.isocalendar().week:02d}"
    async with sessions() as session, session.begin():
        if not await claim_period(session, "weekly_digest", period, now):
            return 0
        leaders = list(
            (await session.execute(select(Member).where(Member.active.is_(True)))).scalars()
        )
        sent = 0
        for leader in leaders:
            if "grid_leader" not in (leader.roles or []) or not leader.openid:
                continue
            body = await digest_for(session, config, roster, leader, now)
            await enqueue(
                session,
                purpose="reminder",
                recipient=leader.openid,
                text=body,
                template_fields=digest_fields(texts.DIGEST_TITLE, local.strftime("%Y-%m-%d")),
                dedupe_key=f"digest:{period}:{leader.key}",
                now=now,
            )
            sent += 1
    return sent
