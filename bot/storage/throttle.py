"""Count failures per key and lock the key out once a limit is reached, across processes.

Used for guesses at invite codes (per WeChat user and overall); the console's sign-in uses the
same rows. Everything runs in the caller's transaction, so a failure is counted exactly when
the answer that reports it is committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dialect import dialect_insert
from models.throttle import Throttle

_TABLE = cast(Table, Throttle.__table__)


@dataclass(frozen=True)
class Limit:
    failures: int  # this many failures within `window` ...
    window: timedelta
    lock_for: timedelta  # ... lock the key for this long


async def locked_until(session: AsyncSession, key: str, now: datetime) -> datetime | None:
    """When the key's lockout ends, or None when it is not locked."""
    row = await session.get(Throttle, key)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    return None


async def record_failure(
    session: AsyncSession, key: str, limit: Limit, now: datetime
) -> tuple[int, datetime | None]:
    """Count one failure; returns the failures in the window and the lockout it started
    (None unless this very failure reached the limit)."""
    # Create the row if needed without racing another process, then lock it.
    await session.execute(
        dialect_insert(session, _TABLE)
        .values(key=key, window_start=now, failures=0, locked_until=None)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    row = (
        await session.execute(
            select(Throttle)
            .where(Throttle.key == key)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    if now - row.window_start > limit.window:
        row.window_start, row.failures = now, 0
    row.failures += 1
    started = None
    if row.failures >= limit.failures and (row.locked_until is None or row.locked_until <= now):
        row.locked_until = started = now + limit.lock_for
        row.window_start, row.failures = now, 0
    await session.flush()
    return row.failures, started


async def clear(session: AsyncSession, key: str) -> None:
    row = await session.get(Throttle, key)
    if row is not None:
        await session.delete(row)
