"""The console's web application: templates, static files, sign-in and CSRF checks, errors.

Mounted by :func:`setup` under ``admin.path`` as a sub-application; it reads the service's
shared resources (database sessions, roster, clock) through ``request.config_dict``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiDictProxy

from bot.console import accounts
from bot.console import texts as t
from bot.console.scope import Viewer
from bot.keys import CLOCK, CONFIG, READS, SESSIONS

HERE = Path(__file__).resolve().parent
COOKIE = "mulin_console"
LOGIN_CSRF_COOKIE = "mulin_login_csrf"
VIEWER = web.RequestKey("console_viewer", Viewer)
PREFIX = web.AppKey("console_prefix", str)
OPEN_PATHS = ("/login", "/static/", "/invite/")
MAX_FIELD = 2000
log = logging.getLogger("mulin.console")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def page(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    base = request.app[PREFIX]
    viewer = request.get(VIEWER)
    return aiohttp_jinja2.render_template(
        template,
        request,
        {"base": base, "viewer": viewer, "t": t, "w": t.W, **context},
        status=status,
    )


def refuse(request: web.Request, status: int, message: str) -> web.Response:
    return page(request, "error.html", {"message": message, "status": status}, status=status)


def client_ip(request: web.Request) -> str:
    """Where the request came from; behind a proxy, the address the proxy saw (the last entry
    of X-Forwarded-For: earlier ones are whatever the client claimed)."""
    if request.config_dict[CONFIG].admin.behind_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        if forwarded:
            return forwarded[:64]
    return request.remote or "?"


def audit_entry(
    session: Any,
    request: web.Request,
    username: str | None,
    action: str,
    target: str | None = None,
    detail: str = "",
) -> None:
    """An audit entry of a console request, at the service's clock: the demo's clock is
    fast-forwarded, and found from outside its audit log ran on the wall clock, a day behind
    the order histories of the same actions."""
    at = request.config_dict[CLOCK].now()
    accounts.audit(session, username, action, target, client_ip(request), detail, at=at)


class FormError(Exception):
    """A request refused with a Chinese reason: 400, or ``status`` (403: a filter outside the
    viewer's scope, said the same way on every page)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def field(form: MultiDictProxy[Any], name: str, limit: int = 200, required: bool = True) -> str:
    value = form.get(name, "")
    if not isinstance(value, str):
        raise FormError(t.BAD_VALUE.format(field=t.FIELDS.get(name, name)))
    value = value.strip()
    if len(value) > limit:
        raise FormError(t.TOO_LONG.format(field=t.FIELDS.get(name, name), limit=limit))
    if required and not value:
        raise FormError(t.REQUIRED.format(field=t.FIELDS.get(name, name)))
    return value


_LARGEST = 2**63 - 1  # the databases' integer columns hold no more


def whole(form: MultiDictProxy[Any], name: str) -> int:
    value = field(form, name, 20)
    try:
        number = int(value.lstrip("#"))
    except ValueError:
        number = None
    if number is None or abs(number) > _LARGEST:
        raise FormError(t.BAD_VALUE.format(field=t.FIELDS.get(name, name)))
    return number


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Never a traceback: a Chinese page with the right status."""
    try:
        return await handler(request)
    except FormError as exc:
        return refuse(request, exc.status, exc.message)
    except web.HTTPRequestEntityTooLarge:
        return refuse(request, 413, t.TOO_LARGE)
    except web.HTTPNotFound:
        return refuse(request, 404, t.NOT_FOUND)
    except web.HTTPException:
        raise
    except (ValueError, UnicodeDecodeError):
        return refuse(request, 400, t.BAD_REQUEST)
    except Exception:
        log.exception("console request failed: %s %s", request.method, request.path)
        return refuse(request, 500, t.SERVER_ERROR)


@web.middleware
async def signed_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Who is signed in; a page without sign-in goes to the login page, anything else is
    401. Every POST carries the session's CSRF token; a viewer may not POST at all."""
    rel = request.path[len(request.app[PREFIX]) :] or "/"
    if rel.startswith(OPEN_PATHS):
        return await handler(request)
    config = request.config_dict[CONFIG]
    token = request.cookies.get(COOKIE, "")
    async with request.config_dict[READS]() as s:
        found = await accounts.resume(s, token)
    if found is None:
        if request.method == "GET" and not request.headers.get("X-Requested-With"):
            raise web.HTTPSeeOther(f"{request.app[PREFIX]}/login")
        return refuse(request, 401, t.SESSION_EXPIRED)
    user, row = found
    if accounts.touch_due(row):
        async with request.config_dict[SESSIONS]() as s, s.begin():
            await accounts.touch(s, token, config.admin.session_idle)
    viewer = Viewer(
        user.username,
        user.role,
        user.community_code,
        user.grid_code,
        user.member_key,
        row.csrf_token,
    )
    request[VIEWER] = viewer
    if request.method == "POST":
        form = await request.post()
        sent = form.get("csrf_token", "")
        if not isinstance(sent, str) or not accounts.same(sent, viewer.csrf):
            return refuse(request, 403, t.CSRF_BAD)
        if not viewer.may_act and rel != "/logout":
            return refuse(request, 403, t.READ_ONLY)
    return await handler(request)
