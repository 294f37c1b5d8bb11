"""Several hosts behind one load balancer, sharing PostgreSQL and Redis: two `mulin serve`
processes on different ports, reports sent to either, and still one order per message, one push
per cause and one access-token fetch between them (docs/deploy.md, "多个进程、多台主机")."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
from sqlalchemy import func, select, text

from bot.sandbox.platform import WeChatPlatform
from bot.storage.engine import create_engine
from models.orders import Order
from tests.conftest import _create_pg_database, _drop_pg_database
from tests.support import LIVE_SECRET, LIVE_TOKEN, child_env, free_port, wait_http
from tests.test_workers import APPID, ROOT, ROSTER, TEMPLATES, fake_wechat, get_json

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
__all__ = ["fake_wechat"]  # the fixture, shared with test_workers
REDIS_URL = os.environ.get("MULIN_TEST_REDIS_URL")  # without it the token is shared in the database


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    url = await _create_pg_database()
    try:
        yield url
    finally:
        await _drop_pg_database(url)


@pytest.fixture
def two_hosts(tmp_path: Path, fake_wechat: str, pg_url: str) -> Iterator[list[str]]:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        f"wechat: {{appid: {APPID}, token: {LIVE_TOKEN}, secret: {LIVE_SECRET}, mode: plain,"
        f" api_base: '{fake_wechat}', templates: {{{TEMPLATES}}}}}\n"
        f"database: {{url: '{pg_url}'}}\n"
        + (f"redis: {{url: '{REDIS_URL}'}}\n" if REDIS_URL else "")
        + "scheduler: {tick: 1s}\n",
        encoding="utf-8",
    )
    roster = tmp_path / "roster.yaml"
    roster.write_text(ROSTER, encoding="utf-8")
    cli = [sys.executable, "-m", "bot.cli"]
    env = child_env()
    done = subprocess.run(
        [*cli, "roster", "import", str(roster), "--config", str(cfg)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    procs, bases = [], []
    try:
        for n in range(2):
            port, log = free_port(), tmp_path / f"host{n}.log"
            with log.open("w") as err:
                proc = subprocess.Popen(
                    [*cli, "serve", "--config", str(cfg), "--port", str(port)],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                )
            procs.append(proc)
            wait_http(f"http://127.0.0.1:{port}/readyz", proc, log)
            bases.append(f"http://127.0.0.1:{port}")
        yield bases
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


async def test_two_hosts_share_postgresql_and_redis(
    two_hosts: list[str], fake_wechat: str, pg_url: str
) -> None:
    wx = WeChatPlatform(token=LIVE_TOKEN, appid=APPID, mode="plain")

    def report(i: int) -> str:
        d = wx.deliver(wx.text(f"o_h_res{i}", f"{1 + i % 2}栋{1 + i % 3}单元{101 + i}门锁坏了"))
        query = "&".join(f"{k}={v}" for k, v in d.params.items())
        host = two_hosts[i % 2]
        with urlopen(Request(f"{host}/wechat?{query}", data=d.body), timeout=10) as resp:
            body = resp.read().decode()
        # WeChat's retry of the same message lands on the other host: nothing new
        with urlopen(Request(f"{two_hosts[(i + 1) % 2]}/wechat?{query}", data=d.body), timeout=10):
            pass
        return str((wx.open_reply(body) or {}).get("Content", ""))

    with ThreadPoolExecutor(8) as pool:
        replies = await asyncio.to_thread(lambda: list(pool.map(report, range(30))))
    assert all("工单号" in r for r in replies), replies

    engine = create_engine(pg_url)
    try:
        deadline = time.monotonic() + 60
        while True:
            async with engine.connect() as conn:
                waiting = await conn.scalar(
                    text("SELECT count(*) FROM outbox WHERE status <> 'sent'")
                )
                sent = await conn.scalar(text("SELECT count(*) FROM outbox WHERE status = 'sent'"))
                orders = await conn.scalar(select(func.count()).select_from(Order))
                messages = await conn.scalar(text("SELECT count(*) FROM inbound_messages"))
            if not waiting or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
    finally:
        await engine.dispose()
    assert (orders, messages, waiting) == (30, 30, 0)
    stats = await asyncio.to_thread(get_json, f"{fake_wechat}/_fake/stats")
    assert stats["messages"] == sent and sent >= 30  # one push per cause, whichever host sent it
    assert stats["token_fetches"] == 1  # one token, shared through Redis (or the database)
