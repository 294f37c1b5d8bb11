"""The fake WeChat API's state and rules: tokens, users, messages, faults (what each endpoint
does is listed in the package's docstring, bot/sandbox/fake_wechat/__init__.py)."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot.clock import Clock, SystemClock
from bot.sandbox.fake_wechat.media import FakeMedia

ERRMSG = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40007: "invalid media_id",
    41006: "media_id missing",
    40013: "invalid appid",
    40014: "invalid access_token",
    40016: "invalid button size",
    40017: "invalid button type",
    40037: "invalid template_id",
    40125: "invalid appsecret",
    41001: "access_token missing",
    41009: "missing openid",
    42001: "access_token expired",
    43004: "require subscribe",
    43101: "user refuse to accept the msg",
    44002: "empty post data",
    44003: "empty news data",
    44004: "empty content",
    45008: "article size out of limit",
    45009: "reach max api daily quota limit",
    45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit",
    46003: "menu no exist",
    47001: "data format error",
    47003: "argument invalid!",
}


def errbody(code: int) -> dict[str, Any]:
    return {"errcode": code, "errmsg": "ok" if code == 0 else ERRMSG.get(code, "error")}


def json_response(data: dict[str, Any]) -> web.Response:
    # WeChat answers JSON with a text/plain content type on several endpoints.
    return web.Response(text=json.dumps(data, ensure_ascii=False), content_type="application/json")


def error_response(code: int) -> web.Response:
    return json_response(errbody(code))


LOSE_ANSWER = web.RequestKey("lose_answer", bool)
FAULT_KINDS = ("latency", "stall", "http", "malformed", "errcode", "drop", "lose_answer")
_TOKEN_FORM = re.compile(r"^\d+_[A-Za-z0-9_-]{20,}$")
WINDOW = timedelta(hours=48)
WINDOW_SENDS = 5
FIELD_MAX = 20


@dataclass
class Fault:
    """One injected fault. ``times=None`` applies it to every matching request until cleared.

    kinds: ``latency``/``stall`` (sleep ``seconds``, then answer normally), ``http`` (answer HTTP
    ``status``), ``malformed`` (a non-JSON body), ``errcode`` (answer ``errcode`` without doing
    anything), ``drop`` (close the connection without answering), ``lose_answer`` (carry the
    request out — a message is sent — then close the connection instead of answering: the
    response lost on the way back).
    ``path`` is matched as a prefix; None matches every ``/cgi-bin/`` request.
    """

    kind: str
    path: str | None = None
    times: int | None = 1
    seconds: float = 0.0
    status: int = 503
    errcode: int = -1

    def matches(self, path: str) -> bool:
        return self.path is None or path.startswith(self.path)


@dataclass
class FakeUser:
    openid: str
    nickname: str = ""
    subscribe: bool = True
    subscribe_time: int = 1_700_000_000
    # None: the window is not enforced for this user (any customer-service message accepted).
    last_interaction: datetime | None = None
    window_sends: int = 0


@dataclass
class SentMessage:
    seq: int
    kind: str  # "custom" or "template"
    touser: str
    msgtype: str  # text, news, link, ... or "template"
    body: dict[str, Any]
    msgid: int
    at: datetime

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data


@dataclass
class _Token:
    value: str
    expires_at: datetime
    retired_at: datetime | None = None  # stops working at this time (superseded + grace)


@dataclass
class FakeWeChat:
    clock: Clock = field(default_factory=SystemClock)
    appid: str = "wx0000000000000000"
    secret: str = "fake-secret"
    token_ttl: int = 7200
    grace: int = 300
    accept_any_openid: bool = True
    templates: set[str] | None = None  # None: accept any template id
    quota_after: int | None = None  # 45009 once this many messages were accepted

    def __post_init__(self) -> None:
        self.users: dict[str, FakeUser] = {}
        self.media = FakeMedia(self.clock)  # photos users sent (kept across reset())
        # called with each message WeChat accepted (the sandbox shows it in the user's chat)
        self.listeners: list[Callable[[SentMessage], None]] = []
        self.reset()

    def reset(self) -> None:
        self.messages: list[SentMessage] = []
        self.faults: list[Fault] = []
        self.requests: Counter[str] = Counter()
        self.token_fetches = 0  # new tokens issued
        self.menu: dict[str, Any] | None = None
        self._tokens: dict[str, _Token] = {}
        self.current: _Token | None = None
        self._client_msg_ids: dict[str, int] = {}
        self._seq = 0
        self._msgid = 1_000_000

    # --- Python API for tests -------------------------------------------------------------

    def add_user(
        self,
        openid: str,
        *,
        nickname: str = "",
        subscribe: bool = True,
        last_interaction: datetime | None = None,
    ) -> FakeUser:
        user = FakeUser(openid, nickname, subscribe, last_interaction=last_interaction)
        self.users[openid] = user
        return user

    def inject(self, fault: Fault) -> Fault:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}")
        self.faults.append(fault)
        return fault

    def fail(self, errcode: int, *, path: str | None = None, times: int | None = 1) -> Fault:
        return self.inject(Fault("errcode", path=path, times=times, errcode=errcode))

    def clear_faults(self) -> None:
        self.faults.clear()

    def sent(self, touser: str | None = None) -> list[SentMessage]:
        return [m for m in self.messages if touser is None or m.touser == touser]

    def stats(self) -> dict[str, Any]:
        return {
            "token_fetches": self.token_fetches,
            "messages": len(self.messages),
            "requests": dict(self.requests),
            "faults": [asdict(f) for f in self.faults],
        }

    # --- tokens ---------------------------------------------------------------------------

    def issue_token(self) -> _Token:
        now = self.clock.now()
        if self.current is not None and self.current.retired_at is None:
            self.current.retired_at = now + timedelta(seconds=self.grace)
        self._seq += 1
        token = _Token(
            f"{self._seq}_{secrets.token_urlsafe(48)}", now + timedelta(seconds=self.token_ttl)
        )
        self._tokens[token.value] = token
        self.current = token
        self.token_fetches += 1
        return token

    def check_token(self, value: str | None) -> int:
        """0 if ``value`` is usable now, else WeChat's error code."""
        if not value:
            return 41001
        token = self._tokens.get(value)
        if token is None:
            return 40001 if _TOKEN_FORM.match(value) else 40014
        now = self.clock.now()
        if now >= token.expires_at:
            return 42001
        if token.retired_at is not None and now >= token.retired_at:
            return 40001
        return 0

    def token_answer(self, token: _Token) -> dict[str, Any]:
        remaining = int((token.expires_at - self.clock.now()).total_seconds())
        return {"access_token": token.value, "expires_in": max(remaining, 0)}

    # --- faults ---------------------------------------------------------------------------

    async def apply_faults(self, request: web.Request) -> web.StreamResponse | None:
        for fault in list(self.faults):
            if not fault.matches(request.path):
                continue
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
            if fault.kind in ("latency", "stall"):
                await asyncio.sleep(fault.seconds)
                continue
            if fault.kind == "http":
                return web.Response(status=fault.status, text="<html>Bad Gateway</html>")
            if fault.kind == "malformed":
                return web.Response(text='{"errcode":0,"errmsg":"o', content_type="text/plain")
            if fault.kind == "drop":
                if request.transport is not None:
                    request.transport.close()
                raise asyncio.CancelledError
            if fault.kind == "lose_answer":
                request[LOSE_ANSWER] = True
                continue
            return error_response(fault.errcode)
        return None

    # --- message rules --------------------------------------------------------------------

    def _user(self, openid: str) -> FakeUser | None:
        user = self.users.get(openid)
        if user is None and self.accept_any_openid and openid.strip():
            user = self.add_user(openid)
        return user

    def _quota_used(self) -> bool:
        return self.quota_after is not None and len(self.messages) >= self.quota_after

    def _record(self, kind: str, touser: str, msgtype: str, body: dict[str, Any]) -> SentMessage:
        self._msgid += 1
        msg = SentMessage(
            len(self.messages) + 1, kind, touser, msgtype, body, self._msgid, self.clock.now()
        )
        self.messages.append(msg)
        for listener in self.listeners:
            listener(msg)
        return msg

    def custom_send(self, body: dict[str, Any]) -> dict[str, Any]:
        touser = str(body.get("touser") or "")
        msgtype = str(body.get("msgtype") or "")
        user = self._user(touser)
        if user is None:
            return errbody(40003)
        content = body.get(msgtype)
        if not isinstance(content, dict):
            return errbody(47001)
        if msgtype == "text" and not str(content.get("content") or "").strip():
            return errbody(44004)
        if msgtype == "news":
            articles = content.get("articles")
            if not isinstance(articles, list) or not articles:
                return errbody(44003)
            if len(articles) > 1:
                return errbody(45008)
        if not user.subscribe:
            return errbody(45015)
        if user.last_interaction is not None:
            if self.clock.now() - user.last_interaction > WINDOW:
                return errbody(45015)
            if user.window_sends >= WINDOW_SENDS:
                return errbody(45047)
        if self._quota_used():
            return errbody(45009)
        user.window_sends += 1
        self._record("custom", touser, msgtype, body)
        return {"errcode": 0, "errmsg": "ok"}

    def template_send(self, body: dict[str, Any]) -> dict[str, Any]:
        touser = str(body.get("touser") or "")
        template_id = str(body.get("template_id") or "")
        user = self._user(touser)
        if user is None:
            return errbody(40003)
        if not template_id or (self.templates is not None and template_id not in self.templates):
            return errbody(40037)
        data = body.get("data")
        if not isinstance(data, dict):
            return errbody(47001)
        for key, item in data.items():
            value = item.get("value") if isinstance(item, dict) else None
            if not isinstance(value, str) or len(value) > FIELD_MAX:
                return {"errcode": 47003, "errmsg": f"argument invalid! data.{key}.value invalid"}
        if not user.subscribe:
            return errbody(43004)
        client_msg_id = body.get("client_msg_id")
        if isinstance(client_msg_id, str) and client_msg_id in self._client_msg_ids:
            return {"errcode": 0, "errmsg": "ok", "msgid": self._client_msg_ids[client_msg_id]}
        if self._quota_used():
            return errbody(45009)
        msg = self._record("template", touser, "template", body)
        if isinstance(client_msg_id, str) and client_msg_id:
            self._client_msg_ids[client_msg_id] = msg.msgid
        return {"errcode": 0, "errmsg": "ok", "msgid": msg.msgid}

    def menu_create(self, body: dict[str, Any]) -> dict[str, Any]:
        buttons = body.get("button")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            return errbody(40016)
        for button in buttons:
            if not isinstance(button, dict) or not button.get("name"):
                return errbody(40016)
            subs = button.get("sub_button")
            if subs is not None and (not isinstance(subs, list) or len(subs) > 5):
                return errbody(40017)
            if subs is None and button.get("type") not in (
                "click",
                "view",
                "miniprogram",
                "scancode_push",
                "scancode_waitmsg",
                "pic_sysphoto",
                "pic_photo_or_album",
                "pic_weixin",
                "location_select",
                "media_id",
                "article_id",
                "article_view_limited",
            ):
                return errbody(40017)
        self.menu = body
        return errbody(0)

    def user_info(self, openid: str) -> dict[str, Any]:
        if not openid:
            return errbody(41009)
        user = self._user(openid)
        if user is None:
            return errbody(40003)
        if not user.subscribe:
            return {"subscribe": 0, "openid": openid}
        return {
            "subscribe": 1,
            "openid": openid,
            "nickname": user.nickname,
            "language": "zh_CN",
            "subscribe_time": user.subscribe_time,
            "remark": "",
            "groupid": 0,
            "tagid_list": [],
            "subscribe_scene": "ADD_SCENE_QR_CODE",
            "qr_scene": 0,
            "qr_scene_str": "",
        }
