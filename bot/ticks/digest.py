"""Visits members log in chat, and the weekly digest each grid leader receives."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.intake.numerals import to_int
from bot.orders.lifecycle import OPEN
from bot.orders.service import place_text
from bot.outbox import enqueue
from bot.roster.cache import RosterCache
from models.community import Member
from models.orders import Order
from models.repo import dialect_insert
from models.visits import JobMark, Visit

# Duty of a grid leader (DOMAIN.md): at least 3 visits and 12 hours a week.
DUTY_VISITS = 3
DUTY_HOURS = 12
DIGEST_HOUR = 8  # Monday 08:00 local time
_DURATION = re.compile(
    r"^\s*(?P<n>\d+(?:\.\d+)?|[一两二三四五六七八九十半]+)\s*(?P<unit>个?小时|钟头|h|H|分钟|分|min)(?P<half>半)?\s*(?P<note>.*)$",
    re.S,
)


def parse_duration_minutes(text: str) -> tuple[int, str] | None:
    m = _DURATION.match(text)
    if not m:
        return None
    raw = m.group("n")
    if raw[0].isdigit():
        value = float(raw)
    elif raw == "半":
        value = 0.5
    else:
        value = float(to_int(raw) or 0)
    if m.group("half"):
        value += 0.5
    minutes = (
        int(value * 60)
        if "时" in m.group("unit") or m.group("unit") in ("h", "H", "钟头")
        else int(value)
    )
    if not 1 <= minutes <= 24 * 60:
        return None
    return minutes, m.group("note").strip()


def week_start(now: datetime, config: Config) -> datetime:
    local = now.astimezone(config.tz)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday


async def visits_between(
    session: AsyncSession, member_id: int, start: datetime, end: datetime
) -> tuple[int, int]:
    row = (
        await session.execute(
            select(func.count(Visit.id), func.coalesce(func.sum(Visit.minutes), 0)).where(
                Visit.member_id == member_id, Visit.at >= start, Visit.at < end
            )
        )
    ).one()
    return int(row[0]), int(row[1])


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


async def log_visit(
    session: AsyncSession, clock: Clock, config: Config, member: Member, args: str
) -> str:
    parsed = parse_duration_minutes(args)
    if parsed is None:
        return texts.VISIT_USAGE
    minutes, note = parsed
    now = clock.now()
    session.add(Visit(member_id=member.id, at=now, minutes=minutes, note=note))
    await session.flush()
    start = week_start(now, config)
    count, total = await visits_between(session, member.id, start, start + timedelta(days=7))
    duration = f"{_hours(minutes)} 小时" if minutes >= 60 else f"{minutes} 分钟"
    return texts.VISIT_LOGGED.format(
        duration=duration,
        count=count,
        hours=_hours(total),
        need_count=DUTY_VISITS,
        need_hours=DUTY_HOURS,
    )


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
    grids = set(leader.grids or [])
    buildings = [b for b, g in view.index.grid_of_building.items() if g in grids]
    rows = (
        list(
            (
                await session.execute(
                    select(Order)
                    .where(Order.status.in_([s.value for s in OPEN]), Order.building.in_(buildings))
                    .order_by(Order.overdue_at.is_(None), Order.created_at)
                    .limit(200)
                )
            ).scalars()
        )
        if buildings
        else []
    )
    names = "、".join(view.index.grid_names.get(g, g) for g in sorted(grids)) or "您的网格"
    local = now.astimezone(config.tz)
    lines = [texts.DIGEST_HEADER.format(grid=names, date=f"{local.month}月{local.day}日")]
    overdue = [o for o in rows if o.overdue_at is not None]
    if rows:
        lines.append(texts.DIGEST_OPEN.format(open=len(rows), overdue=len(overdue)))
        for o in rows[:8]:
            flag = "【超时】" if o.overdue_at is not None else ""
            lines.append(f"#{o.id} {flag}{texts.STATUS_NAMES[o.status]} {place_text(o)}{o.summary}")
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
            hours=_hours(minutes),
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
                template_fields={"thing1": "每周网格简报", "time2": local.strftime("%Y-%m-%d")},
                dedupe_key=f"digest:{period}:{leader.key}",
                now=now,
            )
            sent += 1
    return sent
