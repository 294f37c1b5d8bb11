"""Many rows in one statement: bulk inserts and updates for work done in batches (the timer tick).

On PostgreSQL every column travels as one array and the statement reads them back with
``unnest``: one statement, one plan, one executor run for the whole batch. The executemany
alternative sends one Bind/Execute per row, and SQLAlchemy processes the parameters of every
row in Python. A column with the same value in every row (the time of the tick, "pending",
"system") goes as one value, not as an array: asyncpg encodes array elements one by one, and
a batch has thousands. Several writes go as one statement (data-modifying WITH clauses), so a
batch costs one round trip and can run while the caller works on the next one
(bot.storage.write_behind).

Elsewhere (SQLite, in process) an executemany per write is the fast path, sent as the driver
takes it: SQL text compiled once, each row a tuple made by the columns' own bind processors,
so the stored values are exactly SQLAlchemy's without its per-row parameter handling.
:func:`plan` builds the statements; :func:`write` runs them, :func:`write_sync` does the same
from inside SQLAlchemy's synchronous layer (bot.storage.staged writes from its events).

Values must already be what the column stores: aware UTC datetimes, JSON-able dicts/lists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import orjson
from sqlalchemy import JSON, String, Table, TextClause, bindparam, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.dml import Insert, Update
from sqlalchemy.types import TypeDecorator

from bot.storage.dialect import insert_for

_PG = postgresql.dialect()

Row = Mapping[str, Any]


@dataclass(frozen=True)
class InsertRows:
    """Insert ``rows`` (all with the same keys); ``skip_conflicts_on``: a uniquely indexed
    column, rows that clash on it are left out — or, with ``upsert``, the row already there
    takes these columns from the new one (rows must not repeat a key then)."""

    table: Table
    rows: Sequence[Row]
    skip_conflicts_on: str | None = None
    upsert: tuple[str, ...] = ()


@dataclass(frozen=True)
class UpdateRows:
    """Set each row found by ``key`` to the row's other values (same keys in every row);
    ``bump``: an integer column incremented on every updated row (a version counter);
    ``skip_locked``: on PostgreSQL a row another transaction holds is left alone rather than
    waited for (two batches that touch the same rows in a different order cannot deadlock)."""

    table: Table
    rows: Sequence[Row]
    key: str = "id"
    bump: str | None = None
    skip_locked: bool = False


Write = InsertRows | UpdateRows


# -- PostgreSQL: unnest ----------------------------------------------------------------------
_QUOTE = _PG.identifier_preparer.quote


def _pg_type(table: Table, name: str) -> str:
    column_type = table.c[name].type
    impl = getattr(column_type, "impl", column_type)  # TypeDecorator → what it stores as
    if isinstance(impl, String):
        # An explicit CAST to VARCHAR(n) silently cuts a longer value short; TEXT leaves the
        # length check to the column, which refuses it as the row-by-row path did.
        return "TEXT"
    return str(impl.compile(dialect=_PG))


def _column_values(table: Table, name: str, values: list[Any]) -> list[Any]:
    """The values as the column's own bind processing would send them, JSON serialised."""
    column_type = table.c[name].type
    if isinstance(column_type, TypeDecorator):  # UTCDateTime: refuses naive, converts to UTC
        values = [column_type.process_bind_param(v, _PG) for v in values]
    if isinstance(column_type, JSON):
        # orjson: a tenth of json.dumps's time, and a batch serialises a payload per push.
        # None is JSON null unless the column says otherwise, as SQLAlchemy writes it.
        none = None if column_type.none_as_null else "null"
        values = [
            none if v is None else orjson.dumps(v, option=orjson.OPT_NON_STR_KEYS).decode()
            for v in values
        ]
    return values


def _all_same(values: list[Any]) -> bool:
    # the type too: 1 == True == 1.0, but a column would store them differently
    first = values[0]
    kind = type(first)
    return all(v == first and type(v) is kind for v in values)


def _split(
    table: Table, names: Sequence[str], rows: Sequence[Row], key: str | None, prefix: str
) -> tuple[tuple[str, ...], dict[str, Any]]:
    """(the columns sent as arrays, the parameters); the other columns go as one value.

    ``key`` always goes as an array (an update joins on it); so does the first column when
    nothing else would, since unnest over no arrays yields no rows at all.
    """
    varying: list[str] = []
    params: dict[str, Any] = {}
    for n in names:
        raw = [r[n] for r in rows]
        if n != key and _all_same(raw):
            if not isinstance(table.c[n].type, JSON):
                params[f"{prefix}c_{n}"] = _column_values(table, n, raw[:1])[0]
                continue
            stored = _column_values(table, n, raw)  # equal in Python, but also as JSON?
            if _all_same(stored):
                params[f"{prefix}c_{n}"] = stored[0]
                continue
            params[f"{prefix}a_{n}"] = stored
        else:
            params[f"{prefix}a_{n}"] = _column_values(table, n, raw)
        varying.append(n)
    if not varying:
        first = names[0]
        varying.append(first)
        params[f"{prefix}a_{first}"] = _column_values(table, first, [r[first] for r in rows])
        del params[f"{prefix}c_{first}"]
    return tuple(varying), params


