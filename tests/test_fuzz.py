"""Fuzzing the webhook with signed but mutated requests (fixed seed, bounded count).

Every request is correctly signed for its mode, so it reaches the parser and the handlers: this
is what a leaked token, a buggy proxy or WeChat itself could send. Asserted over the run: no
500, no traceback in the log, no secret and no unmasked phone in the log, bounded memory.
``make fuzz`` runs a longer round (``MULIN_FUZZ_COUNT``, default 50,000).
"""

from __future__ import annotations

import logging
import os
import random
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.observability.logs import MaskingFormatter
from bot.sandbox.platform import WeChatPlatform
from bot.wechat import crypto as wxcrypto
from tests.support import AES_KEY, APPID, TOKEN, make_config
from tests.wechat_samples import samples

pytestmark = pytest.mark.slow

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
COUNT = int(os.environ.get("MULIN_FUZZ_COUNT", "5000"))
SEED = 20261203
SECRET = "test-secret"

_NASTY_VALUES = [
    "",
    " ",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "-1",
    "0",
    "99999999999999999999999999",
    "3.4028235e+38",
    "]]>",
    "<![CDATA[x]]>",
    "&amp;&lt;&#x4e2d;&#20013;",
    "\u202e\u200b\u200d\ufeff",
    "😀" * 50,
    "13812345678 3栋2单元501 幺三八一二三四五六七八",
    "+86 139 1234 5678 转 0086-13712345678",
    "x" * 5000,
    "我" * 3000,
    "<a><b><c>deep</c></b></a>",
    "SELECT * FROM orders; DROP TABLE orders;--",
    "${jndi:ldap://127.0.0.1/a}",
    "%s%s%s%n",
    "\\x00\\u0000",
    "接单 1",
    "代表绑定 ABCDEF",
    "取消 #99999999999999",
    "绑定 999999999栋99999单元999999",
]
_TYPES = [
    "text",
    "image",
    "voice",
    "video",
    "shortvideo",
    "location",
    "link",
    "event",
    "file",
    "miniprogrampage",
    "x" * 200,
    "",
    "TEXT",
    "EVENT",
]
_EVENTS = [
    "subscribe",
    "unsubscribe",
    "SCAN",
    "CLICK",
    "VIEW",
    "LOCATION",
    "TEMPLATESENDJOBFINISH",
    "",
    "e" * 300,
    "subscribe_msg_popup_event",
]
_TAG = re.compile(r"<(\w+)>(<!\[CDATA\[.*?\]\]>|[^<]*)</\1>", re.S)


def _mutate_fields(xml: str, rng: random.Random) -> str:
    fields = _TAG.findall(xml)
    if not fields:
        return xml
    for _ in range(rng.randint(1, 3)):
        name, _old = rng.choice(fields)
        if name == "FromUserName" and rng.random() < 0.7:
            continue  # keep most deliveries from real-looking users
        if name == "MsgType":
            value = rng.choice(_TYPES)
        elif name == "Event":
            value = rng.choice(_EVENTS)
        else:
            value = rng.choice(_NASTY_VALUES)
        wrapped = f"<![CDATA[{value}]]>" if rng.random() < 0.5 else value
        replacement = f"<{name}>{wrapped}</{name}>"
        xml = re.sub(
            rf"<{name}>.*?</{name}>", lambda _m, r=replacement: r, xml, count=1, flags=re.S
        )
    return xml


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    raw = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not raw:
            break
        i = rng.randrange(len(raw))
        op = rng.random()
        if op < 0.4:
            raw[i] = rng.randrange(256)
        elif op < 0.7:
            del raw[i]
        else:
            raw.insert(i, rng.randrange(256))
    return bytes(raw)


