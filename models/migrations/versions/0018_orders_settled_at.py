"""orders: when the resident said their emergency was over

After 火灭了 or 人已经出来了，没事了, an emergency nobody has taken yet must not send its
resident "nobody has it yet — call 110, 119 or 120" as if it were still going on; they are
asked whether it can be closed instead (bot.orders.timers). A later report that it is going
again clears it.

Revision ID: 0018_orders_settled_at
Revises: 0017_orders_reopened_at
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0018_orders_settled_at"
down_revision = "0017_orders_reopened_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("settled_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("settled_at")
