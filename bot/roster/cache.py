"""The dispatch view of the roster, rebuilt only when the roster changes."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders.dispatch import HouseholdPattern, MemberCard, RosterIndex
from models.community import Building, Grid, Member


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


@dataclass
class RosterView:
    index: RosterIndex
    by_key: dict[str, Member]
    by_id: dict[int, Member]
    buildings: frozenset[str]

    def key_of(self, member_id: int | None) -> str | None:
        m = self.by_id.get(member_id) if member_id is not None else None
        return m.key if m else None


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
        stamp = tuple(
            (
                await session.execute(
                    select(
                        select(func.count(Member.id)).scalar_subquery(),
                        select(func.max(Member.updated_at)).scalar_subquery(),
                        select(func.count(Grid.id)).scalar_subquery(),
                        select(func.count(Building.id)).scalar_subquery(),
                    )
                )
            ).one()
        )
        if time.monotonic() - self._loaded > self.ttl:
            self._stamp = None  # grid leader changes do not touch the stamp: reload now and then
        if self._view is not None and stamp == self._stamp:
            return self._view
        members = list((await session.execute(select(Member))).scalars())
        grids = list((await session.execute(select(Grid))).scalars())
        buildings = list((await session.execute(select(Building))).scalars())
        # The view outlives this session: detached, a rollback there cannot expire its members.
        for obj in (*members, *grids, *buildings):
            session.expunge(obj)
        grid_code = {g.id: g.code for g in grids}
        grid_of_building = {
            b.number.upper(): grid_code[b.grid_id] for b in buildings if b.grid_id in grid_code
        }
        index = RosterIndex.build(
            (card(m) for m in members),
            grid_of_building,
            {g.code: g.name for g in grids},
            {g.code: g.leader_key for g in grids if g.leader_key and g.active},
        )
        for m in members:
            if m.last_assigned_at is not None:
                self.last_assigned[m.key] = max(
                    self.last_assigned.get(m.key, 0.0), m.last_assigned_at.timestamp()
                )
        self._view = RosterView(
            index,
            {m.key: m for m in members},
            {m.id: m for m in members},
            frozenset(b.number.upper() for b in buildings),
        )
        self._stamp = stamp
        self._loaded = time.monotonic()
        return self._view

    def invalidate(self) -> None:
        self._stamp = None
        self._checked = 0.0

    def note_assigned(self, key: str, when: datetime) -> None:
        self.last_assigned[key] = when.timestamp()