def _structural(xml: str, rng: random.Random) -> str:
    choice = rng.randrange(9)
    if choice == 0:
        return "<xml>" + "<a>" * rng.randint(10, 2000) + "</a>" * rng.randint(0, 2000) + "</xml>"
    if choice == 1:
        return '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><xml><Content>&a;&a;</Content></xml>'
    if choice == 2:
        return xml.replace("<MsgType>", "<MsgType><MsgType>", 1)
    if choice == 3:
        return re.sub(r"<FromUserName>.*?</FromUserName>", "", xml, count=1, flags=re.S)
    if choice == 4:
        return re.sub(
            r"<CreateTime>.*?</CreateTime>", "<CreateTime>-99999999999999</CreateTime>", xml
        )
    if choice == 5:
        return xml.replace("<xml>", '<xml a="1" xmlns:x="urn:x">', 1)
    if choice == 6:
        return xml[: rng.randrange(len(xml))]
    if choice == 7:
        return xml.replace("</xml>", "<Content>again</Content></xml>")
    return "<notxml>" + xml + "</notxml>"


def _deliveries(rng: random.Random, mode: str, wx: WeChatPlatform) -> Any:
    base = list(samples(f"o_fuzz_{rng.randrange(50)}").values())
    base.append(wx.text(f"o_fuzz_{rng.randrange(50)}", rng.choice(_NASTY_VALUES)))
    xml = rng.choice(base)
    kind = rng.random()
    if kind < 0.55:
        xml = _mutate_fields(xml, rng)
    elif kind < 0.8:
        xml = _structural(xml, rng)
    d = wx.deliver(xml)
    if kind >= 0.8:
        if mode == "plain":
            d.body = _mutate_bytes(d.body, rng)
        elif rng.random() < 0.5:  # signed garbage where the ciphertext should be
            junk = "".join(rng.choices("ABCDEFabcdef0123456789+/=", k=rng.randint(0, 400)))
            ts, nonce = d.params["timestamp"], d.params["nonce"]
            d.params["msg_signature"] = wxcrypto.signature(TOKEN, ts, nonce, junk)
            d.body = f"<xml><Encrypt><![CDATA[{junk}]]></Encrypt></xml>".encode()
        else:
            d.body = _mutate_bytes(d.body, rng)
    return d


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.parametrize("mode", ["plain", "compatible", "safe"])
async def test_fuzzed_signed_requests(
    aiohttp_client: ClientFactory,
    db_url: str,
    mode: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    client = await aiohttp_client(create_app(make_config(db_url, mode), start_scheduler=False))
    wx = WeChatPlatform(token=TOKEN, appid=APPID, encoding_aes_key=AES_KEY, mode=mode)
    rng = random.Random(f"{SEED}-{mode}")
    statuses: Counter[int] = Counter()
    count = max(1, COUNT // 6)  # three modes on two databases share the count
    for _ in range(50):  # warm up before measuring memory
        d = wx.deliver(wx.text("o_warm", "你好"))
        await client.post("/wechat", params=d.params, data=d.body)
    rss_before = _rss_mb()
    started = time.monotonic()
    for _ in range(count):
        d = _deliveries(rng, mode, wx)
        resp = await client.post("/wechat", params=d.params, data=d.body)
        await resp.read()
        statuses[resp.status] += 1
    took = time.monotonic() - started
    growth = _rss_mb() - rss_before
    print(f"fuzz {mode}: {count} requests in {took:.1f} s, {dict(statuses)}, RSS +{growth:.1f} MB")
    assert statuses[500] == 0
    assert set(statuses) <= {200, 400, 403, 413, 503}, statuses
    assert statuses[200] > count // 10  # the mutations still reach the handlers
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert not tracebacks, tracebacks[0].getMessage()
    formatter = MaskingFormatter("%(message)s")
    text = "\n".join(formatter.format(r) for r in caplog.records)
    for secret in (TOKEN, AES_KEY, SECRET):
        assert secret not in text
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)
    assert growth < 150, f"RSS grew {growth:.0f} MB over {count} requests"
