"""Rows a unit of work has decided on, written together just before anything else needs them.

The inbound unit of work turns a whole batch of reports into orders: each order, its history,
its pushes, the member it went to. None of those rows has to reach the database before the
batch commits, so they wait here and go out as one multi-row statement per table — one
statement in all on PostgreSQL (bot.storage.bulk) — instead of a few statements per report.

They go out when the unit of work commits, or earlier: just before any other statement runs
on the transaction's connection (a query, an ORM flush, a savepoint). Whatever else runs in
the transaction therefore sees them as if each had been written at once — the ORM's
autoflush, for plain rows — and a savepoint rolled back takes with it only what was staged
after it began. A rollback drops them. The hooks are SQLAlchemy connection events, so no
caller can forget them.

Reads that account for the rows still held here themselves (they add them in memory, see
bot.orders.batch) carry :data:`AWARE` and do not force them out; what such reads keep is in
:attr:`Staged.memo`, which is emptied whenever the rows go out, because a statement that
forced them out may have changed what was read.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeGuard, cast

from sqlalchemy import Table, event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.bulk import InsertRows, Row, UpdateRows, Write, write, write_sync

AWARE: dict[str, Any] = {"staged_aware": True}
"""Execution options of a read that accounts for the staged rows itself."""


class RowSource(Protocol):
    """An object staged as it is: its row is read when it is written, so later changes to
    it (the order dispatched after it was staged) are written too."""

    def row(self) -> Row: ...


_InsertKey = tuple[Table, str | None, tuple[str, ...]]
_UpdateKey = tuple[Table, str, bool]


class Staged:
    """The rows one transaction has staged, in the order they were staged per table."""

    def __init__(self) -> None:
        self._inserts: dict[_InsertKey, list[Row | RowSource]] = {}
        self._upserts: dict[_InsertKey, dict[Any, Row]] = {}
        self._updates: dict[_UpdateKey, dict[Any, dict[str, Any]]] = {}
        # what AWARE reads learnt; good until the rows go out
        self.memo: dict[str, Any] = {}
        self.flushes = 0

    @property
    def pending(self) -> bool:
        return bool(self._inserts or self._upserts or self._updates)

    def insert(
        self,
        table: Table,
        row: Row | RowSource,
        *,
        skip_conflicts_on: str | None = None,
        upsert: tuple[str, ...] = (),
    ) -> None:
        """Insert ``row``; with ``upsert``, a row clashing on ``skip_conflicts_on`` takes those
        columns instead (a later upsert of the same key replaces an earlier one here)."""
        if upsert:
            assert skip_conflicts_on is not None and isinstance(row, dict)
            key = (table, skip_conflicts_on, upsert)
            self._upserts.setdefault(key, {})[row[skip_conflicts_on]] = row
            return
        self._inserts.setdefault((table, skip_conflicts_on, ()), []).append(row)

    def update(self, table: Table, row: Row, *, key: str = "id", skip_locked: bool = False) -> None:
        """Set the row found by ``key`` to ``row``'s other values (merged with what is staged
        for it already)."""
        rows = self._updates.setdefault((table, key, skip_locked), {})
        rows.setdefault(row[key], {}).update(row)

    def take(self) -> list[Write]:
        """Everything staged, as bulk writes in an order the foreign keys allow; the buffer
        and the memo are emptied."""
        writes: list[tuple[int, int, Write]] = []
        for (table, conflict, _), items in self._inserts.items():
            rows = [r.row() if _is_source(r) else cast(Row, r) for r in items]
            for same in _by_shape(rows):
                writes.append((_rank(table), 0, InsertRows(table, same, conflict)))
        # upserts and updates in key order: two transactions that touch the same rows lock
        # them in the same order, so they wait for each other rather than deadlock
        for (table, conflict, upsert), keyed in self._upserts.items():
            for same in _by_shape([keyed[k] for k in sorted(keyed)]):
                writes.append((_rank(table), 1, InsertRows(table, same, conflict, upsert)))
        for (table, key, skip_locked), changes in self._updates.items():
            for same in _by_shape([changes[k] for k in sorted(changes)]):
                update = UpdateRows(table, same, key=key, skip_locked=skip_locked)
                writes.append((_rank(table), 2, update))
        self._inserts, self._upserts, self._updates = {}, {}, {}
        self.memo.clear()
        self.flushes += 1
        writes.sort(key=lambda w: (w[0], w[1]))  # stable: rows keep the order they came in
        return [w for _, _, w in writes]


def _is_source(item: Row | RowSource) -> TypeGuard[RowSource]:
    return not isinstance(item, Mapping)


def _by_shape(rows: Sequence[Row]) -> list[list[Row]]:
    """Rows grouped by their columns (a bulk write needs the same columns in every row)."""
    shapes: dict[tuple[str, ...], list[Row]] = {}
    for r in rows:
        shapes.setdefault(tuple(r), []).append(r)
    return list(shapes.values())


def _rank(table: Table) -> int:
    """Where the table comes in its metadata's dependency order (parents first)."""
    order = _RANKS.get(id(table.metadata))
    if order is None:
        order = {t.name: i for i, t in enumerate(table.metadata.sorted_tables)}
        _RANKS[id(table.metadata)] = order
    return order.get(table.name, len(order))


