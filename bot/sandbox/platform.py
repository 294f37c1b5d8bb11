"""Plays WeChat's part towards our webhook: builds, signs and encrypts deliveries.

Used by the sandbox page, the tests and the benchmark so they reach the webhook exactly as
WeChat does (query-string signatures, the encrypted envelope, retries with the same MsgId).
"""

from __future__ import annotations

import itertools
import random
import string
import time
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import xmltodict

from bot.wechat import crypto as wxcrypto
from bot.wechat.replyxml import cdata

_ids = itertools.count(int(time.time() * 1000) % 10**12 * 1000)


def next_msg_id() -> str:
    return str(next(_ids))


@dataclass
class Delivery:
    params: dict[str, str]
    body: bytes


@dataclass
class WeChatPlatform:
    token: str
    appid: str
    encoding_aes_key: str = ""
    mode: str = "plain"
    account: str = "gh_mulin_demo"
    rng: random.Random = field(default_factory=random.Random)

    # -- message XML, as WeChat writes it ------------------------------------------------
    def _head(self, openid: str, msg_type: str, create_time: int | None) -> str:
        stamp = int(time.time()) if create_time is None else create_time
        return (
            f"<ToUserName>{cdata(self.account)}</ToUserName>"
            f"<FromUserName>{cdata(openid)}</FromUserName>"
            f"<CreateTime>{stamp}</CreateTime><MsgType>{cdata(msg_type)}</MsgType>"
        )

    def text(
        self, openid: str, content: str, msg_id: str | None = None, create_time: int | None = None
    ) -> str:
        return (
            f"<xml>{self._head(openid, 'text', create_time)}<Content>{cdata(content)}</Content>"
            f"<MsgId>{msg_id or next_msg_id()}</MsgId></xml>"
        )

    def voice(self, openid: str, recognition: str, msg_id: str | None = None) -> str:
        return (
            f"<xml>{self._head(openid, 'voice', None)}<MediaId>{cdata('media_voice_1')}</MediaId>"
            f"<Format>{cdata('amr')}</Format><Recognition>{cdata(recognition)}</Recognition>"
            f"<MsgId>{msg_id or next_msg_id()}</MsgId></xml>"
        )

    def image(
        self,
        openid: str,
        pic_url: str = "http://127.0.0.1/pic.jpg",
        msg_id: str | None = None,
        media_id: str = "media_image_1",
    ) -> str:
        """A photo message; ``media_id`` is what the fake API issued for the file
        (``FakeWeChat.media.issue()``), or an id it never issued."""
        return (
            f"<xml>{self._head(openid, 'image', None)}<PicUrl>{cdata(pic_url)}</PicUrl>"
            f"<MediaId>{cdata(media_id)}</MediaId>"
            f"<MsgId>{msg_id or next_msg_id()}</MsgId></xml>"
        )

    def location(
        self, openid: str, lat: float, lon: float, label: str = "", msg_id: str | None = None
    ) -> str:
        return (
            f"<xml>{self._head(openid, 'location', None)}<Location_X>{lat}</Location_X>"
            f"<Location_Y>{lon}</Location_Y><Scale>15</Scale><Label>{cdata(label)}</Label>"
            f"<MsgId>{msg_id or next_msg_id()}</MsgId></xml>"
        )

    def event(self, openid: str, event: str, key: str = "", create_time: int | None = None) -> str:
        extra = f"<EventKey>{cdata(key)}</EventKey>" if key else ""
        return f"<xml>{self._head(openid, 'event', create_time)}<Event>{cdata(event)}</Event>{extra}</xml>"

    # -- delivery ------------------------------------------------------------------------
    def _nonce(self) -> str:
        return "".join(self.rng.choices(string.ascii_letters + string.digits, k=10))

    def deliver(
        self, xml: str, *, timestamp: int | None = None, nonce: str | None = None
    ) -> Delivery:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        nc = nonce or self._nonce()
        params = {
            "signature": wxcrypto.signature(self.token, ts, nc),
            "timestamp": ts,
            "nonce": nc,
            "openid": _field(xml, "FromUserName"),
        }
        if self.mode == "plain":
            return Delivery(params, xml.encode())
        encrypted = wxcrypto.encrypt(xml, self.encoding_aes_key, self.appid)
        params["encrypt_type"] = "aes"
        params["msg_signature"] = wxcrypto.signature(self.token, ts, nc, encrypted)
        to_user = cdata(self.account)
        if self.mode == "compatible":
            inner = xml[len("<xml>") : -len("</xml>")]
            body = f"<xml>{inner}<Encrypt>{cdata(encrypted)}</Encrypt></xml>"
        else:
            body = f"<xml><ToUserName>{to_user}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt></xml>"
        return Delivery(params, body.encode())

    def verify_params(self, echostr: str = "echo123") -> dict[str, str]:
        ts, nc = str(int(time.time())), self._nonce()
        return {
            "signature": wxcrypto.signature(self.token, ts, nc),
            "timestamp": ts,
            "nonce": nc,
            "echostr": echostr,
        }

    def open_reply(self, body: str) -> dict[str, str] | None:
        """Read our server's passive reply as WeChat would; None for "success"/empty."""
        if body.strip() in ("", "success"):
            return None
        doc = xmltodict.parse(body)["xml"]
        if "Encrypt" in doc:
            expect = wxcrypto.signature(self.token, doc["TimeStamp"], doc["Nonce"], doc["Encrypt"])
            if expect != doc["MsgSignature"]:
                raise wxcrypto.CryptoError("reply msg_signature does not match")
            doc = xmltodict.parse(
                wxcrypto.decrypt(doc["Encrypt"], self.encoding_aes_key, self.appid)
            )["xml"]
        return {k: (v if isinstance(v, str) else str(v)) for k, v in doc.items()}


def _field(xml: str, name: str) -> str:
    try:
        value = xmltodict.parse(xml)["xml"].get(name) or ""
    except Exception:
        return ""
    return escape(str(value))
