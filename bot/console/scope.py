"""Who is signed in, what they may do, and which orders they may see.

Checked on the server for every page and every action: a grid leader's queries are limited to
the buildings of their grid, and an order outside it is "not found" (numbers are not revealed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders.office_service import Author
from models.community import Building, Grid
from models.orders import Order

ACTING_ROLES = frozenset({"admin", "staff", "grid_leader"})


@dataclass(frozen=True)
class Viewer:
    username: str
    role: str
    community: str | None
    grid: str | None
    member_key: str | None
    csrf: str

    @property
    def may_act(self) -> bool:
        return self.role in ACTING_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def in_grid(self) -> bool:
        return self.role == "grid_leader"

    @property
    def sees_phones(self) -> bool:
        return self.role != "viewer"

    @property
    def author(self) -> Author:
        return Author(self.username, self.member_key)


def grid_buildings(grid: str) -> Select[Any]:
    """The building numbers of a grid (by its code), as a subquery."""
    return select(Building.number).join(Grid, Grid.id == Building.grid_id).where(Grid.code == grid)


def scoped(query: Select[Any], viewer: Viewer) -> Select[Any]:
    if viewer.in_grid:
        return query.where(Order.building.in_(grid_buildings(viewer.grid or "")))
    return query


async def order_in_scope(session: AsyncSession, viewer: Viewer, number: int) -> Order | None:
    """The order, or None when it does not exist or the viewer may not see it."""
    query = scoped(select(Order).where(Order.id == number), viewer)
    found: Order | None = (await session.execute(query)).scalar_one_or_none()
    return found
