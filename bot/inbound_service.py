"""One inbound delivery as one unit of work: dedupe, store, handle, record the reply.

The stored message, the user's interaction time and every effect of the handlers commit in one
transaction, keyed by the message's dedupe key, so WeChat's retries (concurrent or late) find
the first delivery's row and get the same answer instead of repeating its effects.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.clock import Clock
from bot.dispatcher.core import Dispatcher
from bot.messages import Incoming, Reply
from models.inbound import InboundMessage, WeChatUser
from models.repo import dialect_insert

log = logging.getLogger(__name__)

# Only these open WeChat's 48-hour customer-service window.
_INTERACTIONS = frozenset({"subscribe", "subscribe_scan", "scan", "click"})
# Events WeChat sends about a user without the user doing anything.
_NOT_FROM_USER = frozenset({"templatesendjobfinish", "masssendjobfinish", "subscribe_msg_sent_event"})

LateSink = Callable[[AsyncSession, Incoming, Reply, int], Awaitable[None]]


class Ticket:
    """Shared between the HTTP request and the unit of work: who answers the resident."""

    def __init__(self) -> None:
        self.state = "running"  # -> "passive" (reply goes in the HTTP response) or "late"


@dataclass(frozen=True)
class Outcome:
    reply: Reply | None
    duplicate: bool = False
    mode: str = "none"


class InboundProcessor:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        dispatcher: Dispatcher,
        clock: Clock,
        late_sink: LateSink | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.sessions = sessions
        self.dispatcher = dispatcher
        self.clock = clock
        self.late_sink = late_sink
        self.extra = extra or {}

    async def process(self, message: Incoming, ticket: Ticket | None = None) -> Outcome:
        ticket = ticket or Ticket()
        try:
            return await self._process(message, ticket)
        except Exception:
            log.exception("handler failed for %s (%s)", message.dedupe_key, message.msg_type)
            return await self._store_failed(message)

    async def _process(self, message: Incoming, ticket: Ticket) -> Outcome:
        started = time.perf_counter()
        async with self.sessions() as session, session.begin():
            row_id = await self._insert(session, message, "none")
            if row_id is None:
                duplicate = True
            else:
                duplicate = False
                await self._touch_user(session, message)
                reply = await self.dispatcher.feed(
                    message, session=session, clock=self.clock, **self.extra
                )
                if ticket.state == "late":
                    mode = "deferred" if reply else "none"
                    if reply and self.late_sink is not None:
                        await self.late_sink(session, message, reply, row_id)
                else:
                    ticket.state = "passive"
                    mode = "passive" if reply else "none"
                await session.execute(
                    update(InboundMessage)
                    .where(InboundMessage.id == row_id)
                    .values(
                        reply_mode=mode,
                        reply_text=reply.summary() if reply else None,
                        handled_ms=int((time.perf_counter() - started) * 1000),
                    )
                )
        if duplicate:
            return await self._replay(message)
        return Outcome(reply if mode == "passive" else None, False, mode)

    async def _insert(self, session: AsyncSession, message: Incoming, mode: str) -> int | None:
        stmt = (
            dialect_insert(session, InboundMessage.__table__)
            .values(
                dedupe_key=message.dedupe_key,
                openid=message.openid,
                account=message.account,
                msg_type=message.msg_type,
                event=message.event,
                content=message.content,
                raw_xml=message.raw_xml,
                created_at=message.created_at,
                received_at=self.clock.now(),
                reply_mode=mode,
                reply_text=texts.SYSTEM_ERROR if mode == "error" else None,
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(InboundMessage.id)
        )
        return (await session.execute(stmt)).scalar_one_or_none()

    async def _touch_user(self, session: AsyncSession, message: Incoming) -> None:
        now = self.clock.now()
        interaction = message.msg_type != "event" or (message.event or "") in _INTERACTIONS
        following = message.event != "unsubscribe"
        values: dict[str, Any] = {}
        if message.event not in _NOT_FROM_USER:
            values["following"] = following
        if interaction:
            values.update(last_interaction_at=now, window_sends=0)
        stmt = dialect_insert(session, WeChatUser.__table__).values(
            openid=message.openid,
            following=following,
            first_seen_at=now,
            last_interaction_at=now if interaction else now.replace(year=2000),
            window_sends=0,
        )
        if values:
            await session.execute(stmt.on_conflict_do_update(index_elements=["openid"], set_=values))
        else:
            await session.execute(stmt.on_conflict_do_nothing(index_elements=["openid"]))

    async def _replay(self, message: Incoming) -> Outcome:
        async with self.sessions() as session:
            row = (
                await session.execute(
                    select(InboundMessage.reply_mode, InboundMessage.reply_text).where(
                        InboundMessage.dedupe_key == message.dedupe_key
                    )
                )
            ).one_or_none()
        if row is None:  # pragma: no cover - the first delivery's row is committed by now
            return Outcome(None, True, "none")
        mode, text = row
        if mode in ("passive", "error") and text is not None:
            return Outcome(Reply(text=text), True, mode)
        return Outcome(None, True, mode)

    async def _store_failed(self, message: Incoming) -> Outcome:
        """The handlers failed: keep the message anyway and tell the user plainly."""
        try:
            async with self.sessions() as session, session.begin():
                row_id = await self._insert(session, message, "error")
            if row_id is None:
                return await self._replay(message)
        except Exception:
            log.exception("could not store failed message %s", message.dedupe_key)
        return Outcome(Reply(text=texts.SYSTEM_ERROR), False, "error")
