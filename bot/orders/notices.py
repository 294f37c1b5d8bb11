"""Notices: who is told what about an order, in which words, through which outbox row.

The lifecycle says *that* someone is told (:class:`~bot.orders.lifecycle.Notice`); this module
finds the person on the roster, words the message (every sentence comes from bot.texts), picks
the template fields for outside WeChat's 48-hour window and the dedupe key that keeps it to one
message per cause, and stages the outbox row with the unit of work's other rows
(bot.storage.staged) — or, for the timer tick's own bulk writes, collects the rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.orders.dispatch import CATEGORY_NAMES, Place
from bot.orders.lifecycle import GRID_LEADER, HOLDER, RESIDENT, STAFF, STREET, Notice, Tell
from bot.orders.state import OrderFacts
from bot.orders.wording import details, local_time, place_text, span, who
from bot.outbox import outbox_params, stage
from bot.outbox.templates import order_fields
from bot.roster.cache import RosterView
from models.community import Member


@dataclass(frozen=True, slots=True)
class _Say:
    """How one kind of notice is worded, carried and keyed."""

    purpose: str  # the outbox purpose (and template)
    state: str  # the template's state field
    text: Callable[[_Context], str]
    key: Callable[[_Context], str]


@dataclass(slots=True)
class _Context:
    order: OrderFacts
    notice: Notice
    to: Member | None  # None for a resident
    openid: str
    view: RosterView
    tz: tzinfo
    version: int
    common: dict[str, Any]

    def member(self, name: str) -> Member | None:
        key = self.notice.data.get(name)
        return self.view.by_key.get(key) if key else None

    def who(self, name: str) -> str:
        return who(self.member(name))

    @property
    def n(self) -> int:
        return self.order.id

    @property
    def to_key(self) -> str:
        if self.to is not None:
            return self.to.key
        if self.openid == self.order.resident_openid:
            return "resident"
        return f"follower:{self.openid[-24:]}"


def _resident(state: str, text: Callable[[_Context], str]) -> _Say:
    return _Say(
        "order_update", state, text, lambda c: f"order:{c.n}:v{c.version}:{c.to_key}:{state}"
    )


def _timer_deadline(c: _Context) -> str:
    return local_time(c.notice.data["deadline"], c.tz)


_SAY: dict[Tell, _Say] = {
    Tell.ASSIGNED: _Say(
        "order_assigned",
        texts.STATE_TO_ACCEPT,
        lambda c: texts.MEMBER_NEW_ORDER.format(
            **c.common,
            urgent_head=texts.URGENT_HEAD if c.order.urgent else "",
            details=details(c.order, c.tz),
        ),
        lambda c: f"order:{c.n}:v{c.version}:assign:{c.to_key}",
    ),
    Tell.URGENT_FYI: _Say(
        "order_assigned",
        texts.STATE_URGENT,
        lambda c: texts.MEMBER_URGENT_FYI.format(**c.common, who=c.who("holder")),
        lambda c: f"order:{c.n}:urgent-fyi:{c.to_key}",
    ),
    Tell.HANDED_TO_YOU: _Say(
        "order_assigned",
        texts.STATE_TO_ACCEPT,
        lambda c: texts.MEMBER_HANDED_TO_YOU.format(
            **c.common,
            who=c.who("by"),
            urgent_head=texts.URGENT_HEAD if c.order.urgent else "",
            details=details(c.order, c.tz),
        ),
        lambda c: f"order:{c.n}:v{c.version}:assign:{c.to_key}",
    ),
    Tell.TAKEN_FROM_YOU: _Say(
        "order_update",
        texts.STATE_HANDED_ON,
        lambda c: texts.MEMBER_TAKEN_FROM_YOU.format(number=c.n, who=c.who("to")),
        lambda c: f"order:{c.n}:v{c.version}:taken:{c.to_key}",
    ),
    Tell.RESIDENT_ACCEPTED: _resident(
        texts.STATE_ACCEPTED,
        lambda c: texts.RESIDENT_ACCEPTED.format(number=c.n, who=c.who("member")),
    ),
    Tell.RESIDENT_PROGRESS: _resident(
        texts.STATE_IN_PROGRESS,
        lambda c: texts.RESIDENT_PROGRESS.format(number=c.n, note=c.notice.data["note"]),
    ),
    Tell.RESIDENT_RESOLVED: _resident(
        texts.STATE_RESOLVED,
        # only the reporter is asked to rate; neighbours who joined hear that it is done
        lambda c: (
            texts.RESIDENT_RESOLVED if c.to_key == "resident" else texts.FOLLOWER_RESOLVED
        ).format(
            number=c.n, note=f"：{c.notice.data['note']}" if c.notice.data.get("note") else ""
        ),
    ),
    Tell.RESIDENT_HANDED_ON: _resident(
        texts.STATE_HANDED_ON,
        lambda c: texts.RESIDENT_HANDED_ON.format(number=c.n, who=c.who("member")),
    ),
    Tell.RESIDENT_ESCALATED: _resident(
        texts.STATE_ESCALATED, lambda c: texts.RESIDENT_ESCALATED.format(number=c.n)
    ),
    Tell.ESCALATION_FYI: _Say(
        "reminder",
        texts.STATE_WHISTLE,
        lambda c: texts.MEMBER_ESCALATION_FYI.format(
            **c.common, who=c.who("by"), note=c.notice.data["note"]
        ),
        lambda c: f"order:{c.n}:v{c.version}:escalate:{c.to_key}",
    ),
    Tell.CANCELLED: _Say(
        "order_update",
        texts.STATE_CANCELLED,
        lambda c: texts.MEMBER_CANCELLED.format(number=c.n),
        lambda c: f"order:{c.n}:cancel:{c.to_key}",
    ),
    Tell.REOPEN_FYI: _Say(
        "reminder",
        texts.STATE_CHASED,
        lambda c: texts.REOPEN_GRID_FYI.format(**c.common, score=c.notice.data["score"]),
        lambda c: f"order:{c.n}:v{c.version}:reopen-fyi:{c.to_key}",
    ),
    Tell.REMIND_ACCEPT: _Say(
        "reminder",
        texts.STATE_REMIND_ACCEPT,
        lambda c: texts.TIMER_REMIND_ACCEPT.format(**c.common, minutes=c.notice.data["minutes"]),
        lambda c: f"order:{c.n}:remind-accept:{_stamp(c.order.assigned_at)}",
    ),
    Tell.ESCALATE_GRID: _Say(
        "reminder",
        texts.STATE_CHASED,
        lambda c: texts.TIMER_ESCALATE_GRID.format(
            **c.common,
            hours=span(c.notice.data["elapsed"]),
            holder=c.notice.data.get("holder_name") or texts.TIMER_NOBODY,
        ),
        lambda c: f"order:{c.n}:escalate_grid:{c.to_key}",
    ),
    Tell.ESCALATE_STAFF: _Say(
        "reminder",
        texts.STATE_CHASED,
        lambda c: texts.TIMER_ESCALATE_STAFF.format(
            **c.common, hours=span(c.notice.data["elapsed"])
        ),
        lambda c: f"order:{c.n}:escalate_staff:{c.to_key}",
    ),
    Tell.REMIND_RESOLVE: _Say(
        "reminder",
        texts.STATE_NEAR_DEADLINE,
        lambda c: texts.TIMER_REMIND_RESOLVE.format(
            **c.common,
            left=span(c.notice.data["deadline"] - c.notice.data["now"]),
            deadline=_timer_deadline(c),
        ),
        lambda c: f"order:{c.n}:remind-resolve",
    ),
    Tell.OVERDUE: _Say(
        "reminder",
        texts.STATE_OVERDUE,
        lambda c: texts.TIMER_OVERDUE.format(**c.common, deadline=_timer_deadline(c)),
        lambda c: f"order:{c.n}:overdue",
    ),
    Tell.OVERDUE_FYI: _Say(
        "reminder",
        texts.STATE_CHASED,
        lambda c: texts.TIMER_OVERDUE.format(**c.common, deadline=_timer_deadline(c)),
        lambda c: f"order:{c.n}:overdue-fyi:{c.to_key}",
    ),
    Tell.UNASSIGNED: _Say(
        "reminder",
        texts.STATE_UNASSIGNED,
        lambda c: texts.MEMBER_UNASSIGNED.format(
            **c.common,
            urgent_head=texts.URGENT_HEAD if c.order.urgent else "",
            reason=c.notice.data["reason"],
            details=details(c.order, c.tz),
        ),
        lambda c: f"order:{c.n}:v{c.version}:nobody:{c.to_key}",
    ),
    Tell.POSSIBLE_DANGER: _Say(
        "reminder",
        texts.STATE_CHECK,
        lambda c: texts.MEMBER_POSSIBLE_DANGER.format(**c.common, details=details(c.order, c.tz)),
        lambda c: f"order:{c.n}:possible-danger:{c.to_key}",
    ),
    Tell.PLACE_ADDED: _Say(
        "order_update",
        texts.STATE_PLACE,
        lambda c: texts.MEMBER_PLACE_ADDED.format(**c.common),
        lambda c: f"order:{c.n}:v{c.version}:place:{c.to_key}",
    ),
    Tell.RESIDENT_MESSAGE: _resident(
        texts.STATE_MESSAGE,
        lambda c: texts.RESIDENT_OFFICE_MESSAGE.format(number=c.n, text=c.notice.data["text"]),
    ),
    Tell.RESIDENT_CANCELLED: _resident(
        texts.STATE_CANCELLED,
        lambda c: texts.RESIDENT_OFFICE_CANCELLED.format(
            number=c.n, reason=c.notice.data["reason"]
        ),
    ),
    Tell.RESIDENT_MERGED: _resident(
        texts.STATE_MERGED,
        lambda c: texts.RESIDENT_MERGED.format(number=c.n, into=c.notice.data["into"]),
    ),
    Tell.SURVEY: _Say(
        "survey",
        texts.STATE_RATE,
        lambda c: texts.SURVEY.format(number=c.n, summary=c.order.summary),
        lambda c: f"order:{c.n}:survey",
    ),
}


def _stamp(when: datetime | None) -> str:
    return f"{when.timestamp():.0f}" if when is not None else "0"


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


def grid_leader(view: RosterView, order: OrderFacts) -> Member | None:
    """The grid leader of the order's place, if there is an active one."""
    index = view.index_for(order.community_id)
    grid = index.grid_for(Place(order.building, order.unit, order.room, order.estate_code or None))
    key = index.grid_leader.get(grid) if grid else None
    leader = view.by_key.get(key) if key else None
    return leader if leader is not None and leader.active else None


