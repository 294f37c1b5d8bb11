"""Sign-in and sign-out pages.

The login form is protected against cross-site posting by a double-submit token: the page sets
a random cookie and carries the same value in a hidden field; a POST without both is refused.
"""

from __future__ import annotations

import secrets

from aiohttp import web

from bot.console import accounts
from bot.console import texts as t
from bot.console.web import (
    COOKIE,
    LOGIN_CSRF_COOKIE,
    PREFIX,
    VIEWER,
    FormError,
    audit_entry,
    client_ip,
    field,
    page,
    refuse,
)
from bot.keys import CONFIG, SESSIONS

FAILURES = {
    "wrong": (401, t.LOGIN_WRONG),
    "locked": (403, t.LOGIN_LOCKED),
    "disabled": (403, t.LOGIN_DISABLED),
}


def _login_page(
    request: web.Request, message: str = "", status: int = 200, name: str = ""
) -> web.Response:
    token = secrets.token_urlsafe(24)
    flash = t.INVITE_DONE if request.query.get("done") == "invited" and not message else ""
    context = {"csrf": token, "message": message, "username": name, "flash": flash}
    response = page(request, "login.html", context, status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="Lax",
        secure=request.config_dict[CONFIG].admin.secure_cookies,
        path=request.app[PREFIX],
    )
    return response


_MAX_USERNAME = 64


async def show(request: web.Request) -> web.Response:
    return _login_page(request)


async def submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    sent = form.get("csrf_token", "")
    if not isinstance(sent, str) or not accounts.same(
        sent, request.cookies.get(LOGIN_CSRF_COOKIE, "")
    ):
        return refuse(request, 403, t.CSRF_BAD)
    limits = {"username": _MAX_USERNAME, "password": accounts.MAX_PASSWORD}
    try:
        username, password = (field(form, name, limit) for name, limit in limits.items())
    except FormError:
        too_long = any(len(str(form.get(name, "")).strip()) > n for name, n in limits.items())
        return _login_page(request, t.LOGIN_TOO_LONG if too_long else t.LOGIN_MISSING, 400)
    config = request.config_dict[CONFIG]
    ip = client_ip(request)
    async with request.config_dict[SESSIONS]() as s, s.begin():
        result = await accounts.sign_in(s, username, password, ip, config.admin.session_idle)
        audit_entry(
            s,
            request,
            username,
            "login_failed" if result.failure else "login",
            None,
            result.failure,
        )
    if result.failure:
        status, message = FAILURES[result.failure]
        return _login_page(request, message, status, username)
    response = web.HTTPSeeOther(f"{request.app[PREFIX]}/orders")
    response.set_cookie(
        COOKIE,
        result.token,
        httponly=True,
        samesite="Lax",
        secure=config.admin.secure_cookies,
        path=request.app[PREFIX],
    )
    response.del_cookie(LOGIN_CSRF_COOKIE, path=request.app[PREFIX])
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    viewer = request[VIEWER]
    async with request.config_dict[SESSIONS]() as s, s.begin():
        await accounts.sign_out(s, request.cookies.get(COOKIE, ""))
        audit_entry(s, request, viewer.username, "logout")
    response = web.HTTPSeeOther(f"{request.app[PREFIX]}/login")
    response.del_cookie(COOKIE, path=request.app[PREFIX])
    raise response


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther(f"{request.app[PREFIX]}/orders")


def routes(app: web.Application) -> None:
    app.router.add_get("/login", show)
    app.router.add_post("/login", submit)
    app.router.add_post("/logout", logout)
    app.router.add_get("/", home)
    app.router.add_get("", home)
