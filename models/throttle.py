"""Failure counters with lockouts, shared by every process (invite codes, sign-ins, reports)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Throttle(Base):
    """Failures under one key within a window; ``locked_until`` once the limit is reached."""

    __tablename__ = "throttles"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    window_start: Mapped[datetime]
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
