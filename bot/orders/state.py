"""An order's three shapes, and the one place a change is written onto any of them.

- ``models.orders.Order``: the ORM order, for a unit of work that changes a few orders;
- :class:`OrderRow`: the same columns as a plain row, for work over many orders at once (the
  timer tick reads and writes them in bulk);
- :class:`FreshOrder`: a new order as a report creates it, every column, staged as a row
  and written with its batch.

All satisfy :class:`OrderFacts`, which is all the pure lifecycle and timer rules read.
:func:`write` is the only code that sets an order's columns from a change — the status among
them — whatever the shape and whoever acted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import Any, Protocol


class OrderFacts(Protocol):
    """What the lifecycle and the timers read of an order."""

    @property
    def id(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def urgent(self) -> bool: ...
    @property
    def category(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def building(self) -> str | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def room(self) -> str | None: ...
    @property
    def community_id(self) -> int | None: ...
    @property
    def estate_code(self) -> str | None: ...
    @property
    def resident_openid(self) -> str: ...
    @property
    def assignee_id(self) -> int | None: ...
    @property
    def declined_by(self) -> list[int]: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def assigned_at(self) -> datetime | None: ...
    @property
    def resolved_at(self) -> datetime | None: ...
    @property
    def accept_reminded_at(self) -> datetime | None: ...
    @property
    def escalation_level(self) -> int: ...
    @property
    def resolve_reminded_at(self) -> datetime | None: ...
    @property
    def overdue_at(self) -> datetime | None: ...
    @property
    def survey_sent_at(self) -> datetime | None: ...
    @property
    def reopened_at(self) -> datetime | None: ...
    @property
    def hazard(self) -> str | None: ...
    @property
    def text(self) -> str: ...
    @property
    def settled_at(self) -> datetime | None: ...


@dataclass(slots=True)
class OrderRow:
    """An order as a plain row. ``changes()`` says what a bulk UPDATE must set afterwards."""

    id: int
    status: str
    urgent: bool
    created_at: datetime
    assigned_at: datetime | None = None
    resolved_at: datetime | None = None
    accept_reminded_at: datetime | None = None
    escalation_level: int = 0
    resolve_reminded_at: datetime | None = None
    overdue_at: datetime | None = None
    survey_sent_at: datetime | None = None
    closed_at: datetime | None = None
    reopened_at: datetime | None = None
    # an emergency's kind and words: the numbers its resident is given again (the timers)
    hazard: str | None = None
    text: str = ""
    settled_at: datetime | None = None
    assignee_id: int | None = None
    resident_openid: str = ""
    category: str = "other"
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    community_id: int | None = None
    estate_code: str | None = None
    summary: str = ""
    updated_at: datetime | None = None
    next_timer_at: datetime | None = None
    timer_lease_until: datetime | None = None
    declined_by: list[int] = field(default_factory=list)
    version: int = 0
    _read: dict[str, Any] = field(default_factory=dict, repr=False)
    _written: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def read(cls, row: Sequence[Any]) -> OrderRow:
        """A row selected with :data:`ROW_COLUMNS` (in that order)."""
        return cls(*row)

    def changes(self) -> dict[str, Any]:
        """The columns :func:`write` or the caller changed since :meth:`read`, with the id."""
        out: dict[str, Any] = {"id": self.id}
        written = self._written
        for name in ROW_COLUMNS:  # a fixed order: rows changed alike share one statement
            if name not in written:
                continue
            value = getattr(self, name)
            if name not in self._read or value != self._read[name]:
                out[name] = value
        return out

    def set(self, name: str, value: Any) -> None:
        """Change a column, remembering what it held when read."""
        if name not in self._read:
            self._read[name] = getattr(self, name)
        self._written.add(name)
        setattr(self, name, value)


# What :meth:`OrderRow.read` expects, in order: the row's fields up to the version.
ROW_COLUMNS = tuple(f.name for f in fields(OrderRow) if not f.name.startswith("_"))


def write(order: Any, values: Mapping[str, Any]) -> None:
    """Set the change's columns on an ORM order or a row: the status is only ever set here."""
    if isinstance(order, OrderRow):
        for name, value in values.items():
            order.set(name, value)
    else:
        for name, value in values.items():
            setattr(order, name, value)


@dataclass(slots=True)
class FreshOrder:
    """A new order as a report creates it: every column of ``orders``, kept as a plain row
    and staged with its history and pushes (bot.storage.staged), written with its batch.

    ``version`` counts its writes as the ORM's version column would have: 1 when created,
    one more for every change that moved a column (the dispatch). ``written``: its row has
    gone out (something else ran in the transaction first); later changes are updates.
    """

    id: int
    resident_openid: str
    category: str
    urgent: bool
    text: str
    summary: str
    status: str
    created_at: datetime
    updated_at: datetime
    community_id: int | None = None
    estate_code: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    danger: str | None = None
    hazard: str | None = None
    merged_into: int | None = None
    phones: list[str] = field(default_factory=list)
    preferred_start: datetime | None = None
    preferred_end: datetime | None = None
    assignee_id: int | None = None
    declined_by: list[int] = field(default_factory=list)
    source_message_id: int | None = None
    assigned_at: datetime | None = None
    accepted_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    rating: int | None = None
    next_timer_at: datetime | None = None
    timer_lease_until: datetime | None = None
    accept_reminded_at: datetime | None = None
    escalation_level: int = 0
    resolve_reminded_at: datetime | None = None
    overdue_at: datetime | None = None
    survey_sent_at: datetime | None = None
    reopened_at: datetime | None = None
    settled_at: datetime | None = None
    version: int = 1
    written: bool = False

    def row(self) -> dict[str, Any]:
        """The row to insert (bot.storage.staged reads it when the batch is written)."""
        self.written = True
        return dict(zip(FRESH_COLUMNS, _FRESH_VALUES(self), strict=True))


FRESH_COLUMNS = tuple(f.name for f in fields(FreshOrder) if f.name != "written")
_FRESH_VALUES = attrgetter(*FRESH_COLUMNS)
