"""Who may do what to an order: role and scope, decided without I/O."""

from __future__ import annotations

from bot.orders.dispatch import MemberCard, Place
from bot.orders.lifecycle import Action


def in_scope(member: MemberCard, place: Place, category: str | None, grid: str | None) -> bool:
    if grid is not None and grid in member.grids:
        return True
    if place.key is not None and place.key in {b.upper() for b in member.buildings}:
        return True
    if category is not None and category in member.categories:
        return True
    return any(p.matches(place) for p in member.households)


def may_act(
    member: MemberCard,
    action: Action,
    *,
    is_assignee: bool,
    place: Place,
    category: str | None,
    grid: str | None,
) -> bool:
    if not member.active:
        return False
    if "staff" in member.roles:
        return True
    if "grid_leader" in member.roles and grid is not None and grid in member.grids:
        return True
    if is_assignee:
        return True
    # Someone else responsible for the same place may step in and take an unaccepted order.
    return action == Action.ACCEPT and in_scope(member, place, category, grid)


def estates_of(member: MemberCard, grid_of_building: dict[str, str]) -> set[str]:
    """The estate codes of the buildings a member answers for (their households, their
    buildings, their grids' buildings); empty for someone of no place (staff, a mediator)."""
    keys = {p.building for p in member.households} | {b.upper() for b in member.buildings}
    keys |= {k for k, grid in grid_of_building.items() if grid in member.grids}
    return {key.rpartition(":")[0] for key in keys}
