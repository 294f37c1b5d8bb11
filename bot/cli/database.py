"""``mulin db backup`` and ``mulin db restore``: see docs/deploy.md, "Backups"."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Config
from bot.storage.backup import (
    BOOKKEEPING,
    BackupError,
    NotEmpty,
    backup,
    check_restorable,
    default_name,
    restore,
    target,
)
from bot.storage.output import OutputError
from bot.storage.runner import DATABASE_ERRORS, failure_line, with_database


def add_db_parsers(dbsub: Any) -> None:
    b = dbsub.add_parser("backup", help="an online, consistent backup of the database")
    b.add_argument("--config", required=True)
    b.add_argument(
        "--output", help="file to write (default mulin-<UTC time>.db or .dump in this directory)"
    )
    r = dbsub.add_parser("restore", help="replace the database with a backup (service stopped)")
    r.add_argument("--config", required=True)
    r.add_argument("--input", required=True, help="a file written by mulin db backup")
    r.add_argument("--force", action="store_true", help="replace a database that holds data")


def run_db_command(args: argparse.Namespace, config: Config, out: TextIO, err: TextIO) -> int:
    try:
        if args.db_command == "backup":
            return _backup(config, args.output, out, err)
        return _restore(config, Path(args.input), args.force, err)
    except (NotEmpty, OutputError) as exc:
        print(f"mulin: {exc}", file=err)
        return 2
    except BackupError as exc:
        print(f"mulin: {exc}", file=err)
        return 2 if str(exc).startswith(("--", "database.url")) else 1
    except DATABASE_ERRORS as exc:
        print(failure_line(exc), file=err)
        return 1


def _backup(config: Config, output: str | None, out: TextIO, err: TextIO) -> int:
    url = config.database.url
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = Path(output) if output else Path(default_name(url, stamp))
    backup(url, path)
    print(str(path), file=out)
    print(f"mulin: backup written ({path.stat().st_size} bytes)", file=err)
    return 0


def _count_rows(conn: Connection) -> int:
    tables = [t for t in inspect(conn).get_table_names() if t not in BOOKKEEPING]
    return sum(int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()) for t in tables)


async def application_rows(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return await conn.run_sync(_count_rows)


def _restore(config: Config, backup_file: Path, force: bool, err: TextIO) -> int:
    url = config.database.url
    if target(url).sqlite and not target(url).path.exists():
        rows = 0  # a fresh path: nothing to create first
    else:
        rows = asyncio.run(with_database(url, application_rows, migrate=False))
    check_restorable(url, backup_file, rows, force)
    restore(url, backup_file)

    async def nothing(_: AsyncEngine) -> None:
        return None

    # an older backup is brought up to this version's schema
    asyncio.run(with_database(url, nothing))
    after = asyncio.run(with_database(url, application_rows, migrate=False))
    print(f"mulin: restored {backup_file} ({after} rows)", file=err)
    return 0
