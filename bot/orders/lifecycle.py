"""The order lifecycle as pure functions: state in, change and its consequences out.

受理 received → 派单 assigned → 接单 accepted → 办理 in_progress → 反馈 resolved → 评价 closed,
with 退单 declined (to the next responsible), 转派 reassigned, 吹哨 escalated, 重办 reopened and
取消 cancelled, plus what the timers do (reminders, hand-ons, escalations, the follow-up).

Each transition takes what it needs of the order (:class:`OrderFacts`) and returns a
:class:`Change`: the column values to write (the status among them), the history entries and
the notices (who is told what). The order service applies a change in one place; chat, the
timer tick and the console all go through these functions, so the rules, the history and the
notifications are the same whoever acts. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot import texts
from bot.orders.state import OrderFacts

# recipients (the resident, a member, everyone in a role for the place) are named in tells
from bot.orders.tells import GRID_LEADER, HOLDER, PASSED, RESIDENT, STAFF, STREET, Tell, member


class Status(StrEnum):
    RECEIVED = "received"  # stored, nobody to take it yet (or waiting for an address)
    ASSIGNED = "assigned"  # pushed to a member, not yet accepted
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    ESCALATED = "escalated"  # 吹哨: handed beyond the community, still owned by the assignee
    RESOLVED = "resolved"  # the member says it is done; waiting for the resident's verdict
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Action(StrEnum):
    ASSIGN = "assign"
    ACCEPT = "accept"
    PROGRESS = "progress"
    RESOLVE = "resolve"
    DECLINE = "decline"
    REASSIGN = "reassign"
    ESCALATE = "escalate"
    REOPEN = "reopen"
    CLOSE = "close"
    CANCEL = "cancel"


OPEN = frozenset(
    {Status.RECEIVED, Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS, Status.ESCALATED}
)
ACTIVE = frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.ESCALATED})
OPEN_VALUES = tuple(s.value for s in OPEN)
HELD_VALUES = tuple(  # someone holds the order (it counts against their cap)
    s.value for s in (Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS, Status.ESCALATED)
)

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status]] = {
    Action.ASSIGN: (frozenset({Status.RECEIVED, Status.ASSIGNED}), Status.ASSIGNED),
    # a received order nobody could be given may be taken by a member in scope (staff, the
    # grid leader) who reads the "nobody to assign" notice
    Action.ACCEPT: (frozenset({Status.RECEIVED, Status.ASSIGNED}), Status.ACCEPTED),
    Action.PROGRESS: (ACTIVE, Status.IN_PROGRESS),
    Action.RESOLVE: (ACTIVE, Status.RESOLVED),
    Action.DECLINE: (frozenset({Status.ASSIGNED, Status.ACCEPTED}), Status.ASSIGNED),
    Action.REASSIGN: (OPEN, Status.ASSIGNED),
    Action.ESCALATE: (ACTIVE, Status.ESCALATED),
    Action.REOPEN: (frozenset({Status.RESOLVED, Status.CLOSED}), Status.ASSIGNED),
    Action.CLOSE: (frozenset({Status.RESOLVED}), Status.CLOSED),
    Action.CANCEL: (OPEN, Status.CANCELLED),
}


class Refusal(Exception):
    """Why an action cannot happen; ``code`` picks the plain-Chinese reply in bot.texts."""

    def __init__(self, code: str, status: str) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


def check(action: Action, current: Status) -> Refusal | None:
    allowed, _ = TRANSITIONS[action]
    if current in allowed:
        return None
    if current == Status.CANCELLED:
        return Refusal("cancelled", current)
    if current in (Status.CLOSED, Status.RESOLVED) and action != Action.REOPEN:
        return Refusal("finished", current)
    if action == Action.ACCEPT and current in ACTIVE:
        return Refusal("already_accepted", current)
    if current in (Status.ASSIGNED, Status.RECEIVED) and action in (
        Action.PROGRESS,
        Action.RESOLVE,
        Action.ESCALATE,
    ):
        return Refusal("not_accepted", current)
    return Refusal("illegal", current)


def require(action: Action, status: str) -> None:
    """Raise the refusal when ``action`` cannot start from ``status``."""
    refusal = check(action, Status(status))
    if refusal is not None:
        raise refusal


def target(action: Action) -> Status:
    return TRANSITIONS[action][1]


# --- what a change causes --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class History:
    action: str
    note: str = ""
    data: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    kind: Tell
    to: str  # RESIDENT, GRID_LEADER, STAFF or member(key)
    data: dict[str, Any] = field(default_factory=dict)
    skip: tuple[str, ...] = ()  # member keys not to tell (e.g. whoever caused it)


@dataclass(frozen=True, slots=True)
class Change:
    """Column values to write, and what the change causes."""

    values: dict[str, Any]
    history: tuple[History, ...] = ()
    notices: tuple[Notice, ...] = ()

    def then(self, other: Change) -> Change:
        """This change followed by ``other``, written as one."""
        return Change(
            {**self.values, **other.values},
            self.history + other.history,
            self.notices + other.notices,
        )


# --- members and residents -------------------------------------------------------------------
def assign(
    o: OrderFacts,
    action: Action,
    member_id: int,
    member_key: str,
    reason: str,
    level: str,
    now: datetime,
    also_notify: tuple[str, ...] = (),
    why: str = "",
) -> Change:
    """Give the order to a member (dispatch, a decline's next member, a hand-on, a reopen);
    ``why`` tells them what happened to it before (退单的原因, 居民不满意的话)."""
    notices = [Notice(Tell.ASSIGNED, member(member_key), {"why": why} if why else {})]
    notices += [Notice(Tell.URGENT_FYI, member(k), {"holder": member_key}) for k in also_notify]
    return Change(
        {
            "status": target(action).value,
            "assignee_id": member_id,
            "assigned_at": now,
            "updated_at": now,
            "accept_reminded_at": None,  # the new assignee gets the full time to answer
        },
        (History(action.value, reason, {"level": level}),),
        tuple(notices),
    )


def leave_unassigned(action: Action, reason: str, now: datetime, *, urgent: bool) -> Change:
    """Nobody in the chain can take the order: staff hear at once, with the reason; for an
    urgent order the grid leader too, so it always reaches a person."""
    tell = [Notice(Tell.UNASSIGNED, STAFF, {"reason": reason})]
    if urgent:
        tell.insert(0, Notice(Tell.UNASSIGNED, GRID_LEADER, {"reason": reason}))
    return Change(
        {"status": Status.RECEIVED.value, "assignee_id": None, "updated_at": now},
        (History(action.value, reason),),
        tuple(tell),
    )


def accept(
    o: OrderFacts, member_id: int, member_key: str, name: str, now: datetime, was: str = ""
) -> Change:
    """``was``: who held it until now, when another member steps in."""
    require(Action.ACCEPT, o.status)
    said = Notice(Tell.RESIDENT_ACCEPTED, RESIDENT, {"member": member_key})
    return Change(
        {
            "status": Status.ACCEPTED.value,
            "assignee_id": member_id,
            "accepted_at": now,
            "updated_at": now,
        },
        (History(Action.ACCEPT.value, texts.HISTORY_ACCEPTED.format(name=name)),),
        (said, *_taken(o, member_key, was)),
    )


def _taken(o: OrderFacts, member_key: str, was: str) -> tuple[Notice, ...]:
    """Who hears that it is taken, each once: whoever held it (``was``) that they need not go;
    for an urgent order, those told of it (:func:`chased`)."""
    told = [Notice(Tell.TAKEN_FROM_YOU, member(was), {"to": member_key})] if was else []
    data, skip = {"member": member_key}, (member_key, was)
    return (*told, *(Notice(Tell.URGENT_TAKEN, to, data, skip=skip) for to in chased(o)))


def chased(o: OrderFacts) -> list[str]:
    """Those told of an urgent order besides its holder: the grid leader from the start and
    the members it passed (the first paged may be on their way); staff and the street's duty
    once it waits or nobody holds it. Nobody for an ordinary order."""
    if not o.urgent:
        return []
    roles = [GRID_LEADER, PASSED]
    return [*roles, STAFF, STREET] if o.escalation_level >= 2 or o.assignee_id is None else roles


def progress(o: OrderFacts, note: str, now: datetime) -> Change:
    require(Action.PROGRESS, o.status)
    return Change(
        {"status": Status.IN_PROGRESS.value, "updated_at": now},
        (History(Action.PROGRESS.value, note),),
        (Notice(Tell.RESIDENT_PROGRESS, RESIDENT, {"note": note}),),
    )


def resolve(o: OrderFacts, note: str, now: datetime) -> Change:
    require(Action.RESOLVE, o.status)
    return Change(
        {"status": Status.RESOLVED.value, "resolved_at": now, "updated_at": now},
        (History(Action.RESOLVE.value, note or texts.HISTORY_RESOLVED),),
        (Notice(Tell.RESIDENT_RESOLVED, RESIDENT, {"note": note}),),
    )


def escalate(o: OrderFacts, by_key: str, note: str, now: datetime) -> Change:
    require(Action.ESCALATE, o.status)
    fyi = {"by": by_key, "note": note}
    return Change(
        {"status": Status.ESCALATED.value, "updated_at": now},
        (History(Action.ESCALATE.value, texts.HISTORY_ESCALATED.format(note=note)),),
        (
            Notice(Tell.ESCALATION_FYI, GRID_LEADER, fyi, skip=(by_key,)),
            Notice(Tell.ESCALATION_FYI, STAFF, fyi, skip=(by_key,)),
            Notice(Tell.ESCALATION_FYI, STREET, fyi, skip=(by_key,)),
            Notice(Tell.RESIDENT_ESCALATED, RESIDENT),
        ),
    )


def decline(o: OrderFacts, member_id: int) -> Change:
    """The holder gives the order back; the service dispatches it to the next member."""
    require(Action.DECLINE, o.status)
    return Change({"declined_by": [*(o.declined_by or []), member_id]})


def reassign(
    o: OrderFacts,
    by_key: str,
    by_name: str,
    to_id: int,
    to_key: str,
    to_name: str,
    now: datetime,
    from_key: str | None = None,
) -> Change:
    """``from_key``: who held it until now; told, unless they passed it on themselves."""
    require(Action.REASSIGN, o.status)
    told = (
        (Notice(Tell.TAKEN_FROM_YOU, member(from_key), {"to": to_key}),)
        if from_key is not None and from_key not in (by_key, to_key)
        else ()
    )
    return Change(
        {
            "status": Status.ASSIGNED.value,
            "assignee_id": to_id,
            "assigned_at": now,
            "accepted_at": None,
            "accept_reminded_at": None,
            "updated_at": now,
        },
        (History(Action.REASSIGN.value, texts.HISTORY_REASSIGNED.format(by=by_name, to=to_name)),),
        (
            Notice(Tell.HANDED_TO_YOU, member(to_key), {"by": by_key}),
            Notice(Tell.RESIDENT_HANDED_ON, RESIDENT, {"member": to_key}),
            *told,
        ),
    )


def cancel(o: OrderFacts, holder_key: str | None, now: datetime) -> Change:
    """Its holder hears it is cancelled, and everyone told of an emergency (found from outside:
    a grid leader alerted to an urgent order was never told it was called off)."""
    require(Action.CANCEL, o.status)
    told = [Notice(Tell.CANCELLED, member(holder_key))] if holder_key else []
    skip = (holder_key,) if holder_key else ()
    told += [Notice(Tell.CANCELLED, to, skip=skip) for to in chased(o)]
    return Change(
        {"status": Status.CANCELLED.value, "updated_at": now, "closed_at": now},
        (History(Action.CANCEL.value, texts.HISTORY_CANCELLED),),
        tuple(told),
    )


def _rated(template: str, score: int, comment: str) -> str:
    note = template.format(score=score)
    return note + texts.HISTORY_RATING_COMMENT.format(comment=comment) if comment else note


def rate_low(o: OrderFacts, score: int, now: datetime, comment: str = "") -> Change:
    """An unsatisfied verdict: the order is done again (重办); the service dispatches it."""
    require(Action.REOPEN, o.status)
    return Change(
        {"rating": score, **restart_clocks(now)},
        (History("rate", _rated(texts.HISTORY_RATED_LOW, score, comment), _said(comment)),),
        (Notice(Tell.REOPEN_FYI, GRID_LEADER, {"score": score}),),
    )


def rate_and_close(o: OrderFacts, score: int, now: datetime, comment: str = "") -> Change:
    require(Action.CLOSE, o.status)
    note = _rated(texts.HISTORY_RATED, score, comment)
    return Change(
        {"status": Status.CLOSED.value, "rating": score, "closed_at": now, "updated_at": now},
        (History(Action.CLOSE.value, note, _said(comment)),),
    )


def restart_clocks(now: datetime) -> dict[str, Any]:
    """A reopened order is timed anew from ``now`` (bot.orders.timers): its first round's
    reminders, escalations, deadlines and passers-on (kept, they sent it to nobody) are done."""
    cleared = ("accept_reminded_at", "overdue_at", "resolve_reminded_at", "survey_sent_at")
    fresh = {"reopened_at": now, "updated_at": now, "escalation_level": 0, "declined_by": []}
    return fresh | dict.fromkeys(cleared)


def _said(comment: str) -> dict[str, str] | None:
    return {"comment": comment} if comment else None


def possible_danger(hazard: str | None) -> Change:
    """A report the danger detector is unsure of: the grid leader (or staff) looks at once."""
    return Change(
        {}, (), (Notice(Tell.POSSIBLE_DANGER, GRID_LEADER, {"hazard": hazard, "or_staff": True}),)
    )


def add_place(
    o: OrderFacts,
    building: str | None,
    unit: str | None,
    room: str | None,
    label: str,
    now: datetime,
) -> Change:
    """The resident gives the address after the report (an emergency is sent out first)."""
    holder = o.assignee_id
    return Change(
        {"building": building, "unit": unit, "room": room, "updated_at": now},
        (History("place", texts.HISTORY_PLACE_ADDED.format(place=label)),),
        (Notice(Tell.PLACE_ADDED, GRID_LEADER if holder is None else HOLDER),),
    )


def link_report(o: OrderFacts, text: str, same_resident: bool, now: datetime) -> Change:
    """The same problem reported again: on the order's history only. The holder is not
    pushed again (a flood of repeats must not become a flood of pushes); the board shows it."""
    note = texts.HISTORY_REPEATED if same_resident else texts.HISTORY_LINKED
    return Change({"updated_at": now}, (History("linked", note.format(text=text[:60])),))


def hurry(o: OrderFacts, text: str, now: datetime, detail: bool = False) -> Change:
    """The resident presses an open order (能不能快点, 还没人来): whoever holds it is told, and
    for an urgent order, or one nobody holds, the grid leader too (staff as well when nobody
    holds it). The pushes are keyed by the quarter hour, so pressing again and again within
    it tells each of them once. A ``detail`` (是的 流了很多血 人有点迷糊, said of an emergency
    just reported) goes to the same people, each one told."""
    data = {"text": text[:60], "at": now, "detail": detail}
    tell = [Notice(Tell.HURRIED, HOLDER, data)] if o.assignee_id else []
    if o.urgent or not o.assignee_id:
        tell.append(Notice(Tell.HURRIED, GRID_LEADER, {**data, "or_staff": True}))
    if not o.assignee_id:
        tell.append(Notice(Tell.HURRIED, STAFF, data))
    note = (texts.HISTORY_DETAIL if detail else texts.HISTORY_HURRIED).format(text=text[:60])
    return Change({"updated_at": now}, (History("hurry", note),), tuple(tell))
