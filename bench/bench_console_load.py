"""Does the console slow the webhook? Webhook throughput alone and while 10 signed-in console
users keep their boards open, measured in the same run.

    .venv/bin/python -m bench.bench_console_load [--orders 100000] [--seconds 30]
        [--poll 30] [--order-every 20] [--users 10]

One `mulin serve` process on a SQLite file holding ``--orders`` orders (bench_console's month).
A closed-loop generator (32 connections) sends unique chat messages to the webhook for
``--seconds`` in three phases: alone, with the console users, alone again; the baseline is the
mean of the two phases alone (the VM drifts; bracketing cancels most of it). Each console user
signs in with their own session, opens the board with their own filters, then does what the
board's script does — fetch ``/admin/orders/rows`` with the same filters every ``--poll``
seconds (console.js: 30 s) — and opens an order's page every ``--order-every`` seconds (a person
reading orders); each user starts at a random moment within the interval. With
``--figures-every`` one of them also opens the figures page (a month: the heaviest read). Target: the webhook's
rate with the console users >= 0.9x the rate alone. Exits 1 when missed.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bench.bench_console import seed
from bench.bench_webhook import AES_KEY, CHAT, SECRET, TOKEN
from bench.loadgen import ROOT, free_port, start_server
from bot.app import create_app
from bot.config import build_config
from bot.console import accounts
from bot.keys import SESSIONS
from bot.sandbox.platform import WeChatPlatform

TARGET = 0.9
PASSWORD = "bench-password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# what each console user keeps on their board (a desk rarely looks at the unfiltered list)
BOARDS = [
    "",
    "status=waiting",
    "status=working&category=repair",
    "grid=G01",
    "grid=G02&status=overdue",
    "q=水管",
    "status=urgent",
    "category=sanitation&sort=old",
    "building=7",
    "status=survey",
]


def config_text(db: Path) -> str:
    return (
        f"wechat: {{token: {TOKEN}, mode: plain, appid: wxbench0000000000, secret: {SECRET},"
        f" encoding_aes_key: {AES_KEY}, api_base: 'http://127.0.0.1:9'}}\n"
        f"database: {{url: 'sqlite+aiosqlite:///{db}'}}\n"
        "server: {timestamp_window: 1h}\n"
        "scheduler: {tick: 1h}\n"
    )


async def prepare(db: Path, orders: int, users: int) -> None:
    """The month of orders and the console accounts, written before the server starts."""
    url = f"sqlite+aiosqlite:///{db}"
    config = build_config(
        {"wechat": {"token": "t", "mode": "plain"}, "database": {"url": url}}, environ={}
    )
    app = create_app(config, start_scheduler=False)
    runner = web.AppRunner(app)
    await runner.setup()  # runs the cleanup contexts' setup: the engine and the migrations
    try:
        await seed(app, orders, datetime.now(UTC))
        async with app[SESSIONS]() as s, s.begin():
            for i in range(1, users):
                await accounts.add_user(
                    s, f"bench{i}", PASSWORD, role="admin", community_code="qhj"
                )
    finally:
        await runner.cleanup()


@dataclass
class Webhook:
    """A closed-loop sender of unique chat messages, counting what was answered 200."""

    url: str
    concurrency: int = 32
    ids: Any = field(default_factory=lambda: itertools.count(9_000_000_000))
    platform: WeChatPlatform = field(
        default_factory=lambda: WeChatPlatform(
            token=TOKEN, appid="wxbench0000000000", encoding_aes_key=AES_KEY, mode="plain"
        )
    )

    async def run(self, seconds: float) -> tuple[float, float]:
        """Messages per second and p99 latency (ms) over ``seconds``."""
        ok, latencies = 0, []
        stop = time.perf_counter() + seconds
        connector = aiohttp.TCPConnector(limit=self.concurrency)
        async with aiohttp.ClientSession(connector=connector) as http:

            async def worker() -> None:
                nonlocal ok
                while time.perf_counter() < stop:
                    n = next(self.ids)
                    xml = self.platform.text(f"o_bench_{n % 5000:05d}", CHAT[n % len(CHAT)], str(n))
                    d = self.platform.deliver(xml)
                    t0 = time.perf_counter()
                    async with http.post(self.url, params=d.params, data=d.body) as resp:
                        await resp.read()
                        ok += resp.status == 200
                    latencies.append((time.perf_counter() - t0) * 1000)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(self.concurrency)))
            elapsed = time.perf_counter() - started
        latencies.sort()
        return ok / elapsed, latencies[int(0.99 * (len(latencies) - 1))]


@dataclass
class ConsoleUser:
    base: str
    name: str
    board: str
    orders: int
    poll: float
    order_every: float
    figures_every: float = 0.0  # 0: never opens the figures page
    times: dict[str, list[float]] = field(
        default_factory=lambda: {"rows": [], "order": [], "figures": []}
    )
    errors: int = 0

    async def sign_in(self, http: aiohttp.ClientSession) -> None:
        page = await (await http.get(f"{self.base}/admin/login")).text()
        token = CSRF.search(page).group(1)  # type: ignore[union-attr]
        form = {"username": self.name, "password": PASSWORD, "csrf_token": token}
        async with http.post(f"{self.base}/admin/login", data=form) as resp:
            assert resp.status == 200 and "/admin/orders" in str(resp.url), resp.status
        async with http.get(f"{self.base}/admin/orders?{self.board}") as resp:
            await resp.read()

    async def _get(self, http: aiohttp.ClientSession, kind: str, path: str) -> None:
        t0 = time.perf_counter()
        headers = {"X-Requested-With": "fetch"} if kind == "rows" else None
        async with http.get(f"{self.base}{path}", headers=headers) as resp:
            await resp.read()
            self.errors += resp.status != 200
        self.times[kind].append((time.perf_counter() - t0) * 1000)

    async def _every(self, seconds: float, stop: float, kind: str, path: Any) -> None:
        http = self.http
        await asyncio.sleep(random.uniform(0, seconds))  # users do not start in step
        while time.perf_counter() < stop:
            await self._get(http, kind, path())
            await asyncio.sleep(seconds)

    async def run(self, http: aiohttp.ClientSession, seconds: float) -> None:
        self.http = http
        stop = time.perf_counter() + seconds
        jobs = [
            self._every(self.poll, stop, "rows", lambda: f"/admin/orders/rows?{self.board}"),
            self._every(
                self.order_every,
                stop,
                "order",
                lambda: f"/admin/orders/{random.randint(1, self.orders)}",
            ),
        ]
        if self.figures_every:
            jobs.append(self._every(self.figures_every, stop, "figures", lambda: "/admin/figures"))
        await asyncio.gather(*jobs)


async def with_console(hook: Webhook, users: list[ConsoleUser], seconds: float) -> Any:
    sessions = [aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) for _ in users]
    try:
        for user, http in zip(users, sessions, strict=True):
            await user.sign_in(http)
        load = asyncio.create_task(hook.run(seconds))
        await asyncio.gather(*(u.run(h, seconds) for u, h in zip(users, sessions, strict=True)))
        return await load
    finally:
        for http in sessions:
            await http.close()


def _ms(values: list[float]) -> str:
    if len(values) < 2:
        return f"n={len(values)}"
    values = sorted(values)
    p95 = values[math.ceil(0.95 * len(values)) - 1]  # nearest rank
    return f"n={len(values)}, p50 {statistics.median(values):.0f} ms, p95 {p95:.0f} ms"


async def measure(args: argparse.Namespace, port: int) -> float:
    base = f"http://127.0.0.1:{port}"
    hook = Webhook(f"{base}/wechat")
    await hook.run(3)  # warm: imports, templates, caches, the database's pages
    names = ["bench", *(f"bench{i}" for i in range(1, args.users))]
    users = [
        ConsoleUser(base, n, BOARDS[i % len(BOARDS)], args.orders, args.poll, args.order_every)
        for i, n in enumerate(names)
    ]
    users[0].figures_every = args.figures_every
    alone1 = await hook.run(args.seconds)
    print(f"webhook alone           {alone1[0]:7.0f} msgs/s  p99 {alone1[1]:5.1f} ms", flush=True)
    busy = await with_console(hook, users, args.seconds)
    print(
        f"webhook + {args.users} console  {busy[0]:7.0f} msgs/s  p99 {busy[1]:5.1f} ms", flush=True
    )
    alone2 = await hook.run(args.seconds)
    print(f"webhook alone again     {alone2[0]:7.0f} msgs/s  p99 {alone2[1]:5.1f} ms", flush=True)
    rows = [t for u in users for t in u.times["rows"]]
    pages = [t for u in users for t in u.times["order"]]
    errors = sum(u.errors for u in users)
    print(f"console: board refreshes {_ms(rows)}; order pages {_ms(pages)}; errors {errors}")
    if args.figures_every:
        print(f"console: figures pages {_ms(users[0].times['figures'])}")
    baseline = (alone1[0] + alone2[0]) / 2
    ratio = busy[0] / baseline
    print(
        f"ratio: {ratio:.2f}x the webhook alone (mean of the two phases alone, {baseline:.0f} msgs/s);"
        f" target >= {TARGET}x: {'met' if ratio >= TARGET and not errors else 'MISSED'}"
    )
    return ratio if not errors else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=30.0, help="length of each phase")
    ap.add_argument("--poll", type=float, default=30.0, help="board refresh interval (s)")
    ap.add_argument("--order-every", type=float, default=20.0, help="an order page every (s)")
    ap.add_argument("--users", type=int, default=10)
    ap.add_argument(
        "--figures-every", type=float, default=0.0, help="one user opens the figures page (s)"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        started = time.perf_counter()
        asyncio.run(prepare(db, args.orders, args.users))
        print(f"seeded {args.orders:,} orders in {time.perf_counter() - started:.0f} s", flush=True)
        cfg = Path(tmp) / "config.yaml"
        cfg.write_text(config_text(db), encoding="utf-8")
        port = free_port()
        server = start_server(
            ["-m", "bot.cli", "serve", "--config", str(cfg), "--port", str(port)],
            f"http://127.0.0.1:{port}/readyz",
        )
        try:
            print(
                f"one `mulin serve` process, SQLite, 32 webhook connections, {args.seconds:.0f} s"
                f" a phase; {args.users} console users: board refresh every {args.poll:g} s,"
                f" an order page every {args.order_every:g} s",
                flush=True,
            )
            ratio = asyncio.run(measure(args, port))
        finally:
            server.terminate()
            server.wait()
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
