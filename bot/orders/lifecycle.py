"""The order lifecycle as a pure state machine (no I/O).

受理 received → 派单 assigned → 接单 accepted → 办理 in_progress → 反馈 resolved → 评价 closed,
with 退单 declined (back to assigned, to the next responsible), 转派 reassigned, 吹哨 escalated,
重办 reopened and 取消 cancelled. Every transition names who may make it; the service layer
records each one as an order event.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status]] = {
    Action.ASSIGN: (frozenset({Status.RECEIVED, Status.ASSIGNED}), Status.ASSIGNED),
    Action.ACCEPT: (frozenset({Status.ASSIGNED}), Status.ACCEPTED),
    Action.PROGRESS: (ACTIVE, Status.IN_PROGRESS),
    Action.RESOLVE: (ACTIVE, Status.RESOLVED),
    Action.DECLINE: (frozenset({Status.ASSIGNED, Status.ACCEPTED}), Status.ASSIGNED),
    Action.REASSIGN: (
        frozenset(
            {
                Status.RECEIVED,
                Status.ASSIGNED,
                Status.ACCEPTED,
                Status.IN_PROGRESS,
                Status.ESCALATED,
            }
        ),
        Status.ASSIGNED,
    ),
    Action.ESCALATE: (ACTIVE, Status.ESCALATED),
    Action.REOPEN: (frozenset({Status.RESOLVED, Status.CLOSED}), Status.ASSIGNED),
    Action.CLOSE: (frozenset({Status.RESOLVED}), Status.CLOSED),
    Action.CANCEL: (OPEN, Status.CANCELLED),
}


@dataclass(frozen=True)
class Refusal:
    """Why an action cannot happen; ``code`` picks the plain-Chinese reply in bot.texts."""

    code: str
    status: Status


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


def target(action: Action) -> Status:
    return TRANSITIONS[action][1]
