"""A `mulin serve` killed with SIGKILL while its timers run loses nothing and repeats nothing.

Real processes on loopback: the fake WeChat API, a first `mulin serve` that is killed with
SIGKILL part-way through a stream of due accept reminders, and a second `mulin serve` that
takes over. Every order ends up reminded exactly once: one history entry, one queued push, and
that push either delivered (once) or still held by the dead process's outbox lease, which the
outbox kill test shows is sent when it runs out.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from urllib.request import urlopen

import pytest
from sqlalchemy import func, select

from bot.storage.engine import create_engine, session_factory
from models.community import Member
from models.orders import Order, OrderEvent
from models.outbox import OutboxMessage
from tests.support import (
    APPID,
    LIVE_SECRET,
    LIVE_TOKEN,
    child_env,
    free_port,
    seed_roster,
    wait_http,
)

# starts processes (or a browser): not part of the fast inner loop
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ORDERS = 300
SPREAD = timedelta(seconds=4)  # the reminders fall due one after another over this span
KILL_AFTER = 60  # reminded orders before the first process is killed


class Processes:
    def __init__(self, tmp: Path, db_url: str) -> None:
        self.tmp = tmp
        self.api_port = free_port()
        self.db_url = db_url
        self.config = tmp / "config.yaml"
        self.config.write_text(
            "\n".join(
                [
                    f"wechat: {{token: {LIVE_TOKEN}, appid: {APPID}, secret: {LIVE_SECRET}, mode: plain,",
                    f"         api_base: 'http://127.0.0.1:{self.api_port}',",
                    "         templates: {reminder: TPL_REMIND}}",
                    f"database: {{url: '{self.db_url}'}}",
                    "scheduler: {tick: 200ms}",
                    # on the real clock: the night (sla.quiet_hours) would hold the reminders
                    "sla: {accept_within: 30m, quiet_hours: off}",
                ]
            ),
            encoding="utf-8",
        )
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[BinaryIO] = []

    def start(self, args: list[str], name: str, ready: str) -> subprocess.Popen[bytes]:
        log = self.tmp / f"{name}.log"
        out = log.open("wb")
        self.logs.append(out)
        proc = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=child_env(), stdout=out, stderr=subprocess.STDOUT
        )
        self.procs.append(proc)
        wait_http(ready, proc, log)
        return proc

    def serve(self, name: str) -> subprocess.Popen[bytes]:
        port = free_port()
        return self.start(
            ["-m", "bot.cli", "serve", "--config", str(self.config), "--port", str(port)],
            name,
            f"http://127.0.0.1:{port}/readyz",
        )

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def delivered(self) -> list[str]:
        """The order numbers of the reminders the fake WeChat received, in order."""
        url = f"http://127.0.0.1:{self.api_port}/_fake/messages?touser=o_m02"
        with urlopen(url, timeout=5) as resp:
            messages = json.loads(resp.read())["messages"]
        return [m["body"]["data"]["character_string1"]["value"] for m in messages]

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            proc.wait(timeout=20)
        for out in self.logs:
            out.close()


@pytest.fixture
def procs(tmp_path: Path, db_url: str) -> Iterator[Processes]:
    p = Processes(tmp_path, db_url)
    try:
        p.start(
            [
                "-m",
                "bot.sandbox.fake_wechat",
                "--port",
                str(p.api_port),
                "--appid",
                APPID,
                "--secret",
                LIVE_SECRET,
            ],
            "fake_api",
            f"http://127.0.0.1:{p.api_port}/_fake/stats",
        )
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "db", "upgrade", "--config", str(p.config)],
            cwd=ROOT,
            env=child_env(),
            check=True,
            capture_output=True,
        )
        yield p
    finally:
        p.stop()


async def _seed_orders(sessions: Any, first_due: datetime) -> None:
    """Orders assigned to o_m02 whose accept reminders fall due one after another."""
    async with sessions() as s, s.begin():
        member = (await s.execute(select(Member).where(Member.key == "m02"))).scalar_one()
        step = SPREAD / ORDERS
        for i in range(ORDERS):
            remind_at = first_due + step * i
            assigned = remind_at - timedelta(minutes=30)
            s.add(
                Order(
                    resident_openid=f"o_r{i}",
                    building="1",
                    unit="1",
                    room="101",
                    category="repair",
                    urgent=False,
                    text="水管漏水",
                    summary="水管漏水",
                    phones=[],
                    status="assigned",
                    assignee_id=member.id,
                    declined_by=[],
                    created_at=assigned,
                    updated_at=assigned,
                    assigned_at=assigned,
                    escalation_level=0,
                    next_timer_at=remind_at,
                )
            )


async def _reminded(sessions: Any) -> int:
    async with sessions() as s:
        return int(
            await s.scalar(select(func.count()).where(Order.accept_reminded_at.is_not(None))) or 0
        )


async def test_kill_9_during_timer_ticks_loses_nothing_and_repeats_nothing(
    procs: Processes,
) -> None:
    engine = create_engine(procs.db_url)
    sessions = session_factory(engine)
    try:
        await seed_roster(sessions, datetime.now(UTC))
        first = procs.serve("serve_a")
        await _seed_orders(sessions, datetime.now(UTC) + timedelta(seconds=1))
        deadline = time.monotonic() + 30
        while await _reminded(sessions) < KILL_AFTER:
            assert time.monotonic() < deadline, "the first process never reminded anyone"
            await asyncio.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL
        at_kill = await _reminded(sessions)
        assert at_kill < ORDERS, "killed too late: the first process had done everything"

        procs.serve("serve_b")
        deadline = time.monotonic() + 60
        while True:
            async with sessions() as s:
                waiting = await s.scalar(
                    select(func.count()).where(OutboxMessage.status == "pending")
                )
            reminded = await _reminded(sessions)
            if reminded == ORDERS and not waiting:
                break
            assert time.monotonic() < deadline, (
                f"the second process did not finish: {reminded} reminded, {waiting} pushes waiting"
                f"\n{procs.log('serve_b')[-3000:]}"
            )
            await asyncio.sleep(0.1)

        async with sessions() as s:
            events = (
                await s.execute(
                    select(OrderEvent.order_id, func.count())
                    .where(OrderEvent.action == "timer:remind_accept")
                    .group_by(OrderEvent.order_id)
                )
            ).all()
            # the orders' pushes only: on a Monday morning (local time) the real clock also
            # sends the grid leaders' weekly digest, which is not this test's business
            rows = (
                await s.execute(
                    select(
                        OutboxMessage.dedupe_key, OutboxMessage.status, OutboxMessage.payload
                    ).where(OutboxMessage.dedupe_key.like("order:%"))
                )
            ).all()
            numbers = {f"#{n}" for n in (await s.execute(select(Order.id))).scalars()}
        assert len(events) == ORDERS and all(n == 1 for _, n in events)
        assert len(rows) == ORDERS  # one push per order
        assert all(":remind-accept:" in key for key, _, _ in rows)
        assert all(status in ("sent", "sending") for _, status, _ in rows)
        # "sending": leased by the killed process, which may or may not have sent it already
        held = {
            payload["template"]["fields"]["character_string1"]
            for _, status, payload in rows
            if status == "sending"
        }
        delivered = procs.delivered()
        assert len(delivered) == len(set(delivered)), "a reminder reached the member twice"
        assert set(delivered) | held == numbers, "a reminder was lost"
    finally:
        await engine.dispose()
