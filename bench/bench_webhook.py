"""Inbound throughput: unique text messages from 5,000 users, 32 connections, one process.

Compares ``mulin serve`` (plain mode, SQLite, every message stored and answered) with a bare
aiohttp handler that only answers "success" (the ceiling of this machine and this client), in
the same run, for two kinds of traffic:

- ``chat``: greetings, thanks and acknowledgements — verified, parsed by intake, stored,
  answered; no order. The foundation's target applies here: >= 1,500 msgs/s, p99 <= 50 ms.
- ``reports``: every message is a new request that becomes an order, is dispatched and queues
  a push to the assignee (staged and written with its batch: no statement of its own).

Issue 17's goals are ratios to a store-and-echo server measured in the same run: reports
>= 0.35x with p99 <= 40 ms, chat >= 1.0x. They are printed, not enforced (exit status).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.loadgen import (
    LoadResult,
    free_port,
    import_demo_roster,
    run_load,
    start_server,
)
from bot.sandbox.platform import WeChatPlatform

TOKEN = "bench-token"
SECRET = "bench5e3c7a91d2f40b6e8c1a7f93d05b2e4"  # made up: the fake API is never called
AES_KEY = "Kq3v8ZpL2mX7rT9wB4nJ6yH1cF5sD0gA8eU3iO7kP2l"  # a made-up key the secret check accepts
TARGET_RATE = 1500.0
TARGET_P99_MS = 50.0

BARE = """
import asyncio, sys
from aiohttp import web
try:
    import uvloop  # the same event loop mulin serve uses
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
except ImportError:
    pass
async def ok(request):
    await request.read()
    return web.Response(text="success")
app = web.Application()
app.router.add_post("/wechat", ok)
app.router.add_get("/healthz", lambda r: web.Response(text="ok"))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


