"""Who may do what to an order: role and scope, decided without I/O."""

from __future__ import annotations

from bot.orders.dispatch import MemberCard, Place
from bot.orders.lifecycle import ACTIVE, Action, Status


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


_NEEDS_A_HOLDER = frozenset({Action.PROGRESS, Action.RESOLVE, Action.ESCALATE})
_UNTAKEN = frozenset({Status.RECEIVED, Status.ASSIGNED})


def accept_first(
    member: MemberCard,
    action: Action,
    status: str,
    *,
    place: Place,
    category: str | None,
    grid: str | None,
) -> bool:
    """``action`` (进度, 完成, 吹哨) needs the order accepted, nobody has accepted it yet, and
    the member may take it (接单): they are told to accept it first. Whoever may not take it
    hears that there is no such order, so no one learns of orders outside their scope."""
    if action not in _NEEDS_A_HOLDER or status not in _UNTAKEN:
        return False
    return may_act(
        member, Action.ACCEPT, is_assignee=False, place=place, category=category, grid=grid
    )


def held_by_another(
    member: MemberCard,
    action: Action,
    status: str,
    *,
    place: Place,
    category: str | None,
    grid: str | None,
) -> bool:
    """Someone else has taken an order this member answers for (their building, grid or
    category), and the member tries to act on it: they are told who holds it rather than
    that there is no such order. Outside their scope the order stays invisible."""
    if action not in _NEEDS_A_HOLDER | {Action.DECLINE} or status not in ACTIVE:
        return False
    return member.active and in_scope(member, place, category, grid)


def estates_of(member: MemberCard, grid_of_building: dict[str, str]) -> set[str]:
    """The estate codes of the buildings a member answers for (their households, their
    buildings, their grids' buildings); empty for someone of no place (staff, a mediator)."""
    keys = {p.building for p in member.households} | {b.upper() for b in member.buildings}
    keys |= {k for k, grid in grid_of_building.items() if grid in member.grids}
    return {key.rpartition(":")[0] for key in keys}
