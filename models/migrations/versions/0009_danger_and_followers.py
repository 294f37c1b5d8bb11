"""orders: the danger band and hazard kind; followers; merged duplicates

- ``danger`` ("urgent" / "possible") and ``hazard`` (the kind) as the parser read them, so the
  console and the reminders can say what kind of emergency an order is;
- ``order_followers``: residents who reported the same problem and hear about its progress;
- ``merged_into``: a duplicate order joined to another (the console's merge).

Revision ID: 0009_danger_and_followers
Revises: 0008_drop_wall_clock_deadlines
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0009_danger_and_followers"
down_revision = "0008_drop_wall_clock_deadlines"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("danger", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("hazard", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("merged_into", sa.BigInteger(), nullable=True))
    op.create_table(
        "order_followers",
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("since", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_followers_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", "openid", name=op.f("pk_order_followers")),
    )
    with op.batch_alter_table("order_followers", schema=None) as batch_op:
        batch_op.create_index("ix_order_followers_openid", ["openid"], unique=False)


def downgrade() -> None:
    op.drop_table("order_followers")
    for name in ("merged_into", "hazard", "danger"):
        op.execute(f"ALTER TABLE orders DROP COLUMN {name}")
