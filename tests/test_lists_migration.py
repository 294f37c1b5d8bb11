"""Migration 0013_three_lists: its tables, the money checks, and the way back to 0012."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from bot.storage.engine import create_engine
from bot.storage.migrations import alembic_config, upgrade

TABLES = {"list_demands", "list_resources", "list_projects", "list_history"}
T = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _downgrade(sync_conn: Any, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = sync_conn
    command.downgrade(cfg, revision)


def _tables(sync_conn: Any) -> set[str]:
    return set(inspect(sync_conn).get_table_names())


async def test_three_lists_up_and_down(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await upgrade(engine, "0013_three_lists")
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) >= TABLES
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        assert version == "0013_three_lists"
        insert = text(
            "INSERT INTO list_resources (unit, kind, contact, description, amount_fen,"
            " created_at, updated_at) VALUES ('基金', 'fund', '', '', :fen, :t, :t)"
        )
        async with engine.begin() as conn:
            await conn.execute(insert, {"fen": 100, "t": T})
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(insert, {"fen": -1, "t": T})
        async with engine.begin() as conn:
            await conn.run_sync(_downgrade, "0012_console_accounts")
        async with engine.connect() as conn:
            assert not TABLES & await conn.run_sync(_tables)
        await upgrade(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) >= TABLES
    finally:
        await engine.dispose()
