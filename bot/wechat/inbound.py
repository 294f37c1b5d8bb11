"""Server side of the webhook protocol: verify, decrypt, parse, and encode replies.

Order matters: the query signature and the timestamp are checked before the body is read, and
``msg_signature`` before anything is decrypted, so unauthenticated input costs almost nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree

from wechatpy.crypto import WeChatCrypto
from wechatpy.events import EVENT_TYPES
from wechatpy.messages import MESSAGE_TYPES, UnknownMessage

from bot.config import WeChatConfig
from bot.messages import Incoming, Reply
from bot.wechat.flatxml import read_flat
from bot.wechat.replyxml import render_reply


class Rejected(Exception):
    """The request is refused; ``status`` is the HTTP status, ``reason`` a short log word."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _sha1(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


@dataclass(frozen=True)
class Decoded:
    incoming: Incoming
    encrypted: bool


class InboundCodec:
    def __init__(self, config: WeChatConfig, window: timedelta) -> None:
        self.config = config
        self.window = window.total_seconds()
        self._crypto = (
            WeChatCrypto(config.token, config.encoding_aes_key, config.appid)
            if config.encoding_aes_key
            else None
        )

    # -- query-string checks (no body read yet) -----------------------------------------
    def check_query(self, query: Mapping[str, str], now: float | None = None) -> None:
        sig, ts, nonce = query.get("signature"), query.get("timestamp"), query.get("nonce")
        if not sig or not ts or nonce is None:
            raise Rejected(403, "missing signature")
        expected = _sha1(self.config.token, ts, nonce)
        if not hmac.compare_digest(expected.encode(), sig.encode()):
            raise Rejected(403, "bad signature")
        if not (ts.isascii() and ts.isdigit()) or len(ts) > _TIMESTAMP_DIGITS:
            raise Rejected(403, "bad timestamp")  # a longer number cannot be compared with now
        stamp = int(ts)
        current = time.time() if now is None else now
        if abs(current - stamp) > self.window:
            raise Rejected(403, "stale timestamp")

    def verify_url(self, query: Mapping[str, str]) -> str:
        self.check_query(query)
        return query.get("echostr", "")

    def wants_encryption(self, query: Mapping[str, str]) -> bool:
        encrypted = query.get("encrypt_type", "raw").lower() == "aes"
        if self.config.mode == "safe" and not encrypted:
            raise Rejected(400, "plain message in safe mode")
        if self.config.mode == "plain":
            return False
        return encrypted

    # -- body ----------------------------------------------------------------------------
    def decode(self, query: Mapping[str, str], body: bytes) -> Decoded:
        encrypted = self.wants_encryption(query)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Rejected(400, "body is not UTF-8") from None
        if encrypted:
            text = self._decrypt(query, text)
        return Decoded(self._parse(text, replay_key(query)), encrypted)

    def _decrypt(self, query: Mapping[str, str], text: str) -> str:
        assert self._crypto is not None  # config validation requires the key outside plain
        # The signature is checked on the Encrypt element found by a regular expression,
        # before any XML parser sees the unauthenticated body.
        found = _ENCRYPT.search(text)
        encrypt = (found.group(1) or found.group(2) or "").strip() if found else ""
        if not encrypt:
            raise Rejected(400, "no Encrypt element")
        msg_sig = query.get("msg_signature", "")
        expected = _sha1(
            self.config.token, query.get("timestamp", ""), query.get("nonce", ""), encrypt
        )
        if not hmac.compare_digest(expected.encode(), msg_sig.encode()):
            raise Rejected(403, "bad msg_signature")
        _parse_xml(text)  # authenticated now; still refuse a malformed envelope
        try:
            plain = self._crypto.decrypt_message(
                {"Encrypt": encrypt}, msg_sig, query.get("timestamp", ""), query.get("nonce", "")
            )
        except Exception:
            # wrong key, wrong appid, truncated or padded garbage: wechatpy raises a zoo of
            # exceptions here (struct.error, UnicodeDecodeError, its own); all mean "cannot open".
            raise Rejected(400, "undecryptable") from None
        return str(plain)

    def _parse(self, xml: str, replay: str | None = None) -> Incoming:
        doc = _parse_xml(xml)
        try:
            msg = _wechatpy_message(doc)
        except Exception:
            raise Rejected(400, "unparseable message") from None
        openid = doc.get("FromUserName")
        if not isinstance(openid, str) or not openid or len(openid) > 64:
            raise Rejected(400, "no FromUserName")
        try:
            created = datetime.fromtimestamp(int(str(doc.get("CreateTime"))), UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            raise Rejected(400, "bad CreateTime") from None
        fields = {k: v for k, v in doc.items() if isinstance(v, str)}
        msg_type = str(getattr(msg, "type", "unknown") or "unknown")
        raw_type = str(doc.get("MsgType", "")).lower()
        event = None
        if raw_type == "event":
            msg_type = "event"
            event = str(getattr(msg, "event", None) or doc.get("Event") or "").lower() or None
            event = event[:_EVENT_MAX] if event else None
        elif msg_type == "unknown":
            msg_type = raw_type or "unknown"
        if len(msg_type) > _TYPE_MAX:  # signed, but nothing WeChat sends: keep it storable
            msg_type = "unknown"
        content = fields.get("Content")
        if raw_type == "voice":
            content = fields.get("Recognition") or None
        msg_id = fields.get("MsgId") or None
        if msg_id is not None and (len(msg_id) > 64 or not msg_id.isdigit()):
            raise Rejected(400, "bad MsgId")
        return Incoming(
            openid=openid,
            account=fields.get("ToUserName", "")[:_ACCOUNT_MAX],
            msg_type=msg_type,
            created_at=created,
            raw_xml=xml,
            msg_id=msg_id,
            event=event,
            event_key=fields.get("EventKey") or None,
            content=content,
            media_id=fields.get("MediaId") or None,
            pic_url=fields.get("PicUrl") or None,
            url=fields.get("Url") or None,
            title=fields.get("Title") or None,
            latitude=_coordinate(fields.get("Location_X") or fields.get("Latitude"), 90),
            longitude=_coordinate(fields.get("Location_Y") or fields.get("Longitude"), 180),
            label=fields.get("Label") or None,
            fields=fields,
            replay_key=replay,
        )

    # -- reply ---------------------------------------------------------------------------
    def encode_reply(
        self, reply: Reply, incoming: Incoming, encrypted: bool, query: Mapping[str, str]
    ) -> str:
        xml = render_reply(reply, to_user=incoming.openid, from_user=incoming.account)
        if not encrypted or self._crypto is None:
            return xml
        nonce = query.get("nonce") or secrets.token_hex(8)
        return str(self._crypto.encrypt_message(xml, nonce, str(int(time.time()))))


_DECLARATIONS = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ENCRYPT = re.compile(r"<Encrypt>\s*(?:<!\[CDATA\[([^\]<]*)\]\]>|([^<]*))\s*</Encrypt>")
# The columns the fields land in; a longer value is signed but nothing WeChat sends.
_TYPE_MAX, _EVENT_MAX, _ACCOUNT_MAX = 32, 64, 64
_TIMESTAMP_DIGITS = 12  # Unix seconds have 10 digits until the year 2286
# WeChat's deepest documented element is four levels down (SendPicsInfo/PicList/item/…).
MAX_DEPTH = 8


def replay_key(query: Mapping[str, str]) -> str:
    """What identifies one signed request: a second body under it is a replay."""
    parts = (query.get(k, "") for k in ("timestamp", "nonce", "signature", "msg_signature"))
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


def _element(node: ElementTree.Element, depth: int = 0) -> Any:
    children = list(node)
    if not children:
        return node.text
    if depth >= MAX_DEPTH:
        raise Rejected(400, "XML nested too deeply")
    out: dict[str, Any] = {}
    for child in children:
        value = _element(child, depth + 1)
        if child.tag in out:  # repeated elements (e.g. <item>) become a list, as in xmltodict
            previous = out[child.tag]
            out[child.tag] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[child.tag] = value
    return out


def _parse_xml(text: str) -> dict[str, Any]:
    """WeChat's flat XML as a dict of strings (nested elements as dicts).

    WeChat never sends a DTD; refusing any declaration up front rules out entity expansion
    and external entities before the C parser (several times faster than xmltodict) runs.
    """
    if _DECLARATIONS.search(text):
        raise Rejected(400, "XML declarations are not accepted")
    flat = read_flat(text)  # the usual shape, without setting up a parser
    if flat is not None:
        return flat
    try:
        root = ElementTree.fromstring(text)
    except (ElementTree.ParseError, ValueError):
        raise Rejected(400, "malformed XML") from None
    doc = _element(root)
    if root.tag != "xml" or not isinstance(doc, dict):
        raise Rejected(400, "no <xml> root")
    return doc


def _coordinate(value: str | None, limit: float) -> float | None:
    """A latitude or longitude, or None for anything that is not a finite value in range."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None


def _wechatpy_message(doc: dict[str, Any]) -> Any:
    """wechatpy's message object for an already parsed document.

    Same class choice as ``wechatpy.parse_message`` (including its scan-to-subscribe
    special cases), without parsing the XML a second time.
    """
    doc = dict(doc)
    msg_type = str(doc["MsgType"]).lower()
    if msg_type != "event":
        return MESSAGE_TYPES.get(msg_type, UnknownMessage)(doc)
    event = str(doc.get("Event", "")).lower()
    key = doc.get("EventKey")
    if event == "subscribe" and isinstance(key, str) and key:
        if key.startswith(("scanbarcode|", "scanimage|")):
            event = doc["Event"] = "subscribe_scan_product"
        elif key.startswith("qrscene_"):
            event = doc["Event"] = "subscribe_scan"
            doc["EventKey"] = key[len("qrscene_") :]
    return EVENT_TYPES.get(event, UnknownMessage)(doc)
