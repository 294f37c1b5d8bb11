"""Full order round trips over HTTP on SQLite: a resident reports, the representative accepts
and completes it — three signed webhook deliveries per round trip, each answered, every order
dispatched and every push queued. Baseline in the same run: three deliveries of plain chat
("您好") per round, which are stored and answered but change no order.
No target in the issue: the figure is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.loadgen import ROOT, free_port, start_server
from bot.sandbox.platform import WeChatPlatform

TOKEN = "bench-token"
# Representatives of the demo roster and the units they cover (bot/sandbox/demo_roster.yaml).
REPS = [
    ("o_member_wujianhua", "1", "1"),
    ("o_member_wujianhua", "1", "2"),
    ("o_member_sunlijuan", "2", "1"),
    ("o_member_sunlijuan", "2", "2"),
    ("o_member_zhaoguoqing", "4", "1"),
    ("o_member_zhaoguoqing", "4", "2"),
]


async def run(port: int, rounds: int, concurrency: int, chat_only: bool) -> tuple[float, int]:
    wx = WeChatPlatform(token=TOKEN, appid="wxbench0000000000", mode="plain")
    url = f"http://127.0.0.1:{port}/wechat"
    done = 0

    async def say(http: aiohttp.ClientSession, openid: str, text: str) -> str:
        d = wx.deliver(wx.text(openid, text))
        async with http.post(url, params=d.params, data=d.body) as resp:
            body = await resp.text()
        reply = wx.open_reply(body)
        return reply["Content"] if reply else ""

    async def worker(http: aiohttp.ClientSession, w: int) -> None:
        nonlocal done
        i = w
        while i < rounds:
            rep, b, u = REPS[i % len(REPS)]
            resident = f"o_rt_{i}"
            if chat_only:
                for who in (resident, rep, rep):
                    await say(http, who, "您好")
            else:
                reply = await say(http, resident, f"{b}栋{u}单元{101 + i % 9}室 水龙头坏了")
                m = re.search(r"#(\d+)", reply)
                assert m, reply
                n = m.group(1)
                assert "已接单" in await say(http, rep, f"接单 {n}")
                assert "办结" in await say(http, rep, f"完成 {n}")
            done += 1
            i += concurrency

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        await asyncio.gather(*(worker(http, w) for w in range(concurrency)))
    return time.perf_counter() - started, done


def serve(tmp: str) -> tuple[subprocess.Popen[bytes], int]:
    cfg = Path(tmp) / "config.yaml"
    cfg.write_text(
        f"wechat: {{token: {TOKEN}, mode: plain, appid: wxbench0000000000, api_base: 'http://127.0.0.1:9'}}\n"
        f"database: {{url: 'sqlite+aiosqlite:///{tmp}/rt.db'}}\nscheduler: {{tick: 1h}}\n",
        encoding="utf-8",
    )
    roster = ROOT / "bot" / "sandbox" / "demo_roster.yaml"
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "roster", "import", str(roster), "--config", str(cfg)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    port = free_port()
    proc = start_server(
        ["-m", "bot.cli", "serve", "--config", str(cfg), "--port", str(port)],
        f"http://127.0.0.1:{port}/readyz",
    )
    return proc, port


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=600)
    ap.add_argument("--concurrency", type=int, default=16)
    args = ap.parse_args()
    out = {}
    for label, chat_only in (
        ("baseline: 3 chat messages", True),
        ("report → accept → complete", False),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            proc, port = serve(tmp)
            try:
                seconds, done = asyncio.run(run(port, args.rounds, args.concurrency, chat_only))
            finally:
                proc.terminate()
                proc.wait()
        out[label] = (seconds, done)
    print(f"{args.rounds} rounds, {args.concurrency} concurrent, one server process, SQLite")
    for label, (seconds, done) in out.items():
        print(
            f"{label:<30} {done / seconds:7.1f} rounds/s  ({done * 3 / seconds:7.1f} deliveries/s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
