"""privacy_records: residents' erase requests and every export and erase done

Revision ID: 0011_privacy_records
Revises: 0010_streets_and_estates
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0011_privacy_records"
down_revision = "0010_streets_and_estates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("openid", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("handled_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_records")),
    )
    op.create_index(
        op.f("ix_privacy_records_subject"), "privacy_records", ["subject"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_privacy_records_subject"), table_name="privacy_records")
    op.drop_table("privacy_records")
