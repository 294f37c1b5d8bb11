"""`mulin serve --workers 2`: two processes share one port (SO_REUSEPORT), both answer, every
message is stored once and every push sent once though both run the ticks; a worker that dies
is started again; SIGTERM stops them all."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.request import Request, urlopen

import pytest

from bot.sandbox.platform import WeChatPlatform
from tests.support import LIVE_SECRET, LIVE_TOKEN, child_env, free_port, wait_http

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
APPID = "wx5ca1ed00000000aa"
TEMPLATES = ", ".join(
    f"{p}: T_{p}" for p in ("order_assigned", "order_update", "reminder", "survey", "broadcast")
)
ROSTER = """\
community: {code: qhj, name: 青和居社区}
grids:
  - {code: G01, name: 第一网格, buildings: ["1", "2"], leader: m01}
members:
  - {id: m01, name: 张美丽, roles: [grid_leader], grids: [G01], openid: o_w_m01}
  - {id: m02, name: 李建国, roles: [representative], households: ["1-*-*", "2-*-*"], openid: o_w_m02}
"""


def children(parent: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.add(int(entry))
    return found


def get_json(url: str) -> dict[str, object]:
    with urlopen(url, timeout=5) as resp:
        return dict(json.loads(resp.read()))


@pytest.fixture
def fake_wechat(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = tmp_path / "fake.log"
    argv = [sys.executable, "-m", "bot.sandbox.fake_wechat", "--port", str(port)]
    with (
        log.open("w") as out,
        subprocess.Popen(
            [*argv, "--appid", APPID, "--secret", LIVE_SECRET],
            cwd=ROOT,
            env=child_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        ) as fake,
    ):
        try:
            wait_http(f"http://127.0.0.1:{port}/_fake/stats", fake, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            fake.terminate()
            fake.wait(timeout=10)


def test_two_workers_share_the_port_and_the_work(tmp_path: Path, fake_wechat: str) -> None:
    db = tmp_path / "w.db"
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        f"wechat: {{appid: {APPID}, token: {LIVE_TOKEN}, secret: {LIVE_SECRET}, mode: plain,"
        f" api_base: '{fake_wechat}', templates: {{{TEMPLATES}}}}}\n"
        f"database: {{url: 'sqlite+aiosqlite:///{db}'}}\nscheduler: {{tick: 1s}}\n",
        encoding="utf-8",
    )
    roster = tmp_path / "roster.yaml"
    roster.write_text(ROSTER, encoding="utf-8")
    cli = [sys.executable, "-m", "bot.cli"]
    imported = subprocess.run(
        [*cli, "roster", "import", str(roster), "--config", str(cfg)],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
    port = free_port()
    log = tmp_path / "serve.log"
    serve = [*cli, "serve", "--config", str(cfg), "--port", str(port), "--workers", "2"]
    with (
        log.open("w") as err,
        subprocess.Popen(
            serve, cwd=ROOT, env=child_env(), stdout=subprocess.DEVNULL, stderr=err
        ) as proc,
    ):
        try:
            base = f"http://127.0.0.1:{port}"
            wait_http(f"{base}/healthz", proc, log)
            deadline = time.monotonic() + 60
            while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            workers = children(proc.pid)
            assert len(workers) == 2, log.read_text()
            # both answer: the kernel spreads new connections across them
            seen: set[int] = set()
            while seen != workers and time.monotonic() < deadline + 60:
                try:
                    seen.add(int(get_json(f"{base}/healthz")["pid"]))  # type: ignore[call-overload]
                except OSError:
                    time.sleep(0.1)  # the second one may still be starting
            assert seen == workers

            wx = WeChatPlatform(token=LIVE_TOKEN, appid=APPID, mode="plain")

            def report(i: int) -> str:
                d = wx.deliver(
                    wx.text(f"o_w_res{i}", f"{1 + i % 2}栋{1 + i % 3}单元{101 + i}门锁坏了")
                )
                query = "&".join(f"{k}={v}" for k, v in d.params.items())
                req = Request(f"{base}/wechat?{query}", data=d.body, method="POST")
                with urlopen(req, timeout=10) as resp:
                    assert resp.status == 200
                    return str((wx.open_reply(resp.read().decode()) or {}).get("Content", ""))

            with ThreadPoolExecutor(8) as pool:
                replies = list(pool.map(report, range(40)))
            assert all("工单号" in r for r in replies), replies

            # a worker killed outright is replaced; the service keeps answering
            victim = sorted(workers)[0]
            os.kill(victim, signal.SIGKILL)
            deadline = time.monotonic() + 60
            while (children(proc.pid) - {victim}).__len__() < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert len(children(proc.pid) - {victim}) == 2, log.read_text()
            assert get_json(f"{base}/healthz")["status"] == "ok"

            # both run the ticks: every push goes out once (a loaded CI machine has taken more
            # than a minute to deliver 40 pushes after a worker was killed)
            deadline = time.monotonic() + 150
            while time.monotonic() < deadline:
                with sqlite3.connect(db) as conn:
                    pending = conn.execute(
                        "SELECT count(*) FROM outbox WHERE status NOT IN ('sent')"
                    ).fetchone()[0]
                if not pending:
                    break
                time.sleep(0.5)
            with sqlite3.connect(db) as conn:
                messages = conn.execute(
                    "SELECT count(DISTINCT dedupe_key) FROM inbound_messages"
                ).fetchone()[0]
                orders = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
                sent = conn.execute("SELECT count(*) FROM outbox WHERE status = 'sent'").fetchone()[
                    0
                ]
                statuses = conn.execute(
                    "SELECT status, purpose, last_error, count(*) FROM outbox GROUP BY 1, 2, 3"
                ).fetchall()
            assert messages == 40 and orders == 40
            assert pending == 0, statuses
            delivered = get_json(f"{fake_wechat}/_fake/stats")["messages"]
            assert delivered == sent and sent >= 40  # one push per order, none twice
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=45)
    assert code == 0, log.read_text()
    assert not children(proc.pid)


def test_workers_need_a_fixed_port(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        f"wechat: {{token: {LIVE_TOKEN}, secret: {LIVE_SECRET}, mode: plain}}\n"
        f"database: {{url: 'sqlite+aiosqlite:///{tmp_path / 'x.db'}'}}\n",
        encoding="utf-8",
    )
    for extra, needle in ((["--port", "0"], "fixed --port"), (["--workers", "0"], "--workers")):
        argv = [
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            "--config",
            str(cfg),
            "--workers",
            "2",
            *extra,
        ]
        done = subprocess.run(
            argv, cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=60
        )
        assert (
            done.returncode == 2
            and needle in done.stderr
            and len(done.stderr.strip().splitlines()) == 1
        )
