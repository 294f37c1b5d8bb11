"""Notices: who is told what about an order, in which words, through which outbox row.

The lifecycle says *that* someone is told (:class:`~bot.orders.lifecycle.Notice`); this module
finds the person on the roster, words the message (bot.orders.notice_words), picks the template
fields for outside WeChat's 48-hour window and the dedupe key that keeps it to one message per
cause, and stages the outbox row with the unit of work's other rows (bot.storage.staged) — or,
for the timer tick's own bulk writes, collects the rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.orders.audience import grid_leader, staff, street_staff
from bot.orders.calendar import QuietHours
from bot.orders.dispatch import CATEGORY_NAMES
from bot.orders.lifecycle import (
    GRID_LEADER,
    HOLDER,
    PASSED,
    RESIDENT,
    STAFF,
    STREET,
    Notice,
    Status,
    Tell,
)
from bot.orders.notice_words import SAY, Context, Say, rating_asks
from bot.orders.state import OrderFacts
from bot.outbox import outbox_params, stage
from bot.outbox.templates import order_fields
from bot.roster.cache import RosterView
from models.community import Member
from models.outbox import OutboxMessage

# What residents who reported the same problem also hear (not the survey: only the
# reporter rates).
FOLLOWER_KINDS = frozenset(
    {
        Tell.RESIDENT_ACCEPTED,
        Tell.RESIDENT_PROGRESS,
        Tell.RESIDENT_RESOLVED,
        Tell.RESIDENT_HANDED_ON,
        Tell.RESIDENT_ESCALATED,
    }
)

# Notices that ask the member to take the order: the template carries how to answer.
_TO_ACCEPT = frozenset({Tell.ASSIGNED, Tell.HANDED_TO_YOU, Tell.REMIND_ACCEPT})

# When one person gets several notices about an order at once, the message is carried as the
# most pressing of them (a new order before a reminder before an update).
_PRIORITY = {"order_assigned": 0, "reminder": 1, "order_update": 2, "survey": 3}


def _tidy(text: str) -> str:
    """No line starts with the space a name is written with mid-sentence (转给 王芳)."""
    return "\n".join(line.lstrip(" ") for line in text.split("\n"))


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


class Notices:
    """Turns an order's notices into outbox rows in the caller's unit of work.

    With ``collect`` the rows are kept for the caller to write in bulk (the timer tick).
    """

    def __init__(
        self,
        session: AsyncSession,
        tz: tzinfo,
        now: Callable[[], datetime],
        *,
        collect: bool,
        quiet: QuietHours | None = None,
    ) -> None:
        self.session = session
        self.tz = tz
        self.now = now
        self.collected: list[dict[str, Any]] | None = [] if collect else None
        # the night (sla.quiet_hours): what a member did to a resident's ordinary order is
        # told in the morning (found from outside: a transfer back and forth at 01:00 woke
        # the resident several times)
        self.quiet = quiet

    def recipients(
        self, order: OrderFacts, notice: Notice, view: RosterView, followers: list[str]
    ) -> list[tuple[str, Member | None]]:
        """(openid, member) for everyone to tell (member None: a resident), without those to
        skip. Residents who reported the same problem hear about its progress too."""
        if notice.to == RESIDENT:
            also = followers if notice.kind in FOLLOWER_KINDS else []
            return [(openid, None) for openid in [order.resident_openid, *also] if openid]
        if notice.to == GRID_LEADER:
            found = [grid_leader(view, order)]
            if found == [None] and notice.data.get("or_staff"):
                found = list[Member | None](staff(view, order))
            if notice.kind == Tell.OVERDUE_FYI and not order.assignee_id:
                # past its deadline and held by nobody (everyone declined it): the community's
                # staff and the street's duty officer hear of it too, not only the grid leader
                found += [*staff(view, order), *street_staff(view, order)]
        elif notice.to == STAFF:
            found = list[Member | None](staff(view, order))
        elif notice.to == STREET:
            found = list[Member | None](street_staff(view, order))
        elif notice.to == HOLDER:
            found = [view.by_id.get(order.assignee_id) if order.assignee_id else None]
        elif notice.to == PASSED:
            found = [view.by_id.get(i) for i in order.declined_by or ()]
        else:
            found = [view.by_key.get(notice.to.removeprefix("member:"))]
        told = {
            m.openid: m for m in found if m is not None and m.openid and m.key not in notice.skip
        }
        return list(told.items())

    async def send(
        self,
        order: OrderFacts,
        notices: Iterable[Notice],
        view: RosterView,
        version: int,
        followers: list[str] | None = None,
    ) -> None:
        """Queue the notices of one change. One person gets one push per order per change:
        when a hand-on and an escalation both reach the same grid leader, it is one message
        that says both."""
        common = {
            "number": order.id,
            "category": CATEGORY_NAMES.get(order.category, order.category),
            # on a street whose estates share building numbers, with the estate's name
            "place": view.order_address(order),
            "summary": order.summary,
        }
        per_person: dict[str, list[tuple[Say, Context]]] = {}
        for notice in notices:
            say = SAY[notice.kind]
            for openid, to in self.recipients(order, notice, view, followers or []):
                context = Context(order, notice, to, openid, view, self.tz, version, common)
                per_person.setdefault(openid, []).append((say, context))
        for openid, said in per_person.items():
            await self._queue(order, said, openid)

    async def left_resolved(self, order: OrderFacts, before: str | None) -> None:
        """The order no longer waits for the resident's verdict (rated, reopened): a push
        asking them to rate it that still waits for the morning (sla.quiet_hours) is dropped.
        Found from outside: rated at 00:14, asked "满意吗？回复 1-5 分" at 07:04."""
        if before != Status.RESOLVED.value or order.status == before or self.collected is not None:
            return
        held = OutboxMessage
        await self.session.execute(
            delete(held).where(
                held.recipient == order.resident_openid,
                or_(*(held.dedupe_key.like(p) for p in rating_asks(order.id))),
                held.status == "pending",
                held.attempts == 0,
                held.next_attempt_at > self.now(),
            )
        )

    async def _queue(self, order: OrderFacts, said: list[tuple[Say, Context]], openid: str) -> None:
        said = sorted(said, key=lambda sc: _PRIORITY.get(sc[0].purpose, 9))
        say, first = said[0]
        what = (first.common["place"] + order.summary).strip()
        state = say.state if say.state_of is None else say.state_of(first)
        hint = None
        if say.purpose == "order_assigned" and first.notice.kind != Tell.URGENT_FYI:
            state = texts.STATE_URGENT_TO_ACCEPT if order.urgent else state
        if any(c.notice.kind in _TO_ACCEPT for _, c in said):
            hint = texts.ACCEPT_HINT.format(number=order.id)
        elif say.remark is not None:  # the resident's words: a template would lose them
            hint = say.remark(first)
        keys = [s.key(c) for s, c in said]
        key = keys[0] if len(keys) == 1 else f"{keys[0]}+{_digest('|'.join(keys))}"
        params: dict[str, Any] = {
            "purpose": say.purpose,
            "recipient": openid,
            "text": _tidy("\n\n".join(dict.fromkeys(s.text(c) for s, c in said))),
            "template_fields": order_fields(
                order.id, first.common["category"], what, state, hint=hint
            ),
            "dedupe_key": key,
            "now": self.now(),
            # a missed emergency costs more than a duplicate: see bot/outbox/worker.py
            "at_least_once": order.urgent
            and any(s.purpose in ("order_assigned", "reminder") for s, _ in said),
        }
        if first.to is None and not order.urgent and self.quiet is not None:
            wake = self.quiet.wake(params["now"])
            if wake > params["now"]:
                params["not_before"] = wake
        row = outbox_params(**params)
        if self.collected is not None:
            self.collected.append(row)
        else:
            await stage(self.session, [row])
