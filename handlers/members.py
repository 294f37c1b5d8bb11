"""Commands for representatives, grid leaders, building leaders and staff."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.clock import Clock
from bot.dispatcher.core import Router
from bot.dispatcher.filters import Command
from bot.messages import Incoming
from bot.services.digest import log_visit
from bot.services.orders import OrderDesk, role_text
from bot.services.roster_cache import RosterCache
from models.community import Member

router = Router("members")

_NUMBER = re.compile(r"^#?\s*(\d{1,12})(?:\s+|[,，:：]\s*|$)(.*)$", re.S)


def split_number(args: str) -> tuple[int, str] | None:
    m = _NUMBER.match(args.strip())
    if not m:
        return None
    return int(m.group(1)), m.group(2).strip()


@router.message(Command("代表绑定", "成员绑定"))
async def bind_member(
    message: Incoming, args: str, session: AsyncSession, clock: Clock, roster: RosterCache
) -> str:
    existing = (
        await session.execute(select(Member).where(Member.openid == message.openid))
    ).scalar_one_or_none()
    if existing is not None:
        return texts.MEMBER_ALREADY_BOUND.format(name=existing.name)
    code = args.strip().upper()
    member = (
        (
            await session.execute(
                select(Member).where(Member.invite_code == code, Member.active.is_(True))
            )
        ).scalar_one_or_none()
        if code
        else None
    )
    if member is None or member.openid:
        return texts.MEMBER_BAD_CODE
    member.openid = message.openid
    member.invite_code = None
    member.updated_at = clock.now()
    roster.invalidate()
    return texts.MEMBER_BOUND.format(name=member.name, roles=role_text(member))


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
