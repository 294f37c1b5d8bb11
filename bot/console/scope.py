"""Who is signed in, what they may do, and which orders they may see.

Checked on the server for every page and every action: a grid leader's queries are limited to
the buildings of their grid, and an order outside it is "not found" (numbers are not revealed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders.office_service import Author
from models.community import Building, Community, Grid, Resident
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


def _community_id(code: str) -> Any:
    return select(Community.id).where(Community.code == code).scalar_subquery()


def grid_buildings(grid: str, community: str | None = None) -> Any:
    """The (estate, number) of each building of a grid, as a subquery; on a street, the grid
    of the viewer's community (grid codes repeat across communities)."""
    query = (
        select(Building.estate_code, Building.number)
        .join(Grid, Grid.id == Building.grid_id)
        .where(Grid.code == grid)
    )
    if community:
        query = query.where(Grid.community_id == _community_id(community))
    return query


def _of_community(code: str, column: Any) -> ColumnElement[bool]:
    """Rows whose ``column`` names the community ``code``; rows from before streets (no
    community) belong to the first community; the street office's account sees them all."""
    first = select(func.min(Community.id)).where(Community.kind != "street").scalar_subquery()
    street = exists().where(Community.code == code, Community.kind == "street")
    here = _community_id(code)
    return or_(street, column == here, and_(column.is_(None), here == first))


def in_community(code: str) -> ColumnElement[bool]:
    """Orders of the community ``code`` (see :func:`_of_community`)."""
    return _of_community(code, Order.community_id)


def order_in_grid(grid: str, community: str | None) -> ColumnElement[bool]:
    """An order at one of the grid's buildings: matched by estate and number, or by number
    alone for orders filed without an estate (before the community listed its estates).
    ``grid`` may name its community (``dt:G01``): grid codes repeat across a street."""
    if ":" in grid:
        community, grid = grid.split(":", 1)
    buildings = grid_buildings(grid, community).subquery()
    by_estate = tuple_(Order.estate_code, Order.building).in_(
        select(buildings.c.estate_code, buildings.c.number)
    )
    by_number = Order.building.in_(select(buildings.c.number))
    return or_(by_estate, and_(func.coalesce(Order.estate_code, "") == "", by_number))


def resident_in_community(code: str) -> ColumnElement[bool]:
    """Residents of the community ``code``: found from outside, 青和居's console listed
    东亭's residents."""
    return _of_community(code, Resident.community_id)


def scoped(query: Select[Any], viewer: Viewer) -> Select[Any]:
    if viewer.community:
        query = query.where(in_community(viewer.community))
    if viewer.in_grid:
        query = query.where(order_in_grid(viewer.grid or "", viewer.community))
    return query


async def order_in_scope(session: AsyncSession, viewer: Viewer, number: int) -> Order | None:
    """The order, or None when it does not exist or the viewer may not see it."""
    query = scoped(select(Order).where(Order.id == number), viewer)
    found: Order | None = (await session.execute(query)).scalar_one_or_none()
    return found


async def grid_options(session: AsyncSession, viewer: Viewer) -> list[tuple[str, str]]:
    """The grids a viewer may filter by, as (``community:grid``, name): their community's,
    or every community's on the street office's account (named with their community).
    Found from outside: a community's board offered another community's grid of the same
    code, and choosing it showed its own."""
    rows = (
        await session.execute(
            select(Grid.code, Grid.name, Community.code, Community.name, Community.kind)
            .join(Community, Community.id == Grid.community_id)
            .order_by(Community.id, Grid.code)
        )
    ).all()
    street = viewer.community is None or bool(
        (
            await session.execute(
                select(Community.id).where(
                    Community.code == viewer.community, Community.kind == "street"
                )
            )
        ).first()
    )
    mine = [r for r in rows if street or r[2] == viewer.community]
    several = len({r[2] for r in mine}) > 1
    return [(f"{r[2]}:{r[0]}", f"{r[3]}·{r[1]}" if several else r[1]) for r in mine]


def may_be_given(viewer: Viewer, member: Any, communities: dict[int, Any]) -> bool:
    """Whether the viewer's office may give an order to ``member``: a community's office to
    its own members and the street's; the street office to anyone. Found from outside: a
    community's console handed an order to another community's representative, which chat
    refuses."""
    if not member.active:
        return False
    if viewer.community is None:
        return True
    own = communities.get(member.community_id)
    if own is None or own.kind == "street" or own.code == viewer.community:
        return True
    return not any(c.code == viewer.community and c.kind != "street" for c in communities.values())
