from __future__ import annotations

from datetime import datetime

import pytest

from bot.intake.timeparse import TZ


@pytest.fixture
def friday() -> datetime:
    """Friday 2026-11-20 10:00 in Shanghai."""
    return datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
