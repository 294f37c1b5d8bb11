"""A score that cannot be taken, said so: one sent for a survey that was withdrawn (the order
was reopened after the resident was asked), and one sent to change a rating after the hour
for changing it. Found from outside: the first re-rated another order, the second got the
resident's order list with no word about the score.

Before :mod:`handlers.survey`: it steps aside whenever an order awaits a verdict."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot import texts
from bot.chat.filters import HasText, MsgType
from bot.chat.router import Router
from bot.messages import Incoming
from bot.orders import event_reads, queries
from bot.orders.lifecycle import OPEN_VALUES, Status
from handlers.survey import RATING_WINDOW, RERATE_WINDOW, rating_with_comment, said_as_a_score
from models.orders import Order

router = Router("survey_late")


async def _reopened(session: Any, openid: str, since: datetime) -> list[Order]:
    """The resident's open orders reopened after ``since``, newest reopening first."""
    found = [
        o
        for o in await queries.open_orders_of(session, openid)
        if o.reopened_at is not None and o.reopened_at >= since
    ]
    return sorted(found, key=lambda o: o.reopened_at or since, reverse=True)


async def _named(session: Any, openid: str, number: int, now: datetime) -> str | None:
    order = await queries.find(session, number)
    if order is None or order.resident_openid != openid:
        return None
    reopened = order.reopened_at is not None and order.reopened_at >= now - RATING_WINDOW
    if reopened and order.status in OPEN_VALUES:
        return texts.SURVEY_WITHDRAWN.format(number=number)
    rated, at = order.rating, order.closed_at
    if order.status == Status.CLOSED.value and rated is not None and at is not None:
        # rated more than an hour ago: the score stays (found from outside: an order list)
        return (
            texts.RERATE_TOO_LATE.format(number=number, score=rated)
            if at < now - RERATE_WINDOW
            else None
        )
    return None


async def _withdrawn(session: Any, openid: str, awaited: list[Order], score: int) -> str | None:
    """What a plain score is told when orders await a verdict but the office reopened another
    after they were finished: the score is most likely the withdrawn survey's, so it is put
    on none (found from outside: a bare 5 just after the office reopened the street light
    rated the tap of the day before). None when there is no such reopening."""
    finished = max((o.resolved_at for o in awaited if o.resolved_at is not None), default=None)
    since = finished if finished is not None else datetime.min.replace(tzinfo=UTC)
    for order in await _reopened(session, openid, since):
        if await event_reads.reopened_by_office(session, order.id):
            listed = "、".join(f"#{o.id}（{o.summary}）" for o in awaited[:5])
            return texts.SURVEY_WITHDRAWN_WAITING.format(
                number=order.id, orders=listed, other=awaited[0].id, score=score
            )
    return None


class NotTaken:
    """A plain score (4, 满意, #12 4) that no order can take now; injects ``said``."""

    async def __call__(self, message: Incoming, data: dict[str, Any]) -> bool | dict[str, Any]:
        if not said_as_a_score(message.text):
            return False
        found = rating_with_comment(message.text)
        if found is None:
            return False
        number, score, _ = found
        session, now, openid = data["session"], data["clock"].now(), message.openid
        awaited = await queries.awaiting_rating(session, openid, now - RATING_WINDOW)
        if number is not None and all(o.id != number for o in awaited):
            said = await _named(session, openid, number, now)
            return {"said": said} if said else False
        if awaited:  # the survey's handler decides, unless the office reopened another since
            said = None if number is not None else await _withdrawn(session, openid, awaited, score)
            return {"said": said} if said else False
        reopened = await _reopened(session, openid, now - RATING_WINDOW)
        if not reopened:
            return False
        latest = reopened[0]
        rated = await queries.rated_since(session, openid, now - RERATE_WINDOW)
        if rated and (rated[0].closed_at or now) > (latest.reopened_at or now):
            return False  # rated after the reopening: the score changes that rating
        if rated:
            said = texts.SURVEY_WITHDRAWN_OTHER.format(
                number=latest.id, other=rated[0].id, score=score
            )
        else:
            said = texts.SURVEY_WITHDRAWN.format(number=latest.id)
        return {"said": said}


@router.message(MsgType("text", "voice"), HasText(), NotTaken())
async def not_taken(message: Incoming, said: str) -> str:
    return said
