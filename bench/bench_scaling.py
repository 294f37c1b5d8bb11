"""Scale-out on PostgreSQL: ``mulin serve --workers N`` for N = 1, 2, 4, chat and reports.

Each N gets a fresh PostgreSQL database (MULIN_TEST_POSTGRES_URL's server, the demo street's
roster), ``mulin serve --workers N`` on one port (SO_REUSEPORT), and the same load as
bench_webhook: unique text messages from 5,000 users over 32 connections on 127.0.0.1,
chat messages first, then reports that each become a dispatched order with a queued push.
Every figure is printed beside the 1-process figure of the same run, and beside a bare
aiohttp server answering ``success`` (the ceiling of this client on this machine). The CPU
time each side used during each load says where the machine's cores went: mulin's
processes, PostgreSQL's (every backend on the box), and this load generator.

Counts and time are bounded (--messages, --reports, --seconds per load).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.bench_webhook import AES_KEY, BARE, SECRET, TOKEN, deliveries
from bench.loadgen import (
    LoadResult,
    free_port,
    import_demo_roster,
    run_load,
    start_server,
)

TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    result: LoadResult
    mulin: float  # CPU seconds of mulin's processes during the load
    postgres: float  # ... of every PostgreSQL process on the machine
    client: float  # ... of this load generator

    def cores(self) -> str:
        w = self.result.seconds or 1.0
        return f"{self.mulin / w:.2f} / {self.postgres / w:.2f} / {self.client / w:.2f}"


@dataclass
class Stored:
    messages: int  # rows in inbound_messages
    orders: int


def _cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _processes(match: Callable[[int, str, int], bool]) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if match(int(entry), name, ppid):
            found.append(int(entry))
    return found


def _measure(supervisor: int, url: str, load: list, concurrency: int, seconds: float) -> Run:  # type: ignore[type-arg]
    def mulin() -> list[int]:
        return [supervisor, *_processes(lambda _p, _n, ppid: ppid == supervisor)]

    def postgres() -> list[int]:
        return _processes(lambda _p, name, _pp: name.startswith("postgres"))

    before = {p: _cpu(p) for p in mulin() + postgres()}
    client = time.process_time()
    result = asyncio.run(run_load(url, load, concurrency, seconds))
    client = time.process_time() - client
    used_m = sum(_cpu(p) - before.get(p, 0.0) for p in mulin())
    used_p = sum(_cpu(p) - before.get(p, 0.0) for p in postgres())
    return Run(result, used_m, used_p, client)


async def _database(admin_url: str, create: bool, name: str) -> str:
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        if create:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        else:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def _count(url: str, table: str) -> int:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        n = int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar() or 0)
    await engine.dispose()
    return n


def _run_workers(
    args: argparse.Namespace,
    workers: int,
    loads: dict[str, list],  # type: ignore[type-arg]
) -> tuple[dict[str, Run], Stored]:
    name = f"mulin_scaling_{uuid.uuid4().hex[:8]}"
    url = asyncio.run(_database(args.pg_url, True, name))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cfg = Path(tmp) / "config.yaml"
            cfg.write_text(
                f"wechat: {{token: {TOKEN}, mode: plain, appid: wxbench0000000000,"
                f" secret: {SECRET}, encoding_aes_key: {AES_KEY}, api_base: 'http://127.0.0.1:9'}}\n"
                f"database: {{url: '{url}'}}\n"
                f"server: {{timestamp_window: 1h, spool_dir: '{tmp}/spool'}}\n"
                "scheduler: {tick: 1h}\n",
                encoding="utf-8",
            )
            import_demo_roster(cfg)
            port = free_port()
            server = start_server(
                ["-m", "bot.cli", "serve", "--config", str(cfg), "--port", str(port),
                 "--workers", str(workers)],
                f"http://127.0.0.1:{port}/readyz",
            )  # fmt: skip
            try:
                target = f"http://127.0.0.1:{port}/wechat"
                time.sleep(1.0 + workers)  # every worker up, not only the first to answer
                asyncio.run(run_load(target, loads["warm"], args.concurrency))
                runs = {
                    kind: _measure(server.pid, target, loads[kind], args.concurrency, args.seconds)
                    for kind in ("chat", "reports")
                }
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=60)
            stored = Stored(
                asyncio.run(_count(url, "inbound_messages")), asyncio.run(_count(url, "orders"))
            )
            return runs, stored
    finally:
        asyncio.run(_database(args.pg_url, False, name))


def _bare(args: argparse.Namespace, load: list) -> LoadResult:  # type: ignore[type-arg]
    port = free_port()
    bare = start_server(["-c", BARE, str(port)], f"http://127.0.0.1:{port}/healthz")
    try:
        url = f"http://127.0.0.1:{port}/wechat"
        asyncio.run(run_load(url, load[:500], args.concurrency))
        return asyncio.run(run_load(url, load, args.concurrency, args.seconds))
    finally:
        bare.terminate()
        bare.wait()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg-url", default=os.environ.get("MULIN_TEST_POSTGRES_URL"))
    ap.add_argument("--workers", default="1,2,4", help="process counts, comma-separated")
    ap.add_argument("--messages", type=int, default=10_000, help="chat messages per run")
    ap.add_argument("--reports", type=int, default=3_000, help="reports per run")
    ap.add_argument("--seconds", type=float, default=30.0, help="at most this long per load")
    ap.add_argument("--concurrency", type=int, default=32)
    args = ap.parse_args()
    if not args.pg_url:
        print("bench_scaling skipped: MULIN_TEST_POSTGRES_URL (or --pg-url) not set")
        return 0
    counts = [int(n) for n in args.workers.split(",")]
    results: dict[int, dict[str, Run]] = {}
    stored: dict[int, Stored] = {}
    bases = iter(range(1_000_000_000, 9_000_000_000, 100_000_000))
    for n in counts:  # unique MsgIds for every run: each database starts empty anyway
        loads = {
            "warm": deliveries(500, 5000, "plain", "chat", base=next(bases)),
            "chat": deliveries(args.messages, 5000, "plain", "chat", base=next(bases)),
            "reports": deliveries(args.reports, 5000, "plain", "reports", base=next(bases)),
        }
        results[n], stored[n] = _run_workers(args, n, loads)
    bare = _bare(args, deliveries(args.messages, 5000, "plain", "chat", base=next(bases)))
    _print(args, counts, results, bare)
    lost = False
    for n in counts:
        sent = 500 + sum(results[n][k].result.sent for k in ("chat", "reports"))
        answered = results[n]["reports"].result.ok
        print(
            f"{n} process{'es' if n > 1 else ''}: stored {stored[n].messages} of {sent} messages,"
            f" {stored[n].orders} orders for {answered} reports answered"
        )
        lost |= stored[n].messages < sent or stored[n].orders < answered
    return 1 if lost else 0


def _print(
    args: argparse.Namespace,
    counts: list[int],
    results: dict[int, dict[str, Run]],
    bare: LoadResult,
) -> None:
    print(
        f"PostgreSQL on this machine ({os.cpu_count()} cores), {args.concurrency} connections,"
        f" plain mode; bare aiohttp 'success' (1 process): {bare.rate:.0f} msgs/s"
    )
    print("CPU used during the load, in cores: mulin / postgres (all backends) / load generator")
    for kind in ("chat", "reports"):
        one = results[counts[0]][kind].result.rate or 1.0
        for n in counts:
            run = results[n][kind]
            r = run.result
            print(
                f"{kind:<8} {n} process{'es' if n > 1 else '  '} {r.rate:7.0f} msgs/s"
                f"  x{r.rate / one:4.2f}  p50 {r.pct(0.5):6.1f} ms  p99 {r.pct(0.99):6.1f} ms"
                f"  ok {r.ok}/{r.sent}  cores {run.cores()}"
            )


if __name__ == "__main__":
    raise SystemExit(main())
