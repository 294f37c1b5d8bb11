"""Who stands behind a role for an order: its grid leader, its community's staff, the street
office's staff (looked up on the roster view, active members only)."""

from __future__ import annotations

from bot.orders.dispatch import Place
from bot.orders.state import OrderFacts
from bot.roster.cache import RosterView
from models.community import Member


def grid_leader(view: RosterView, order: OrderFacts) -> Member | None:
    """The grid leader of the order's place, if there is an active one."""
    index = view.index_for(order.community_id)
    grid = index.grid_for(Place(order.building, order.unit, order.room, order.estate_code or None))
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
