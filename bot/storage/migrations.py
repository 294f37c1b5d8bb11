"""Apply Alembic migrations (``mulin db upgrade`` and at ``serve`` start)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.util.exc import CommandError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().parents[2] / "models" / "migrations"
# Several `mulin serve` processes may start together on one PostgreSQL database.
_PG_LOCK_ID = 0x6D756C696E  # "mulin"


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def known_revisions() -> frozenset[str]:
    """Every schema revision this version of mulin has a migration for."""
    from alembic.script import ScriptDirectory

    return frozenset(
        r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    )


class SchemaUnknown(OSError):
    """The database records a schema revision this version of mulin does not know: it was
    made or upgraded by a newer version (a rollback of the software). An ``OSError``, so every
    command reports it as the one-line database failure it is."""


def _upgrade(sync_conn: Any, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = sync_conn
    try:
        command.upgrade(cfg, revision)
    except CommandError as exc:
        raise SchemaUnknown(
            f"the database's schema is not one this version knows ({exc}); it was upgraded by a"
            " newer mulin: run that version, or restore a backup made by this one"
        ) from None


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_ID})
        await conn.run_sync(_upgrade, revision)


class SchemaBehind(OSError):
    """The database has no mulin schema, or an older one than this version needs, and the
    process was told not to migrate (``serve --no-migrate``)."""


def _current(sync_conn: Any) -> str | None:
    # read directly: Alembic's migration context logs two lines each time it is set up
    from sqlalchemy import inspect

    if not inspect(sync_conn).has_table("alembic_version"):
        return None
    found = sync_conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return str(found[0]) if len(found) == 1 else None


async def check_current(engine: AsyncEngine) -> None:
    """Refuse a database this version cannot run on without migrating it first.

    A revision this version does not know is newer: an old process keeps running beside a new
    schema during an upgrade (expand, then contract), so only an older or missing schema is
    refused."""
    from alembic.script import ScriptDirectory

    async with engine.connect() as conn:
        current = await conn.run_sync(_current)
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    if current == head or (current is not None and current not in known_revisions()):
        return
    found = f"schema revision {current}" if current else "no mulin schema"
    raise SchemaBehind(
        f"the database has {found}, this version needs {head}: run `mulin db upgrade` first"
    )


def revision_autogenerate(sync_conn: Any, message: str) -> None:
    """Developer helper: write a new migration from the models (``python -m bot.storage.migrations``)."""
    cfg = alembic_config()
    cfg.attributes["connection"] = sync_conn
    command.revision(cfg, message=message, autogenerate=True)


if __name__ == "__main__":  # pragma: no cover - developer tool
    import asyncio
    import sys

    from bot.storage.engine import create_engine

    async def _main() -> None:
        engine = create_engine("sqlite+aiosqlite:///./data/autogen.db")
        await upgrade(engine)
        async with engine.begin() as conn:
            await conn.run_sync(
                revision_autogenerate, sys.argv[1] if len(sys.argv) > 1 else "change"
            )
        await engine.dispose()

    asyncio.run(_main())
