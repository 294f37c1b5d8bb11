"""Broadcast fixtures: a migrated database (SQLite; PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.broadcasts.support import DB, new_db


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[DB]:
    database = new_db(db_url)
    await database.migrate()
    try:
        yield database
    finally:
        await database.close()
