"""orders: when an order was last reopened (重办)

A reopened order is timed anew: the accept, escalation and resolution clocks run from the
reopen, not from the resident's first report (bot.orders.timers), or its grid leader was
chased about it, and it was overdue, the moment it was reopened. The first report's time
stays in ``created_at`` for the figures.

Revision ID: 0017_orders_reopened_at
Revises: 0016_orders_building_created
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0017_orders_reopened_at"
down_revision = "0016_orders_building_created"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reopened_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("reopened_at")