def _value(table: Table, name: str, varying: Sequence[str], prefix: str) -> str:
    if name in varying:
        return f"u.{_QUOTE(name)}"
    return f"CAST(:{prefix}c_{name} AS {_pg_type(table, name)})"


def _unnest(table: Table, varying: Sequence[str], prefix: str) -> str:
    arrays = ", ".join(f"CAST(:{prefix}a_{n} AS {_pg_type(table, n)}[])" for n in varying)
    return f"unnest({arrays}) AS u({', '.join(_QUOTE(n) for n in varying)})"


@lru_cache(maxsize=256)
def _pg_insert(
    table: Table,
    names: tuple[str, ...],
    varying: tuple[str, ...],
    skip_conflicts_on: str | None,
    upsert: tuple[str, ...],
    prefix: str,
) -> str:
    values = ", ".join(_value(table, n, varying, prefix) for n in names)
    sql = (
        f"INSERT INTO {_QUOTE(table.name)} ({', '.join(_QUOTE(n) for n in names)}) "
        f"SELECT {values} FROM {_unnest(table, varying, prefix)}"
    )
    if skip_conflicts_on and upsert:
        sets = ", ".join(f"{_QUOTE(n)} = EXCLUDED.{_QUOTE(n)}" for n in upsert)
        sql += f" ON CONFLICT ({_QUOTE(skip_conflicts_on)}) DO UPDATE SET {sets}"
    elif skip_conflicts_on:
        sql += f" ON CONFLICT ({_QUOTE(skip_conflicts_on)}) DO NOTHING"
    return sql


@lru_cache(maxsize=256)
def _pg_update(
    table: Table,
    names: tuple[str, ...],
    varying: tuple[str, ...],
    key: str,
    bump: str | None,
    skip_locked: bool,
    prefix: str,
) -> str:
    q = _QUOTE
    sets = [f"{q(n)} = {_value(table, n, varying, prefix)}" for n in names if n != key]
    if bump:
        sets.append(f"{q(bump)} = t.{q(bump)} + 1")
    sql = (
        f"UPDATE {q(table.name)} AS t SET {', '.join(sets)} "
        f"FROM {_unnest(table, varying, prefix)} WHERE t.{q(key)} = u.{q(key)}"
    )
    if skip_locked:
        keys = f"CAST(:{prefix}a_{key} AS {_pg_type(table, key)}[])"
        sql += (
            f" AND t.{q(key)} IN (SELECT {q(key)} FROM {q(table.name)}"
            f" WHERE {q(key)} = ANY({keys}) FOR UPDATE SKIP LOCKED)"
        )
    return sql


@lru_cache(maxsize=256)
def _pg_statement(parts: tuple[str, ...]) -> TextClause:
    # Data-modifying WITH clauses all run, once each, against the same snapshot: the writes
    # of one batch never depend on each other.
    *first, last = parts
    head = ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(first))
    return text(f"WITH {head} {last}" if first else last)


def _pg_plan(writes: Sequence[Write]) -> tuple[TextClause, dict[str, Any]]:
    parts: list[str] = []
    params: dict[str, Any] = {}
    for i, w in enumerate(writes):
        prefix = f"p{i}_"
        names = tuple(w.rows[0])
        if isinstance(w, InsertRows):
            varying, p = _split(w.table, names, w.rows, None, prefix)
            parts.append(_pg_insert(w.table, names, varying, w.skip_conflicts_on, w.upsert, prefix))
        else:
            # the key goes as an array whatever its values: the update joins on it
            varying, p = _split(w.table, names, w.rows, w.key, prefix)
            parts.append(_pg_update(w.table, names, varying, w.key, w.bump, w.skip_locked, prefix))
        params.update(p)
    return _pg_statement(tuple(parts)), params


# -- elsewhere: executemany ------------------------------------------------------------------
@cache
def _insert_many(
    table: Table, names: tuple[str, ...], skip_conflicts_on: str | None, upsert: tuple[str, ...]
) -> Insert:
    stmt = insert_for("sqlite", table).values(
        {n: bindparam(n, type_=table.c[n].type) for n in names}
    )
    if skip_conflicts_on and upsert:
        stmt = stmt.on_conflict_do_update(
            index_elements=[skip_conflicts_on], set_={n: stmt.excluded[n] for n in upsert}
        )
    elif skip_conflicts_on:
        stmt = stmt.on_conflict_do_nothing(index_elements=[skip_conflicts_on])
    return stmt


@cache
def _update_many(table: Table, key: str, names: tuple[str, ...], bump: str | None) -> Update:
    values: dict[str, Any] = {n: bindparam(f"v_{n}", type_=table.c[n].type) for n in names}
    if bump:
        values[bump] = table.c[bump] + 1
    return table.update().where(table.c[key] == bindparam(f"v_{key}")).values(values)


