"""How the console names a resident: their 称呼 when known, their registered home (with its
estate on a street of several), the masked openid, and a link to their orders on the board.

Found from outside: the residents page showed 「o_re…wang — 5栋2单元302」 with no estate and no
way to their orders, and an order page said only 「居民 居民」.

The link names the resident by a digest of the openid, never the openid itself: the console
masks openids everywhere, and a board address is easily shared.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders.dispatch import Place
from bot.roster.cache import RosterView
from models.community import Resident
from models.orders import Order

TOKEN_LENGTH = 16


def token(openid: str) -> str:
    """The resident's name in a board address (``?resident=``)."""
    return hashlib.sha256(openid.encode()).hexdigest()[:TOKEN_LENGTH]


def mask_openid(openid: str) -> str:
    return openid[:4] + "…" + openid[-4:] if len(openid) > 10 else "…" + openid[-2:]


def home(view: RosterView, r: Resident | None) -> str:
    """The registered home as members read it; on a street of several estates, with its
    estate (东亭4栋2单元602). "" when none is registered."""
    if r is None or not r.building:
        return ""
    place = Place(r.building, r.unit, r.room, r.estate_code or None, r.community_id)
    estate = view.estate_name(r.community_id, r.estate_code) if r.estate_code else None
    if view.several() and estate:
        return estate + place.label()
    return view.address(place)


async def openid_of(session: AsyncSession, wanted: str) -> str | None:
    """The openid whose :func:`token` is ``wanted``: residents who registered a home, then
    everyone who ever reported; None when there is no such resident."""
    if len(wanted) != TOKEN_LENGTH:
        return None
    for query in (
        select(Resident.openid),
        select(Order.resident_openid).distinct(),
    ):
        for (openid,) in (await session.execute(query)).all():
            if token(openid) == wanted:
                return str(openid)
    return None
