"""The sandbox: chat with the service as WeChat users, without a WeChat account.

The page never talks to the webhook's internals: the server plays WeChat's part (sign, encrypt,
POST to the webhook over loopback, open the encrypted reply) with the independent platform-side
implementation in ``bot.sandbox.platform``. Every user's chat is kept on the server
(``bot.sandbox.transcript``) and the page replays it, so a reload loses nothing.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any

from aiohttp import web

from bot.keys import CLOCK, CONFIG, HTTP
from bot.sandbox import fast_forward as ff
from bot.sandbox.fake_wechat.media import FakeMedia
from bot.sandbox.favicon import ICON
from bot.sandbox.platform import WeChatPlatform
from bot.sandbox.transcript import Transcript

PLATFORM = web.AppKey("sandbox_platform", WeChatPlatform)
USERS = web.AppKey("sandbox_users", list)
TRANSCRIPT = web.AppKey("sandbox_transcript", Transcript)
DEMO_CLOCK = web.AppKey("sandbox_demo_clock", ff.DemoClock)
# The fake API's temporary media: a photo the page "sends" is first kept there, as WeChat
# keeps a photo a user sends, and the message carries its media id.
MEDIA = web.AppKey("sandbox_media", FakeMedia)
MAX_TEXT = 2000


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


async def favicon(request: web.Request) -> web.Response:
    return web.Response(
        body=ICON, content_type="image/x-icon", headers={"Cache-Control": "max-age=86400"}
    )


async def users(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    return web.json_response(
        {
            "users": [u.as_json() for u in request.app[USERS]],
            "mode": config.wechat.mode,
            "webhook": config.server.webhook_path,
            "timezone": config.timezone,
            "fast_forward": DEMO_CLOCK in request.app,
        }
    )


async def history(request: web.Request) -> web.Response:
    """Every user's chat after ``since`` (0: all kept), in the order it happened."""
    try:
        since = int(request.query.get("since", "0"))
    except ValueError:
        return web.json_response({"error": "since 必须是整数"}, status=400)
    transcript = request.app[TRANSCRIPT]
    return web.json_response(
        {
            "entries": [e.as_json() for e in transcript.since(since)],
            "last": transcript.last,
            "clock": request.app[CLOCK].now().isoformat(),
        }
    )


async def _body(request: web.Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return None
    return body if isinstance(body, dict) else None


async def send(request: web.Request) -> web.Response:
    body = await _body(request)
    if body is None:
        return web.json_response({"error": "请求格式不对"}, status=400)
    openid = str(body.get("openid") or "")
    if openid not in {u.openid for u in request.app[USERS]}:
        return web.json_response({"error": "没有这个用户"}, status=400)
    platform = request.app[PLATFORM]
    kind = str(body.get("kind") or "text")
    text = str(body.get("text") or "")[:MAX_TEXT]
    builders: dict[str, Any] = {
        "text": lambda: platform.text(openid, text),
        "voice": lambda: platform.voice(openid, text),
        "image": lambda: _photo(request, platform, openid),
        "location": lambda: platform.location(openid, 30.5928, 114.3055, text or "青和居社区"),
        "subscribe": lambda: platform.event(openid, "subscribe"),
        "click": lambda: platform.event(openid, "CLICK", text or "HELP"),
    }
    if kind not in builders:
        return web.json_response({"error": f"不支持的消息类型 {kind}"}, status=400)
    if kind in ("text", "voice") and not text.strip():
        return web.json_response({"error": "请先输入内容"}, status=400)
    transcript, clock = request.app[TRANSCRIPT], request.app[CLOCK]
    transcript.add(openid, "me", _label(kind, text), clock.now())
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
    if reply:
        transcript.add(openid, "them", reply, clock.now())
    elif status != 200:
        transcript.add(openid, "note", f"webhook 返回 {status}", clock.now())
    return web.json_response(
        {"status": status, "reply": reply, "ms": elapsed_ms, "encrypted": "Encrypt" in raw}
    )


def _photo(request: web.Request, platform: WeChatPlatform, openid: str) -> str:
    media = request.app.get(MEDIA)
    if media is None:
        return platform.image(openid)
    media_id = media.issue()
    return platform.image(openid, pic_url=f"http://mmbiz.example/{media_id}", media_id=media_id)


def _label(kind: str, text: str) -> str:
    """How the user's own bubble reads (as WeChat shows a voice message, a location …)."""
    return {
        "text": text,
        "voice": f"[语音] {text}",
        "image": "[图片]",
        "location": f"[位置] {text or '青和居社区'}",
        "subscribe": "（关注了公众号）",
        "click": f"（点击菜单：{text or 'HELP'}）",
    }[kind]


async def fast_forward(request: web.Request) -> web.Response:
    body = await _body(request)
    by = str((body or {}).get("by") or "")
    if by not in ff.STEPS:
        return web.json_response({"error": "by 只能是 10m、1h 或 1d"}, status=400)
    clock = request.app[DEMO_CLOCK]
    steps = await ff.fast_forward(request.app, clock, by)
    return web.json_response({"clock": clock.now().isoformat(), "steps": steps})


def setup(
    app: web.Application,
    platform: WeChatPlatform,
    users_: list[SandboxUser],
    transcript: Transcript,
    demo_clock: ff.DemoClock | None = None,
) -> None:
    """The sandbox page and its API; the fast-forward route only with a demo clock."""
    app[PLATFORM] = platform
    app[USERS] = users_
    app[TRANSCRIPT] = transcript
    app.router.add_get("/sandbox", page)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_get("/sandbox/api/users", users)
    app.router.add_get("/sandbox/api/history", history)
    app.router.add_post("/sandbox/api/send", send)
    if demo_clock is not None:
        app[DEMO_CLOCK] = demo_clock
        app[ff.LOCK] = asyncio.Lock()
        app.router.add_post("/sandbox/api/fast-forward", fast_forward)
