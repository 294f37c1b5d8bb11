"""Writes that run in the background while the caller works out the next batch."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any


class WriteBehind:
    """Runs one batch's writes in the background while the caller works out the next batch.

    The database and this process then work at the same time, on two cores. Each batch
    should be a single statement (:func:`write` on PostgreSQL): it is sent when the batch
    starts, and the server works on it however long the caller goes without yielding. The
    caller must not use the session while a batch is in flight — between :meth:`start` and
    the next :meth:`start` or :meth:`finish`. Leaving the ``async with`` block early (an error)
    waits for the batch in flight, so that it never runs into the caller's rollback.
    """

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None

    async def start(self, writes: Coroutine[Any, Any, None]) -> None:
        try:
            await self.finish()  # one batch in flight at a time: one connection, one transaction
        except BaseException:
            writes.close()  # never started: the transaction is lost anyway
            raise
        self._task = asyncio.get_running_loop().create_task(writes)
        await asyncio.sleep(0)  # the task runs first and puts its statement on the wire

    async def finish(self) -> None:
        """Wait for the batch in flight; its error, if any, is raised here."""
        task = self._task
        if task is None:
            return
        try:
            # shielded: cancelled here (a shutdown), the batch still runs to its end, and
            # the ``async with`` exit waits for it before the caller's rollback
            await asyncio.shield(task)
        finally:
            if task.done():
                self._task = None

    async def __aenter__(self) -> WriteBehind:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            await self.finish()  # a batch that failed must fail the caller's transaction
            return
        task, self._task = self._task, None
        if task is not None:
            with contextlib.suppress(Exception):  # the caller's own error is the one to see
                await task
