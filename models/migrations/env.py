"""Alembic environment. Migrations always run on a connection handed in by ``bot.migrate``."""

from __future__ import annotations

from alembic import context

import models  # noqa: F401  (registers every table)
from models.base import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable from the alembic CLI
    raise SystemExit("run migrations with `mulin db upgrade --config PATH`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
