"""A worker killed with SIGKILL mid-delivery loses nothing: a fresh worker finishes the job."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.outbox import enqueue
from bot.outbox.worker import OutboxSettings, OutboxWorker
from bot.sandbox.fake_wechat import FakeWeChat, Fault
from bot.storage.engine import create_engine, session_factory
from bot.storage.migrations import upgrade
from models.outbox import OutboxMessage
from tests.outbound.support import MakeClient

# starts processes (or a browser): not part of the fast inner loop
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ROWS = 200
KILL_AT = 50


async def test_kill_9_mid_delivery_loses_nothing_and_sends_nothing_twice(
    tmp_path: Path, fake: FakeWeChat, api_base: str, make_client: MakeClient
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kill9.db'}"
    engine = create_engine(url)
    try:
        await _kill_and_recover(url, engine, fake, api_base, make_client)
    finally:
        await engine.dispose()


async def _kill_and_recover(
    url: str, engine: AsyncEngine, fake: FakeWeChat, api_base: str, make_client: MakeClient
) -> None:
    await upgrade(engine)
    sessions = session_factory(engine)
    async with sessions.begin() as s:
        for i in range(ROWS):
            await enqueue(
                s,
                purpose="order_update",
                recipient=f"o{i % 50}",
                template_fields={"thing1": f"m{i}"},
                dedupe_key=f"k{i}",
            )
    fake.inject(Fault("latency", path="/cgi-bin/message", times=None, seconds=0.03))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).with_name("kill9_worker.py")),
        url,
        api_base,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        # Kill in the middle of the 3rd batch of 20 (rows 41-60): at least 10 still in flight.
        for _ in range(4000):  # up to 20 s for the subprocess to start and send 50
            if len(fake.messages) >= KILL_AT:
                break
            await asyncio.sleep(0.005)
        assert KILL_AT <= len(fake.messages) < 60, "the worker should be mid-batch"
    finally:
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    assert proc.returncode == -signal.SIGKILL
    async with sessions() as s:
        in_flight = await s.scalar(select(func.count()).where(OutboxMessage.status == "sending"))
    assert in_flight, "some rows were leased by the killed worker"

    survivor = OutboxWorker(
        sessions,
        make_client(),
        templates={"order_update": "TPL"},
        settings=OutboxSettings(lease=timedelta(seconds=2)),
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        await survivor.drain()
        async with sessions() as s:
            left = await s.scalar(select(func.count()).where(OutboxMessage.status != "sent"))
        if not left:
            break
        await asyncio.sleep(0.2)
    assert left == 0
    values = sorted(m.body["data"]["thing1"]["value"] for m in fake.messages)
    assert values == sorted(f"m{i}" for i in range(ROWS))  # every row once, none twice
    # The killed worker's accepted-but-unrecorded rows were resent and WeChat (the fake)
    # dropped the repeats by client_msg_id.
    assert fake.requests["/cgi-bin/message/template/send"] > ROWS
