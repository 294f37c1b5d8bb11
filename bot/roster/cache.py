"""The dispatch view of the roster, rebuilt only when the roster changes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.orders.dispatch import HouseholdPattern, MemberCard, Place, RosterIndex
from bot.orders.state import OrderFacts
from bot.roster.files.spec import building_key, split_building_key
from bot.storage.staged import AWARE
from models.community import Building, Community, Estate, Grid, Member


def card(m: Member) -> MemberCard:
    patterns = []
    for text in m.households or []:
        try:
            patterns.append(HouseholdPattern.parse(text))
        except ValueError:
            continue  # validated at import; a hand-edited row must not break dispatch
    return MemberCard(
        id=m.key,
        name=m.name,
        roles=frozenset(m.roles or []),
        grids=frozenset(m.grids or []),
        buildings=frozenset(m.buildings or []),
        households=tuple(patterns),
        categories=frozenset(m.categories or []),
        on_duty=m.on_duty,
        active=m.active,
        reachable=bool(m.openid),
    )


@dataclass(frozen=True)
class EstateName:
    community_id: int
    code: str
    name: str
    aliases: tuple[str, ...]


@dataclass
class RosterView:
    """The roster as dispatch and chat read it: one dispatch index per community.

    ``index`` is the first community's (the only one, in a single-community deployment);
    orders and residents with no community belong to it.
    """

    index: RosterIndex
    by_key: dict[str, Member]
    by_id: dict[int, Member]
    buildings: frozenset[str]  # every building key of the default community
    indexes: dict[int, RosterIndex] = field(default_factory=dict)
    default_community: int | None = None
    communities: dict[int, Community] = field(default_factory=dict)
    estates: tuple[EstateName, ...] = ()
    places: dict[int, frozenset[str]] = field(default_factory=dict)  # community -> building keys
    # members' keys and ids as plain values: dispatch reads them for every report, and an
    # ORM attribute read goes through its descriptor
    ids: dict[str, int] = field(default_factory=dict)
    keys: dict[int, str] = field(default_factory=dict)
    own_keys: dict[str, str] = field(default_factory=dict)
    # building numbers that more than one estate (or community) has: 3栋 in 青和居 and 东亭
    shared: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.ids = {m.key: m.id for m in self.by_key.values()}
        # a member writing as a resident (their own home): never dispatched their own order
        self.own_keys = {m.openid: m.key for m in self.by_key.values() if m.openid}
        self.keys = {m.id: m.key for m in self.by_id.values()}
        owners: dict[str, set[tuple[int, str]]] = {}
        for cid, keys in self.places.items():
            for key in keys:
                estate, number = split_building_key(key)
                owners.setdefault(number, set()).add((cid, estate))
        self.shared = frozenset(n for n, found in owners.items() if len(found) > 1)

    def key_of(self, member_id: int | None) -> str | None:
        return self.keys.get(member_id) if member_id is not None else None

    def index_for(self, community_id: int | None) -> RosterIndex:
        if community_id is None:
            return self.index
        return self.indexes.get(community_id, self.index)

    def several(self) -> bool:
        """More than one community or estate: an address may need its estate named."""
        return len(self.indexes) > 1 or len(self.estates) > 1

    def candidates(self, place: Place) -> list[tuple[int, str | None]]:
        """Every (community, estate) that has this place's building, in roster order."""
        if place.building is None:
            return []
        number = place.building.upper()
        out: list[tuple[int, str | None]] = []
        for cid, keys in self.places.items():
            if place.estate is not None:
                if building_key(place.estate, number) in keys:
                    out.append((cid, place.estate))
                continue
            if number in keys:
                out.append((cid, None))
            out.extend(
                (cid, e.code)
                for e in self.estates
                if e.community_id == cid and building_key(e.code, number) in keys
            )
        return out

    def estate_name(self, community_id: int | None, code: str | None) -> str | None:
        cid = community_id if community_id is not None else self.default_community
        for e in self.estates:
            if e.code == code and e.community_id == cid:
                return e.name
        return None

    def address(self, place: Place) -> str:
        """The place as members and residents read it: on a street whose estates share
        building numbers, with its estate (青和居3栋1单元301), or said to be unconfirmed when
        the resident never said which; elsewhere the plain label (3栋1单元301)."""
        label = place.label()
        if not label or place.building is None or not self.shared:
            return label
        community: int | None = place.community
        estate = place.estate
        if community is None and estate is None:
            found = self.candidates(place)
            if len(found) != 1:
                return label + texts.ESTATE_UNCONFIRMED
            community, estate = found[0]
        named = self.estate_name(community, estate) if estate else None
        cid = community if community is not None else self.default_community
        c = self.communities.get(cid) if cid is not None else None
        return (named or (c.name if c is not None else "")) + label

    def order_address(self, order: OrderFacts) -> str:
        """:meth:`address` of an order's place, followed by a space (as it leads a summary);
        "" when the order has no place."""
        place = Place(
            order.building, order.unit, order.room, order.estate_code or None, order.community_id
        )
        said = self.address(place)
        return f"{said} " if said else ""


