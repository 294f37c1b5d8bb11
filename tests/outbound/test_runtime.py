"""outbound_ctx in an aiohttp app, deliver_due, sync_menu, and the fake API's HTTP controls."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.config import Config, DatabaseConfig, WeChatConfig
from bot.keys import CONFIG, ENGINE
from bot.outbox import enqueue
from bot.sandbox.fake_wechat import FakeWeChat
from bot.storage.migrations import upgrade
from bot.ticks.outbox import OUTBOX_WORKER, WECHAT_API, deliver_due, outbound_ctx, sync_menu
from tests.outbound.support import APPID, SECRET, OutboxDB

ROOT = Path(__file__).resolve().parents[2]


def config(db: OutboxDB, api_base: str, **wechat: Any) -> Config:
    return Config(
        wechat=WeChatConfig(
            appid=APPID,
            secret=SECRET,
            token="t",
            api_base=api_base,
            api_timeout=timedelta(seconds=2),
            templates={"reminder": "TPL_REMIND"},
            **wechat,
        ),
        database=DatabaseConfig(url=db.url),
    )


async def test_outbound_ctx_delivers_through_deliver_due(
    db: OutboxDB, api_base: str, fake: FakeWeChat, aiohttp_client: Callable[..., Any]
) -> None:
    app = web.Application()
    app[CONFIG] = config(db, api_base)
    app[ENGINE] = db.engine()
    app.cleanup_ctx.append(outbound_ctx)
    test_client = await aiohttp_client(app)
    running = test_client.server.app
    assert isinstance(running[WECHAT_API].appid, str)
    sessions = running[OUTBOX_WORKER]._sessions
    async with sessions.begin() as s:
        await enqueue(
            s,
            purpose="reminder",
            recipient="oMember",
            template_fields={"thing1": "工单 #7 快超时了"},
            dedupe_key="remind:7",
        )
    assert await deliver_due(running) == 1
    assert [m.body["template_id"] for m in fake.sent("oMember")] == ["TPL_REMIND"]


async def test_sync_menu_publishes_the_menu(
    tmp_path: Path, api_base: str, fake: FakeWeChat
) -> None:
    db = OutboxDB("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'menu.db'}")
    engine = db.engine()
    await upgrade(engine)
    menu = {
        "button": [
            {"type": "click", "name": "我要点单", "key": "ORDER"},
            {"name": "我的", "sub_button": [{"type": "click", "name": "工单", "key": "MINE"}]},
        ]
    }
    try:
        await sync_menu(config(db, api_base), menu, engine)
    finally:
        await engine.dispose()
    assert fake.menu == menu


async def test_fake_http_controls(api_base: str, fake: FakeWeChat) -> None:
    async with aiohttp.ClientSession() as http:
        r = await http.post(
            f"{api_base}/_fake/faults",
            json={"kind": "errcode", "errcode": 45047, "path": "/cgi-bin/message"},
        )
        assert (await r.json())["ok"]
        token = (
            await (
                await http.get(
                    f"{api_base}/cgi-bin/token",
                    params={"grant_type": "client_credential", "appid": APPID, "secret": SECRET},
                )
            ).json()
        )["access_token"]
        send = f"{api_base}/cgi-bin/message/custom/send?access_token={token}"
        body = {"touser": "oA", "msgtype": "text", "text": {"content": "hi"}}
        assert (await (await http.post(send, json=body)).json())["errcode"] == 45047
        assert (await (await http.post(send, json=body)).json())["errcode"] == 0
        listed = await (
            await http.get(f"{api_base}/_fake/messages", params={"touser": "oA"})
        ).json()
        assert [m["body"]["text"]["content"] for m in listed["messages"]] == ["hi"]
        await http.post(f"{api_base}/_fake/faults", json={"kind": "quota", "after": 1})
        assert (await (await http.post(send, json=body)).json())["errcode"] == 45009
        await http.delete(f"{api_base}/_fake/faults")
        await http.post(f"{api_base}/_fake/users", json={"openid": "oB", "subscribe": False})
        info = await http.get(
            f"{api_base}/cgi-bin/user/info", params={"access_token": token, "openid": "oB"}
        )
        assert await info.json() == {"subscribe": 0, "openid": "oB"}
        stats = await (await http.get(f"{api_base}/_fake/stats")).json()
        assert stats["token_fetches"] == 1 and stats["messages"] == 1
        bad = await http.post(f"{api_base}/_fake/faults", json={"kind": "nonsense"})
        assert bad.status == 400


@pytest.mark.slow
async def test_fake_api_runs_standalone() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.sandbox.fake_wechat", "--port", str(port), cwd=ROOT
    )
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    r = await http.get(f"http://127.0.0.1:{port}/_fake/stats")
                    assert r.status == 200
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("fake API did not start")
    finally:
        proc.terminate()
        await proc.wait()
