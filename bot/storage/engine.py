"""Database engine and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import uuid4

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# Importing bot.storage.staged installs its hooks (staged rows are written before anything
# else runs in their transaction) before any engine exists.
from bot.storage import sqlite_fused, staged  # noqa: F401

SQLITE_BUSY_TIMEOUT_MS = 10_000
PG_CONNECT_TIMEOUT = 5.0  # seconds
PG_COMMAND_TIMEOUT = 30.0


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def ensure_sqlite_dir(url: str) -> None:
    """Create the directory of a file-backed SQLite database (``./data`` by default)."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if is_sqlite(url):
        ensure_sqlite_dir(url)
        database = make_url(url).database or ":memory:"

        async def creator() -> Any:
            return await sqlite_fused.connect(database, SQLITE_BUSY_TIMEOUT_MS / 1000)

        engine = create_async_engine(
            url,
            async_creator=creator,
            pool_size=kwargs.pop("pool_size", 5),
            max_overflow=kwargs.pop("max_overflow", 0),
            hide_parameters=True,  # errors must not carry message text into the log
            **kwargs,
        )
        _tune_sqlite(engine)
        return engine
    url, pooled = pgbouncer_url(url)
    connect_args = kwargs.pop("connect_args", {})
    if pooled:
        # PgBouncer in transaction mode hands each transaction any server connection: asyncpg
        # must not reuse statements across transactions (docs/deploy.md, "PgBouncer").
        connect_args.setdefault("statement_cache_size", 0)
        connect_args.setdefault("prepared_statement_cache_size", 0)
        connect_args.setdefault("prepared_statement_name_func", _statement_name)
    # A database that stops answering must fail a statement in bounded time, so the inbound
    # side can hold messages and the ticks can move on; nothing we run takes this long.
    connect_args.setdefault("timeout", PG_CONNECT_TIMEOUT)
    connect_args.setdefault("command_timeout", PG_COMMAND_TIMEOUT)
    return create_async_engine(
        url,
        pool_size=kwargs.pop("pool_size", 10),
        max_overflow=kwargs.pop("max_overflow", 10),
        pool_pre_ping=True,
        pool_timeout=kwargs.pop("pool_timeout", 10),
        hide_parameters=True,  # errors must not carry message text into the log
        connect_args=connect_args,
        **kwargs,
    )


PGBOUNCER_PARAM = "pgbouncer"


def pgbouncer_url(url: str) -> tuple[str, bool]:
    """``…?pgbouncer=1`` (or ``=true``/``=transaction``): the URL without the flag, and True."""
    u = make_url(url)
    flag = u.query.get(PGBOUNCER_PARAM)
    if flag is None:
        return url, False
    if isinstance(flag, tuple):
        flag = flag[-1]
    stripped = u.difference_update_query([PGBOUNCER_PARAM]).render_as_string(hide_password=False)
    return stripped, flag.lower() in ("1", "true", "yes", "transaction")


def _statement_name() -> str:
    return f"__mulin_{uuid4().hex}__"


def _tune_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so we can BEGIN IMMEDIATE ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A deferred transaction that reads and then writes can fail with "database is locked"
        # without waiting when another connection is writing; IMMEDIATE takes the write lock
        # up front, so concurrent units of work queue on busy_timeout instead.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_reader(url: str, writer: AsyncEngine) -> AsyncEngine:
    """An engine for pages that only read (the console, the business gauges).

    SQLite: a second engine on the same file whose transactions begin DEFERRED — under WAL a
    reader works on a snapshot and never takes the write lock — and whose connections are
    ``query_only``. The writer's transactions begin IMMEDIATE (a unit of work must not fail
    half-way on a lock), so a console page read through the writer held the database's only
    write lock for as long as its queries ran, and every webhook commit waited behind it
    (bench/bench_console_load.py measures this). Its own small pool, too: a busy console
    cannot take the connections the webhook needs.
    PostgreSQL readers never block writers: the writer's engine itself.
    """
    database = make_url(url).database or ":memory:"
    if not is_sqlite(url) or database == ":memory:":
        return writer

    async def creator() -> Any:
        return await sqlite_fused.connect(database, SQLITE_BUSY_TIMEOUT_MS / 1000)

    reader = create_async_engine(
        url, async_creator=creator, pool_size=3, max_overflow=0, hide_parameters=True
    )

    @event.listens_for(reader.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA query_only=ON")
        cur.close()

    @event.listens_for(reader.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN DEFERRED")

    return reader


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