def staff(view: RosterView, order: OrderFacts) -> list[Member]:
    """The staff of the order's community (the street office's when the community has none)."""
    index = view.index_for(order.community_id)
    keys = index.staff or index.street_staff
    found = (view.by_key.get(k) for k in keys)
    return [m for m in found if m is not None and m.active]


class Notices:
    """Turns an order's notices into outbox rows in the caller's unit of work.

    With ``collect`` the rows are kept for the caller to write in bulk (the timer tick).
    """

    def __init__(
        self, session: AsyncSession, tz: tzinfo, now: Callable[[], datetime], *, collect: bool
    ) -> None:
        self.session = session
        self.tz = tz
        self.now = now
        self.collected: list[dict[str, Any]] | None = [] if collect else None

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
        elif notice.to == STAFF:
            found = list[Member | None](staff(view, order))
        elif notice.to == STREET:
            index = view.index_for(order.community_id)
            street = (view.by_key.get(k) for k in index.street_staff)
            found = [m for m in street if m is not None and m.active]
        elif notice.to == HOLDER:
            found = [view.by_id.get(order.assignee_id) if order.assignee_id else None]
        else:
            found = [view.by_key.get(notice.to.removeprefix("member:"))]
        return [
            (m.openid, m) for m in found if m is not None and m.openid and m.key not in notice.skip
        ]

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
            "place": place_text(order),
            "summary": order.summary,
        }
        per_person: dict[str, list[tuple[_Say, _Context]]] = {}
        for notice in notices:
            say = _SAY[notice.kind]
            for openid, to in self.recipients(order, notice, view, followers or []):
                context = _Context(order, notice, to, openid, view, self.tz, version, common)
                per_person.setdefault(openid, []).append((say, context))
        for openid, said in per_person.items():
            await self._queue(order, said, openid)

    async def _queue(
        self, order: OrderFacts, said: list[tuple[_Say, _Context]], openid: str
    ) -> None:
        said = sorted(said, key=lambda sc: _PRIORITY.get(sc[0].purpose, 9))
        say, first = said[0]
        what = (first.common["place"] + order.summary).strip()
        state = say.state
        hint = None
        if say.purpose == "order_assigned" and first.notice.kind != Tell.URGENT_FYI:
            state = texts.STATE_URGENT_TO_ACCEPT if order.urgent else state
        if any(c.notice.kind in _TO_ACCEPT for _, c in said):
            hint = texts.ACCEPT_HINT.format(number=order.id)
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
        row = outbox_params(**params)
        if self.collected is not None:
            self.collected.append(row)
        else:
            await stage(self.session, [row])
