"""Commands for representatives, grid leaders, building leaders and staff.

Each command is one handler. ``AsMember`` lets only a bound member through (and hands the
member to the handler); ``OrderArgs`` reads ``#1024 说明``. A command that fails either filter
falls through to the usage and members-only answers at the end.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.chat.filters import Command
from bot.chat.router import Router
from bot.clock import Clock
from bot.config import Config
from bot.intake.normalize import simplified
from bot.messages import Incoming
from bot.orders import queries
from bot.orders.core import Refused
from bot.orders.lifecycle import Action
from bot.orders.service import OrderService
from bot.orders.wording import local_time, role_text, who
from bot.roster import binding, visits
from bot.roster.cache import RosterCache, RosterView
from handlers import replies
from models.community import Member

router = Router("members")

# 接单 1024, 接单 #1024, 接单1024号
_NUMBER = re.compile(r"^#?\s*(\d{1,12})\s*号?(?:\s+|[,，:：、]\s*|$)(.*)$", re.S)
# 接单 321 322: more orders taken at once
_MORE_NUMBERS = re.compile(r"^(?:#?\s*\d{1,12}\s*号?[\s,，、]*)+$")
_ANY_NUMBER = re.compile(r"#?\s*(\d{1,12})")
_ORDER_COMMANDS = ("接单", "进度", "完成", "办结", "退单", "转派", "吹哨")


def split_number(args: str) -> tuple[int, str] | None:
    m = _NUMBER.match(args.strip())
    if not m:
        return None
    return int(m.group(1)), m.group(2).strip()


class AsMember:
    """Matches a message from a bound, active member; injects ``member``."""

    async def __call__(self, message: Incoming, data: dict[str, Any]) -> bool | dict[str, Any]:
        found = await data["orders"].member_by_openid(message.openid)
        return {"member": found} if found is not None else False


class OrderArgs:
    """``接单 1024`` / ``进度 #1024 说明``: injects ``number`` and ``note``."""

    def __init__(self, *, note: bool = False) -> None:
        self.note = note

    def __call__(self, message: Incoming, data: dict[str, Any]) -> bool | dict[str, Any]:
        parsed = split_number(data.get("args", ""))
        if parsed is None or (self.note and not parsed[1]):
            return False
        return {"number": parsed[0], "note": parsed[1]}


@router.message(Command("代表绑定", "成员绑定"))
async def bind_member(
    message: Incoming,
    args: str,
    session: AsyncSession,
    clock: Clock,
    roster: RosterCache,
    config: Config,
) -> str:
    if not args.strip():  # 代表绑定 alone: how, not "wrong code" (and no attempt counted)
        return texts.MEMBER_BIND_USAGE
    result = await binding.bind(session, clock, config, roster, message.openid, args)
    if result.already is not None:
        return texts.MEMBER_ALREADY_BOUND.format(name=result.already.name)
    if result.member is not None:
        return texts.MEMBER_BOUND.format(name=result.member.name, roles=role_text(result.member))
    return texts.MEMBER_BIND_LOCKED if result.locked else texts.MEMBER_BAD_CODE


@router.message(Command("帮助", "help", "菜单", "?", "？", "成员帮助"), AsMember())
async def member_help() -> str:
    return texts.MEMBER_HELP + "\n\n" + texts.HELP


@router.message(Command("接单"), AsMember(), OrderArgs())
async def accept(member: Member, number: int, note: str, orders: OrderService) -> str:
    if not _MORE_NUMBERS.match(note):
        return await _accept_one(member, number, orders)
    numbers = [number, *(int(n) for n in re.findall(r"\d{1,12}", note))]
    answers: list[str] = []
    for n in dict.fromkeys(numbers):
        try:  # one order someone else holds does not stop the others
            answers.append(await _accept_one(member, n, orders))
        except Refused as refusal:
            answers.append(refusal.reply)
    return "\n".join(answers)


async def _accept_one(member: Member, number: int, orders: OrderService) -> str:
    done = await orders.accept(member, number)
    order = done.order
    if done.taken_by is not None and done.taken_by.id == member.id:
        return texts.MEMBER_TAKEN_BY_YOU.format(number=order.id)
    if done.taken_by is not None:
        return texts.MEMBER_TAKEN.format(number=order.id, who=who(done.taken_by))
    place = (await orders.roster()).order_address(order)
    return texts.MEMBER_ACCEPTED.format(number=order.id, place=place, summary=order.summary)


@router.message(Command("进度"), AsMember(), OrderArgs(note=True))
async def progress(member: Member, number: int, note: str, orders: OrderService) -> str:
    order = await orders.progress(member, number, note)
    return texts.MEMBER_PROGRESS_OK.format(number=order.id)


@router.message(Command("完成", "办结"), AsMember(), OrderArgs())
async def resolve(member: Member, number: int, note: str, orders: OrderService) -> str:
    order = await orders.resolve(member, number, note)
    return texts.MEMBER_RESOLVED_OK.format(number=order.id)


# 退回 330 不是我的楼: a member's everyday word for 退单 (found from outside: it was read as a
# resident binding room 330). Members only: a resident's 退回 is read as what it says.
_DECLINE_WORDS = ("退单", "退回")
_SAME_AS = {"办结": "完成", "退回": "退单"}  # the usage of the command a word stands for


