"""Migrations 0013_three_lists (its tables, the money checks, the way back to 0012) and
0014_lists_by_community (projects from before take their demands' community, resources
stay street-wide, and the way back)."""

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
        await upgrade(engine, "0013_three_lists")  # this revision, whatever the head is now
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) >= TABLES
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        assert version is not None and version >= "0013_three_lists"
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


async def test_lists_by_community_fills_in_the_projects_from_before(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await upgrade(engine)
        async with engine.begin() as conn:
            await conn.run_sync(_downgrade, "0013_three_lists")
            assert "community_id" not in await conn.run_sync(_columns, "list_projects")
            for code, kind in (("jd", "street"), ("a", "community"), ("b", "community")):
                await conn.execute(
                    text("INSERT INTO communities (code, name, kind) VALUES (:c, :c, :k)"),
                    {"c": code, "k": kind},
                )
            ids = dict((await conn.execute(text("SELECT code, id FROM communities"))).all())
            await conn.execute(
                text(
                    "INSERT INTO list_demands (community_id, place_key, category, title, status,"
                    " order_ids, project_id, created_at, updated_at)"
                    " VALUES (:b, 'b::3', 'repair', '楼道灯', 'promoted', '[]', 1, :t, :t)"
                ),
                {"b": ids["b"], "t": T},
            )
            for title in ("有需求的项目", "没有需求的项目"):
                await conn.execute(
                    text(
                        "INSERT INTO list_projects (title, unit, person, budget_fen, status,"
                        " milestones, demand_ids, resource_ids, created_at, updated_at)"
                        " VALUES (:title, '', '', 0, 'planned', '[]', '[]', '[]', :t, :t)"
                    ),
                    {"title": title, "t": T},
                )
            await conn.execute(
                text(
                    "INSERT INTO list_resources (unit, kind, contact, description, amount_fen,"
                    " created_at, updated_at) VALUES ('基金', 'fund', '', '', 100, :t, :t)"
                ),
                {"t": T},
            )
        await upgrade(engine)
        async with engine.connect() as conn:
            found = (
                await conn.execute(
                    text("SELECT title, community_id FROM list_projects ORDER BY id")
                )
            ).all()
            shared = (await conn.execute(text("SELECT community_id FROM list_resources"))).all()
        # its demand's community; else the first community of the street (not the street)
        assert [tuple(r) for r in found] == [
            ("有需求的项目", ids["b"]),
            ("没有需求的项目", ids["a"]),
        ]
        assert [tuple(r) for r in shared] == [(None,)]  # street-wide, as before
        async with engine.begin() as conn:
            await conn.run_sync(_downgrade, "0013_three_lists")
            assert "community_id" not in await conn.run_sync(_columns, "list_resources")
    finally:
        await engine.dispose()


def _columns(sync_conn: Any, table: str) -> set[str]:
    return {c["name"] for c in inspect(sync_conn).get_columns(table)}
