"""The SQLite connection's worker thread when its event loop ends mid-statement (CI failure
on 2026-12-07): a statement still running as the loop closed -- a server stopped mid-query,
a task cancelled at the end of a test -- left the thread dying with "Event loop is closed",
an unhandled-thread-exception traceback that pytest turned into an error in whichever test
ran next."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

from bot.storage import sqlite_fused


def test_a_statement_outliving_its_loop_does_not_kill_the_worker(tmp_path: Path) -> None:
    died: list[BaseException | None] = []
    previous = threading.excepthook

    def record(args: Any) -> None:
        died.append(args.exc_value)

    threading.excepthook = record
    try:
        loop = asyncio.new_event_loop()
        conn = loop.run_until_complete(sqlite_fused.connect(str(tmp_path / "w.db"), 1.0))

        async def start_slow_statement() -> None:
            slow = asyncio.ensure_future(conn._execute(time.sleep, 0.3))
            await asyncio.sleep(0.05)  # the worker is now inside the statement
            slow.cancel()

        loop.run_until_complete(start_slow_statement())
        loop.close()
        conn.stop()  # what garbage collection or pool teardown does once the loop is gone
        conn._thread.join(timeout=5)
    finally:
        threading.excepthook = previous
    assert not conn._thread.is_alive()
    assert died == []
