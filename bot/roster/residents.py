"""Residents' registered homes (``绑定 3栋2单元501``): used when a report names no address.

Read once per inbound batch for every sender (bot.orders.batch.senders), kept in the staging
buffer's memo, and written as a staged upsert (bot.storage.staged): a batch of reports that
each remember a home costs one statement, not a lookup and an insert per report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders import batch
from bot.orders.dispatch import Place
from bot.storage.staged import AWARE, flush, staged_for
from models.community import Resident

_RESIDENTS = cast(Table, Resident.__table__)
_PLACE = ("community_id", "estate_code", "building", "unit", "room")
_HOMES = (
    select(_RESIDENTS.c.openid, *(_RESIDENTS.c[n] for n in _PLACE))
    .where(_RESIDENTS.c.openid.in_(bindparam("openids", expanding=True)))
    .execution_options(**AWARE)
)


@dataclass(frozen=True, slots=True)
class Home:
    """A resident's registered place (the columns a report and a question read)."""

    openid: str
    community_id: int | None
    estate_code: str | None
    building: str | None
    unit: str | None
    room: str | None


async def home_of(session: AsyncSession, openid: str) -> Home | None:
    """The resident's row (None: never seen); every sender of the batch is read at once."""
    staged = await staged_for(session)
    homes: dict[str, Home | None] = staged.memo.setdefault("homes", {})
    if openid not in homes:
        wanted = sorted({openid, *batch.senders(session)} - homes.keys())
        conn = await session.connection()
        found = {r.openid: Home(*r) for r in await conn.execute(_HOMES, {"openids": wanted})}
        for key in wanted:
            homes[key] = found.get(key)
    return homes[openid]


async def register_home(session: AsyncSession, openid: str, place: Place, now: datetime) -> Home:
    """Keep ``place`` as the resident's home (a new resident row, or the one on file)."""
    home = Home(openid, place.community, place.estate, place.building, place.unit, place.room)
    staged = await staged_for(session)
    row = {
        "openid": openid,
        **{name: getattr(home, name) for name in _PLACE},
        "tags": [],
        "created_at": now,
        "updated_at": now,
    }
    # a row already on file keeps its name, tags, birth date and creation time
    staged.insert(_RESIDENTS, row, skip_conflicts_on="openid", upsert=(*_PLACE, "updated_at"))
    staged.memo.setdefault("homes", {})[openid] = home
    return home


async def home_written_at(session: AsyncSession, openid: str) -> datetime | None:
    """When the resident's row (their home) was last written; None when there is none."""
    query = (
        select(_RESIDENTS.c.updated_at)
        .where(_RESIDENTS.c.openid == openid)
        .execution_options(**AWARE)
    )
    conn = await session.connection()
    return (await conn.execute(query)).scalar_one_or_none()


def home_place(resident: Home | Resident) -> Place:
    return Place(
        resident.building, resident.unit, resident.room, resident.estate_code, resident.community_id
    )


# The tag of a resident who asked for no notices (退订): broadcasts and reminders leave them
# out; what happens to their own reports is still told (they asked for that).
NO_NOTICES = "不接收通知"


async def set_notices(session: AsyncSession, openid: str, on: bool, now: datetime) -> None:
    """Turn the account's notices (broadcasts) off or back on for ``openid``."""
    await flush(session)  # a home staged in this batch is written first: one row per resident
    resident = await session.get(Resident, openid)
    if resident is None:
        resident = Resident(openid=openid, tags=[], created_at=now, updated_at=now)
        session.add(resident)
    tags = [t for t in (resident.tags or []) if t != NO_NOTICES]
    resident.tags = tags if on else [*tags, NO_NOTICES]
    resident.updated_at = now
