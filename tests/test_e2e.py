"""End to end: a real `mulin serve` process, a fake WeChat API process, messages over HTTP.

A resident reports, the right representative is told through the (fake) WeChat API, accepts
in chat, reports progress and completion; the resident hears about each step.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import aiohttp
import pytest

from bot.sandbox.platform import WeChatPlatform
from bot.storage.engine import create_engine, session_factory
from tests.support import (
    APPID,
    LIVE_AES_KEY,
    LIVE_TOKEN,
    child_env,
    free_port,
    seed_roster,
    wait_http,
)

# starts processes (or a browser): not part of the fast inner loop
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SECRET = "e2e-secret-4b1f9a7c"
TOKEN, AES_KEY = LIVE_TOKEN, LIVE_AES_KEY


class Stack:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.api_port, self.port = free_port(), free_port()
        self.db_url = f"sqlite+aiosqlite:///{tmp / 'e2e.db'}"
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[BinaryIO] = []
        self.config = tmp / "config.yaml"
        self.config.write_text(
            "\n".join(
                [
                    f"wechat: {{token: {TOKEN}, appid: {APPID}, secret: {SECRET}, mode: safe,",
                    f"         encoding_aes_key: {AES_KEY}, api_base: 'http://127.0.0.1:{self.api_port}'}}",
                    f"database: {{url: '{self.db_url}'}}",
                    "scheduler: {tick: 200ms}",
                    # on the real clock: the night (sla.quiet_hours) would hold the
                    # resident's notices until the morning whenever the suite runs late
                    "sla: {quiet_hours: off}",
                ]
            ),
            encoding="utf-8",
        )
        self.wx = WeChatPlatform(token=TOKEN, appid=APPID, encoding_aes_key=AES_KEY, mode="safe")

    def start(self, args: list[str], name: str, ready: str) -> None:
        env = child_env()
        log = self.tmp / f"{name}.log"
        out = log.open("wb")
        self.logs.append(out)
        proc = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        self.procs.append(proc)
        wait_http(ready, proc, log)

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait(timeout=20)
        for out in self.logs:
            out.close()

    async def say(self, session: aiohttp.ClientSession, openid: str, text: str) -> str:
        d = self.wx.deliver(self.wx.text(openid, text))
        async with session.post(
            f"http://127.0.0.1:{self.port}/wechat", params=d.params, data=d.body
        ) as resp:
            assert resp.status == 200
            reply = self.wx.open_reply(await resp.text())
        return reply["Content"] if reply else ""

    async def inbox(self, session: aiohttp.ClientSession, openid: str) -> list[str]:
        url = f"http://127.0.0.1:{self.api_port}/_fake/messages"
        async with session.get(url, params={"touser": openid}) as resp:
            data = json.loads(await resp.text())
        out = []
        for m in data["messages"]:
            body: dict[str, Any] = m["body"]
            out.append(body.get("text", {}).get("content") or json.dumps(body, ensure_ascii=False))
        return out

    async def wait_for(self, session: aiohttp.ClientSession, openid: str, needle: str) -> list[str]:
        deadline = time.monotonic() + 15
        while True:
            got = await self.inbox(session, openid)
            if any(needle in m for m in got):
                return got
            if time.monotonic() > deadline:
                raise AssertionError(f"{openid} never received {needle!r}; got {got}")
            await asyncio.sleep(0.1)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    s = Stack(tmp_path)
    try:
        s.start(
            [
                "-m",
                "bot.sandbox.fake_wechat",
                "--port",
                str(s.api_port),
                "--appid",
                APPID,
                "--secret",
                SECRET,
            ],
            "fake_api",
            f"http://127.0.0.1:{s.api_port}/_fake/stats",
        )
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "db", "upgrade", "--config", str(s.config)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )

        async def seed() -> None:
            engine = create_engine(s.db_url)
            await seed_roster(session_factory(engine), datetime.now(UTC))
            await engine.dispose()

        asyncio.run(seed())
        s.start(
            ["-m", "bot.cli", "serve", "--config", str(s.config), "--port", str(s.port)],
            "serve",
            f"http://127.0.0.1:{s.port}/readyz",
        )
        yield s
    finally:
        s.stop()


async def test_report_to_completion_over_real_processes(stack: Stack) -> None:
    resident = "o_e2e_resident"
    async with aiohttp.ClientSession() as http:
        for member in ("o_m02", "o_m05"):  # members who wrote lately get customer-service messages
            assert "没有待办" in await stack.say(http, member, "待办")
        reply = await stack.say(http, resident, "1栋2单元301 卫生间水管漏水了，麻烦尽快")
        assert "工单号" in reply and "#" in reply
        number = int(reply.split("#")[1].split("。")[0])
        rep = "o_m02"  # the representative of 1栋2单元
        await stack.wait_for(http, rep, f"接单 {number}")

        assert "已接单" in await stack.say(http, rep, f"接单 {number}")
        await stack.wait_for(http, resident, "接单")
        await stack.say(http, rep, f"进度 {number} 明天上午带配件上门")
        await stack.wait_for(http, resident, "明天上午带配件上门")
        await stack.say(http, rep, f"完成 {number} 换了三通")
        got = await stack.wait_for(http, resident, "已办结")
        assert len(got) == 3  # accepted, progress, resolved: each exactly once
        assert "谢谢" in await stack.say(http, resident, "满意")
