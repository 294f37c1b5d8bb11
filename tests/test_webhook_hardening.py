"""Hostile and unlucky input at the webhook: nesting, odd fields, replays, and an unreachable
database. Every message that gets a 200 is stored (or held in the spool) and handled once."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.app import create_app
from bot.keys import SESSIONS
from bot.sandbox.platform import Delivery, WeChatPlatform, next_msg_id
from bot.wechat import crypto as wxcrypto
from models.inbound import InboundMessage
from models.orders import Order
from models.outbox import OutboxMessage
from tests.conftest import PG_URL
from tests.faults.proxy import FaultProxy
from tests.support import AES_KEY, APPID, TOKEN, make_config

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


def platform(mode: str) -> WeChatPlatform:
    return WeChatPlatform(token=TOKEN, appid=APPID, encoding_aes_key=AES_KEY, mode=mode)


async def start(
    aiohttp_client: ClientFactory, db_url: str, mode: str = "plain", **server: Any
) -> TestClient[Any, Any]:
    app = create_app(make_config(db_url, mode, **server), start_scheduler=False)
    return await aiohttp_client(app)


async def post(client: TestClient[Any, Any], d: Delivery) -> tuple[int, str]:
    resp = await client.post("/wechat", params=d.params, data=d.body)
    return resp.status, await resp.text()


async def count(client: TestClient[Any, Any], model: Any) -> int:
    async with client.app[SESSIONS]() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


def head(openid: str = "o_fuzz", msg_type: str = "text") -> str:
    return (
        f"<ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
        f"</FromUserName><CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>"
    )


# --- parsing ---------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["plain", "compatible", "safe"])
async def test_deeply_nested_xml_is_a_400_not_a_500(
    aiohttp_client: ClientFactory, sqlite_url: str, mode: str
) -> None:
    client = await start(aiohttp_client, sqlite_url, mode)
    wx = platform(mode)
    nested = "<a>" * 1000 + "x" + "</a>" * 1000
    xml = f"<xml>{head()}<Content>{nested}</Content><MsgId>{next_msg_id()}</MsgId></xml>"
    status, _ = await post(client, wx.deliver(xml))
    assert status == 400
    assert await count(client, InboundMessage) == 0


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
async def test_a_body_said_to_be_compressed_is_refused_without_a_500(
    aiohttp_client: ClientFactory, sqlite_url: str, encoding: str, caplog: Any
) -> None:
    client = await start(aiohttp_client, sqlite_url)
    d = platform("plain").deliver(
        f"<xml>{head()}<Content>hi</Content><MsgId>{next_msg_id()}</MsgId></xml>"
    )
    with caplog.at_level(logging.INFO):
        resp = await client.post(
            "/wechat", params=d.params, data=d.body, headers={"Content-Encoding": encoding}
        )
    assert 400 <= resp.status < 500
    assert "Traceback" not in caplog.text
    assert await count(client, InboundMessage) == 0


@pytest.mark.parametrize("digits", [11, 400, 5000])
async def test_an_absurdly_long_signed_timestamp_is_a_403(
    aiohttp_client: ClientFactory, sqlite_url: str, digits: int
) -> None:
    client = await start(aiohttp_client, sqlite_url)
    stamp, nonce = "9" * digits, "n0nce"
    signed = {"signature": wxcrypto.signature(TOKEN, stamp, nonce), "timestamp": stamp}
    xml = f"<xml>{head()}<Content>hi</Content><MsgId>{next_msg_id()}</MsgId></xml>"
    resp = await client.post("/wechat", params={**signed, "nonce": nonce}, data=xml.encode())
    assert resp.status == 403
    resp = await client.get("/wechat", params={**signed, "nonce": nonce, "echostr": "e"})
    assert resp.status == 403


async def test_safe_mode_checks_the_signature_before_parsing_the_envelope(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    client = await start(aiohttp_client, sqlite_url, "safe")
    wx = platform("safe")
    d = wx.deliver(wx.text("o_user", "你好"))
    nested = "<a>" * 1000 + "</a>" * 1000
    d = Delivery(d.params, d.body.replace(b"</xml>", nested.encode() + b"</xml>"))
    d.params["msg_signature"] = "0" * 40  # unsigned garbage: refused before any parse
    assert (await post(client, d))[0] == 403


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e309", "NaN", "91.5"])
async def test_non_finite_or_impossible_coordinates_are_stored_without_them(
    aiohttp_client: ClientFactory, db_url: str, value: str
) -> None:
    client = await start(aiohttp_client, db_url)
    wx = platform("plain")
    report = wx.text("o_loc", "3栋2单元501门锁坏了")
    assert (await post(client, wx.deliver(report)))[0] == 200
    xml = (
        f"<xml>{head('o_loc', 'location')}<Location_X>{value}</Location_X>"
        f"<Location_Y>{value}</Location_Y><Scale>15</Scale><Label><![CDATA[x]]></Label>"
        f"<MsgId>{next_msg_id()}</MsgId></xml>"
    )
    status, body = await post(client, wx.deliver(xml))
    assert status == 200 and "位置已附在工单" in body
    async with client.app[SESSIONS]() as s:
        modes = (await s.execute(select(InboundMessage.reply_mode))).scalars().all()
    assert modes == ["passive", "passive"]  # handled, not failed and stored as an error


async def test_over_long_signed_fields_are_kept_and_do_not_break_the_batch(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    client = await start(aiohttp_client, db_url)
    wx = platform("plain")
    odd = (
        f"<xml><ToUserName><![CDATA[{'g' * 300}]]></ToUserName>"
        f"<FromUserName><![CDATA[o_odd]]></FromUserName><CreateTime>{int(time.time())}"
        f"</CreateTime><MsgType><![CDATA[{'t' * 500}]]></MsgType>"
        f"<Content><![CDATA[hi]]></Content><MsgId>{next_msg_id()}</MsgId></xml>"
    )
    event = f"<xml>{head('o_odd2', 'event')}<Event><![CDATA[{'E' * 400}]]></Event></xml>"
    good = [wx.text(f"o_ok{i}", "你好") for i in range(5)]
    results = await asyncio.gather(*(post(client, wx.deliver(x)) for x in [odd, event, *good]))
    assert [status for status, _ in results] == [200] * 7
    async with client.app[SESSIONS]() as s:
        rows = (await s.execute(select(InboundMessage))).scalars().all()
    assert len(rows) == 7
    assert {r.reply_mode for r in rows if r.openid.startswith("o_ok")} == {"passive"}
    odd_row = next(r for r in rows if r.openid == "o_odd")
    assert odd_row.msg_type == "unknown" and "t" * 500 in odd_row.raw_xml


# --- replays -----------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["plain", "compatible"])
async def test_a_captured_signature_cannot_carry_another_message(
    aiohttp_client: ClientFactory, db_url: str, mode: str
) -> None:
    client = await start(aiohttp_client, db_url, mode)
    wx = platform(mode)
    first = wx.deliver(wx.text("o_member", "待办"))
    assert (await post(client, first))[0] == 200
    forged_xml = wx.text("o_member", "下岗")
    forged = wx.deliver(forged_xml)
    replayed = Delivery(dict(first.params), forged.body)
    if mode == "compatible":  # the attacker cannot re-sign the body: keep the old signature
        replayed.params["msg_signature"] = first.params["msg_signature"]
    status, _ = await post(client, replayed)
    assert status == 403
    assert (await post(client, first))[0] == 200  # WeChat's own retry is still fine
    async with client.app[SESSIONS]() as s:
        contents = (await s.execute(select(InboundMessage.content))).scalars().all()
    assert contents == ["待办"]


# --- the database away ----------------------------------------------------------------------
async def test_a_locked_database_answers_only_what_is_held_and_handles_it_once(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    db = tmp_path / "m.db"
    client = await start(aiohttp_client, f"sqlite+aiosqlite:///{db}", reply_budget="300ms")
    wx = platform("plain")
    assert (await post(client, wx.deliver(wx.text("o_warm", "你好"))))[0] == 200
    locker = sqlite3.connect(db, timeout=0, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    try:
        reports = [wx.deliver(wx.text(f"o_r{i}", f"{i + 1}栋1单元101水管漏水")) for i in range(3)]
        results = await asyncio.gather(*(post(client, d) for d in reports))
        assert [status for status, _ in results] == [200, 200, 200]
        assert (tmp_path / "m-spool").is_dir()
    finally:
        await asyncio.sleep(0.5)
        locker.execute("ROLLBACK")
        locker.close()
    for _ in range(100):
        if await count(client, Order) == 3 and not list((tmp_path / "m-spool").glob("*.msg*")):
            break
        await asyncio.sleep(0.1)
    assert await count(client, Order) == 3
    assert await count(client, InboundMessage) == 4
    assert list((tmp_path / "m-spool").glob("*.msg*")) == []


async def test_without_a_durable_place_nothing_is_acknowledged(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    db = tmp_path / "m.db"
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    client = await start(
        aiohttp_client,
        f"sqlite+aiosqlite:///{db}",
        reply_budget="300ms",
        spool_dir=str(blocker / "spool"),
    )
    wx = platform("plain")
    locker = sqlite3.connect(db, timeout=0, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        status, body = await post(client, wx.deliver(wx.text("o_r", "1栋1单元101水管漏水")))
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert status == 503 and "记下" not in body  # WeChat will retry; nothing false was said


@pytest.mark.postgres
async def test_database_cut_holds_messages_and_replays_them_exactly_once(
    aiohttp_client: ClientFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy.engine import make_url

    from tests.conftest import _create_pg_database, _drop_pg_database

    assert PG_URL
    real = await _create_pg_database()
    url = make_url(real)
    proxy = FaultProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        client = await start(aiohttp_client, via_proxy, spool_dir=str(tmp_path / "spool"))
        wx = platform("plain")
        assert (await post(client, wx.deliver(wx.text("o_warm", "你好"))))[0] == 200
        caplog.set_level(logging.INFO)
        proxy.refuse()
        reports = [wx.deliver(wx.text(f"o_r{i}", f"{i + 1}栋1单元101水管漏水")) for i in range(20)]
        results = [await post(client, d) for d in reports]
        assert [status for status, _ in results] == [200] * 20
        assert all("系统正在恢复" in body for _, body in results)
        again = [await post(client, d) for d in reports[:5]]  # WeChat retries some
        assert [status for status, _ in again] == [200] * 5
        proxy.restore()
        for _ in range(150):
            if await count(client, Order) >= 20 and not list((tmp_path / "spool").iterdir()):
                break
            await asyncio.sleep(0.1)
        assert await count(client, Order) == 20
        assert await count(client, InboundMessage) == 21
        async with client.app[SESSIONS]() as s:
            late = await s.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.purpose == "late_reply")
            )
        assert late == 20  # each resident gets the real answer, with the order number, later
        lines = [r.getMessage() for r in caplog.records]
        assert sum("database unavailable" in line for line in lines) == 1
        assert sum("available again" in line for line in lines) == 1
        assert not [r for r in caplog.records if r.exc_info]  # no traceback per message
    finally:
        await proxy.stop()
        await _drop_pg_database(real)
