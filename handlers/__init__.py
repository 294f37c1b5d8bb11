"""Thin chat handlers, one module per audience, included into the dispatcher in priority order.

A handler reads what a filter found, calls a service (the order service, the roster), and
words the reply from bot.texts. No SQL here.
"""

from __future__ import annotations

from typing import Any

from bot import texts
from bot.chat import conversation
from bot.chat.router import Dispatcher, Next
from bot.messages import Incoming, Reply
from bot.orders.service import OrderService, Refused


async def refusals_as_replies(nxt: Next, message: Incoming, data: dict[str, Any]) -> Reply | None:
    """A service's plain-Chinese refusal is the answer, not an error."""
    try:
        return await nxt(message, data)
    except Refused as refusal:
        return Reply(text=refusal.reply)


async def order_service(nxt: Next, message: Incoming, data: dict[str, Any]) -> Reply | None:
    """Handlers ask for ``orders`` by name: the order service of this unit of work."""
    if "session" in data and "roster" in data:
        data["orders"] = OrderService(
            data["session"], data["clock"], data["config"], data["roster"]
        )
    return await nxt(message, data)


async def waiting_report_reminder(
    nxt: Next, message: Incoming, data: dict[str, Any]
) -> Reply | None:
    """A report waiting for its address is never dropped by another message: when a command
    is answered while it waits, the answer reminds the resident of it."""
    session, clock = data.get("session"), data.get("clock")
    if session is None or clock is None or message.msg_type == "event":
        return await nxt(message, data)
    before = await conversation.current(session, message.openid, clock.now())
    reply = await nxt(message, data)
    waiting = ("await_address", "await_estate")
    if before is None or before.state not in waiting or reply is None or reply.text is None:
        return reply
    after = await conversation.current(session, message.openid, clock.now())
    if after is not None and after.data == before.data:
        summary = str(before.data.get("text") or "")[:20]
        still = texts.PENDING_STILL if before.state == "await_address" else texts.PENDING_ESTATE
        return Reply(text=reply.text + still.format(summary=summary))
    return reply


def build_dispatcher() -> Dispatcher:
    from handlers import (
        attachments,
        common,
        events,
        later_answers,
        member_status,
        members,
        places,
        privacy,
        questions,
        resident,
        survey,
        survey_late,
    )

    dp = Dispatcher()
    dp.middleware(waiting_report_reminder)  # outermost: it also sees refusals as replies
    dp.middleware(refusals_as_replies)
    dp.middleware(order_service)
    dp.include_router(events.router)
    dp.include_router(members.router)
    dp.include_router(member_status.router)  # 333完成了: before it is read as a report
    dp.include_router(common.router)
    dp.include_router(resident.commands)
    dp.include_router(privacy.router)
    dp.include_router(survey_late.router)  # a score no order can take now, said so
    dp.include_router(survey.router)  # only when an order awaits a rating
    dp.include_router(questions.router)
    dp.include_router(later_answers.router)
    dp.include_router(places.router)
    dp.include_router(resident.reports)
    dp.include_router(attachments.router)
    return dp
