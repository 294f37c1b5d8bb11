"""The fake WeChat API's HTTP side: WeChat's endpoints, plus ``/_fake/…`` to inspect and to
inject faults. Handlers read the state from ``request.app[FAKE_WECHAT]``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.sandbox.fake_wechat.state import (
    ERRMSG,
    LOSE_ANSWER,
    FakeWeChat,
    Fault,
    error_response,
    json_response,
)

FAKE_WECHAT = web.AppKey("fake_wechat", FakeWeChat)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def _json_body(request: web.Request) -> dict[str, Any] | None:
    raw = await request.read()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


@web.middleware
async def _faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith("/cgi-bin/"):
        return await handler(request)
    state = request.app[FAKE_WECHAT]
    state.requests[request.path] += 1
    injected = await state.apply_faults(request)
    if injected is not None:
        return injected
    response = await handler(request)
    if request.get(LOSE_ANSWER):
        if request.transport is not None:
            request.transport.close()
        raise asyncio.CancelledError
    return response


def _authed(fn: Callable[[web.Request], Awaitable[web.Response]]) -> Handler:
    async def wrapper(request: web.Request) -> web.StreamResponse:
        code = request.app[FAKE_WECHAT].check_token(request.query.get("access_token"))
        return error_response(code) if code else await fn(request)

    return wrapper


def _credentials(state: FakeWeChat, values: Any) -> int:
    if values.get("grant_type") != "client_credential":
        return 40002
    if values.get("appid") != state.appid:
        return 40013
    if values.get("secret") != state.secret:
        return 40125
    return 0


async def token(request: web.Request) -> web.Response:
    state = request.app[FAKE_WECHAT]
    code = _credentials(state, request.query)
    return error_response(code) if code else json_response(state.token_answer(state.issue_token()))


async def stable_token(request: web.Request) -> web.Response:
    state = request.app[FAKE_WECHAT]
    body = await _json_body(request)
    if body is None:
        return error_response(47001)
    code = _credentials(state, body)
    if code:
        return error_response(code)
    current = state.current
    usable = current is not None and state.check_token(current.value) == 0
    if body.get("force_refresh") or not usable or current is None:
        current = state.issue_token()
    return json_response(state.token_answer(current))


def _posted(method: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        body = await _json_body(request)
        if body is None:
            return error_response(44002 if not await request.read() else 47001)
        return json_response(getattr(request.app[FAKE_WECHAT], method)(body))

    return handle


async def menu_get(request: web.Request) -> web.Response:
    state = request.app[FAKE_WECHAT]
    return json_response({"menu": state.menu}) if state.menu else error_response(46003)


async def media_get(request: web.Request) -> web.Response:
    """WeChat's answer: the file with its type and name, or a JSON error as text/plain."""
    media = request.app[FAKE_WECHAT].media
    media_id = request.query.get("media_id", "")
    found = media.get(media_id) if media_id else None
    if found is None:
        code = 40007 if media_id else 41006  # 41006: media_id missing
        body = json.dumps({"errcode": code, "errmsg": ERRMSG.get(code, "invalid media_id")})
        return web.Response(text=body, content_type="text/plain")
    name = media.filename(media_id, found.content_type)
    return web.Response(
        body=found.data,
        content_type=found.content_type,
        headers={
            "Content-disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-cache, must-revalidate",
        },
    )


async def user_info(request: web.Request) -> web.Response:
    return json_response(request.app[FAKE_WECHAT].user_info(request.query.get("openid", "")))


# --- inspection and control ------------------------------------------------------------------
async def messages(request: web.Request) -> web.Response:
    sent = request.app[FAKE_WECHAT].sent(request.query.get("touser"))
    return json_response({"messages": [m.as_json() for m in sent]})


async def stats(request: web.Request) -> web.Response:
    return json_response(request.app[FAKE_WECHAT].stats())


async def add_fault(request: web.Request) -> web.Response:
    state = request.app[FAKE_WECHAT]
    body = await _json_body(request)
    if body is None:
        raise web.HTTPBadRequest(text="expected a JSON object")
    if body.get("kind") == "quota":
        state.quota_after = int(body.get("after", 0))
        return json_response({"ok": True, "quota_after": state.quota_after})
    try:
        fault = state.inject(Fault(**body))
    except (TypeError, ValueError) as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    return json_response({"ok": True, "fault": asdict(fault)})


async def clear_faults(request: web.Request) -> web.Response:
    state = request.app[FAKE_WECHAT]
    state.clear_faults()
    state.quota_after = None
    return json_response({"ok": True})


async def add_user(request: web.Request) -> web.Response:
    state = request.app[FAKE_WECHAT]
    body = await _json_body(request)
    if body is None or not body.get("openid"):
        raise web.HTTPBadRequest(text="expected {openid, subscribe?, last_interaction?}")
    last = body.get("last_interaction")
    when = state.clock.now() if last == "now" else datetime.fromisoformat(last) if last else None
    user = state.add_user(
        str(body["openid"]),
        nickname=str(body.get("nickname", "")),
        subscribe=bool(body.get("subscribe", True)),
        last_interaction=when,
    )
    return json_response({"ok": True, "openid": user.openid})


async def issue_media(request: web.Request) -> web.Response:
    """Play a user sending a file: ``POST /_fake/media`` with the bytes (or nothing for a test
    photo) and its Content-Type; answers ``{"media_id": …}`` for the message to carry."""
    raw = await request.read()
    kind = request.content_type if raw else "image/png"
    media_id = request.app[FAKE_WECHAT].media.issue(raw or None, kind)
    return json_response({"media_id": media_id})


async def reset(request: web.Request) -> web.Response:
    request.app[FAKE_WECHAT].reset()
    return json_response({"ok": True})


def create_app(fake: FakeWeChat | None = None) -> web.Application:
    """The fake API as an aiohttp application; its state is ``app[FAKE_WECHAT]``."""
    app = web.Application(middlewares=[_faults])
    app[FAKE_WECHAT] = fake or FakeWeChat()
    add = app.router
    add.add_get("/cgi-bin/token", token)
    add.add_post("/cgi-bin/stable_token", stable_token)
    add.add_post("/cgi-bin/message/custom/send", _authed(_posted("custom_send")))
    add.add_post("/cgi-bin/message/template/send", _authed(_posted("template_send")))
    add.add_post("/cgi-bin/menu/create", _authed(_posted("menu_create")))
    add.add_get("/cgi-bin/menu/get", _authed(menu_get))
    add.add_get("/cgi-bin/user/info", _authed(user_info))
    add.add_get("/cgi-bin/media/get", _authed(media_get))
    add.add_get("/_fake/messages", messages)
    add.add_get("/_fake/stats", stats)
    add.add_post("/_fake/faults", add_fault)
    add.add_delete("/_fake/faults", clear_faults)
    add.add_post("/_fake/users", add_user)
    add.add_post("/_fake/media", issue_media)
    add.add_post("/_fake/reset", reset)
    return app