@dataclass(frozen=True)
class _Driver:
    """A statement as the driver takes it (SQL text, rows as tuples), with how to turn each
    row into its tuple: the columns' own bind processors, worked out once."""

    sql: str
    names: tuple[str, ...]  # the row keys, in parameter order
    # a bind processor per parameter; None where it has nothing to do, and where it passes
    # None on as None when the value is None (most of a new order's times, say)
    processors: tuple[Any, ...]
    keeps_none: tuple[bool, ...]
    fixed: tuple[tuple[int, Any], ...]  # (position, value) of literals in the statement

    def rows(self, rows: Sequence[Row]) -> list[tuple[Any, ...]]:
        out = []
        names, fixed = self.names, self.fixed
        # only the parameters with a processor are visited (half of an order's columns)
        steps = [
            (i, p, keep)
            for i, (p, keep) in enumerate(zip(self.processors, self.keeps_none, strict=True))
            if p is not None
        ]
        for row in rows:
            values = [row[n] for n in names]
            for position, value in fixed:
                values.insert(position, value)
            for i, p, keep in steps:
                v = values[i]
                if v is not None or not keep:
                    values[i] = p(v)
            out.append(tuple(values))
        return out


def _keeps_none(processor: Any) -> bool:
    """Whether a bind processor turns None into None (JSON's, for one, writes 'null')."""
    if processor is None:
        return True
    try:
        return processor(None) is None
    except Exception:
        return False


@lru_cache(maxsize=256)
def _driver(statement: Any, dialect: Dialect, table: Table, prefix: str) -> _Driver:
    compiled = statement.compile(dialect=dialect)
    positions = tuple(compiled.positiontup or ())
    names: list[str] = []
    fixed: list[tuple[int, Any]] = []
    processors: list[Any] = []
    for i, name in enumerate(positions):
        column = name[len(prefix) :] if name.startswith(prefix) else name
        if column in table.c and compiled.binds[name].value is None:
            names.append(column)
        else:  # a literal the statement carries (the 1 of "version + 1")
            fixed.append((i, compiled.binds[name].value))
        kind = compiled.binds[name].type
        processors.append(kind.dialect_impl(dialect).bind_processor(dialect))
    keeps = tuple(_keeps_none(p) for p in processors)
    return _Driver(str(compiled), tuple(names), tuple(processors), keeps, tuple(fixed))


def _each_plan(w: Write, dialect: Dialect) -> tuple[Any, Any]:
    """One write as an executemany of driver-level rows: SQLAlchemy's per-row parameter
    handling cost more than the database's work for a batch's rows."""
    names = tuple(w.rows[0])
    if isinstance(w, InsertRows):
        driver = _driver(
            _insert_many(w.table, names, w.skip_conflicts_on, w.upsert), dialect, w.table, ""
        )
    else:
        others = tuple(n for n in names if n != w.key)
        driver = _driver(_update_many(w.table, w.key, others, w.bump), dialect, w.table, "v_")
    return driver.sql, driver.rows(w.rows)


def plan(dialect: Dialect, writes: Sequence[Write]) -> list[tuple[Any, Any]]:
    """The statements (with their parameters) that carry out ``writes``, empty ones left out:
    one on PostgreSQL, an executemany per write elsewhere (SQL text: the driver's own)."""
    todo = [w for w in writes if w.rows]
    if not todo:
        return []
    if dialect.name == "postgresql":
        return [_pg_plan(todo)]
    return [_each_plan(w, dialect) for w in todo]


def _dialect(where: AsyncSession | AsyncConnection) -> Dialect:
    bind = where.get_bind() if isinstance(where, AsyncSession) else where
    return bind.dialect


async def write(where: AsyncSession | AsyncConnection, *writes: Write) -> None:
    """Carry out ``writes`` (empty ones are skipped): on PostgreSQL as one statement."""
    steps = plan(_dialect(where), writes)
    if not steps:
        return
    if isinstance(where, AsyncSession):
        if where.new or where.dirty or where.deleted:
            await where.flush()  # as an ORM statement would: the rows may refer to them
        where = await where.connection()
    for statement, params in steps:
        if isinstance(statement, str):
            await where.exec_driver_sql(statement, params)
        else:
            await where.execute(statement, params)


def write_sync(conn: Connection, *writes: Write) -> None:
    """:func:`write` on a synchronous connection (inside SQLAlchemy's events)."""
    for statement, params in plan(conn.dialect, writes):
        if isinstance(statement, str):
            conn.exec_driver_sql(statement, params)
        else:
            conn.execute(statement, params)


async def insert_many(
    where: AsyncSession | AsyncConnection,
    table: Table,
    rows: Sequence[Row],
    *,
    skip_conflicts_on: str | None = None,
) -> None:
    await write(where, InsertRows(table, rows, skip_conflicts_on))
