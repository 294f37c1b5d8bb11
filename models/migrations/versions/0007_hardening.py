"""hardening: replay keys, outbox attempt log, invite expiry, failure throttles

Revision ID: 0007_hardening
Revises: 0006_orders_fillfactor
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0007_hardening"
down_revision = "0006_orders_fillfactor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replay_key", sa.String(length=64), nullable=True))
        batch_op.create_index("uq_inbound_messages_replay_key", ["replay_key"], unique=True)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempt_log", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("in_flight", sa.String(length=16), nullable=True))
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("invite_expires_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )
    # Codes issued before expiry existed get the default lifetime from today.
    members = sa.table(
        "members",
        sa.column("invite_code", sa.String()),
        sa.column("invite_expires_at", models.base.UTCDateTime(timezone=True)),
    )
    op.execute(
        members.update()
        .where(members.c.invite_code.is_not(None))
        .values(invite_expires_at=datetime.now(UTC) + timedelta(days=14))
    )
    op.create_table(
        "throttles",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("window_start", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttles")),
    )


def downgrade() -> None:
    op.drop_table("throttles")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("invite_expires_at")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("in_flight")
        batch_op.drop_column("attempt_log")
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_index("uq_inbound_messages_replay_key")
        batch_op.drop_column("replay_key")
