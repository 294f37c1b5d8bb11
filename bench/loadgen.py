"""A small closed-loop HTTP load generator for signed WeChat deliveries (loopback only)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.request import urlopen

import aiohttp

from bot.sandbox.platform import Delivery

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class LoadResult:
    sent: int
    ok: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        data = sorted(self.latencies_ms)
        if not data:
            return float("nan")
        return data[min(len(data) - 1, int(q * len(data)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server not ready at {url}")


def import_demo_roster(config: Path) -> None:
    """``mulin roster import`` of the demo roster into the database ``config`` names."""
    roster = ROOT / "bot" / "sandbox" / "demo_roster.yaml"
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "roster", "import", str(roster), "--config", str(config)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def start_server(
    args: list[str], ready_url: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MULIN_")}
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_ready(ready_url, proc)
    return proc


async def run_load(
    url: str, deliveries: list[Delivery], concurrency: int, seconds: float | None = None
) -> LoadResult:
    """Post ``deliveries`` over ``concurrency`` connections; with ``seconds``, stop taking new
    ones after that long (``sent`` says how many went)."""
    queue = iter(deliveries)
    latencies: list[float] = []
    ok = sent = 0
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    deadline = None if seconds is None else time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal ok, sent
            for d in queue:
                if deadline is not None and time.perf_counter() > deadline:
                    break
                sent += 1
                t0 = time.perf_counter()
                async with session.post(url, params=d.params, data=d.body) as resp:
                    await resp.read()
                    if resp.status == 200:
                        ok += 1
                latencies.append((time.perf_counter() - t0) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return LoadResult(sent, ok, elapsed, latencies)
