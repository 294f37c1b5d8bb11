"""The one portable INSERT: ``INSERT … ON CONFLICT`` for SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_name(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def insert_for(dialect: str, table: Table) -> Any:
    """An INSERT with ``on_conflict_do_nothing`` / ``on_conflict_do_update`` for ``dialect``."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def dialect_insert(session: AsyncSession, table: Table) -> Any:
    return insert_for(dialect_name(session), table)


def insert_ignore(session: AsyncSession, table: Table, key: str) -> Any:
    """``INSERT … ON CONFLICT (key) DO NOTHING`` for the session's backend."""
    return dialect_insert(session, table).on_conflict_do_nothing(index_elements=[key])
