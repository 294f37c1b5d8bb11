"""Who takes an order: the dispatch chain as a pure function over an indexed roster.

Chain: the category's designated members (paperwork → staff, disputes → mediators) → the
household's representative → the building leader → the grid leader → community staff. Members
who are inactive, off duty, excluded (they declined it) or at their cap of open orders are
skipped; among equals the one with the fewest open orders, then the longest idle, gets it.
Every decision carries a sentence for the order's history.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot import texts

ROLE_NAMES = texts.ROLE_NAMES
CATEGORY_NAMES = texts.CATEGORY_NAMES
ROLES = frozenset(ROLE_NAMES)
# Roles that take a category by default when nobody is designated for it explicitly.
DEFAULT_ROLE_FOR_CATEGORY = {"dispute": "mediator", "paperwork": "staff"}


@dataclass(frozen=True)
class Place:
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    estate: str | None = None  # the estate's code, in a community that lists estates
    community: int | None = None  # the community's id; None: the only (or first) one

    @property
    def key(self) -> str | None:
        """The building as the roster names it: ``3``, or ``E1:3`` within an estate."""
        if self.building is None:
            return None
        return f"{self.estate}:{self.building}".upper() if self.estate else self.building.upper()

    def label(self) -> str:
        parts = []
        if self.building:
            parts.append(texts.BUILDING.format(building=self.building))
        if self.unit:
            parts.append(texts.UNIT.format(unit=self.unit))
        if self.room:
            parts.append(self.room)
        return "".join(parts)


@dataclass(frozen=True)
class HouseholdPattern:
    """``1-2-501``, ``1-2-*`` (a whole unit), ``1-*`` / ``1-*-*`` (a whole building)."""

    building: str
    unit: str  # "*" for any
    room: str  # "*" for any

    @classmethod
    def parse(cls, text: str) -> HouseholdPattern:
        parts = [p.strip().upper() for p in str(text).split("-")]
        if not parts or not parts[0] or parts[0] == "*" or len(parts) > 3:
            raise ValueError(
                f"household {text!r}: expected building-unit-room, e.g. 1-2-501 or 1-2-*"
            )
        while len(parts) < 3:
            parts.append("*")
        if any(not p for p in parts):
            raise ValueError(f"household {text!r}: empty part")
        return cls(parts[0], parts[1], parts[2])

    def matches(self, place: Place) -> int:
        """0 = no match; otherwise a specificity score (higher = closer)."""
        if place.building is None or place.key != self.building:
            return 0
        score = 1
        if self.unit != "*":
            if place.unit is not None and place.unit != self.unit:
                return 0
            score += 2 if place.unit is not None else 0
        if self.room != "*":
            if place.room is None or place.room != self.room:
                return 0
            score += 4
        return score

    def __str__(self) -> str:
        return f"{self.building}-{self.unit}-{self.room}"


@dataclass(frozen=True)
class MemberCard:
    """A member as dispatch sees it."""

    id: str
    name: str
    roles: frozenset[str]
    grids: frozenset[str] = frozenset()
    buildings: frozenset[str] = frozenset()  # building leaders
    households: tuple[HouseholdPattern, ...] = ()
    categories: frozenset[str] = frozenset()
    on_duty: bool = True
    active: bool = True
    reachable: bool = True  # bound to a WeChat user: a push can reach them


@dataclass(frozen=True)
class Decision:
    member_id: str | None
    reason: str  # for the order history, in Chinese
    level: str  # which link of the chain answered
    also_notify: tuple[str, ...] = ()  # e.g. the grid leader for urgent orders


@dataclass
class RosterIndex:
    members: dict[str, MemberCard]
    grid_of_building: dict[str, str]
    grid_names: dict[str, str] = field(default_factory=dict)
    grid_leader: dict[str, str] = field(default_factory=dict)  # grid code -> member id
    reps: dict[str, list[tuple[HouseholdPattern, str]]] = field(default_factory=dict)
    building_leaders: dict[str, list[str]] = field(default_factory=dict)
    category_members: dict[str, list[str]] = field(default_factory=dict)
    staff: list[str] = field(default_factory=list)
    street_staff: list[str] = field(default_factory=list)  # the street office: the last link

    @classmethod
    def build(
        cls,
        members: Iterable[MemberCard],
        grid_of_building: Mapping[str, str],
        grid_names: Mapping[str, str] | None = None,
        grid_leader: Mapping[str, str] | None = None,
        street_staff: Iterable[MemberCard] = (),
    ) -> RosterIndex:
        index = cls({m.id: m for m in members}, dict(grid_of_building), dict(grid_names or {}))
        for m in street_staff:
            index.members.setdefault(m.id, m)
            if "staff" in m.roles:
                index.street_staff.append(m.id)
        leaders = dict(grid_leader or {})
        reps: dict[str, list[tuple[HouseholdPattern, str]]] = defaultdict(list)
        bleaders: dict[str, list[str]] = defaultdict(list)
        category: dict[str, list[str]] = defaultdict(list)
        for m in index.members.values():
            if m.id in index.street_staff:
                continue
            for pattern in m.households:
                reps[pattern.building].append((pattern, m.id))
            if "building_leader" in m.roles:
                for b in m.buildings:
                    bleaders[b.upper()].append(m.id)
            for c in m.categories:
                category[c].append(m.id)
            if "grid_leader" in m.roles:
                for g in m.grids:
                    leaders.setdefault(g, m.id)
            if "staff" in m.roles:
                index.staff.append(m.id)
        for cat, role in DEFAULT_ROLE_FOR_CATEGORY.items():
            if cat not in category:
                category[cat] = [
                    m.id
                    for m in index.members.values()
                    if role in m.roles and m.id not in index.street_staff
                ]
        index.reps, index.building_leaders, index.category_members = (
            dict(reps),
            dict(bleaders),
            dict(category),
        )
        index.grid_leader = leaders
        return index

    def grid_for(self, place: Place) -> str | None:
        key = place.key
        return None if key is None else self.grid_of_building.get(key)

    def chain(self, place: Place, category: str | None) -> list[tuple[str, list[str], str]]:
        """The links of the chain for this place: (level, member ids, reason template)."""
        links: list[tuple[str, list[str], str]] = []
        if category and self.category_members.get(category):
            links.append(
                (
                    "category",
                    self.category_members[category],
                    texts.CHAIN_CATEGORY.format(category=CATEGORY_NAMES.get(category, category)),
                )
            )
        if place.building:
            scored = [(p.matches(place), mid) for p, mid in self.reps.get(place.key or "", ())]
            scored = [(s, mid) for s, mid in scored if s]
            if scored:
                best = max(s for s, _ in scored)
                ids = list(dict.fromkeys(mid for s, mid in scored if s == best))
                links.append(
                    ("representative", ids, texts.CHAIN_REPRESENTATIVE.format(place=place.label()))
                )
            bl = self.building_leaders.get(place.key or "")
            if bl:
                links.append(
                    (
                        "building_leader",
                        bl,
                        texts.CHAIN_BUILDING_LEADER.format(building=place.building),
                    )
                )
        grid = self.grid_for(place)
        if grid and grid in self.grid_leader:
            name = self.grid_names.get(grid, grid)
            links.append(
                ("grid_leader", [self.grid_leader[grid]], texts.CHAIN_GRID_LEADER.format(grid=name))
            )
        if self.staff:
            links.append(("staff", self.staff, texts.CHAIN_STAFF))
        if self.street_staff:
            links.append(("street", self.street_staff, texts.CHAIN_STREET))
        return links


def _why_not(m: MemberCard | None, count: int, cap: int) -> str | None:
    """Why a member of the chain cannot take the order now (None: they can)."""
    if m is None or not m.active:
        return texts.SKIP_INACTIVE
    if not m.reachable:
        return texts.SKIP_UNREACHABLE
    if not m.on_duty:
        return texts.SKIP_OFF_DUTY
    if count >= cap:
        return texts.SKIP_AT_CAP
    return None


def decide(
    index: RosterIndex,
    place: Place,
    category: str | None,
    *,
    urgent: bool = False,
    exclude: Iterable[str] = (),
    open_counts: Mapping[str, int] | None = None,
    last_assigned: Mapping[str, float] | None = None,
    cap: int = 20,
    links: list[tuple[str, list[str], str]] | None = None,
) -> Decision:
    """The first link of the chain with someone who can take the order; members passed over
    for a reason of their own (unbound, off duty, at their cap) are named in the history."""
    excluded = set(exclude)
    counts = open_counts or {}
    idle = last_assigned or {}
    chosen: str | None = None
    reason = texts.HISTORY_NOBODY
    level = "none"
    skipped: dict[str, str] = {}
    # ``links``: the chain, when the caller worked it out already (to count open orders)
    for link_level, ids, why in index.chain(place, category) if links is None else links:
        available = []
        for mid in ids:
            if mid in excluded:
                continue
            problem = _why_not(index.members.get(mid), counts.get(mid, 0), cap)
            if problem is None:
                available.append(mid)
            elif mid in index.members and problem != texts.SKIP_INACTIVE:
                skipped.setdefault(mid, problem)
        if available:
            chosen = min(available, key=lambda mid: (counts.get(mid, 0), idle.get(mid, 0.0), mid))
            reason = texts.HISTORY_ASSIGNED.format(name=index.members[chosen].name, why=why)
            level = link_level
            break
    if skipped:
        names = "、".join(f"{index.members[k].name}{v}" for k, v in skipped.items())
        reason += texts.HISTORY_SKIPPED.format(names=names)
    return Decision(chosen, reason, level, _also_notify(index, place, urgent, chosen))


# 我要投诉吴建华 态度很差: the order is about the member, so it never goes to them
_COMPLAINT = re.compile(
    r"投诉|举报|态度(?:很|太|特别|极其)?(?:差|恶劣|不好|蛮横)|不作为|不负责|不管事|骂人|刁难|推诿|吃拿卡要"
)


def complained_about(text: str, members: Mapping[str, MemberCard]) -> tuple[str, ...]:
    """The members a complaint in ``text`` names (by their full name)."""
    if not _COMPLAINT.search(text):
        return ()
    return tuple(mid for mid, m in members.items() if len(m.name) >= 2 and m.name in text)


def _also_notify(
    index: RosterIndex, place: Place, urgent: bool, chosen: str | None
) -> tuple[str, ...]:
    """For an urgent order, the grid leader hears of it too (if not the one chosen)."""
    if not urgent:
        return ()
    grid = index.grid_for(place)
    leader = index.grid_leader.get(grid) if grid else None
    if leader and leader != chosen and leader in index.members and index.members[leader].active:
        return (leader,)
    return ()
