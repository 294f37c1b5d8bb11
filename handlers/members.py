"""Commands for representatives, grid leaders, building leaders and staff."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.chat.filters import Command
from bot.chat.router import Router
from bot.clock import Clock
from bot.config import Config
from bot.messages import Incoming
from bot.orders.service import OrderDesk, role_text
from bot.outbox import enqueue
from bot.roster.cache import RosterCache
from bot.storage import throttle
from bot.storage.throttle import Limit
from bot.ticks.digest import log_visit
from models.community import Member

log = logging.getLogger(__name__)
router = Router("members")

_NUMBER = re.compile(r"^#?\s*(\d{1,12})(?:\s+|[,，:：]\s*|$)(.*)$", re.S)


def split_number(args: str) -> tuple[int, str] | None:
    m = _NUMBER.match(args.strip())
    if not m:
        return None
    return int(m.group(1)), m.group(2).strip()


# Guessing a 6-character code (32**6 ≈ 1.07e9) is hopeless within these limits: a user gets
# 5 tries an hour, and everyone together 30 per 10 minutes before binding pauses for all.
INVITE_PER_USER = Limit(failures=5, window=timedelta(hours=1), lock_for=timedelta(hours=1))
INVITE_OVERALL = Limit(failures=30, window=timedelta(minutes=10), lock_for=timedelta(minutes=15))
_ALL = "invite:*"


@router.message(Command("代表绑定", "成员绑定"))
async def bind_member(
    message: Incoming,
    args: str,
    session: AsyncSession,
    clock: Clock,
    roster: RosterCache,
    config: Config,
) -> str:
    existing = (
        await session.execute(select(Member).where(Member.openid == message.openid))
    ).scalar_one_or_none()
    if existing is not None:
        return texts.MEMBER_ALREADY_BOUND.format(name=existing.name)
    now = clock.now()
    mine = f"invite:{message.openid}"
    if await throttle.locked_until(session, mine, now) or await throttle.locked_until(
        session, _ALL, now
    ):
        return texts.MEMBER_BIND_LOCKED
    code = args.strip().upper()
    member = (
        (
            await session.execute(
                select(Member).where(
                    Member.invite_code == code,
                    Member.active.is_(True),
                    Member.openid.is_(None),
                    Member.invite_expires_at > now,
                )
            )
        ).scalar_one_or_none()
        if code and len(code) <= 16
        else None
    )
    if member is None:
        return await _bad_code(message, session, clock, roster, config)
    member.openid = message.openid
    member.invite_code = None
    member.invite_expires_at = None
    member.updated_at = now
    await throttle.clear(session, mine)
    roster.invalidate()
    return texts.MEMBER_BOUND.format(name=member.name, roles=role_text(member))


async def _bad_code(
    message: Incoming, session: AsyncSession, clock: Clock, roster: RosterCache, config: Config
) -> str:
    now = clock.now()
    _, user_locked = await throttle.record_failure(
        session, f"invite:{message.openid}", INVITE_PER_USER, now
    )
    _, all_locked = await throttle.record_failure(session, _ALL, INVITE_OVERALL, now)
    if user_locked is not None:
        log.warning("invite codes: one WeChat user locked out after repeated wrong codes")
    if all_locked is not None:
        log.warning(
            "invite codes: %d wrong codes within %s; binding paused for everyone until %s",
            INVITE_OVERALL.failures,
            INVITE_OVERALL.window,
            all_locked.isoformat(timespec="minutes"),
        )
        await _alert_staff(session, clock, roster, config, all_locked)
    if user_locked is not None or all_locked is not None:
        return texts.MEMBER_BIND_LOCKED
    return texts.MEMBER_BAD_CODE


async def _alert_staff(
    session: AsyncSession, clock: Clock, roster: RosterCache, config: Config, until: datetime
) -> None:
    view = await roster.get(session)
    local = until.astimezone(config.tz)
    text = texts.STAFF_INVITE_BURST.format(
        count=INVITE_OVERALL.failures,
        minutes=int(INVITE_OVERALL.window.total_seconds() // 60),
        until=local.strftime("%H:%M"),
    )
    for m in view.by_key.values():
        if m.active and m.openid and "staff" in (m.roles or []):
            await enqueue(
                session,
                purpose="reminder",
                recipient=m.openid,
                text=text,
                template_fields={"thing1": "成员绑定暂停", "thing2": "邀请码多次输错"},
                dedupe_key=f"invite-burst:{until.isoformat()}:{m.key}",
                now=clock.now(),
            )


_ACTIONS = ("接单", "进度", "完成", "办结", "退单", "转派", "吹哨")


@router.message(Command(*_ACTIONS, "待办", "上岗", "下岗", "走访"))
async def member_command(message: Incoming, command: str, args: str, desk: OrderDesk) -> str:
    member = await desk.member_by_openid(message.openid)
    if member is None:
        return texts.MEMBER_ONLY
    if command == "待办":
        return await desk.member_open(member)
    if command in ("上岗", "下岗"):
        return await desk.set_duty(member, command == "上岗")
    if command == "走访":
        return await log_visit(desk.session, desk.clock, desk.config, member, args)
    name = "完成" if command == "办结" else command
    parsed = split_number(args)
    needs_note = name in ("进度", "退单", "转派", "吹哨")
    if parsed is None or (needs_note and not parsed[1]):
        return texts.MEMBER_USAGE[name]
    number, note = parsed
    handlers: dict[str, Any] = {
        "接单": lambda: desk.accept(member, number),
        "进度": lambda: desk.progress(member, number, note),
        "完成": lambda: desk.resolve(member, number, note),
        "退单": lambda: desk.decline(member, number, note),
        "转派": lambda: desk.reassign(member, number, note),
        "吹哨": lambda: desk.escalate(member, number, note),
    }
    result: str = await handlers[name]()
    return result