# The yardstick: a 40-line store-and-echo server (wechatpy's parser, aiosqlite, one
# commit per message, the text echoed back as a passive reply).
STORE_ECHO = """
import asyncio, sys, time
import aiosqlite
from aiohttp import web
from wechatpy import parse_message
from wechatpy.replies import TextReply
try:
    import uvloop
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
except ImportError:
    pass
async def start(app):
    db = app["db"] = await aiosqlite.connect(sys.argv[2])
    await db.execute("PRAGMA journal_mode=WAL")
    await db.execute("CREATE TABLE IF NOT EXISTS m (id TEXT PRIMARY KEY, u TEXT, t TEXT, at REAL)")
async def stop(app):
    await app["db"].close()
async def hook(request):
    msg = parse_message(await request.read())
    db = request.app["db"]
    await db.execute("INSERT OR IGNORE INTO m VALUES (?,?,?,?)",
                     (str(msg.id), msg.source, getattr(msg, "content", ""), time.time()))
    await db.commit()
    return web.Response(text=TextReply(content=getattr(msg, "content", ""), message=msg).render())
app = web.Application()
app.on_startup.append(start)
app.on_cleanup.append(stop)
app.router.add_post("/wechat", hook)
app.router.add_get("/healthz", lambda r: web.Response(text="ok"))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""
REPORT_GOAL, CHAT_GOAL = 0.35, 1.0  # issue 17: ratios to the store-and-echo server
REPORT_P99_MS = 40.0

CHAT = ["您好", "好的谢谢", "收到", "辛苦了师傅", "早上好", "嗯嗯 知道了", "谢谢你们👍", "好的"]


def text_for(kind: str, i: int) -> str:
    if kind == "chat":
        return CHAT[i % len(CHAT)]
    # The demo is a street whose two estates both have a 3栋: name the estate. Every report is
    # a home of its own, so none joins an open order as a repeat of a neighbour's.
    return f"青和居{i % 6 + 1}栋{i % 2 + 1}单元{1000 + i}厨房水管漏水了"


def deliveries(
    n: int, users: int, mode: str, kind: str = "chat", base: int = 9_000_000_000
) -> list:  # type: ignore[type-arg]
    wx = WeChatPlatform(token=TOKEN, appid="wxbench0000000000", encoding_aes_key=AES_KEY, mode=mode)
    now = int(time.time())
    out = []
    for i in range(n):
        xml = wx.text(
            f"o_bench_{i % users:05d}", text_for(kind, i), msg_id=str(base + i), create_time=now
        )
        out.append(wx.deliver(xml, timestamp=now))
    return out


def report(name: str, r: LoadResult) -> None:
    print(
        f"{name:<28} {r.rate:>9.0f} msgs/s   p50 {r.pct(0.50):6.1f} ms   p99 {r.pct(0.99):6.1f} ms   ok {r.ok}/{r.sent}",
        flush=True,
    )


def run_mulin(args: argparse.Namespace, warm: list, load: list) -> tuple[LoadResult, int, int]:  # type: ignore[type-arg]
    """Start `mulin serve` on a fresh SQLite database (with the demo roster), run the load."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        cfg = Path(tmp) / "config.yaml"
        cfg.write_text(
            f"wechat: {{token: {TOKEN}, mode: {args.mode}, appid: wxbench0000000000, secret: {SECRET},"
            f" encoding_aes_key: {AES_KEY}, api_base: 'http://127.0.0.1:9'}}\n"
            f"database: {{url: 'sqlite+aiosqlite:///{db}'}}\n"
            "server: {timestamp_window: 1h}\n"
            "scheduler: {tick: 1h}\n",
            encoding="utf-8",
        )
        import_demo_roster(cfg)
        port = free_port()
        server = start_server(
            ["-m", "bot.cli", "serve", "--config", str(cfg), "--port", str(port)],
            f"http://127.0.0.1:{port}/readyz",
        )
        try:
            url = f"http://127.0.0.1:{port}/wechat"
            asyncio.run(run_load(url, warm, args.concurrency))
            result = asyncio.run(run_load(url, load, args.concurrency))
        finally:
            server.terminate()
            server.wait()
        with sqlite3.connect(db) as conn:
            stored = conn.execute("SELECT count(*) FROM inbound_messages").fetchone()[0]
            orders = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
    return result, stored, orders


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=20_000, help="chat messages")
    ap.add_argument("--reports", type=int, default=3_000, help="report messages (orders)")
    ap.add_argument("--users", type=int, default=5_000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--mode", default="plain", choices=["plain", "safe"])
    args = ap.parse_args()
    warm = deliveries(500, args.users, args.mode, "chat", base=8_000_000_000)
    load = deliveries(args.messages, args.users, args.mode, "chat")
    reports = deliveries(args.reports, args.users, args.mode, "reports", base=7_000_000_000)

    port = free_port()
    bare = start_server(["-c", BARE, str(port)], f"http://127.0.0.1:{port}/healthz")
    try:
        asyncio.run(run_load(f"http://127.0.0.1:{port}/wechat", warm, args.concurrency))
        baseline = asyncio.run(run_load(f"http://127.0.0.1:{port}/wechat", load, args.concurrency))
    finally:
        bare.terminate()
        bare.wait()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        echo = start_server(
            ["-c", STORE_ECHO, str(port), str(Path(tmp) / "echo.db")],
            f"http://127.0.0.1:{port}/healthz",
        )
        try:
            url = f"http://127.0.0.1:{port}/wechat"
            asyncio.run(run_load(url, warm, args.concurrency))
            store_echo = asyncio.run(run_load(url, load, args.concurrency))
        finally:
            echo.terminate()
            echo.wait()
    chat, stored, _ = run_mulin(args, warm, load)
    rep, rep_stored, orders = run_mulin(args, warm, reports)

    print(
        f"unique text messages from {args.users} users, {args.concurrency} connections, "
        f"one server process, SQLite, {args.mode} mode"
    )
    report("bare aiohttp 'success'", baseline)
    report("store-and-echo (aiosqlite)", store_echo)
    report("mulin, chat (stored)", chat)
    report("mulin, reports (orders)", rep)
    for name, got, goal in (
        ("reports", rep.rate / store_echo.rate, REPORT_GOAL),
        ("chat", chat.rate / store_echo.rate, CHAT_GOAL),
    ):
        verdict = "met" if got >= goal else "missed"
        print(
            f"{name}: {got:.2f}x the store-and-echo server (issue 17 goal {goal:.2f}x: {verdict})"
        )
    late = "met" if rep.pct(0.99) <= REPORT_P99_MS else "missed"
    print(f"reports: p99 {rep.pct(0.99):.1f} ms (issue 17 goal <= {REPORT_P99_MS:.0f} ms: {late})")
    print(
        f"chat: stored {stored} of {args.messages + len(warm)}; "
        f"{chat.rate / baseline.rate:.0%} of the bare ceiling"
    )
    print(f"reports: stored {rep_stored - len(warm)} of {args.reports}, orders created {orders}")
    ok = (
        chat.rate >= TARGET_RATE
        and chat.pct(0.99) <= TARGET_P99_MS
        and stored == args.messages + len(warm)
        and chat.ok == chat.sent
        and orders == args.reports
    )
    print(
        f"target (chat) >= {TARGET_RATE:.0f} msgs/s and p99 <= {TARGET_P99_MS:.0f} ms: "
        f"{'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
