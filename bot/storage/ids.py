"""Ids for rows a unit of work stages before writing them (an order's id is its number, #N).

A staged row needs its id at once — the reply names the order, its history and its pushes
refer to it — although it is written only when its batch is (bot.storage.staged).

- PostgreSQL: from the table's own sequence, as the column's default takes them, so every
  process and every other writer draws from one series and no two rows can get one number.
  Numbers taken and never used (a batch rolled back, a process stopped) are gaps, as with any
  sequence. A process takes what its batch may need in one round trip and keeps the rest for
  its next batches, so numbers are unique and rising per process, not strictly in the order
  of arrival across processes.
- SQLite: one writer at a time holds the database (BEGIN IMMEDIATE) until it commits, so the
  next numbers simply follow the largest id, read once per transaction — and again after
  staged rows went out, since other rows may have been written with them.
"""

from __future__ import annotations

import weakref
from collections import deque
from typing import cast

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.staged import AWARE, Staged

MAX_BLOCK = 100  # numbers taken from a sequence at once at most
_NEXTVAL = text(
    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
).execution_options(**AWARE)
# numbers a process holds for its next rows: per engine (per database), per table
_POOLS: weakref.WeakKeyDictionary[Engine, dict[str, deque[int]]] = weakref.WeakKeyDictionary()


async def next_id(session: AsyncSession, table: Table, staged: Staged, want: int = 1) -> int:
    """The id for a row of ``table`` about to be staged; ``want``: how many the caller may
    need in this batch (a hint: numbers are taken ahead only on PostgreSQL)."""
    engine = session.get_bind()
    if engine.dialect.name == "postgresql":
        pool = _POOLS.setdefault(cast(Engine, engine), {}).setdefault(table.name, deque())
        if not pool:
            n = max(1, min(want, MAX_BLOCK))
            conn = await session.connection()
            found = await conn.execute(_NEXTVAL, {"table": table.name, "n": n})
            pool.extend(sorted(int(r[0]) for r in found))
        return pool.popleft()
    key = f"ids:{table.name}"
    last = staged.memo.get(key)
    if last is None:
        top = select(func.max(table.c.id)).execution_options(**AWARE)
        conn = await session.connection()
        last = int((await conn.execute(top)).scalar() or 0)
    staged.memo[key] = last + 1
    return int(last + 1)
