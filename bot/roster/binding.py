"""Linking a WeChat user to a roster member with an invite code (``代表绑定 ABC123``).

Guessing a 6-character code (32**6 ≈ 1.07e9) is hopeless within these limits: a user gets
5 tries an hour, and everyone together 30 per 10 minutes before binding pauses for all and
staff are alerted (docs/security.md). A code works once, until it expires.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.outbox import enqueue
from bot.outbox.templates import notice_fields
from bot.roster.cache import RosterCache
from bot.storage import throttle
from bot.storage.throttle import Limit
from models.community import Member

log = logging.getLogger(__name__)

PER_USER = Limit(failures=5, window=timedelta(hours=1), lock_for=timedelta(hours=1))
OVERALL = Limit(failures=30, window=timedelta(minutes=10), lock_for=timedelta(minutes=15))
_ALL = "invite:*"


@dataclass(frozen=True)
class Bound:
    member: Member | None = None  # bound now
    already: Member | None = None  # this WeChat user was bound before
    locked: bool = False  # too many wrong codes: try later
    wrong: bool = False


async def member_of(session: AsyncSession, openid: str) -> Member | None:
    """The member this WeChat user is bound to (active or not)."""
    return (
        await session.execute(select(Member).where(Member.openid == openid))
    ).scalar_one_or_none()


async def bind(
    session: AsyncSession,
    clock: Clock,
    config: Config,
    roster: RosterCache,
    openid: str,
    code: str,
) -> Bound:
    existing = await member_of(session, openid)
    if existing is not None:
        return Bound(already=existing)
    now = clock.now()
    mine = f"invite:{openid}"
    if await throttle.locked_until(session, mine, now) or await throttle.locked_until(
        session, _ALL, now
    ):
        return Bound(locked=True)
    code = code.strip().upper()
    member = None
    if code and len(code) <= 16:
        member = (
            await session.execute(
                select(Member).where(
                    Member.invite_code == code,
                    Member.active.is_(True),
                    Member.openid.is_(None),
                    Member.invite_expires_at > now,
                )
            )
        ).scalar_one_or_none()
    if member is None:
        return await _wrong_code(session, clock, config, roster, openid)
    member.openid = openid
    member.invite_code = None
    member.invite_expires_at = None
    member.updated_at = now
    await throttle.clear(session, mine)
    roster.invalidate()
    return Bound(member=member)


async def _wrong_code(
    session: AsyncSession, clock: Clock, config: Config, roster: RosterCache, openid: str
) -> Bound:
    now = clock.now()
    _, user_locked = await throttle.record_failure(session, f"invite:{openid}", PER_USER, now)
    _, all_locked = await throttle.record_failure(session, _ALL, OVERALL, now)
    if user_locked is not None:
        log.warning("invite codes: one WeChat user locked out after repeated wrong codes")
    if all_locked is not None:
        log.warning(
            "invite codes: %d wrong codes within %s; binding paused for everyone until %s",
            OVERALL.failures,
            OVERALL.window,
            all_locked.isoformat(timespec="minutes"),
        )
        await _alert_staff(session, clock, roster, config, all_locked)
    return Bound(locked=user_locked is not None or all_locked is not None, wrong=True)


async def _alert_staff(
    session: AsyncSession, clock: Clock, roster: RosterCache, config: Config, until: datetime
) -> None:
    view = await roster.get(session)
    text = texts.STAFF_INVITE_BURST.format(
        count=OVERALL.failures,
        minutes=int(OVERALL.window.total_seconds() // 60),
        until=until.astimezone(config.tz).strftime("%H:%M"),
    )
    for m in view.by_key.values():
        if m.active and m.openid and "staff" in (m.roles or []):
            await enqueue(
                session,
                purpose="reminder",
                recipient=m.openid,
                text=text,
                template_fields=notice_fields(*texts.STAFF_INVITE_BURST_FIELDS),
                dedupe_key=f"invite-burst:{until.isoformat()}:{m.key}",
                now=clock.now(),
            )
