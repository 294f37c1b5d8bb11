"""PostgreSQL behind a real PgBouncer (Debian's) in transaction pooling mode: with
``?pgbouncer=1`` on the database URL the whole order path works through a pool of two server
connections shared by many clients. Needs MULIN_TEST_POSTGRES_URL; pgbouncer missing is a
failure (`make deploy-tools` installs it), a loud skip only with MULIN_TEST_NO_DEBIAN_TOOLS=1."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.keys import SESSIONS
from bot.storage.engine import pgbouncer_url
from models.orders import Order
from tests.conftest import PG_URL, _create_pg_database, _drop_pg_database
from tests.support import free_port, make_config, order_number, seed_roster
from tests.test_orders_flow import Chat

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


def test_the_flag_is_taken_off_the_url() -> None:
    url, pooled = pgbouncer_url("postgresql+asyncpg://u:p%40ss@h:6432/db?pgbouncer=1&ssl=require")
    assert pooled and url == "postgresql+asyncpg://u:p%40ss@h:6432/db?ssl=require"
    assert pgbouncer_url("postgresql+asyncpg://u@h/db") == ("postgresql+asyncpg://u@h/db", False)


def pgbouncer_binary() -> str:
    found = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if os.access("/usr/sbin/pgbouncer", os.X_OK) else None
    )
    if found:
        return found
    message = "pgbouncer is not installed: run `make deploy-tools` (Debian package pgbouncer)"
    if os.environ.get("MULIN_TEST_NO_DEBIAN_TOOLS"):  # where the package truly cannot be had
        pytest.skip(f"*** NOT TESTED *** {message}")
    pytest.fail(message)


@pytest.fixture
def pgbouncer() -> Iterator[int]:
    """A PgBouncer on a free port in transaction mode, two server connections per database."""
    assert PG_URL
    binary = pgbouncer_binary()
    pg = make_url(PG_URL)
    port = free_port()
    # It refuses to run as root: started as nobody below when we are root, so its directory
    # sits where nobody can reach it (pytest's tmp_path is private to root).
    holder = tempfile.TemporaryDirectory(prefix="mulin-pgbouncer-")
    work = Path(holder.name)
    work.chmod(0o777)
    (work / "users.txt").write_text(f'"{pg.username or "postgres"}" ""\n', encoding="utf-8")
    ini = work / "pgbouncer.ini"
    ini.write_text(
        "[databases]\n"
        f"* = host={pg.host or '127.0.0.1'} port={pg.port or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {work / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 2\nmax_client_conn = 200\n"
        f"logfile = {work / 'pgbouncer.log'}\npidfile = {work / 'pgbouncer.pid'}\n",
        encoding="utf-8",
    )
    for path in work.iterdir():
        path.chmod(0o666)
    argv = [binary, str(ini)] + (["-u", "nobody"] if os.geteuid() == 0 else [])
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        import socket

        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                log = work / "pgbouncer.log"
                assert proc.poll() is None and time.monotonic() < deadline, (
                    log.read_text() if log.exists() else "pgbouncer did not start"
                )
                time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        holder.cleanup()


@pytest.fixture
async def pg_database() -> AsyncIterator[str]:
    url = await _create_pg_database()
    try:
        yield url
    finally:
        await _drop_pg_database(url)


@pytest.mark.postgres
async def test_the_order_path_through_pgbouncer_in_transaction_mode(
    aiohttp_client: ClientFactory, pgbouncer: int, pg_database: str
) -> None:
    through = make_url(pg_database).set(host="127.0.0.1", port=pgbouncer)
    url = through.render_as_string(hide_password=False) + "?pgbouncer=1"
    app = create_app(make_config(url, "plain"), start_scheduler=False)  # migrates through it
    client = await aiohttp_client(app)
    await seed_roster(app[SESSIONS], datetime.now(UTC))
    chat = Chat(client)

    async def one(i: int) -> int:
        reply = await chat.say(f"o_pgb_{i}", f"{1 + i % 3}栋{1 + i % 2}单元{101 + i}门锁坏了")
        return order_number(reply)

    # many clients at once over two server connections: statements cross connections
    numbers = await asyncio.gather(*(one(i) for i in range(30)))
    assert len(set(numbers)) == 30

    # ten pooled client connections reading at once over the two server connections: each
    # would find another's prepared statements on the server, or miss its own
    async def read(i: int) -> None:
        async with app[SESSIONS]() as s:
            await s.get(Order, numbers[i % len(numbers)])
            await s.scalar(select(func.count()).select_from(Order).where(Order.id > i))
            await asyncio.sleep(0.01)

    for _ in range(3):
        await asyncio.gather(*(read(i) for i in range(40)))
    n = numbers[0]
    assert "已接单" in await chat.say("o_m02", f"接单 {n}")
    assert "办结" in await chat.say("o_m02", f"完成 {n} 修好了")
    async with app[SESSIONS]() as s:
        assert await s.scalar(select(func.count()).select_from(Order)) == 30
        order = await s.get(Order, n)
        assert order is not None and order.status == "resolved"
