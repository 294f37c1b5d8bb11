"""Visits grid leaders log in chat (``走访 2小时 3栋入户``), against their weekly duty."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.intake.numerals import to_int
from models.community import Member
from models.visits import Visit

# Duty of a grid leader (DOMAIN.md): at least 3 visits and 12 hours a week.
DUTY_VISITS = 3
DUTY_HOURS = 12
_DURATION = re.compile(
    r"^\s*(?P<sign>[-－负]\s*)?(?P<n>\d+(?:\.\d+)?|[一两二三四五六七八九十半]+)\s*(?P<unit>个?小时|钟头|h|H|分钟|分|min)(?P<half>半)?\s*(?P<note>.*)$",
    re.S,
)


MAX_MINUTES = 24 * 60


def parse_duration_minutes(text: str) -> tuple[int, str] | None:
    """Minutes and the note of ``2小时 3栋入户``; None unless it is a duration, 1 minute to
    24 hours."""
    parsed = _duration(text)
    if parsed is None or not 1 <= parsed[0] <= MAX_MINUTES:
        return None
    return parsed


def _duration(text: str) -> tuple[int, str] | None:
    """Minutes (any, negative too) and the note, when ``text`` starts with a duration."""
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
    return -minutes if m.group("sign") else minutes, m.group("note").strip()


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


def hours_text(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


async def log_visit(
    session: AsyncSession, clock: Clock, config: Config, member: Member, args: str
) -> str:
    parsed = parse_duration_minutes(args)
    if parsed is None:
        # 走访 25小时 / 走访 -3小时: a duration, but not one a visit can take; say the range
        # (found from outside: the usage alone did not say why it was refused)
        return texts.VISIT_OUT_OF_RANGE if _duration(args) else texts.VISIT_USAGE
    minutes, note = parsed
    now = clock.now()
    session.add(Visit(member_id=member.id, at=now, minutes=minutes, note=note))
    await session.flush()
    start = week_start(now, config)
    count, total = await visits_between(session, member.id, start, start + timedelta(days=7))
    duration = (
        texts.HOURS_SPACED.format(n=hours_text(minutes))
        if minutes >= 60
        else texts.MINUTES_SPACED.format(n=minutes)
    )
    said = texts.VISIT_LOGGED.format(duration=duration, count=count, hours=hours_text(total))
    if "grid_leader" not in (member.roles or []):
        return said + "。"  # the weekly duty is the grid leader's; others just log what they did
    return said + texts.VISIT_DUTY.format(need_count=DUTY_VISITS, need_hours=DUTY_HOURS)
