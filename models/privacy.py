"""Residents' privacy requests and the record of every export and erase (个人信息保护法)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class PrivacyRecord(Base):
    """A resident's request (``erase_request``: 「删除我的信息」 in chat) or an export or erase
    done by the office. ``subject`` is a hash of the openid, so the record outlives the erase
    without keeping who it was; ``openid`` is cleared when the resident is erased."""

    __tablename__ = "privacy_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # erase_request, export, erase
    subject: Mapped[str] = mapped_column(String(32), index=True)
    openid: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # open, done, withdrawn (by the resident)
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(80))  # "resident", "cli", "console:<user>"
    created_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]
