"""orders: leave room on each page for the order's later versions (PostgreSQL)

An order is written many times in its life (assigned, reminded, accepted, resolved, rated),
and the timer tick rewrites a thousand of them at once. With full pages every new row version
has to go to a page at the end of the table, and a tick over a freshly loaded table spent
three times as long extending it as updating. 80 % full pages keep most versions beside the
old one (and HOT, where no indexed column changed). SQLite has no such setting.

Revision ID: 0006_orders_fillfactor
Revises: 0005_order_timers
"""

from __future__ import annotations

from alembic import op

revision = "0006_orders_fillfactor"
down_revision = "0005_order_timers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE orders SET (fillfactor = 80)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE orders RESET (fillfactor)")
