"""How each kind of order notice is worded, carried and keyed: one entry per
:class:`~bot.orders.tells.Tell`, every sentence from bot.texts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from bot import texts
from bot.orders.lifecycle import Notice, Tell
from bot.orders.state import OrderFacts
from bot.orders.wording import details, emergency_lines, local_time, span, who
from bot.roster.cache import RosterView
from models.community import Member

CONSOLE = "console:"  # an actor of the console without a roster member (OfficeService.Author)


@dataclass(frozen=True, slots=True)
class Say:
    """How one kind of notice is worded, carried and keyed."""

    purpose: str  # the outbox purpose (and template)
    state: str  # the template's state field
    text: Callable[[Context], str]
    key: Callable[[Context], str]
    # what the template's one free field (thing5) carries when there is nothing to answer —
    # the resident's own words — and a state that depends on the notice; outside WeChat's
    # 48-hour window the template is all the member reads
    remark: Callable[[Context], str] | None = None
    state_of: Callable[[Context], str] | None = None


@dataclass(slots=True)
class Context:
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
        """The member the notice names, or the console account that acted without one (found
        from outside: 「把工单 #334 转给了您」 named nobody)."""
        found = self.member(name)
        key = str(self.notice.data.get(name) or "")
        if found is None and key.startswith(CONSOLE):
            return texts.CONSOLE_AUTHOR.format(username=key.removeprefix(CONSOLE))
        return who(found)

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


def _resident(
    state: str, text: Callable[[Context], str], remark: Callable[[Context], str] | None = None
) -> Say:
    return Say(
        "order_update",
        state,
        text,
        lambda c: f"order:{c.n}:v{c.version}:{c.to_key}:{state}",
        remark=remark,
    )


def _timer_deadline(c: Context) -> str:
    return local_time(c.notice.data["deadline"], c.tz)


def _since(c: Context, first: str = texts.SINCE_REPORT) -> str:
    """How long the order has waited: since the report, or since it was reopened (重办)."""
    said = texts.SINCE_REOPEN if c.order.reopened_at is not None else first
    return said.format(hours=span(c.notice.data["elapsed"]))


def _round(c: Context) -> str:
    """A reopened order's timers go again: their pushes are keyed by the reopen too (an
    order never reopened keeps the keys it always had)."""
    again = c.order.reopened_at
    return f":r{stamp(again)}" if again is not None else ""


def _reopened(c: Context) -> str:
    then = (
        texts.REOPENED_THEN_OTHER.format(who=c.who("to"))
        if c.notice.data.get("to")
        else texts.REOPENED_THEN_NOBODY
    )
    return texts.MEMBER_REOPENED.format(**c.common, why=c.notice.data["why"], then=then)


SAY: dict[Tell, Say] = {
    Tell.ASSIGNED: Say(
        "order_assigned",
        texts.STATE_TO_ACCEPT,
        lambda c: texts.MEMBER_NEW_ORDER.format(
            **c.common,
            urgent_head=texts.URGENT_HEAD if c.order.urgent else "",
            details=details(c.order, c.tz)
            + (
                texts.ORDER_DETAIL_WHY.format(why=c.notice.data["why"])
                if c.notice.data.get("why")
                else ""
            ),
        ),
        lambda c: f"order:{c.n}:v{c.version}:assign:{c.to_key}",
    ),
    Tell.URGENT_FYI: Say(
        "order_assigned",
        texts.STATE_URGENT,
        lambda c: texts.MEMBER_URGENT_FYI.format(**c.common, who=c.who("holder")),
        lambda c: f"order:{c.n}:urgent-fyi:{c.to_key}",
    ),
    Tell.HANDED_TO_YOU: Say(
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
    Tell.TAKEN_FROM_YOU: Say(
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
    Tell.ESCALATION_FYI: Say(
        "reminder",
        texts.STATE_WHISTLE,
        lambda c: texts.MEMBER_ESCALATION_FYI.format(
            **c.common, who=c.who("by"), note=c.notice.data["note"]
        ),
        lambda c: f"order:{c.n}:v{c.version}:escalate:{c.to_key}",
    ),
    Tell.CANCELLED: Say(
        "order_update",
        texts.STATE_CANCELLED,
        lambda c: (
            texts.MEMBER_CANCELLED_ERASED if c.notice.data.get("erased") else texts.MEMBER_CANCELLED
        ).format(number=c.n),
        lambda c: f"order:{c.n}:cancel:{c.to_key}",
    ),
    Tell.REOPEN_FYI: Say(
        "reminder",
        texts.STATE_CHASED,
        lambda c: (
            texts.REOPEN_GRID_FYI.format(**c.common, score=c.notice.data["score"])
            if "score" in c.notice.data  # a low rating; else said not fixed, with no rating
            else texts.REOPEN_GRID_FYI_NOT_FIXED.format(**c.common, said=c.notice.data["said"])
        ),
        lambda c: f"order:{c.n}:v{c.version}:reopen-fyi:{c.to_key}",
    ),
    Tell.REOPENED: Say(
        "order_update",
        texts.STATE_REOPENED,
        _reopened,
        lambda c: f"order:{c.n}:v{c.version}:reopened:{c.to_key}",
    ),
    Tell.REMIND_ACCEPT: Say(
        "reminder",
        texts.STATE_REMIND_ACCEPT,
        lambda c: texts.TIMER_REMIND_ACCEPT.format(
            **c.common, waited=span(timedelta(minutes=c.notice.data["minutes"]))
        ),
        lambda c: f"order:{c.n}:remind-accept:{stamp(c.order.assigned_at)}",
    ),
    Tell.ESCALATE_GRID: Say(
        "reminder",
        texts.STATE_CHASED,
        lambda c: texts.TIMER_ESCALATE_GRID.format(
            **c.common,
            since=_since(c),
            holder=c.notice.data.get("holder_name") or texts.TIMER_NOBODY,
        ),
        lambda c: f"order:{c.n}:escalate_grid{_round(c)}:{c.to_key}",
    ),
    Tell.ESCALATE_STAFF: Say(
        "reminder",
        texts.STATE_CHASED,
        lambda c: (
            texts.TIMER_ESCALATE_STAFF if c.order.building else texts.TIMER_ESCALATE_STAFF_NO_PLACE
        ).format(**c.common, since=_since(c)),
        lambda c: f"order:{c.n}:escalate_staff{_round(c)}:{c.to_key}",
    ),
    Tell.REMIND_RESOLVE: Say(
        "reminder",
        texts.STATE_NEAR_DEADLINE,
        lambda c: texts.TIMER_REMIND_RESOLVE.format(
            **c.common,
            left=span(c.notice.data["deadline"] - c.notice.data["now"]),
            deadline=_timer_deadline(c),
        ),
        lambda c: f"order:{c.n}:remind-resolve{_round(c)}",
    ),
    Tell.OVERDUE: Say(
        "reminder",
        texts.STATE_OVERDUE,
        lambda c: texts.TIMER_OVERDUE.format(**c.common, deadline=_timer_deadline(c)),
        lambda c: f"order:{c.n}:overdue{_round(c)}",
    ),
    Tell.OVERDUE_FYI: Say(
        "reminder",
        texts.STATE_CHASED,
        lambda c: texts.TIMER_OVERDUE.format(**c.common, deadline=_timer_deadline(c)),
        lambda c: f"order:{c.n}:overdue-fyi{_round(c)}:{c.to_key}",
    ),
    Tell.UNASSIGNED: Say(
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
    Tell.POSSIBLE_DANGER: Say(
        "reminder",
        texts.STATE_CHECK,
        lambda c: texts.MEMBER_POSSIBLE_DANGER.format(**c.common, details=details(c.order, c.tz)),
        lambda c: f"order:{c.n}:possible-danger:{c.to_key}",
    ),
    Tell.PLACE_ADDED: Say(
        "order_update",
        texts.STATE_PLACE,
        lambda c: texts.MEMBER_PLACE_ADDED.format(**c.common),
        lambda c: f"order:{c.n}:v{c.version}:place:{c.to_key}",
    ),
    Tell.RESIDENT_WAITING: _resident(
        texts.STATE_UNASSIGNED, lambda c: texts.RESIDENT_WAITING.format(number=c.n)
    ),
    Tell.OFFICE_RESOLVED: Say(
        "order_update",
        texts.STATE_OFFICE_RESOLVED,
        lambda c: texts.MEMBER_OFFICE_RESOLVED.format(**c.common),
        lambda c: f"order:{c.n}:v{c.version}:office-resolved:{c.to_key}",
    ),
    Tell.PLACE_CORRECTED: Say(
        "order_update",
        texts.STATE_PLACE_CORRECTED,
        lambda c: texts.MEMBER_PLACE_CORRECTED.format(**c.common),
        lambda c: f"order:{c.n}:v{c.version}:place:{c.to_key}",
    ),
    Tell.RESIDENT_MESSAGE: _resident(
        texts.STATE_MESSAGE,
        lambda c: texts.RESIDENT_OFFICE_MESSAGE.format(number=c.n, text=c.notice.data["text"]),
        # outside the 48-hour window the template is all the resident reads: the office's
        # words must be in it
        remark=lambda c: c.notice.data["text"],
    ),
    Tell.RESIDENT_CANCELLED: _resident(
        texts.STATE_CANCELLED,
        lambda c: texts.RESIDENT_OFFICE_CANCELLED.format(
            number=c.n, reason=c.notice.data["reason"]
        ),
        remark=lambda c: c.notice.data["reason"],
    ),
    Tell.RESIDENT_MERGED: _resident(
        texts.STATE_MERGED,
        lambda c: texts.RESIDENT_MERGED.format(number=c.n, into=c.notice.data["into"]),
    ),
    Tell.RESIDENT_REOPENED: _resident(
        texts.STATE_REOPENED,
        lambda c: (
            texts.RESIDENT_OFFICE_REOPENED.format(
                number=c.n, summary=c.order.summary, who=c.who("member")
            )
            if c.notice.data.get("member")
            else texts.RESIDENT_OFFICE_REOPENED_NOBODY.format(number=c.n, summary=c.order.summary)
        ),
    ),
    Tell.CHASE_UNASSIGNED: Say(
        "reminder",
        texts.STATE_CHASED,
        lambda c: texts.MEMBER_CHASE_UNASSIGNED.format(
            **c.common, since=_since(c, texts.SINCE_HELP)
        ),
        lambda c: f"order:{c.n}:chase:{stamp(c.notice.data['at'])}:{c.to_key}",
    ),
    Tell.RESIDENT_URGENT_WAITING: _resident(
        texts.STATE_URGENT_WAITING,
        lambda c: texts.urgent_waiting(c.n, emergency_lines(c.order)),
    ),
    Tell.RESIDENT_URGENT_SETTLED: _resident(
        texts.STATE_URGENT_SETTLED,
        lambda c: texts.RESIDENT_URGENT_SETTLED.format(number=c.n),
    ),
    Tell.URGENT_TAKEN: Say(
        "order_update",
        texts.STATE_TAKEN,
        lambda c: texts.MEMBER_URGENT_TAKEN.format(number=c.n, who=c.who("member")),
        lambda c: f"order:{c.n}:v{c.version}:taken-fyi:{c.to_key}",
    ),
    Tell.URGENT_MOVED: Say(
        "order_update",
        texts.STATE_HANDED_ON,
        lambda c: texts.MEMBER_URGENT_MOVED.format(
            number=c.n,
            place=c.common["place"].strip(),
            who=c.who("to") or texts.MEMBER_URGENT_MOVED_TO_NOBODY,
        ),
        lambda c: f"order:{c.n}:v{c.version}:moved:{c.to_key}",
    ),
    Tell.HURRIED: Say(
        "reminder",
        texts.STATE_CHASED,
        lambda c: (
            texts.MEMBER_CALMED
            if c.notice.data.get("calmed")
            else (texts.MEMBER_DETAIL if c.order.urgent else texts.MEMBER_NOTE)
            if c.notice.data.get("detail")
            else texts.MEMBER_HURRIED
        ).format(**c.common, text=c.notice.data["text"]),
        lambda c: (
            f"order:{c.n}:detail:{c.notice.data['at'].timestamp():.0f}:{c.to_key}"
            if c.notice.data.get("detail")
            else f"order:{c.n}:hurry:{int(c.notice.data['at'].timestamp() // 900)}:{c.to_key}"
        ),
        remark=lambda c: c.notice.data["text"],
        state_of=lambda c: (
            texts.STATE_CALMED
            if c.notice.data.get("calmed")
            else texts.STATE_DETAIL
            if c.notice.data.get("detail")
            else texts.STATE_CHASED
        ),
    ),
    Tell.SURVEY: Say(
        "survey",
        texts.STATE_RATE,
        lambda c: texts.SURVEY.format(number=c.n, summary=c.order.summary),
        lambda c: f"order:{c.n}:survey{_round(c)}",
    ),
}


def rating_asks(number: int) -> tuple[str, ...]:
    """``LIKE`` patterns of the keys of pushes that ask the reporter to rate order ``number``:
    the 已办结 update (:data:`SAY`, ``_resident``) and the survey."""
    return (f"order:{number}:v%:resident:{texts.STATE_RESOLVED}%", f"order:{number}:survey%")


def stamp(when: datetime | None) -> str:
    return f"{when.timestamp():.0f}" if when is not None else "0"
