"""Backups and a restore drill: `mulin db backup` while the service keeps writing, `mulin db
restore` into a fresh database, and the counts and a sample of orders compared."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.app import create_app
from bot.cli.commands import run
from bot.keys import SESSIONS
from bot.storage.engine import create_engine, session_factory
from models.console import ConsoleSession, ConsoleUser
from models.inbound import InboundMessage
from models.orders import Order, OrderEvent
from models.outbox import OutboxMessage, WeChatToken
from tests.conftest import PG_URL, _create_pg_database, _drop_pg_database
from tests.support import APPID, TOKEN, make_config, seed_roster
from tests.test_orders_flow import Chat

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
TABLES = (InboundMessage, Order, OrderEvent, OutboxMessage)
PROBLEMS = ["厨房水管漏水了", "门锁坏了", "楼道灯不亮", "卫生间下水道堵了", "窗户关不上"]


def config_file(path: Path, url: str) -> Path:
    path.write_text(
        f"wechat: {{appid: {APPID}, token: {TOKEN}, mode: plain}}\ndatabase: {{url: '{url}'}}\n",
        encoding="utf-8",
    )
    return path


async def mulin(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = await asyncio.to_thread(run, list(args))
    out, err = capsys.readouterr()
    return code, out, err


async def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as s:
            return {
                t.__tablename__: int(await s.scalar(select(func.count()).select_from(t)) or 0)
                for t in TABLES
            }
    finally:
        await engine.dispose()


async def sample(url: str, ids: list[int]) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as s:
            rows = await s.execute(
                select(Order.id, Order.text, Order.category, Order.status, Order.assignee_id)
                .where(Order.id.in_(ids))
                .order_by(Order.id)
            )
            return [tuple(r) for r in rows]
    finally:
        await engine.dispose()


async def service(aiohttp_client: ClientFactory, url: str) -> Chat:
    app = create_app(make_config(url, "plain"), start_scheduler=False)
    client = await aiohttp_client(app)
    await seed_roster(app[SESSIONS], datetime.now(UTC))
    async with app[SESSIONS]() as s, s.begin():
        s.add(WeChatToken(appid=APPID, token="LIVE-ACCESS-TOKEN", version=1))
        now = datetime.now(UTC)
        user = ConsoleUser(
            username="office", password_hash="x", role="admin", created_at=now, updated_at=now
        )
        s.add(user)
        await s.flush()
        s.add(
            ConsoleSession(
                token="LIVE-SESSION-TOKEN",
                user_id=user.id,
                csrf_token="c",
                created_at=now,
                last_seen_at=now,
                expires_at=now,
            )
        )
    return Chat(client)


async def report(chat: Chat, i: int) -> None:
    await chat.say(
        f"oWriter{i % 7}", f"1栋{1 + i % 3}单元{101 + i % 5}{PROBLEMS[i % 5]}（第{i}次）"
    )


async def drill(
    chat: Chat, url: str, fresh_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Path:
    for i in range(30):
        await report(chat, i)
    before = await counts(url)
    stop = asyncio.Event()

    async def keep_writing() -> int:
        i = 30
        while not stop.is_set():
            await report(chat, i)
            i += 1
        return i - 30

    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0.2)
    dump = tmp_path / "backup.bin"
    code, out, err = await mulin(
        capsys,
        "db",
        "backup",
        "--config",
        str(config_file(tmp_path / "c.yaml", url)),
        "--output",
        str(dump),
    )
    await asyncio.sleep(0.2)
    stop.set()
    written_meanwhile = await writer
    assert code == 0, err
    assert out.strip() == str(dump) and written_meanwhile > 0

    fresh_config = config_file(tmp_path / "fresh.yaml", fresh_url)
    code, _, err = await mulin(
        capsys, "db", "restore", "--config", str(fresh_config), "--input", str(dump)
    )
    assert code == 0, err
    restored, live = await counts(fresh_url), await counts(url)
    for table, n in restored.items():
        assert before[table] <= n <= live[table], (table, before, restored, live)
    # a consistent snapshot: every order's message and history came with it
    assert restored["orders"] >= 10 and restored["order_events"] >= restored["orders"]
    ids = list(range(1, before["orders"] + 1))
    assert await sample(fresh_url, ids) == await sample(url, ids)
    return fresh_config


async def test_a_restore_drill_on_sqlite(
    aiohttp_client: ClientFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    fresh = f"sqlite+aiosqlite:///{tmp_path / 'elsewhere' / 'restored.db'}"
    chat = await service(aiohttp_client, url)
    fresh_config = await drill(chat, url, fresh, tmp_path, capsys)
    dump = tmp_path / "backup.bin"
    # one self-contained file, and no live credential in it
    with sqlite3.connect(dump) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT token FROM wechat_tokens").fetchall() == [(None,)]
    assert b"LIVE-ACCESS-TOKEN" not in dump.read_bytes()
    assert b"LIVE-SESSION-TOKEN" not in dump.read_bytes()
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".partial")]
    # a database that holds data is replaced only with --force
    args = ("db", "restore", "--config", str(fresh_config), "--input", str(dump))
    code, _, err = await mulin(capsys, *args)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--force" in err
    code, _, err = await mulin(capsys, *args, "--force")
    assert code == 0, err
    # something that is not a backup, and a backup of the other engine's kind
    junk = tmp_path / "junk.txt"
    junk.write_text("hello", encoding="utf-8")
    code, _, err = await mulin(
        capsys, "db", "restore", "--config", str(fresh_config), "--input", str(junk), "--force"
    )
    assert code == 2 and "neither a SQLite backup" in err


async def test_backup_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = config_file(tmp_path / "c.yaml", f"sqlite+aiosqlite:///{tmp_path / 'none.db'}")
    code, _, err = await mulin(
        capsys, "db", "backup", "--config", str(missing), "--output", str(tmp_path / "b.db")
    )
    assert code == 2 and err.strip().splitlines() == [
        f"mulin: database.url: no database at {tmp_path / 'none.db'}"
    ]
    code, _, err = await mulin(
        capsys, "db", "restore", "--config", str(missing), "--input", str(tmp_path / "nope")
    )
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--input" in err
    # found from outside: a directory as --output was "database unreachable" and left a full
    # copy named after the directory; a file that is not a database left a partial one
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not a database" * 100)
    broken = config_file(tmp_path / "b.yaml", f"sqlite+aiosqlite:///{corrupt}")
    into = tmp_path / "out"
    into.mkdir()
    code, _, err = await mulin(
        capsys, "db", "backup", "--config", str(broken), "--output", str(into)
    )
    assert code == 2 and "is a directory" in err and len(err.strip().splitlines()) == 1
    code, _, err = await mulin(
        capsys, "db", "backup", "--config", str(broken), "--output", str(into / "b.db")
    )
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    leftovers = [p.name for p in (*tmp_path.iterdir(), *into.iterdir())]  # noqa: ASYNC240
    assert not [name for name in leftovers if name.endswith(".partial")], leftovers


@pytest.fixture
async def pg_pair() -> AsyncIterator[tuple[str, str]]:
    assert PG_URL
    live, fresh = await _create_pg_database(), await _create_pg_database()
    try:
        yield live, fresh
    finally:
        await _drop_pg_database(live)
        await _drop_pg_database(fresh)


async def _foreign_dump(output: Path) -> None:
    """A pg_dump archive of a database that is not mulin's (one shop table)."""
    import subprocess

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    url = await _create_pg_database()
    try:
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE shop (id int primary key, name text)"))
            await conn.execute(text("INSERT INTO shop VALUES (1, 'tea')"))
        await engine.dispose()
        u = make_url(url)
        argv = ["pg_dump", "--format=custom", "--host", u.host or "127.0.0.1"]
        argv += ["--port", str(u.port or 5432), "--username", u.username or "postgres"]
        await asyncio.to_thread(
            subprocess.run, [*argv, "--file", str(output), u.database or ""], check=True
        )
    finally:
        await _drop_pg_database(url)


