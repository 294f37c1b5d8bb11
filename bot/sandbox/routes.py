"""The sandbox: chat with the service as WeChat users, without a WeChat account.

The page never talks to the webhook's internals: the server plays WeChat's part (sign, encrypt,
POST to the webhook over loopback, open the encrypted reply) with the independent platform-side
implementation in ``bot.sandbox.platform``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib import resources
from typing import Any

from aiohttp import web

from bot.keys import CONFIG, HTTP
from bot.sandbox.platform import WeChatPlatform

PLATFORM = web.AppKey("sandbox_platform", WeChatPlatform)
USERS = web.AppKey("sandbox_users", list)


@dataclass(frozen=True)
class SandboxUser:
    openid: str
    name: str
    role: str  # shown on the page: 居民, 居民代表, 网格长, 社区干事

    def as_json(self) -> dict[str, str]:
        return {"openid": self.openid, "name": self.name, "role": self.role}


DEFAULT_USERS = [
    SandboxUser("o_resident_zhang", "张阿姨", "居民"),
    SandboxUser("o_resident_li", "李大爷", "居民"),
    SandboxUser("o_resident_wang", "王小明", "居民"),
]


async def page(request: web.Request) -> web.Response:
    html = resources.files("bot.sandbox").joinpath("page.html").read_text(encoding="utf-8")
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def users(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    return web.json_response(
        {
            "users": [u.as_json() for u in request.app[USERS]],
            "mode": config.wechat.mode,
            "webhook": config.server.webhook_path,
        }
    )


async def send(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"error": "请求格式不对"}, status=400)
    if not isinstance(body, dict):
        return web.json_response({"error": "请求格式不对"}, status=400)
    openid = str(body.get("openid") or "")
    known = {u.openid for u in request.app[USERS]}
    if openid not in known:
        return web.json_response({"error": "没有这个用户"}, status=400)
    platform = request.app[PLATFORM]
    kind = str(body.get("kind") or "text")
    text = str(body.get("text") or "")[:2000]
    builders: dict[str, Any] = {
        "text": lambda: platform.text(openid, text),
        "voice": lambda: platform.voice(openid, text),
        "image": lambda: platform.image(openid),
        "location": lambda: platform.location(openid, 30.5928, 114.3055, text or "青和居社区"),
        "subscribe": lambda: platform.event(openid, "subscribe"),
        "click": lambda: platform.event(openid, "CLICK", text or "HELP"),
    }
    if kind not in builders:
        return web.json_response({"error": f"不支持的消息类型 {kind}"}, status=400)
    delivery = platform.deliver(builders[kind]())
    url = request.url.origin().with_path(request.app[CONFIG].server.webhook_path)
    started = time.perf_counter()
    async with request.app[HTTP].post(url, params=delivery.params, data=delivery.body) as resp:
        status = resp.status
        raw = await resp.text()
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    reply = None
    if status == 200:
        opened = platform.open_reply(raw)
        if opened is not None:
            reply = opened.get("Content") or opened.get("MsgType")
    return web.json_response(
        {"status": status, "reply": reply, "ms": elapsed_ms, "encrypted": "Encrypt" in raw}
    )


def setup(app: web.Application, platform: WeChatPlatform, users_: list[SandboxUser]) -> None:
    app[PLATFORM] = platform
    app[USERS] = users_
    app.router.add_get("/sandbox", page)
    app.router.add_get("/sandbox/api/users", users)
    app.router.add_post("/sandbox/api/send", send)
