"""The other pages: members with their duty and load, residents (openid masked), and the
audit log (admins only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console import accounts
from bot.console import texts as t
from bot.console.resident_view import home, mask_openid, token
from bot.console.scope import Viewer, grid_buildings, may_be_given, resident_in_community
from bot.console.web import PREFIX, VIEWER, audit_entry, page, refuse, whole
from bot.keys import CLOCK, CONFIG, READS, ROSTER, SESSIONS
from bot.orders.dispatch import ROLE_NAMES
from bot.orders.lifecycle import HELD_VALUES
from bot.orders.office_service import OfficeService
from models.community import Member, Resident
from models.console import AuditEntry, ConsoleInvite, ConsoleUser
from models.orders import Order

PAGE = 100


async def members(request: web.Request) -> web.Response:
    viewer: Viewer = request[VIEWER]
    async with request.config_dict[READS]() as s:
        query = select(Member).where(Member.active.is_(True)).order_by(Member.key)
        rows = (await s.execute(query)).scalars().all()
        load = dict(
            (
                await s.execute(
                    select(Order.assignee_id, func.count())
                    .where(Order.status.in_(HELD_VALUES))
                    .group_by(Order.assignee_id)
                )
            ).all()
        )
        accounts_of, invited = await _console_access(s, request.config_dict[CLOCK].now())
        view = await request.config_dict[ROSTER].get(s)
    rows = [m for m in rows if may_be_given(viewer, m, view.communities)]  # its own, the street's
    if viewer.in_grid:
        rows = [m for m in rows if viewer.grid in (m.grids or []) or not m.grids]
    shown = [
        {
            "m": m,
            "roles": "、".join(ROLE_NAMES.get(r, r) for r in m.roles or []),
            "open": load.get(m.id, 0),
            "bound": bool(m.openid),
            "account": accounts_of.get(m.key),
            "invited": invited.get(m.id),
            "invitable": "grid_leader" in (m.roles or []) and m.key not in accounts_of,
        }
        for m in rows
    ]
    return page(
        request,
        "members.html",
        {
            "members": shown,
            "flash": _flash(request, rows),
            "tz": request.config_dict[CONFIG].tz,
        },
    )


async def _console_access(s: AsyncSession, now: datetime) -> tuple[dict[str, str], dict[int, Any]]:
    """Members' console accounts (member key → username) and their pending invites' expiry."""
    users = await s.execute(
        select(ConsoleUser.member_key, ConsoleUser.username).where(
            ConsoleUser.member_key.is_not(None), ConsoleUser.disabled.is_(False)
        )
    )
    pending = await s.execute(
        select(ConsoleInvite.member_id, func.max(ConsoleInvite.expires_at))
        .where(
            ConsoleInvite.used_at.is_(None),
            ConsoleInvite.revoked_at.is_(None),
            ConsoleInvite.expires_at > now,  # invites run on the service's clock
        )
        .group_by(ConsoleInvite.member_id)
    )
    return {k: u for k, u in users.all() if k}, dict(pending.all())


def _flash(request: web.Request, rows: Sequence[Member]) -> str:
    invited = request.query.get("invited", "")
    if invited.isdigit():
        name = next((m.name for m in rows if m.id == int(invited)), "")
        hours = int(request.config_dict[CONFIG].admin.invite_valid.total_seconds() // 3600)
        return t.INVITE_SENT.format(name=name, hours=hours) if name else ""
    return t.FLASH_DUTY.get(request.query.get("done", ""), "")


async def duty(request: web.Request) -> web.StreamResponse:
    viewer: Viewer = request[VIEWER]
    if viewer.role not in ("admin", "staff"):
        return refuse(request, 403, t.READ_ONLY)
    form = await request.post()
    member_id = whole(form, "member")
    on = form.get("on") == "1"
    config = request.config_dict[CONFIG]
    async with request.config_dict[SESSIONS]() as s, s.begin():
        member = await s.get(Member, member_id)
        view = await request.config_dict[ROSTER].get(s)
        if member is None or not may_be_given(viewer, member, view.communities):
            raise web.HTTPNotFound()  # another community's member is none of this office's
        service = OfficeService(s, request.config_dict[CLOCK], config, request.config_dict[ROSTER])
        await service.set_duty(member, on)
        audit_entry(
            s, request, viewer.username, "duty", member.key, t.ON_DUTY if on else t.OFF_DUTY
        )
    raise web.HTTPSeeOther(f"{request.app[PREFIX]}/members?done={'on' if on else 'off'}")


async def residents(request: web.Request) -> web.Response:
    viewer: Viewer = request[VIEWER]
    async with request.config_dict[READS]() as s:
        query = select(Resident).order_by(Resident.updated_at.desc()).limit(PAGE)
        if viewer.community:
            query = query.where(resident_in_community(viewer.community))
        if viewer.in_grid:
            buildings = grid_buildings(viewer.grid or "", viewer.community).subquery()
            by_estate = tuple_(Resident.estate_code, Resident.building).in_(
                select(buildings.c.estate_code, buildings.c.number)
            )
            by_number = func.coalesce(Resident.estate_code, "") == ""
            by_number = and_(by_number, Resident.building.in_(select(buildings.c.number)))
            query = query.where(or_(by_estate, by_number))
        rows = (await s.execute(query)).scalars().all()
        view = await request.config_dict[ROSTER].get(s)
    shown = [
        {"r": r, "openid": mask_openid(r.openid), "home": home(view, r), "token": token(r.openid)}
        for r in rows
    ]
    return page(request, "residents.html", {"residents": shown})


async def audit(request: web.Request) -> web.Response:
    viewer: Viewer = request[VIEWER]
    if not viewer.is_admin:
        return refuse(request, 403, t.ADMIN_ONLY)
    async with request.config_dict[READS]() as s:
        rows = (
            (await s.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(200)))
            .scalars()
            .all()
        )
    return page(request, "audit.html", {"entries": rows, "tz": request.config_dict[CONFIG].tz})


async def users(request: web.Request) -> web.Response:
    """The console's accounts (admins only; they are managed with ``mulin admin``)."""
    viewer: Viewer = request[VIEWER]
    if not viewer.is_admin:
        return refuse(request, 403, t.ADMIN_ONLY)
    async with request.config_dict[READS]() as s:
        rows = (await s.execute(select(ConsoleUser).order_by(ConsoleUser.username))).scalars().all()
    context = {"users": rows, "tz": request.config_dict[CONFIG].tz, "now": accounts.now()}
    return page(request, "users.html", context)


def routes(app: web.Application) -> None:
    app.router.add_get("/users", users)
    app.router.add_get("/members", members)
    app.router.add_post("/members/duty", duty)
    app.router.add_get("/residents", residents)
    app.router.add_get("/audit", audit)
