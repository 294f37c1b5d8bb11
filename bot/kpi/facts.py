"""One order as the figures read it: a plain record, no I/O (the loader fills it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

CANCELLED = "cancelled"
DONE = frozenset({"resolved", "closed"})  # solved, as it stands now
FINISHED = DONE | {CANCELLED}
SATISFIED_FROM = 4  # ratings 4 and 5 count as satisfied


@dataclass(slots=True)
class OrderFact:
    """What the figures read of one order (times aware, UTC as stored); read-only by convention
    (not frozen: a frozen dataclass is slower to build, and a month may hold 100,000)."""

    id: int
    created_at: datetime
    status: str
    category: str = "other"
    urgent: bool = False
    community: str | None = None  # community code
    grid: str | None = None  # grid code of the order's building
    member: str | None = None  # roster key of the assignee
    member_name: str | None = None
    building: str | None = None
    summary: str = ""
    assigned_at: datetime | None = None
    accepted_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    rating: int | None = None
    reopened: bool = False  # 重办: reopened at least once after a resolution
    escalation_level: int = 0  # timers: 1 grid leader told, 2 community staff told
    whistled: bool = False  # 吹哨: escalated beyond the community
    overdue: bool = False  # the resolution-deadline timer fired

    @property
    def cancelled(self) -> bool:
        return self.status == CANCELLED
