"""Who stands behind a role for an order: its grid leader, its community's staff, the street
office's staff (looked up on the roster view, active members only)."""

from __future__ import annotations

from bot.orders.dispatch import Place, RosterIndex
from bot.orders.state import OrderFacts
from bot.roster.cache import RosterView
from models.community import Member


def grid_of(index: RosterIndex, place: Place) -> str | None:
    """The grid of a place. A place whose estate the resident never said (3栋, filed without
    an estate) is matched by its building number alone when one grid of the community has
    that number, as the console does: someone in the community answers for it."""
    grid = index.grid_for(place)
    if grid is not None or place.estate or place.building is None:
        return grid
    number = place.building.upper()
    found = {g for key, g in index.grid_of_building.items() if key.rpartition(":")[2] == number}
    return found.pop() if len(found) == 1 else None


def grid_leader(view: RosterView, order: OrderFacts) -> Member | None:
    """The grid leader of the order's place, if there is an active one."""
    index = view.index_for(order.community_id)
    grid = grid_of(index, Place(order.building, order.unit, order.room, order.estate_code or None))
    key = index.grid_leader.get(grid) if grid else None
    leader = view.by_key.get(key) if key else None
    return leader if leader is not None and leader.active else None


def staff(view: RosterView, order: OrderFacts) -> list[Member]:
    """The staff of the order's community (the street office's when the community has none)."""
    index = view.index_for(order.community_id)
    keys = index.staff or index.street_staff
    found = (view.by_key.get(k) for k in keys)
    return [m for m in found if m is not None and m.active]


def street_staff(view: RosterView, order: OrderFacts) -> list[Member]:
    """The street office's staff above the order's community."""
    index = view.index_for(order.community_id)
    found = (view.by_key.get(k) for k in index.street_staff)
    return [m for m in found if m is not None and m.active]