_RANKS: dict[int, dict[str, int]] = {}

# The staged rows of each transaction, by its connection (a new one for every transaction).
_PENDING: weakref.WeakKeyDictionary[Connection, Staged] = weakref.WeakKeyDictionary()


_IN_SESSION = "staged"  # session.info: (the transaction, its buffer), to skip the lookup


async def staged_for(session: AsyncSession) -> Staged:
    """The staging buffer of the session's current transaction."""
    if session.in_nested_transaction():
        await _savepoint_begun(session)
    transaction = session.sync_session.get_transaction()
    known = session.info.get(_IN_SESSION)
    if known is not None and transaction is not None and known[0] is transaction:
        return cast(Staged, known[1])  # the same transaction, so the same connection
    conn = (await session.connection()).sync_connection
    assert conn is not None
    found = _PENDING.get(conn)
    if found is None:
        found = _PENDING[conn] = Staged()
    session.info[_IN_SESSION] = (session.sync_session.get_transaction(), found)
    return found


_SAVEPOINT = "staged_savepoint"  # session.info: the savepoint known to be on the database


async def _savepoint_begun(session: AsyncSession) -> None:
    """Make sure the savepoint the session is in has reached the database.

    SQLAlchemy sends SAVEPOINT only with the first statement inside it; rows staged in a
    savepoint nothing else ran in would outlive its rollback. Sending it now (the hooks write
    out what was staged before it) gives the rows staged inside it a SAVEPOINT to go with.
    """
    nested = session.sync_session.get_nested_transaction()
    if nested is not None and session.info.get(_SAVEPOINT) is not nested:
        await session.execute(select(1))
        session.info[_SAVEPOINT] = nested


async def flush(session: AsyncSession) -> None:
    """Write what the session's transaction has staged now (the end of a batch)."""
    conn = await session.connection()
    assert conn.sync_connection is not None
    found = _PENDING.get(conn.sync_connection)
    if found is not None and found.pending:
        await write(conn, *found.take())


# -- the hooks --------------------------------------------------------------------------------
def _write_out(conn: Connection) -> None:
    found = _PENDING.get(conn)
    if found is not None and found.pending:
        write_sync(conn, *found.take())  # its own statements find the buffer empty


def _before_execute(
    conn: Connection,
    _clause: Any,
    _multiparams: Any,
    _params: Any,
    execution_options: dict[str, Any],
) -> None:
    if not execution_options.get("staged_aware"):
        _write_out(conn)


def _discard(conn: Connection) -> None:
    found = _PENDING.pop(conn, None)
    if found is not None:
        found.take()


_HOOKS: dict[str, Callable[..., None]] = {
    "before_execute": _before_execute,
    # before SAVEPOINT: what was staged before it stays if it is rolled back; before RELEASE
    # and ROLLBACK TO: what was staged inside it goes with it
    "savepoint": lambda conn, _name: _write_out(conn),
    "release_savepoint": lambda conn, _name, _xid: _write_out(conn),
    "rollback_savepoint": lambda conn, _name, _xid: _write_out(conn),
    "commit": _write_out,
    "rollback": _discard,
}
for _name, _hook in _HOOKS.items():
    # on the Engine class: every engine, and every connection, whoever created them
    event.listen(Engine, _name, _hook)
