"""The roster in the database, as a roster file again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.roster.apply import NoRoster
from bot.roster.files import (
    EstateSpec,
    GridSpec,
    MemberSpec,
    Roster,
    dump_roster,
    natural_key,
    natural_sorted,
)
from bot.roster.files.spec import building_key
from models.community import Building, Community, Estate, Grid, Member

# --- export ------------------------------------------------------------------------------------


async def load_roster(session: AsyncSession, community: str | None = None) -> Roster:
    """The active roster of ``community`` (the only one when None) as a Roster."""
    found = await _export_community(session, community)
    grids = await _active_grids(session, found.id)
    query = select(Member).where(Member.community_id == found.id, Member.active.is_(True))
    members = sorted((await session.execute(query)).scalars(), key=lambda m: natural_key(m.key))
    estates = await _estates(session, found.id)
    specs = tuple(_spec(m) for m in members)
    return Roster(found.code, found.name, tuple(grids), specs, estates, kind=found.kind)


async def _estates(session: AsyncSession, community_id: int) -> tuple[EstateSpec, ...]:
    query = select(Estate).where(Estate.community_id == community_id, Estate.active.is_(True))
    estates = sorted((await session.execute(query)).scalars(), key=lambda e: natural_key(e.code))
    query_b = select(Building.estate_code, Building.number).where(
        Building.community_id == community_id
    )
    numbers: dict[str, list[str]] = {}
    for code, number in (await session.execute(query_b)).all():
        numbers.setdefault(code, []).append(number)
    return tuple(
        EstateSpec(
            e.code, e.name, tuple(e.aliases or []), tuple(natural_sorted(numbers.get(e.code, [])))
        )
        for e in estates
    )


async def _export_community(session: AsyncSession, code: str | None) -> Community:
    query = select(Community).order_by(Community.code)
    if code is not None:
        query = query.where(Community.code == code)
    found = list((await session.execute(query)).scalars())
    if not found:
        raise NoRoster(
            f"--community: no community {code!r} in the database"
            if code
            else "no roster imported yet"
        )
    if len(found) > 1:
        codes = ", ".join(c.code for c in found)
        raise NoRoster(f"--community: several communities in the database ({codes}); name one")
    return found[0]


async def _active_grids(session: AsyncSession, community_id: int) -> list[GridSpec]:
    query = select(Grid).where(Grid.community_id == community_id, Grid.active.is_(True))
    grids = sorted((await session.execute(query)).scalars(), key=lambda g: natural_key(g.code))
    query_b = select(Building).where(Building.community_id == community_id)
    numbers: dict[int, list[str]] = {}
    for b in (await session.execute(query_b)).scalars():
        if b.grid_id is not None:
            numbers.setdefault(b.grid_id, []).append(building_key(b.estate_code, b.number))
    return [
        GridSpec(g.code, g.name, tuple(natural_sorted(numbers.get(g.id, []))), g.leader_key)
        for g in grids
    ]


def _spec(m: Member) -> MemberSpec:
    return MemberSpec(
        key=m.key,
        name=m.name,
        phone=m.phone,
        roles=tuple(m.roles or []),
        grids=tuple(m.grids or []),
        buildings=tuple(m.buildings or []),
        households=tuple(m.households or []),
        categories=tuple(m.categories or []),
        openid=m.openid,
        on_duty=None if m.on_duty else False,  # as a file says it: only "off duty" is written
    )


async def export_roster(engine: AsyncEngine, fmt: str, community: str | None = None) -> bytes:
    async with AsyncSession(engine) as session:
        roster = await load_roster(session, community)
    if roster.estates and fmt != "yaml":
        raise ValueError(f"{roster.code} lists estates (小区): export it with --format yaml")
    return dump_roster(roster, fmt)