@pytest.mark.postgres
async def test_a_restore_drill_on_postgresql(
    aiohttp_client: ClientFactory,
    pg_pair: tuple[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """pg_dump and pg_restore must be on PATH (Debian: postgresql-client): missing, this fails."""
    live, fresh = pg_pair
    chat = await service(aiohttp_client, live)
    fresh_config = await drill(chat, live, fresh, tmp_path, capsys)
    dump = (tmp_path / "backup.bin").read_bytes()
    assert b"LIVE-ACCESS-TOKEN" not in dump and b"LIVE-SESSION-TOKEN" not in dump
    args = ("db", "restore", "--config", str(fresh_config), "--input", str(tmp_path / "backup.bin"))
    code, _, err = await mulin(capsys, *args)
    assert code == 2 and "--force" in err
    # found from outside: a cut-off dump or one of another database was handed to pg_restore
    # --clean with --force, which drops what the archive names before it finds the problem
    before = await counts(fresh)
    cut = tmp_path / "cut.bin"
    cut.write_bytes(dump[: len(dump) // 3])
    foreign = tmp_path / "foreign.bin"
    await _foreign_dump(foreign)
    for bad, said in ((cut, "damaged or incomplete"), (foreign, "not a mulin database")):
        code, _, err = await mulin(capsys, *args[:-1], str(bad), "--force")
        assert code == 2 and said in err and len(err.strip().splitlines()) == 1, err
    assert await counts(fresh) == before
    code, _, err = await mulin(capsys, *args, "--force")
    assert code == 0, err
    assert (await counts(fresh))["orders"] >= 10
