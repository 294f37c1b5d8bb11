"""Residents' registered homes (``绑定 3栋2单元501``): used when a report names no address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders.dispatch import Place
from models.community import Resident


async def home_of(session: AsyncSession, openid: str) -> Resident | None:
    return await session.get(Resident, openid)


async def register_home(
    session: AsyncSession, openid: str, place: Place, now: datetime
) -> Resident:
    resident = await home_of(session, openid)
    if resident is None:
        resident = Resident(openid=openid, tags=[], created_at=now, updated_at=now)
        session.add(resident)
    resident.building, resident.unit, resident.room = place.building, place.unit, place.room
    resident.community_id, resident.estate_code = place.community, place.estate
    resident.updated_at = now
    await session.flush()
    return resident


def home_place(resident: Resident) -> Place:
    return Place(
        resident.building, resident.unit, resident.room, resident.estate_code, resident.community_id
    )
