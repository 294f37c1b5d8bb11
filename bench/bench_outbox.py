"""Outbox benchmark: enqueue, delivery throughput, rate-limit precision, and a raw baseline.

    .venv/bin/python bench/bench_outbox.py [--quick] [--rate-seconds S] [--db URL]

The fake WeChat API runs in its own process on loopback. Figures:
1. enqueue 10,000 messages (transactions of 100);
2. deliver them from one process, no rate limit (target >= 1,000 msgs/s);
3. baseline: the same number of raw aiohttp POSTs to the fake, no outbox;
4. ``wechat.send_rate`` = 50 msgs/s held over a window (default 60 s; ``--quick``: 10 s),
   target within ±5%.
Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.outbox import enqueue  # noqa: E402
from bot.outbox.limits import SqlSendLimits  # noqa: E402
from bot.outbox.worker import OutboxSettings, OutboxWorker  # noqa: E402
from bot.storage.engine import create_engine, session_factory  # noqa: E402
from bot.storage.migrations import upgrade  # noqa: E402
from bot.wechat.api import WeChatClient  # noqa: E402
from bot.wechat.token_store_sql import SqlTokenStore  # noqa: E402

APPID = "wx0000000000000000"
SECRET = "bench-secret"
N = 10_000
THROUGHPUT_TARGET = 1_000.0
RATE = 50.0
RATE_TOLERANCE = 0.05


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_up(http: aiohttp.ClientSession, base: str) -> None:
    for _ in range(200):
        try:
            async with http.get(f"{base}/_fake/stats") as r:
                if r.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    raise SystemExit("fake WeChat API did not start")


async def fake_messages(http: aiohttp.ClientSession, base: str) -> list[dict[str, Any]]:
    async with http.get(f"{base}/_fake/messages") as r:
        data = await r.json()
    return list(data["messages"])


async def fill(sessions: Any, count: int, prefix: str) -> float:
    started = time.perf_counter()
    for chunk in range(0, count, 100):
        async with sessions.begin() as s:
            for i in range(chunk, min(chunk + 100, count)):
                await enqueue(
                    s,
                    purpose="broadcast",
                    recipient=f"o{prefix}{i % 997}",
                    template_fields={"thing1": f"{prefix}{i}", "time2": "2026-11-21 19:30"},
                    dedupe_key=f"{prefix}:{i}",
                )
    return time.perf_counter() - started


def make_worker(sessions: Any, client: WeChatClient, rate: float) -> OutboxWorker:
    settings = OutboxSettings(batch_size=250, concurrency=32, tick_budget=1.0)
    return OutboxWorker(
        sessions,
        client,
        templates={"broadcast": "TPL_BROADCAST"},
        limits=SqlSendLimits(sessions, APPID, rate),
        settings=settings,
    )


async def baseline(http: aiohttp.ClientSession, base: str, token: str, count: int) -> float:
    url = f"{base}/cgi-bin/message/template/send?access_token={token}"
    gate = asyncio.Semaphore(64)

    async def one(i: int) -> None:
        body = {"touser": f"oraw{i}", "template_id": "TPL", "data": {"thing1": {"value": "x"}}}
        async with gate, http.post(url, json=body) as r:
            assert (await r.json())["errcode"] == 0

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(count)))
    return count / (time.perf_counter() - started)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = tempfile.TemporaryDirectory()
    db_url = args.db or f"sqlite+aiosqlite:///{tmp.name}/bench.db"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    fake = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot.sandbox.fake_wechat", "--port", str(port), "--secret", SECRET),
        cwd=ROOT,
    )
    engine = create_engine(db_url)
    failures: list[str] = []
    results: dict[str, Any] = {"db": db_url.split("://")[0], "messages": N}
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as http:
            await wait_up(http, base)
            client = WeChatClient(
                http, appid=APPID, secret=SECRET, api_base=base, store=SqlTokenStore(sessions)
            )

            seconds = await fill(sessions, N, "t")
            results["enqueue_s"] = round(seconds, 3)
            results["enqueue_per_s"] = round(N / seconds)
            print(f"enqueue      {N} messages in {seconds:.2f} s ({N / seconds:,.0f}/s)")

            worker = make_worker(sessions, client, 0.0)
            await client.access_token()
            started = time.perf_counter()
            delivered = await worker.drain()
            elapsed = time.perf_counter() - started
            throughput = delivered / elapsed
            sent = worker.totals["sent"]
            results["deliver_per_s"] = round(throughput)
            print(
                f"deliver      {sent}/{N} sent in {elapsed:.2f} s: {throughput:,.0f} msgs/s"
                f" (target >= {THROUGHPUT_TARGET:,.0f})"
            )
            if sent != N or throughput < THROUGHPUT_TARGET:
                failures.append(f"delivery {throughput:.0f} msgs/s, {sent}/{N} sent")

            token = await client.access_token()
            raw = await baseline(http, base, token, N)
            results["baseline_per_s"] = round(raw)
            print(f"baseline     raw aiohttp POSTs, no outbox: {raw:,.0f} msgs/s")

            window = args.rate_seconds
            await fill(sessions, int(RATE * (window + 6)), "r")
            limited = make_worker(sessions, client, RATE)
            stop = time.monotonic() + window + 3
            t_start = datetime.now(UTC)
            while time.monotonic() < stop:
                if await limited.tick() == 0:
                    await asyncio.sleep(0.05)
            await limited.aclose()
            stamps = sorted(
                datetime.fromisoformat(m["at"])
                for m in await fake_messages(http, base)
                if m["body"]["data"]["thing1"]["value"].startswith("r")
            )
            first = stamps[0]
            assert first >= t_start
            end = first + timedelta(seconds=window)
            in_window = sum(1 for t in stamps if first <= t < end)
            measured = in_window / window
            results["rate_window_s"] = window
            results["rate_measured"] = round(measured, 2)
            print(
                f"rate limit   send_rate {RATE:.0f}/s over {window:.0f} s:"
                f" {in_window} sent = {measured:.2f} msgs/s (target ±{RATE_TOLERANCE:.0%})"
            )
            if abs(measured - RATE) > RATE * RATE_TOLERANCE:
                failures.append(f"rate {measured:.2f}/s outside ±5% of {RATE}")
    finally:
        await engine.dispose()
        fake.terminate()
        await fake.wait()
        tmp.cleanup()
    results["missed"] = failures
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="rate window of 10 s")
    parser.add_argument("--rate-seconds", type=float, default=None, help="rate window (60)")
    parser.add_argument("--db", default=None, help="database URL (default: temp SQLite file)")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args()
    if args.rate_seconds is None:
        args.rate_seconds = 10.0 if args.quick else 60.0
    results = asyncio.run(run(args))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    for failure in results["missed"]:
        print(f"MISSED: {failure}", file=sys.stderr)
    return 1 if results["missed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
