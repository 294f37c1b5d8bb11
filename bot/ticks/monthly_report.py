"""The monthly report on the 1st: from 08:00 local time, each admin of the console with a
member link (and that member's WeChat bound) is pushed the previous month's key figures for
their scope and the link to download the workbook from the console — once, however many
processes tick (a ``JobMark`` claim)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Config
from bot.kpi import labels
from bot.kpi.facts import OrderFact
from bot.kpi.figures import Figures, compute
from bot.kpi.load import Names, communities_under, load_facts
from bot.kpi.period import Period
from bot.orders.sla import sla_of
from bot.outbox import enqueue
from bot.outbox.templates import digest_fields
from bot.ticks.digest import claim_period
from models.community import Member
from models.console import ConsoleUser

REPORT_HOUR = 8  # 08:00 local on the 1st
LATE_DAYS = 3  # the service was down on the 1st: still sent up to the 3rd, then stale
JOB = "monthly_report"


def report_link(config: Config, month: Period) -> str:
    base = (config.server.public_url or "").rstrip("/")
    return f"{base}{config.admin.path.rstrip('/')}/reports/monthly?month={month.first:%Y-%m}"


def push_text(figures: Figures, month: Period, place: str, link: str) -> str:
    where = f"（{place}）" if place else ""
    if figures.received == 0:
        return labels.PUSH_EMPTY.format(month=month.label, place=where, link=link)
    return labels.PUSH_BODY.format(
        month=month.label,
        place=where,
        received=figures.received,
        response=labels.show("response_rate", figures.response_rate),
        resolution=labels.show("resolution_rate", figures.resolution_rate),
        satisfaction=labels.show("satisfaction_rate", figures.satisfaction_rate),
        overdue=figures.overdue,
        reopened=figures.reopened,
        link=link,
    )


def due_month(now: datetime, config: Config) -> Period | None:
    """The month to report at ``now``, or None when it is not the time."""
    local = now.astimezone(config.tz)
    if not 1 <= local.day <= LATE_DAYS or (local.day == 1 and local.hour < REPORT_HOUR):
        return None
    last = local.date().replace(day=1) - timedelta(days=1)
    return Period.month(last.year, last.month, config.tz)


async def _recipients(session: AsyncSession) -> list[tuple[ConsoleUser, Member]]:
    query = (
        select(ConsoleUser, Member)
        .join(Member, Member.key == ConsoleUser.member_key)
        .where(
            ConsoleUser.role == "admin",
            ConsoleUser.disabled.is_(False),
            Member.active.is_(True),
            Member.openid.is_not(None),
        )
        .order_by(ConsoleUser.username)
    )
    return [(row[0], row[1]) for row in await session.execute(query)]


async def _figures(
    conn: AsyncConnection,
    config: Config,
    month: Period,
    code: str | None,
    names: Names,
    facts: list[OrderFact],
) -> tuple[Figures, str]:
    allowed = await communities_under(conn, code)
    mine = facts if allowed is None else [o for o in facts if o.community in allowed]
    place = names.communities.get(code or "", "")
    return compute(mine, sla_of(config), month), place


async def monthly_report_tick(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, config: Config
) -> int:
    """Push the previous month's report to the admins once; returns how many were queued."""
    now = clock.now()
    month = due_month(now, config)
    if month is None:
        return 0
    async with sessions() as session, session.begin():
        if not await claim_period(session, JOB, f"{month.first:%Y-%m}", now):
            return 0
        people = await _recipients(session)
        if not people:
            return 0
        conn = await session.connection()
        facts, names = await load_facts(conn, month.start_utc, month.end_utc)
        link = report_link(config, month)
        for user, member in people:
            figures, place = await _figures(conn, config, month, user.community_code, names, facts)
            await enqueue(
                session,
                purpose="reminder",
                recipient=member.openid or "",
                text=push_text(figures, month, place, link),
                template_fields=digest_fields(
                    labels.PUSH_TITLE.format(month=month.label),
                    now.astimezone(config.tz).strftime("%Y-%m-%d"),
                ),
                template_url=link if link.startswith("http") else None,
                dedupe_key=f"monthly_report:{month.first:%Y-%m}:{user.username}",
                now=now,
            )
    return len(people)
