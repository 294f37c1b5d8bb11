"""photos and places on orders; one-time invites to the console

- ``order_attachments``: a photo (WeChat media id, picture URL, and its fetch as a durable job:
  state, attempts, next attempt, lease, error, content type, size, dimensions) or a place
  (latitude, longitude, label) a resident sent; ``order_id`` empty while it waits for its
  report;
- ``attachment_content``: a stored photo's bytes;
- ``console_invites``: one-time links (only the token's SHA-256) that let a roster member
  create a grid leader's account.

The photos and places earlier versions kept only in the order's history become attachments;
their photos are fetched if WeChat still has them (temporary media live 3 days).

Revision ID: 0015_photos_and_invites
Revises: 0014_lists_by_community
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0015_photos_and_invites"
down_revision = "0014_lists_by_community"
branch_labels = None
depends_on = None

_TIME = models.base.UTCDateTime(timezone=True)
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _attachments() -> None:
    op.create_table(
        "order_attachments",
        sa.Column("id", _ID, nullable=False),
        sa.Column("order_id", _ID, nullable=True),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("media_id", sa.String(length=128), nullable=True),
        sa.Column("pic_url", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TIME, nullable=True),
        sa.Column("lease_until", _TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("content_type", sa.String(length=32), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("fetched_at", _TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_attachments_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_attachments")),
    )
    op.create_index("ix_order_attachments_order_id", "order_attachments", ["order_id"])
    op.create_index("ix_order_attachments_due", "order_attachments", ["state", "next_attempt_at"])
    op.create_index("ix_order_attachments_sender", "order_attachments", ["openid", "at"])
    op.create_table(
        "attachment_content",
        sa.Column("attachment_id", _ID, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["order_attachments.id"],
            name=op.f("fk_attachment_content_attachment_id_order_attachments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attachment_id", name=op.f("pk_attachment_content")),
    )


def _invites() -> None:
    op.create_table(
        "console_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=False),
        sa.Column("grid_code", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
        sa.Column("used_at", _TIME, nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("revoked_at", _TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_console_invites_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_invites")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_console_invites_token_hash")),
    )
    op.create_index("ix_console_invites_member_id", "console_invites", ["member_id"])


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _from_history() -> None:
    """Photos and places that earlier versions kept only as history entries."""
    conn = op.get_bind()
    events = sa.table(
        "order_events",
        sa.column("order_id", _ID),
        sa.column("at", _TIME),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("data", sa.JSON()),
    )
    rows = conn.execute(
        sa.select(events.c.order_id, events.c.at, events.c.actor, events.c.data).where(
            events.c.action == "attach"
        )
    ).all()
    now = datetime.now(UTC)
    made: list[dict[str, Any]] = []
    for order_id, at, actor, data in rows:
        data = data if isinstance(data, dict) else {}
        kind = data.get("kind")
        row: dict[str, Any] = {
            "order_id": order_id,
            "openid": str(actor).partition(":")[2][:64],
            "kind": kind,
            "at": at,
            "attempts": 0,
        }
        if kind == "image" and data.get("media_id"):
            row |= {"media_id": str(data["media_id"])[:128], "pic_url": data.get("pic_url")}
            row |= {"state": "pending", "next_attempt_at": now}  # expired ones fail at once
        elif kind == "location":
            label = data.get("label")
            row |= {"latitude": _number(data.get("lat")), "longitude": _number(data.get("lon"))}
            row["label"] = str(label)[:200] if label else None
        else:
            continue
        made.append(row)
    if made:
        columns: dict[str, Any] = {
            "order_id": _ID,
            "openid": sa.String(),
            "kind": sa.String(),
            "at": _TIME,
            "attempts": sa.Integer(),
            "media_id": sa.String(),
            "pic_url": sa.Text(),
            "state": sa.String(),
            "next_attempt_at": _TIME,
            "latitude": sa.Float(),
            "longitude": sa.Float(),
            "label": sa.String(),
        }
        table = sa.table("order_attachments", *(sa.column(k, t) for k, t in columns.items()))
        conn.execute(table.insert(), [{k: r.get(k) for k in columns} for r in made])


def upgrade() -> None:
    _attachments()
    _invites()
    _from_history()


def downgrade() -> None:
    op.drop_table("console_invites")
    op.drop_table("attachment_content")
    op.drop_table("order_attachments")
