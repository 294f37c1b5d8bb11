"""The estate gazetteer from a roster file or from the database (``mulin parse``, chat)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.config import UsageError
from bot.intake.estates import EstateEntry, Gazetteer
from bot.roster.files import RosterFileError, RosterInvalid
from bot.roster.files.street import read_rosters
from models.community import Estate


def gazetteer_from_file(path: str) -> Gazetteer:
    try:
        rosters = read_rosters(path)
    except RosterFileError as exc:
        raise UsageError(f"--roster: {exc}") from None
    except RosterInvalid as exc:
        raise UsageError(f"--roster: {path}: {exc.errors[0]}") from None
    return Gazetteer(
        EstateEntry(e.name, e.aliases, (r.code, e.code)) for r in rosters for e in r.estates
    )


async def gazetteer_from_database(engine: AsyncEngine) -> Gazetteer:
    async with AsyncSession(engine) as session:
        rows = (await session.execute(select(Estate).where(Estate.active))).scalars()
        return Gazetteer(_entries(rows))


def _entries(rows: Iterable[Estate]) -> list[EstateEntry]:
    return [EstateEntry(e.name, tuple(e.aliases or []), (e.community_id, e.code)) for e in rows]
