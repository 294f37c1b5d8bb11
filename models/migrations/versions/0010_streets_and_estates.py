"""streets, estates (小区) and community-qualified places

- ``streets`` and ``communities.street_id``: one account may serve a street's communities;
  ``communities.kind`` marks the street office's own staff ("street");
- ``estates``: a community's estates with the names residents call them;
- ``buildings.estate_code``: a building is unique by community, estate and number, so two
  estates may both have a 3栋 (``""`` where the community lists no estates — every existing row);
- ``orders`` and ``residents`` gain ``community_id`` and ``estate_code``. Existing rows keep
  NULL, which means "the only community": a single-community database works as before.

The new community references are plain integers, not foreign keys: on SQLite a foreign key
means rebuilding ``orders`` and ``communities``, which other tables' rows point at.

Revision ID: 0010_streets_and_estates
Revises: 0009_danger_and_followers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_streets_and_estates"
down_revision = "0009_danger_and_followers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "streets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_streets")),
        sa.UniqueConstraint("code", name=op.f("uq_streets_code")),
    )
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("street_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="community", nullable=False)
        )
    op.create_table(
        "estates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_estates_community_id_communities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estates")),
        sa.UniqueConstraint("community_id", "code", name=op.f("uq_estates_community_id")),
    )
    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("estate_code", sa.String(length=32), server_default="", nullable=False)
        )
        batch_op.drop_constraint("uq_buildings_community_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_buildings_place", ["community_id", "estate_code", "number"]
        )
    for table in ("orders", "residents"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("community_id", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("estate_code", sa.String(length=32), nullable=True))


def downgrade() -> None:
    for table in ("residents", "orders"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("estate_code")
            batch_op.drop_column("community_id")
    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.drop_constraint("uq_buildings_place", type_="unique")
        batch_op.create_unique_constraint("uq_buildings_community_id", ["community_id", "number"])
        batch_op.drop_column("estate_code")
    op.drop_table("estates")
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_column("kind")
        batch_op.drop_column("street_id")
    op.drop_table("streets")
