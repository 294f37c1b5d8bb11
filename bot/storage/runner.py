"""Running a command against the database: one engine, migrations applied, disposed after.

Every ``mulin`` subcommand that touches the database goes through :func:`with_database`, and
reports a failure with :func:`failure_line`: one line, no SQL, no traceback.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.engine import create_engine
from bot.storage.migrations import SchemaBehind, SchemaUnknown, upgrade

T = TypeVar("T")
# Failures of the database itself (as opposed to the user's input): exit status 1.
DATABASE_ERRORS = (OSError, DBAPIError)


async def with_database(
    url: str, work: Callable[[AsyncEngine], Awaitable[T]], *, migrate: bool = True
) -> T:
    engine = create_engine(url)
    try:
        if migrate:
            await upgrade(engine)
        return await work(engine)
    finally:
        await engine.dispose()


def failure_line(exc: BaseException) -> str:
    """One line for a database failure."""
    unreachable = isinstance(exc, OSError | OperationalError | InterfaceError) and not isinstance(
        exc, SchemaUnknown | SchemaBehind
    )
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    lines = str(exc).strip().splitlines()
    detail = lines[0] if lines else type(exc).__name__
    return f"mulin: {'database unreachable' if unreachable else 'database error'}: {detail}"
