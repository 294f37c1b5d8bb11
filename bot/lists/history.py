"""Every change to the three lists, kept in ``list_history``: who, when, what, before, after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.lists import DemandGroup, ListChange, PartnerResource, Project

Row = DemandGroup | PartnerResource | Project
KINDS = {DemandGroup: "demand", PartnerResource: "resource", Project: "project"}
_SKIP = {"created_at", "updated_at"}


def snapshot(row: Row | None) -> dict[str, Any] | None:
    """The row's fields as plain JSON values (times left out: the change has its own)."""
    if row is None:
        return None
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in _SKIP}


def record(
    session: AsyncSession,
    actor: str,
    row: Row,
    action: str,
    before: dict[str, Any] | None,
    now: datetime,
    note: dict[str, Any] | None = None,
) -> ListChange:
    """Add the change; call after the row has its id (flush first for a new row)."""
    change = ListChange(
        at=now,
        actor=actor,
        kind=KINDS[type(row)],
        target_id=row.id,
        action=action,
        before=before,
        after={**(snapshot(row) or {}), **(note or {})},
    )
    session.add(change)
    return change


async def changes(
    session: AsyncSession,
    kind: str | None = None,
    target: int | None = None,
    limit: int = 100,
    where: ColumnElement[bool] | None = None,
) -> list[ListChange]:
    """The latest changes, newest first; ``where``: only those (a scope's, e.g.)."""
    query = select(ListChange).order_by(ListChange.id.desc()).limit(limit)
    if where is not None:
        query = query.where(where)
    if kind:
        query = query.where(ListChange.kind == kind)
    if target is not None:
        query = query.where(ListChange.target_id == target)
    return list((await session.execute(query)).scalars())
