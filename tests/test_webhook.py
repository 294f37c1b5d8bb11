"""The webhook over HTTP, in every encryption mode, with good and hostile input."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.app import create_app
from bot.keys import DISPATCHER, SESSIONS
from bot.messages import Incoming, Reply
from bot.sandbox.platform import Delivery, WeChatPlatform
from bot.wechat import crypto as wxcrypto
from models.inbound import InboundMessage, WeChatUser
from tests.support import AES_KEY, APPID, TOKEN, make_config
from tests.wechat_samples import EXPECTED, samples

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
MODES = ["plain", "compatible", "safe"]


def platform(mode: str) -> WeChatPlatform:
    return WeChatPlatform(token=TOKEN, appid=APPID, encoding_aes_key=AES_KEY, mode=mode)


async def start(
    aiohttp_client: ClientFactory, db_url: str, mode: str, **server: Any
) -> TestClient[Any, Any]:
    app = create_app(make_config(db_url, mode, **server), start_scheduler=False)
    return await aiohttp_client(app)


async def post(client: TestClient[Any, Any], d: Delivery) -> tuple[int, str]:
    resp = await client.post("/wechat", params=d.params, data=d.body)
    return resp.status, await resp.text()


async def stored(client: TestClient[Any, Any]) -> list[InboundMessage]:
    async with client.app[SESSIONS]() as s:
        return list((await s.execute(select(InboundMessage).order_by(InboundMessage.id))).scalars())


@pytest.mark.parametrize("mode", MODES)
async def test_text_message_gets_a_reply_in_every_mode(
    aiohttp_client: ClientFactory, db_url: str, mode: str
) -> None:
    client = await start(aiohttp_client, db_url, mode)
    wx = platform(mode)
    status, body = await post(client, wx.deliver(wx.text("o_user_1", "3栋2单元501水管漏了")))
    assert status == 200
    if mode != "plain":
        assert "<Encrypt>" in body and "水管" not in body  # the reply is encrypted too
    reply = wx.open_reply(body)
    assert reply is not None and reply["MsgType"] == "text"
    assert reply["ToUserName"] == "o_user_1" and reply["Content"]
    rows = await stored(client)
    assert [(r.openid, r.msg_type, r.content) for r in rows] == [
        ("o_user_1", "text", "3栋2单元501水管漏了")
    ]
    assert "3栋2单元501水管漏了" in rows[0].raw_xml and rows[0].reply_mode == "passive"


async def test_compatible_mode_also_accepts_plain_deliveries(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    client = await start(aiohttp_client, sqlite_url, "compatible")
    wx = platform("plain")
    status, body = await post(client, wx.deliver(wx.text("o_user_1", "你好")))
    assert status == 200 and "<Encrypt>" not in body and wx.open_reply(body) is not None


@pytest.mark.parametrize("mode", MODES)
async def test_url_verification_echoes(
    aiohttp_client: ClientFactory, sqlite_url: str, mode: str
) -> None:
    client = await start(aiohttp_client, sqlite_url, mode)
    resp = await client.get("/wechat", params=platform(mode).verify_params("echo-42"))
    assert resp.status == 200 and await resp.text() == "echo-42"
    bad = platform(mode).verify_params("x") | {"signature": "0" * 40}
    assert (await client.get("/wechat", params=bad)).status == 403


async def test_bad_signature_is_refused_before_anything_is_stored(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    client = await start(aiohttp_client, sqlite_url, "plain")
    wx = platform("plain")
    d = wx.deliver(wx.text("o_user_1", "hi"))
    d.params["signature"] = "f" * 40
    assert (await post(client, d))[0] == 403
    d.params.pop("signature")
    assert (await post(client, d))[0] == 403
    assert await stored(client) == []


async def test_stale_and_future_timestamps_are_refused(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    client = await start(aiohttp_client, sqlite_url, "safe")
    wx = platform("safe")
    for skew in (-301, 301):
        d = wx.deliver(wx.text("o_user_1", "hi"), timestamp=int(time.time()) + skew)
        assert (await post(client, d))[0] == 403
    d = wx.deliver(wx.text("o_user_1", "hi"), timestamp=int(time.time()) - 250)
    assert (await post(client, d))[0] == 200


async def test_oversize_body_is_413(aiohttp_client: ClientFactory, sqlite_url: str) -> None:
    client = await start(aiohttp_client, sqlite_url, "plain")
    wx = platform("plain")
    d = wx.deliver(wx.text("o_user_1", "漏" * 40_000))
    assert (await post(client, d))[0] == 413
    assert await stored(client) == []


@pytest.mark.parametrize(
    "body",
    [
        b"not xml at all",
        b"<xml><ToUserName>",
        b"<root><a>1</a></root>",
        b"<xml><MsgType>text</MsgType></xml>",
        b"\xff\xfe\x00garbage",
        b"",
        # billion laughs: entities must never expand
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b"<xml><ToUserName>a</ToUserName><FromUserName>&lol2;</FromUserName><CreateTime>1</CreateTime>"
        b"<MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>",
        # external entity
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<xml><FromUserName>&xxe;</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>",
    ],
)
async def test_malformed_bodies_are_400_not_500(
    aiohttp_client: ClientFactory, sqlite_url: str, body: bytes
) -> None:
    client = await start(aiohttp_client, sqlite_url, "plain")
    d = platform("plain").deliver("<xml></xml>")
    assert (await post(client, Delivery(d.params, body)))[0] == 400


async def test_undecryptable_and_wrong_appid_are_400(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    client = await start(aiohttp_client, sqlite_url, "safe")
    wx = platform("safe")
    xml = wx.text("o_user_1", "hi")
    ts, nonce = str(int(time.time())), "n0nce"
    for encrypted in (
        wxcrypto.encrypt(xml, AES_KEY, "wx_some_other_app"),  # wrong appid
        wxcrypto.encrypt(xml, "B" * 43, APPID),  # wrong key
        "bm90IHJlYWxseSBlbmNyeXB0ZWQ=",  # not a block multiple
        "!!!not-base64!!!",
    ):
        params = {
            "signature": wxcrypto.signature(TOKEN, ts, nonce),
            "timestamp": ts,
            "nonce": nonce,
            "encrypt_type": "aes",
            "msg_signature": wxcrypto.signature(TOKEN, ts, nonce, encrypted),
        }
        body = f"<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        assert (await post(client, Delivery(params, body.encode())))[0] == 400, encrypted
    # A right ciphertext under a wrong msg_signature is a forgery, not a parse error.
    d = wx.deliver(xml)
    d.params["msg_signature"] = "0" * 40
    assert (await post(client, d))[0] == 403
    # Safe mode never accepts an unencrypted message.
    assert (await post(client, platform("plain").deliver(xml)))[0] == 400
    assert await stored(client) == []


async def test_reply_xml_survives_cdata_terminator(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    client = await start(aiohttp_client, sqlite_url, "plain")

    async def echo(nxt: Any, message: Incoming, data: dict[str, Any]) -> Reply | None:
        return Reply(text=f"您说：{message.text}")

    client.app[DISPATCHER].middleware(echo)
    wx = platform("plain")
    hostile = "a]]></Content><MsgType>news</MsgType><Content><![CDATA[b"
    status, body = await post(client, wx.deliver(wx.text("o_user_1", hostile)))
    reply = wx.open_reply(body)
    assert status == 200 and reply is not None
    assert reply["MsgType"] == "text" and reply["Content"] == f"您说：{hostile}"
    assert (await stored(client))[0].content == hostile  # stored exactly as written


@pytest.mark.parametrize("mode", ["plain", "safe"])
async def test_every_message_and_event_type_reaches_the_dispatcher(
    aiohttp_client: ClientFactory, db_url: str, mode: str
) -> None:
    client = await start(aiohttp_client, db_url, mode)
    seen: list[tuple[str, str | None]] = []

    async def record(nxt: Any, message: Incoming, data: dict[str, Any]) -> Reply | None:
        seen.append((message.msg_type, message.event))
        return await nxt(message, data)

    client.app[DISPATCHER].middleware(record)
    wx = platform(mode)
    for name, xml in samples().items():
        status, _ = await post(client, wx.deliver(xml))
        assert status == 200, name
    assert seen == list(EXPECTED.values())
    rows = await stored(client)
    assert [(r.msg_type, r.event) for r in rows] == list(EXPECTED.values())
    voice = next(r for r in rows if r.msg_type == "voice")
    assert voice.content == "电梯坏了"  # voice goes by its recognised text
    async with client.app[SESSIONS]() as s:
        user = await s.get(WeChatUser, "o_sample_user")
    assert user is not None and user.following is False  # the unsubscribe was recorded


async def test_unknown_type_is_stored_and_answered_success(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    client = await start(aiohttp_client, sqlite_url, "safe")
    wx = platform("safe")
    xml = (
        "<xml><ToUserName>gh</ToUserName><FromUserName>o_user_9</FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType>hologram</MsgType>"
        "<MsgId>777000111</MsgId></xml>"
    )
    status, body = await post(client, wx.deliver(xml))
    assert (status, body) == (200, "success")
    rows = await stored(client)
    assert [(r.msg_type, r.dedupe_key) for r in rows] == [("hologram", "msg:777000111")]


async def test_three_concurrent_deliveries_store_one_message(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    client = await start(aiohttp_client, db_url, "safe")
    effects: list[str] = []

    async def slow_effect(nxt: Any, message: Incoming, data: dict[str, Any]) -> Reply | None:
        await asyncio.sleep(0.05)  # widen the race window
        effects.append(message.text)
        return Reply(text=f"已受理 {len(effects)}")

    client.app[DISPATCHER].middleware(slow_effect)
    wx = platform("safe")
    xml = wx.text("o_user_1", "漏水了", msg_id="5550001")
    results = await asyncio.gather(*(post(client, wx.deliver(xml)) for _ in range(3)))
    assert [s for s, _ in results] == [200, 200, 200]
    replies = {wx.open_reply(b)["Content"] for _, b in results}  # type: ignore[index]
    assert replies == {"已受理 1"}
    assert effects == ["漏水了"]
    late = await post(client, wx.deliver(xml))  # a retry long after
    assert wx.open_reply(late[1])["Content"] == "已受理 1"  # type: ignore[index]
    assert len(await stored(client)) == 1
    metrics = await (await client.get("/metrics")).text()
    assert "mulin_duplicate_deliveries_total 3.0" in metrics


async def test_events_are_deduplicated_by_user_time_and_event(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    client = await start(aiohttp_client, sqlite_url, "plain")
    wx = platform("plain")
    stamp = int(time.time())
    sub = wx.event("o_user_1", "subscribe", create_time=stamp)
    for _ in range(2):
        assert (await post(client, wx.deliver(sub)))[0] == 200
    await post(client, wx.deliver(wx.event("o_user_1", "CLICK", "HELP", create_time=stamp)))
    rows = await stored(client)
    assert sorted(r.event or "" for r in rows) == ["click", "subscribe"]


async def test_handler_failure_keeps_the_message_and_answers_plainly(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    client = await start(aiohttp_client, db_url, "plain")

    async def boom(nxt: Any, message: Incoming, data: dict[str, Any]) -> Reply | None:
        raise RuntimeError("bug")

    client.app[DISPATCHER].middleware(boom)
    wx = platform("plain")
    xml = wx.text("o_user_1", "门锁坏了")
    status, body = await post(client, wx.deliver(xml))
    reply = wx.open_reply(body)
    assert status == 200 and reply is not None and "已经保存" in reply["Content"]
    rows = await stored(client)
    assert [(r.content, r.reply_mode) for r in rows] == [("门锁坏了", "error")]
    status, body = await post(client, wx.deliver(xml))  # WeChat's retry: same answer, one row
    assert status == 200 and len(await stored(client)) == 1


async def test_slow_handler_answers_success_and_queues_the_reply(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    client = await start(aiohttp_client, db_url, "plain", reply_budget="200ms")

    async def slow(nxt: Any, message: Incoming, data: dict[str, Any]) -> Reply | None:
        await asyncio.sleep(0.6)
        return Reply(text="慢慢回复")

    client.app[DISPATCHER].middleware(slow)
    wx = platform("plain")
    started = time.perf_counter()
    status, body = await post(client, wx.deliver(wx.text("o_user_1", "在吗")))
    assert (status, body) == (200, "success") and time.perf_counter() - started < 0.5
    for _ in range(50):
        rows = await stored(client)
        if rows and rows[0].reply_mode == "deferred":
            break
        await asyncio.sleep(0.05)
    assert rows[0].reply_mode == "deferred" and rows[0].reply_text == "慢慢回复"
    from models.outbox import OutboxMessage as Outbox

    async with client.app[SESSIONS]() as s:
        queued = (await s.execute(select(Outbox.recipient, Outbox.dedupe_key))).all()
        assert await s.scalar(select(func.count()).select_from(Outbox)) == 1
    assert queued[0][0] == "o_user_1"


async def test_health_ready_and_metrics(aiohttp_client: ClientFactory, sqlite_url: str) -> None:
    client = await start(aiohttp_client, sqlite_url, "plain")
    assert (await client.get("/healthz")).status == 200
    ready = await client.get("/readyz")
    assert ready.status == 200 and (await ready.json())["database"] == "ok"
    wx = platform("plain")
    await post(client, wx.deliver(wx.text("o_user_1", "hi")))
    d = wx.deliver(wx.text("o_user_1", "hi"))
    d.params["signature"] = "0" * 40
    await post(client, d)
    text = await (await client.get("/metrics")).text()
    assert 'mulin_webhook_requests_total{outcome="passive"} 1.0' in text
    assert 'mulin_webhook_requests_total{outcome="rejected"} 1.0' in text
    assert "mulin_handler_seconds_bucket" in text


async def test_readyz_reports_unavailable_database(
    aiohttp_client: ClientFactory, tmp_path: Any
) -> None:
    client = await start(aiohttp_client, f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", "plain")
    from bot.keys import ENGINE

    await client.app[ENGINE].dispose()
    (tmp_path / "x.db").unlink()
    (tmp_path / "x.db").mkdir()  # now the path cannot be opened as a database
    resp = await client.get("/readyz")
    assert resp.status == 503


def _unused(app: web.Application) -> None:  # keep web imported for type checkers
    del app
