"""An aiosqlite connection that makes one thread round trip per statement, not four.

SQLAlchemy's aiosqlite adapter opens a cursor, executes, fetches and closes through
aiosqlite, and each of those is a hop to aiosqlite's worker thread and back. Here a statement executes *and* fetches in one hop; opening and closing
the cursor cost nothing. Everything still runs on aiosqlite's own thread, one connection per
thread, so SQLite's threading rules and aiosqlite's ordering guarantees are unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from queue import SimpleQueue
from threading import Thread
from typing import Any

import aiosqlite
from aiosqlite.core import _STOP_RUNNING_SENTINEL

_Outcome = tuple[Any, int, int | None, list[Any]]


def _run(conn: sqlite3.Connection, sql: str, params: Any) -> _Outcome:
    cur = conn.execute(sql, params)
    try:
        rows = cur.fetchall() if cur.description else []
        return cur.description, cur.rowcount, cur.lastrowid, rows
    finally:
        cur.close()


def _run_many(conn: sqlite3.Connection, sql: str, seq: Iterable[Any]) -> _Outcome:
    cur = conn.executemany(sql, seq)
    try:
        return cur.description, cur.rowcount, cur.lastrowid, []
    finally:
        cur.close()


class FusedCursor:
    arraysize = 1

    def __init__(self, connection: FusedConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []

    async def __aenter__(self) -> FusedCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _take(self, outcome: _Outcome) -> FusedCursor:
        self.description, self.rowcount, self.lastrowid, self._rows = outcome
        return self

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> FusedCursor:
        conn = self._connection._conn
        return self._take(
            await self._connection._execute(partial(_run, conn, sql, parameters or ()))
        )

    async def executemany(self, sql: str, seq: Iterable[Any]) -> FusedCursor:
        conn = self._connection._conn
        return self._take(await self._connection._execute(partial(_run_many, conn, sql, seq)))

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        n = size or self.arraysize
        rows, self._rows = self._rows[:n], self._rows[n:]
        return rows

    async def close(self) -> None:
        self._rows = []


_Job = tuple["asyncio.Future[Any] | None", Callable[[], Any]]


def _answer(future: asyncio.Future[Any] | None, outcome: Any, failed: bool) -> None:
    if future is None:
        return

    def settle() -> None:
        if future.done():  # the caller was cancelled and has gone on
            return
        if failed:
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

    # The loop may have ended while the statement ran (a server stopped mid-query, a task
    # cancelled at shutdown): nobody is left to answer. aiosqlite's own worker dies here with
    # "Event loop is closed" and never runs the close queued behind it.
    with contextlib.suppress(RuntimeError):
        future.get_loop().call_soon_threadsafe(settle)


def _worker(jobs: SimpleQueue[_Job]) -> None:
    while True:
        future, function = jobs.get()
        try:
            outcome = function()
        except BaseException as e:  # handed to the caller, as aiosqlite does
            _answer(future, e, failed=True)
            continue
        _answer(future, outcome, failed=False)
        if outcome is _STOP_RUNNING_SENTINEL:
            return


class FusedConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection], iter_chunk_size: int) -> None:
        super().__init__(connector, iter_chunk_size)
        self._thread = Thread(target=_worker, args=(self._tx,), daemon=True)

    def cursor(self) -> FusedCursor:  # type: ignore[override]
        return FusedCursor(self)

    def stop(self) -> asyncio.Future[Any] | None:
        """Stop the worker thread without asking it to report back.

        aiosqlite hands the thread a future to resolve when it has stopped; when a connection
        is stopped as its event loop ends (pool teardown, garbage collection at exit, a failed
        connect at the end of a test) the thread then dies with "Event loop is closed". The
        connection is closed by the queued job either way; nobody needs the answer.
        """
        self._running = False

        def close_and_stop() -> object:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            return _STOP_RUNNING_SENTINEL

        self._tx.put_nowait((None, close_and_stop))
        return None


async def connect(path: str, busy_timeout: float) -> FusedConnection:
    def connector() -> sqlite3.Connection:
        return sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)

    connection = FusedConnection(connector, 64)
    await connection  # starts the worker thread and opens the database on it
    return connection
