"""Importing the places of a roster: the street, the estates and the buildings.

Buildings are kept by (community, estate, number); a building that leaves the file keeps its
row (old orders may name it) and only leaves its grid. Estates that leave the file are marked
inactive, so the estate question stops offering them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.roster.files import Roster, RosterInvalid, problem
from bot.roster.files.spec import EstateSpec, MemberSpec, split_building_key
from models.community import Building, Community, Estate, Grid, Member, Street


async def street_of(session: AsyncSession, roster: Roster) -> int | None:
    if roster.street is None:
        return None
    code, name = roster.street
    street = (await session.execute(select(Street).where(Street.code == code))).scalar_one_or_none()
    if street is None:
        street = Street(code=code, name=name)
        session.add(street)
        await session.flush()
    elif street.name != name:
        street.name = name
    return street.id


async def apply_estates(
    session: AsyncSession, community_id: int, specs: Iterable[EstateSpec]
) -> None:
    query = select(Estate).where(Estate.community_id == community_id)
    estates = {e.code: e for e in (await session.execute(query)).scalars()}
    wanted = set()
    for spec in specs:
        wanted.add(spec.code)
        values = {"name": spec.name, "aliases": list(spec.aliases), "active": True}
        estate = estates.get(spec.code)
        if estate is None:
            session.add(Estate(community_id=community_id, code=spec.code, **values))
            continue
        for name, value in values.items():
            if getattr(estate, name) != value:
                setattr(estate, name, value)
    for code, estate in estates.items():
        if code not in wanted and estate.active:
            estate.active = False


async def apply_buildings(
    session: AsyncSession, community_id: int, roster: Roster, grids: dict[str, Grid]
) -> None:
    query = select(Building).where(Building.community_id == community_id)
    rows = {(b.estate_code, b.number): b for b in (await session.execute(query)).scalars()}
    grid_of: dict[tuple[str, str], int | None] = {
        (e.code, number): None for e in roster.estates for number in e.buildings
    }
    for g in roster.grids:
        for key in g.buildings:
            grid_of[split_building_key(key)] = grids[g.code].id
    for (estate, number), grid_id in grid_of.items():
        building = rows.get((estate, number))
        if building is None:
            session.add(
                Building(
                    community_id=community_id, estate_code=estate, number=number, grid_id=grid_id
                )
            )
        elif building.grid_id != grid_id:
            building.grid_id = grid_id
    for place, building in rows.items():
        if place not in grid_of and building.grid_id is not None:
            building.grid_id = None  # kept: old orders may name it


async def check_member_keys(
    session: AsyncSession, community_id: int, specs: Iterable[MemberSpec]
) -> None:
    """A member id names one person across the whole database (chat commands and history
    use it), so a community may not reuse another community's member id."""
    wanted = {s.key: s for s in specs}
    if not wanted:
        return
    query = (
        select(Member.key, Community.code)
        .join(Community, Community.id == Member.community_id)
        .where(Member.key.in_(list(wanted)), Member.community_id != community_id)
    )
    errors = [
        problem(wanted[key].where, "id", f"{key} is already a member of community {code}")
        for key, code in (await session.execute(query)).all()
    ]
    if errors:
        raise RosterInvalid(errors)
