"""three lists: demand groups, partner resources, projects and their history

- ``list_demands``: a group of orders (community, place key, category, title, status
  open/confirmed/promoted, member order ids, the project it was promoted into);
- ``list_resources``: what a partner unit offers (name, kind people/skills/venue/fund,
  contact, description, amount in fen);
- ``list_projects``: title, responsible unit and person, budget in fen, status, milestones,
  linked demand groups and resources;
- ``list_history``: every change (who, when, what, before/after).

Revision ID: 0013_three_lists
Revises: 0012_console_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0013_three_lists"
down_revision = "0012_console_accounts"
branch_labels = None
depends_on = None

_TIME = models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "list_demands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("place_key", sa.String(length=64), nullable=False),
        sa.Column("grid_code", sa.String(length=32), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("order_ids", sa.JSON(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_demands")),
    )
    op.create_index(
        "ix_list_demands_place", "list_demands", ["community_id", "place_key", "category"]
    )
    op.create_table(
        "list_resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("contact", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_resources")),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_list_resources_amount_not_negative")),
    )
    op.create_table(
        "list_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("person", sa.String(length=64), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("milestones", sa.JSON(), nullable=False),
        sa.Column("demand_ids", sa.JSON(), nullable=False),
        sa.Column("resource_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_projects")),
        sa.CheckConstraint("budget_fen >= 0", name=op.f("ck_list_projects_budget_not_negative")),
    )
    op.create_table(
        "list_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_history")),
    )
    op.create_index("ix_list_history_at", "list_history", ["at"])


def downgrade() -> None:
    op.drop_index("ix_list_history_at", table_name="list_history")
    op.drop_table("list_history")
    op.drop_table("list_projects")
    op.drop_table("list_resources")
    op.drop_index("ix_list_demands_place", table_name="list_demands")
    op.drop_table("list_demands")