# What changes when the roster does (read at most once a second). Rows a unit of work staged
# (bot.storage.staged) never change it (a member's turn-taking time is not in it): it does
# not make them go out first.
_STAMP = select(
    select(func.count(Member.id)).scalar_subquery(),
    select(func.max(Member.updated_at)).scalar_subquery(),
    select(func.count(Grid.id)).scalar_subquery(),
    select(func.count(Building.id)).scalar_subquery(),
    select(func.count(Community.id)).scalar_subquery(),
    select(func.count(Estate.id)).scalar_subquery(),
).execution_options(**AWARE)


class RosterCache:
    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self.recheck = 1.0
        self._checked = 0.0
        self._loaded = 0.0
        self._stamp: tuple[object, ...] | None = None
        self._view: RosterView | None = None
        self.last_assigned: dict[str, float] = {}

    async def get(self, session: AsyncSession) -> RosterView:
        if self._view is not None and time.monotonic() - self._checked < self.recheck:
            return self._view  # under load, look at the roster's stamp at most once a second
        self._checked = time.monotonic()
        stamp = tuple((await session.execute(_STAMP)).one())
        if time.monotonic() - self._loaded > self.ttl:
            self._stamp = None  # grid leader changes do not touch the stamp: reload now and then
        if self._view is not None and stamp == self._stamp:
            return self._view
        members = list((await session.execute(select(Member))).scalars())
        grids = list((await session.execute(select(Grid))).scalars())
        buildings = list((await session.execute(select(Building))).scalars())
        communities = list(await session.execute(select(Community).order_by(Community.id)))
        estates = list((await session.execute(select(Estate).where(Estate.active))).scalars())
        # The view outlives this session: detached, a rollback there cannot expire its members.
        rows = [c for (c,) in communities]
        for obj in (*members, *grids, *buildings, *rows, *estates):
            session.expunge(obj)
        for m in members:
            if m.last_assigned_at is not None:
                self.last_assigned[m.key] = max(
                    self.last_assigned.get(m.key, 0.0), m.last_assigned_at.timestamp()
                )
        self._view = build_view(rows, members, grids, buildings, estates)
        self._stamp = stamp
        self._loaded = time.monotonic()
        return self._view

    def invalidate(self) -> None:
        self._stamp = None
        self._checked = 0.0

    def note_assigned(self, key: str, when: datetime) -> None:
        self.last_assigned[key] = when.timestamp()


def build_view(
    communities: list[Community],
    members: list[Member],
    grids: list[Grid],
    buildings: list[Building],
    estates: list[Estate],
) -> RosterView:
    offices = {c.street_id: c.id for c in communities if c.kind == "street"}
    served = [c for c in communities if c.kind != "street"] or communities
    indexes: dict[int, RosterIndex] = {}
    places: dict[int, frozenset[str]] = {}
    for c in served:
        own_grids = [g for g in grids if g.community_id == c.id]
        grid_code = {g.id: g.code for g in own_grids}
        keys = {
            building_key(b.estate_code, b.number): b for b in buildings if b.community_id == c.id
        }
        office = offices.get(c.street_id) if c.street_id is not None else None
        indexes[c.id] = RosterIndex.build(
            (card(m) for m in members if m.community_id == c.id),
            {k: grid_code[b.grid_id] for k, b in keys.items() if b.grid_id in grid_code},
            {g.code: g.name for g in own_grids},
            {g.code: g.leader_key for g in own_grids if g.leader_key and g.active},
            street_staff=[card(m) for m in members if office and m.community_id == office],
        )
        places[c.id] = frozenset(keys)
    first = served[0].id if served else None
    default = indexes[first] if first is not None else RosterIndex.build([], {})
    return RosterView(
        default,
        {m.key: m for m in members},
        {m.id: m for m in members},
        places.get(first, frozenset()) if first is not None else frozenset(),
        indexes,
        first,
        {c.id: c for c in communities},
        tuple(
            EstateName(e.community_id, e.code, e.name, tuple(e.aliases or []))
            for e in estates
            if e.community_id in indexes
        ),
        places,
    )
