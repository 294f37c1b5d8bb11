"""Reports left waiting for an answer (which address, which estate): filed when the question
lapses, never dropped.

A resident who reports something and does not answer "which building?" within the question's
life still reported it. When the question lapses, the report becomes an order without an
address (staff ask for it, as when the resident moves on to something else), and the resident
is told its number.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import cast

from aiohttp import web
from sqlalchemy import Table, and_, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.chat import conversation
from bot.clock import Clock
from bot.config import Config
from bot.keys import CLOCK, CONFIG, ROSTER, SESSIONS
from bot.messages import Incoming
from bot.orders.dispatch import CATEGORY_NAMES, Place
from bot.orders.service import OrderService
from bot.outbox.templates import order_fields
from bot.outbox.write import enqueue
from bot.roster.cache import RosterCache
from bot.storage import staged
from handlers.locate import ASK_ESTATE
from handlers.reports import ASK_ADDRESS, ASK_PLACE_FOR, file_waiting
from models.orders import Conversation

log = logging.getLogger(__name__)

_TABLE = cast(Table, Conversation.__table__)
WAITING = (ASK_ADDRESS, ASK_ESTATE)
_BATCH = 50
_ANSWER_TTL = timedelta(days=1)


async def file_lapsed_drafts(app: web.Application) -> int:
    return await file_lapsed(app[SESSIONS], app[CLOCK], app[CONFIG], app[ROSTER])


async def file_lapsed(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    config: Config,
    roster: RosterCache,
    limit: int = _BATCH,
) -> int:
    """File every report whose question lapsed; how many were filed."""
    now = clock.now()
    async with sessions() as session:
        found = await session.execute(
            select(_TABLE.c.openid)
            .where(and_(_TABLE.c.state.in_(WAITING), _TABLE.c.expires_at <= now))
            .order_by(_TABLE.c.expires_at)
            .limit(limit)
        )
        openids = list(found.scalars())
        # other questions that lapsed hold nothing to file: gone, so they are not asked again;
        # looked for first, so a quiet minute costs a read, not a write transaction (on SQLite
        # every write takes the one write lock the webhook's batches wait for)
        stale = and_(_TABLE.c.state.not_in(WAITING), _TABLE.c.expires_at <= now)
        any_stale = (await session.execute(select(_TABLE.c.openid).where(stale).limit(1))).first()
    if any_stale is not None:
        async with sessions() as session, session.begin():
            await session.execute(delete(_TABLE).where(stale))
    filed = 0
    for openid in openids:
        try:
            async with sessions() as session, session.begin():
                filed += await _file_one(session, openid, now, clock, config, roster)
        except Exception:
            log.exception("a lapsed report could not be filed; tried again next tick")
    return filed


async def _file_one(
    session: AsyncSession,
    openid: str,
    now: datetime,
    clock: Clock,
    config: Config,
    roster: RosterCache,
) -> int:
    # claimed by deleting it: of several processes, one files it; a resident who answered
    # meanwhile (the question is no longer lapsed) is left to the chat
    claimed = await session.execute(
        delete(_TABLE)
        .where(
            and_(
                _TABLE.c.openid == openid,
                _TABLE.c.state.in_(WAITING),
                _TABLE.c.expires_at <= now,
            )
        )
        .returning(_TABLE.c.data)
    )
    data = claimed.scalar()
    if data is None or not str(data.get("text") or "").strip():
        return 0
    orders = OrderService(session, clock, config, roster)
    message = Incoming(openid=openid, account="", msg_type="text", created_at=now, raw_xml="")
    # the estate was asked: the building is known, only which estate's is not (the estate's
    # name sent alone later places it: handlers/places.py)
    building, unit, room = data.get("place") or (None, None, None)
    place = Place(building, unit, room)
    _, order = await file_waiting(orders, message, dict(data), place, clock, config, None)
    if order is not None:
        said = texts.LAPSED_FILED.format(summary=order.summary, number=order.id)
        if building is None:
            # the resident's next address is this order's place (handlers/questions.py)
            state = {"order_id": order.id}
            await conversation.remember(session, openid, ASK_PLACE_FOR, state, now, _ANSWER_TTL)
        else:
            names = " 还是 ".join(str(o.get("name")) for o in data.get("options") or [])
            said = texts.LAPSED_FILED_ESTATE.format(
                summary=order.summary, number=order.id, options=names
            )
        await enqueue(
            session,
            purpose="order_update",
            recipient=openid,
            text=said,
            template_fields=order_fields(
                order.id,
                CATEGORY_NAMES.get(order.category, order.category),
                order.summary,
                texts.LAPSED_STATUS,
            ),
            dedupe_key=f"lapsed:{order.id}",
            now=now,
        )
    await staged.flush(session)
    return 1
