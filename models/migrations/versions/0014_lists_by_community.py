"""the resource and project lists belong to a community

- ``list_resources.community_id``: the community a partner resource serves; NULL serves the
  whole street (shown to every community of it). Resources from before stay street-wide, as
  they were.
- ``list_projects.community_id``: the community a project belongs to. Projects from before
  take the community of their demands, else the street's first community (as orders from
  before streets do).

Revision ID: 0014_lists_by_community
Revises: 0013_three_lists
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_lists_by_community"
down_revision = "0013_three_lists"
branch_labels = None
depends_on = None

_FIRST = "(SELECT min(c.id) FROM communities c WHERE c.kind <> 'street')"
_OF_DEMANDS = (
    "(SELECT min(d.community_id) FROM list_demands d WHERE d.project_id = list_projects.id)"
)


def upgrade() -> None:
    for table in ("list_resources", "list_projects"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("community_id", sa.Integer(), nullable=True))
            batch_op.create_index(f"ix_{table}_community_id", ["community_id"])
    op.execute(
        f"UPDATE list_projects SET community_id = COALESCE({_OF_DEMANDS}, {_FIRST})"
        " WHERE community_id IS NULL"
    )


def downgrade() -> None:
    for table in ("list_projects", "list_resources"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_community_id")
            batch_op.drop_column("community_id")
