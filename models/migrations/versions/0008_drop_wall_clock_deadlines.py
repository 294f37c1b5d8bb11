"""orders: drop the wall-clock deadline columns

``accept_deadline``, ``escalate_at`` and ``resolve_deadline`` were written at creation with
wall-clock arithmetic and never read; the timers plan from ``created_at``/``assigned_at`` with
the working calendar (bot/orders/timers.py), and the two disagreed. ``next_timer_at`` is the
one stored deadline.

Revision ID: 0008_drop_wall_clock_deadlines
Revises: 0007_hardening
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0008_drop_wall_clock_deadlines"
down_revision = "0007_hardening"
branch_labels = None
depends_on = None

_COLUMNS = ("accept_deadline", "escalate_at", "resolve_deadline")


def upgrade() -> None:
    # A plain ALTER on both engines: on SQLite a batch operation would copy the table and
    # drop the original, which the history's foreign keys refuse (SQLite 3.35+ drops columns).
    for name in _COLUMNS:
        op.execute(f"ALTER TABLE orders DROP COLUMN {name}")


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.add_column(
                sa.Column(name, models.base.UTCDateTime(timezone=True), nullable=True)
            )
