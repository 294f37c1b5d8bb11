"""Grid leaders' one-time invites on the web: sending one from the members page (admins and
staff), and the page the link opens, where the grid leader sets a password.

The invite page needs no sign-in; like the login form it is protected against cross-site
posting by a double-submit token (a cookie and a hidden field). It never sends a Referer (the
token is in its URL). A link that was used, has expired or was replaced gets a page that says
so (410), an unknown one 404.
"""

from __future__ import annotations

import secrets

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console import accounts, invites
from bot.console import texts as t
from bot.console.board import local
from bot.console.invites import InviteError
from bot.console.scope import Viewer
from bot.console.web import (
    LOGIN_CSRF_COOKIE,
    PREFIX,
    VIEWER,
    client_ip,
    field,
    page,
    refuse,
    whole,
)
from bot.keys import CLOCK, CONFIG, READS, SESSIONS
from models.community import Community, Grid, Member
from models.console import ConsoleInvite

GONE = ("used", "expired", "revoked")
NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _said(error: InviteError) -> str:
    return t.INVITE_ERRORS[error.code].format(**error.detail)


async def send(request: web.Request) -> web.StreamResponse:
    """``POST /members/invite``: admins and staff invite a grid leader of their community."""
    viewer: Viewer = request[VIEWER]
    if viewer.role not in ("admin", "staff"):
        return refuse(request, 403, t.INVITE_STAFF_ONLY)
    form = await request.post()
    member_id = whole(form, "member")
    grid = field(form, "grid", 32, required=False) or None
    config = request.config_dict[CONFIG]
    try:
        async with request.config_dict[SESSIONS]() as s, s.begin():
            member = await s.get(Member, member_id)
            if member is None or not await _may_invite(s, viewer, member):
                raise web.HTTPNotFound()
            clock = request.config_dict[CLOCK]
            issued = await invites.invite(
                s, config, member, grid, clock, viewer.username, client_ip(request)
            )
    except InviteError as exc:
        return refuse(request, 409, _said(exc))
    raise web.HTTPSeeOther(f"{request.app[PREFIX]}/members?invited={issued.member.id}")


async def _may_invite(s: AsyncSession, viewer: Viewer, member: Member) -> bool:
    """Members of the viewer's community; a street office's account covers the street."""
    if viewer.community is None:
        return True
    mine = await s.scalar(select(Community).where(Community.code == viewer.community))
    return mine is not None and (mine.id == member.community_id or mine.kind == "street")


def _form(
    request: web.Request,
    token: str,
    invite: ConsoleInvite,
    member: Member,
    grid: str,
    message: str = "",
    status: int = 200,
    username: str = "",
) -> web.Response:
    csrf = secrets.token_urlsafe(24)
    config = request.config_dict[CONFIG]
    context = {
        "csrf": csrf,
        "token": token,
        "member": member,
        "grid": grid,
        "until": local(invite.expires_at, config.tz, "%Y-%m-%d %H:%M"),
        "message": message,
        "username": username or member.key,
    }
    response = page(request, "invite.html", context, status)
    response.headers.update(NO_REFERRER)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        csrf,
        httponly=True,
        samesite="Strict",
        secure=config.admin.secure_cookies,
        path=request.app[PREFIX],
    )
    return response


def _gone(request: web.Request, error: InviteError) -> web.Response:
    status = 410 if error.code in GONE else 404
    response = page(
        request,
        "error.html",
        {"message": _said(error), "status": status, "heading": t.W["invite_gone"]},
        status,
    )
    response.headers.update(NO_REFERRER)
    return response


async def _grid_name(s: AsyncSession, member: Member, code: str) -> str:
    query = select(Grid.name).where(Grid.community_id == member.community_id, Grid.code == code)
    return str(await s.scalar(query) or code)


async def show(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    async with request.config_dict[READS]() as s:
        try:
            invite, member = await invites.find(s, token, request.config_dict[CLOCK].now())
        except InviteError as exc:
            return _gone(request, exc)
        grid = await _grid_name(s, member, invite.grid_code)
    return _form(request, token, invite, member, grid)


async def accept(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    form = await request.post()
    sent = form.get("csrf_token", "")
    if not isinstance(sent, str) or not accounts.same(
        sent, request.cookies.get(LOGIN_CSRF_COOKIE, "")
    ):
        return refuse(request, 403, t.CSRF_BAD)
    username = field(form, "username", 64, required=False)
    password = field(form, "password", accounts.MAX_PASSWORD, required=False)
    again = field(form, "password_again", accounts.MAX_PASSWORD, required=False)
    try:
        if password != again:
            raise InviteError("password_mismatch")
        async with request.config_dict[SESSIONS]() as s, s.begin():
            await invites.accept(
                s, token, username, password, client_ip(request), request.config_dict[CLOCK].now()
            )
    except InviteError as exc:
        if exc.code in GONE or exc.code == "unknown":
            return _gone(request, exc)
        return await _again(request, token, _said(exc), username)
    except IntegrityError:  # the same username taken a moment ago
        return await _again(
            request, token, _said(InviteError("username_taken", username=username)), username
        )
    response = web.HTTPSeeOther(f"{request.app[PREFIX]}/login?done=invited")
    response.del_cookie(LOGIN_CSRF_COOKIE, path=request.app[PREFIX])
    raise response


async def _again(request: web.Request, token: str, message: str, username: str) -> web.Response:
    async with request.config_dict[READS]() as s:
        try:
            invite, member = await invites.find(s, token, request.config_dict[CLOCK].now())
        except InviteError as exc:
            return _gone(request, exc)
        grid = await _grid_name(s, member, invite.grid_code)
    return _form(request, token, invite, member, grid, message, 400, username)


def routes(app: web.Application) -> None:
    app.router.add_post("/members/invite", send)
    app.router.add_get("/invite/{token}", show)
    app.router.add_post("/invite/{token}", accept)
