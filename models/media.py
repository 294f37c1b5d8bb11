"""Photos and places residents send with their reports, and the photos' bytes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

_ID = BigInteger().with_variant(Integer, "sqlite")
# A photo's way from WeChat's temporary media to our database (bot/media/fetch.py):
# pending (to fetch; retried until WeChat's copy expires), stored, refused (not an image, or
# too large), failed (WeChat refused the media id, or the copy expired before we had it).
PHOTO_STATES = ("pending", "stored", "refused", "failed")


class OrderAttachment(Base):
    """A photo or a place a resident sent. ``order_id`` is None while it waits for the report
    it belongs to (sent before the words, or while we asked for the address)."""

    __tablename__ = "order_attachments"
    __table_args__ = (
        Index("ix_order_attachments_due", "state", "next_attempt_at"),
        Index("ix_order_attachments_sender", "openid", "at"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    openid: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # "image" or "location"
    at: Mapped[datetime]
    # a photo: WeChat's temporary media id (valid 3 days) and its picture URL
    media_id: Mapped[str | None] = mapped_column(String(128))
    pic_url: Mapped[str | None] = mapped_column(Text)
    # a place: WeChat's Location_X (latitude), Location_Y (longitude), Label
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(200))
    # the photo's fetch: a durable job on the row itself, claimed with a lease
    state: Mapped[str | None] = mapped_column(String(16))  # PHOTO_STATES; None for a place
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(32))
    size: Mapped[int | None] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime | None]


class AttachmentContent(Base):
    """A stored photo's bytes, apart from its row so listing attachments never loads them."""

    __tablename__ = "attachment_content"

    attachment_id: Mapped[int] = mapped_column(
        _ID, ForeignKey("order_attachments.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