@router.message(Command(*_DECLINE_WORDS), AsMember(), OrderArgs(note=True))
async def decline(member: Member, number: int, note: str, orders: OrderService) -> str:
    nxt = await orders.decline(member, number, note)
    follow = texts.NEXT_ASSIGNEE.format(who=who(nxt)) if nxt is not None else texts.NEXT_NOBODY
    return texts.MEMBER_DECLINED_OK.format(number=number, next=follow)


@router.message(Command("转派"), AsMember(), OrderArgs(note=True))
async def reassign(member: Member, number: int, note: str, orders: OrderService) -> str:
    new = await orders.reassign(member, number, _named(note, await orders.roster()))
    said = texts.MEMBER_REASSIGNED_OK.format(number=number, who=who(new))
    if not new.on_duty:  # they said 下岗: the order may wait until they are back
        said += texts.MEMBER_REASSIGNED_OFF_DUTY.format(name=new.name)
    return said


def _named(note: str, view: RosterView) -> str:
    """Whom 转派 names, a reason after the name left out (转派 325 林志远 他住那栋楼; found from
    outside: the reason was read as part of the name). A name typed in traditional characters
    (轉派 333 吳建華) is the roster's simplified one."""
    said = note.strip()
    members = sorted(view.by_key.values(), key=lambda m: -max(len(m.name), len(m.key)))
    for text in dict.fromkeys((said, simplified(said))):
        for m in members:
            for name in (m.name, m.key):
                if name and text.startswith(name):
                    return name
    return said


@router.message(Command("吹哨"), AsMember(), OrderArgs(note=True))
async def escalate(member: Member, number: int, note: str, orders: OrderService) -> str:
    order = await orders.escalate(member, number, note)
    return texts.MEMBER_ESCALATED_OK.format(number=order.id)


@router.message(Command("查询", "查看", "工单"), AsMember(), OrderArgs())
async def look_up(member: Member, number: int, orders: OrderService, config: Config) -> str:
    """查询 323: an order the member may act on, as it stands (found from outside: a member
    was told '您还没有报过事', the resident's answer)."""
    order = await orders.member_order(member, number, Action.ACCEPT)
    view = await orders.roster()
    holder = view.by_id.get(order.assignee_id) if order.assignee_id else None
    return texts.MEMBER_ORDER_LOOKUP.format(
        number=order.id,
        category=texts.CATEGORY_NAMES.get(order.category, order.category),
        place=view.order_address(order),
        summary=order.summary,
        status=texts.STATUS_NAMES.get(order.status, order.status),
        holder=f"，{who(holder)}" if holder is not None else "",
        created=local_time(order.created_at, config.tz),
    )


@router.message(Command("待办"), AsMember())
async def to_do(member: Member, orders: OrderService) -> str:
    view = await orders.roster()
    held = await queries.held_by(orders.session, member.id)
    unowned = await queries.unowned(orders.session, view, member)
    return replies.member_open(held, view, unowned)


@router.message(Command("网格工单", "网格待办", "本网格"), AsMember())
async def grid_orders(member: Member, orders: OrderService) -> str:
    view = await orders.roster()
    index = view.index_for(member.community_id)
    if member.key not in index.grid_leader.values() and not member.grids:
        return texts.GRID_BOARD_NOT_LEADER
    return replies.grid_board(await queries.grid_board(orders.session, view, member), view)


@router.message(Command("上岗", "下岗"), AsMember())
async def duty(member: Member, command: str, orders: OrderService) -> str:
    on = command == "上岗"
    if member.on_duty == on:  # said twice: the second answer says nothing changed
        return texts.MEMBER_ALREADY_ON_DUTY if on else texts.MEMBER_ALREADY_OFF_DUTY
    await orders.set_duty(member, on)
    return texts.MEMBER_ON_DUTY if on else texts.MEMBER_OFF_DUTY


@router.message(Command("走访"), AsMember())
async def visit(
    member: Member, args: str, session: AsyncSession, clock: Clock, config: Config
) -> str:
    return await visits.log_visit(session, clock, config, member, args)


@router.message(Command(*_ORDER_COMMANDS, *_DECLINE_WORDS), AsMember())
async def usage(command: str) -> str:
    """A member's order command whose number or note is missing."""
    return texts.MEMBER_USAGE[_SAME_AS.get(command, command)]


@router.message(Command("进度"))
async def resident_progress(
    message: Incoming, args: str, orders: OrderService, config: Config
) -> str:
    """进度 326 from a resident asks about their own order #326 (进度 alone: their orders)."""
    m = _ANY_NUMBER.search(args)
    found = await queries.find(orders.session, int(m.group(1))) if m else None
    if found is not None and found.resident_openid == message.openid:
        return replies.resident_orders([found], await orders.roster(), config.tz)
    if m is not None:
        return texts.ORDER_NOT_FOUND.format(number=m.group(1))
    mine = await queries.resident_orders(orders.session, message.openid)
    return replies.resident_orders(mine, await orders.roster(), config.tz)


@router.message(Command(*_ORDER_COMMANDS, "待办", "网格工单", "上岗", "下岗", "走访"))
async def members_only() -> str:
    return texts.MEMBER_ONLY
