"""Which order timers are due, decided without I/O.

The clock starts when the resident writes (``created_at``), not when someone accepts: the
escalation and resolution deadlines run from there — or from the last reopen (重办,
``reopened_at``), which starts every clock again. Only the accept reminder and the hand-on
run from the current assignment, so each member in the chain gets the same time to answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot import texts
from bot.orders.calendar import QuietHours, WorkCalendar
from bot.orders.lifecycle import (
    ACTIVE,
    GRID_LEADER,
    RESIDENT,
    STAFF,
    STREET,
    Change,
    History,
    Notice,
    Status,
    Tell,
    member,
)
from bot.orders.state import OrderFacts


class Due(StrEnum):
    REMIND_ACCEPT = "remind_accept"  # the assignee has not accepted within accept_within
    HAND_ON = "hand_on"  # still not accepted after a second accept_within: next in the chain
    ESCALATE_GRID = "escalate_grid"  # not accepted by escalate_after: the grid leader is told
    ESCALATE_STAFF = "escalate_staff"  # ... and after twice that, community staff
    REMIND_RESOLVE = "remind_resolve"  # the resolution deadline is near
    OVERDUE = "overdue"  # the resolution deadline has passed
    SURVEY = "survey"  # survey_after a resolution, ask the resident once
    CLOSE_UNRATED = "close_unrated"  # no answer to the survey in time
    # an urgent order that nobody in the chain could take: staff, the street's duty and the
    # grid leader are told again until someone accepts it, each gap twice the last (capped)
    CHASE_UNASSIGNED = "chase_unassigned"


@dataclass(frozen=True)
class Sla:
    accept_within: timedelta
    escalate_after: timedelta
    resolve_urgent: timedelta
    resolve_default: timedelta
    survey_after: timedelta
    survey_timeout: timedelta
    # How long before the resolution deadline the reminder goes out (a share of the window).
    remind_share: float = 0.2
    # Working hours for non-urgent orders; None counts the wall clock.
    calendar: WorkCalendar | None = None
    # Shorter accept / escalate windows for urgent orders (None: the same as every order).
    accept_urgent: timedelta | None = None
    escalate_urgent: timedelta | None = None
    # The longest gap between two chases of an urgent order nobody holds (the gaps double
    # from one escalation window up to this).
    chase_cap: timedelta = timedelta(hours=4)
    # The night (sla.quiet_hours): a non-urgent order's timers ping nobody then.
    quiet: QuietHours | None = None

    def accept_window(self, urgent: bool) -> timedelta:
        if urgent and self.accept_urgent is not None:
            return min(self.accept_within, self.accept_urgent)
        return self.accept_within

    def escalate_window(self, urgent: bool) -> timedelta:
        if urgent and self.escalate_urgent is not None:
            return min(self.escalate_after, self.escalate_urgent)
        return self.escalate_after

    def after(self, start: datetime, delta: timedelta, urgent: bool) -> datetime:
        if self.calendar is None or urgent:
            return start + delta
        return self.calendar.add(start, delta)

    def wait(self, start: datetime, delta: timedelta, urgent: bool) -> datetime:
        """When a non-urgent order's time to be accepted (or escalated) is up: working time
        when it is configured, else day time — the night does not count, so the people in
        the chain get the morning to answer an order written at 23:00."""
        if urgent or self.calendar is not None or self.quiet is None:
            return self.after(start, delta, urgent)
        return self.quiet.add(start, delta)

    def held(self, when: datetime, urgent: bool) -> datetime:
        """When a push due at ``when`` goes out: a non-urgent one waits for the morning."""
        if urgent or self.quiet is None:
            return when
        return self.quiet.wake(when)


_KNOWN = frozenset(Status)
_UNACCEPTED = frozenset({Status.RECEIVED, Status.ASSIGNED})
_RUNNING = _UNACCEPTED | ACTIVE  # the resolution deadline applies


def _window(state: OrderFacts, sla: Sla) -> timedelta:
    return sla.resolve_urgent if state.urgent else sla.resolve_default


def started(state: OrderFacts) -> datetime:
    """When the order's clocks started: the report, or the last reopen (重办)."""
    return state.reopened_at or state.created_at


def resolve_deadline(state: OrderFacts, sla: Sla) -> datetime:
    return sla.after(started(state), _window(state, sla), state.urgent)


def escalations_passed(state: OrderFacts, sla: Sla, now: datetime) -> int:
    """How many escalation windows (grid leader, then staff) have passed since the order's
    clocks started: an order the office hands to someone by hand counts them as done — it
    has the order in hand, and chasing the grid leader and staff about a report days old
    the moment it is reassigned only makes noise."""
    urgent, start = state.urgent, started(state)
    window = sla.escalate_window(urgent)
    passed = [sla.held(sla.wait(start, k * window, urgent), urgent) <= now for k in (1, 2)]
    return sum(passed)


class Holder(Protocol):
    """What the timers read of an order's holder (a roster member)."""

    @property
    def name(self) -> str: ...
    @property
    def on_duty(self) -> bool: ...
    @property
    def active(self) -> bool: ...


_HELD = frozenset((Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS, Status.ESCALATED))


def hand_on_instead(due: list[Due], status: str, holder: Holder | None) -> list[Due]:
    """The holder went off duty (下岗) before answering: the accept reminder is not sent to
    them, the order goes on to the next person in the chain instead. A holder removed from
    the roster is not waited for at all, accepted or not: whatever they held goes on (found
    from outside: a removed member was reminded, and his accepted order sat until overdue)."""
    if holder is not None and not holder.active and status in _HELD:
        return [Due.HAND_ON]
    if holder is not None and not holder.on_duty:
        return [Due.HAND_ON if d == Due.REMIND_ACCEPT else d for d in due]
    return due


def handed_on(status: str, holder: Holder | None) -> tuple[str, Change]:
    """Why an order goes on to the next person (the history's words), and what changes with
    it besides: from a holder no longer on the roster an accepted order is to accept anew."""
    if holder is not None and not holder.active:
        values = {} if status == Status.ASSIGNED else {"accepted_at": None}
        return texts.TIMER_LEFT_ROSTER_HANDED_ON.format(name=holder.name), Change(values)
    if holder is not None and not holder.on_duty:  # 下岗: not waited for
        return texts.TIMER_OFF_DUTY_HANDED_ON.format(name=holder.name), Change({})
    return texts.TIMER_HANDED_ON, Change({})


def plan(state: OrderFacts, sla: Sla, now: datetime) -> tuple[list[Due], datetime | None]:
    """The timers due at ``now`` (in the order to act on them) and when the next one falls.
    Runs twice for every order a tick handles, so it compares the status as the stored string
    (building the StrEnum member was a tenth of the tick)."""
    status = state.status
    if status not in _KNOWN:  # a row written by a newer version: leave it alone, loudly
        raise ValueError(f"unknown order status {status!r}")
    due: list[Due] = []
    upcoming: list[datetime] = []

    def check(when: datetime, what: Due) -> None:
        if when <= now:
            due.append(what)
        else:
            upcoming.append(when)

    urgent = state.urgent
    unaccepted = status in _UNACCEPTED
    start = started(state)

    def wait(since: datetime, delta: timedelta) -> datetime:  # the night does not count
        return sla.held(sla.wait(since, delta, urgent), urgent)

    if status == Status.ASSIGNED and state.assigned_at is not None:
        hand_on = wait(state.assigned_at, 2 * sla.accept_window(urgent))
        if hand_on <= now:
            due.append(Due.HAND_ON)  # after downtime a late reminder would only add noise
        else:
            upcoming.append(hand_on)
            if state.accept_reminded_at is None:
                check(wait(state.assigned_at, sla.accept_window(urgent)), Due.REMIND_ACCEPT)
    if unaccepted:
        if state.escalation_level < 1:
            check(wait(start, sla.escalate_window(urgent)), Due.ESCALATE_GRID)
        if state.escalation_level < 2:
            check(wait(start, 2 * sla.escalate_window(urgent)), Due.ESCALATE_STAFF)
    if (chase := _chase_at(state, sla)) is not None:
        check(chase, Due.CHASE_UNASSIGNED)
    if status in _RUNNING and state.overdue_at is None:
        # the deadline itself is not moved by the night; telling of it waits for the morning
        overdue = sla.held(resolve_deadline(state, sla), urgent)
        if overdue <= now:
            due.append(Due.OVERDUE)
        else:
            upcoming.append(overdue)
            if state.resolve_reminded_at is None:
                remind_at = sla.after(start, _window(state, sla) * (1 - sla.remind_share), urgent)
                check(sla.held(remind_at, urgent), Due.REMIND_RESOLVE)
    if status == Status.RESOLVED and state.resolved_at is not None:
        if state.survey_sent_at is None:
            check(sla.held(state.resolved_at + sla.survey_after, urgent), Due.SURVEY)
        else:
            check(state.survey_sent_at + sla.survey_timeout, Due.CLOSE_UNRATED)
    return due, min(upcoming) if upcoming else None


def _chase_at(state: OrderFacts, sla: Sla) -> datetime | None:
    """When an urgent order that nobody holds is chased again: an escalation window after
    staff were first told, then each gap twice the one before, up to ``sla.chase_cap`` (with
    30-minute windows: 30 min, 1 h, 2 h, 4 h, then every 4 h), not a push every window day
    and night. Read from what is stored: the last chase (``accept_reminded_at``) is the
    windows' sum so far, so the next gap is that sum plus one window."""
    if not state.urgent or state.status != Status.RECEIVED or state.assignee_id:
        return None
    if state.escalation_level < 2:
        return None
    window = sla.escalate_window(True)
    told = started(state) + 2 * window  # staff heard of it
    last = state.accept_reminded_at
    if last is None or last <= told:  # not chased yet (a reminder from before does not count)
        return told + window
    if last - told >= _DAILY_AFTER:
        # found from outside: twelve orders nobody took, chased every 4 h for a week, were 42
        # pushes a day to the street's duty officer; after a day everyone has heard many times
        return last + _DAILY_AFTER
    return last + min(last - told + window, max(sla.chase_cap, window))


_DAILY_AFTER = timedelta(days=1)  # chased this long, an unowned emergency is chased daily


# --- what each timer does ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TimerContext:
    """What a timer's change needs of the roster, looked up by the service."""

    holder_key: str | None = None
    holder_name: str | None = None
    grid_leader_name: str | None = None
    staff_count: int = 0


def _remind_accept(o: OrderFacts, sla: Sla, now: datetime, ctx: TimerContext) -> Change:
    if ctx.holder_key is None or o.assigned_at is None:  # its moment has passed all the same
        return Change({"accept_reminded_at": now, "updated_at": now})
    minutes = int((now - o.assigned_at).total_seconds() // 60)
    return Change(
        {"accept_reminded_at": now, "updated_at": now},
        (History("timer:remind_accept", texts.HISTORY_REMIND_ACCEPT.format(name=ctx.holder_name)),),
        (Notice(Tell.REMIND_ACCEPT, member(ctx.holder_key), {"minutes": minutes}),),
    )


def _escalate_grid(o: OrderFacts, sla: Sla, now: datetime, ctx: TimerContext) -> Change:
    leader = ctx.grid_leader_name
    note = (
        texts.HISTORY_ESCALATE_GRID.format(name=leader) if leader else texts.HISTORY_ESCALATE_NOBODY
    )
    return Change(
        {"escalation_level": max(o.escalation_level or 0, 1), "updated_at": now},
        (History("timer:escalate_grid", note),),
        (Notice(Tell.ESCALATE_GRID, GRID_LEADER, _elapsed(o, now, ctx)),),
    )


def _escalate_staff(o: OrderFacts, sla: Sla, now: datetime, ctx: TimerContext) -> Change:
    tell = [Notice(Tell.ESCALATE_STAFF, STAFF, _elapsed(o, now, ctx))]
    if o.urgent:
        # the resident has heard nothing since the report: say it is being chased, and that
        # the emergency lines do not wait for us — unless they said it is over (火灭了): then
        # the alarm would be false, and they are asked whether it can be closed
        said = Tell.RESIDENT_URGENT_SETTLED if o.settled_at else Tell.RESIDENT_URGENT_WAITING
        tell.append(Notice(said, RESIDENT))
    return Change(
        {"escalation_level": 2, "updated_at": now},
        (
            History(
                "timer:escalate_staff", texts.HISTORY_ESCALATE_STAFF.format(count=ctx.staff_count)
            ),
        ),
        tuple(tell),
    )


def _chase_unassigned(o: OrderFacts, sla: Sla, now: datetime, ctx: TimerContext) -> Change:
    data = {**_elapsed(o, now, ctx), "at": now, "or_staff": True}
    return Change(
        {"accept_reminded_at": now, "updated_at": now},
        (History("timer:chase_unassigned", texts.HISTORY_CHASE_UNASSIGNED),),
        tuple(Notice(Tell.CHASE_UNASSIGNED, to, data) for to in (STAFF, STREET, GRID_LEADER)),
    )


def _remind_resolve(o: OrderFacts, sla: Sla, now: datetime, ctx: TimerContext) -> Change:
    data = {"deadline": resolve_deadline(o, sla), "now": now}  # from when the resident wrote
    holder = ctx.holder_key
    return Change(
        {"resolve_reminded_at": now, "updated_at": now},
        (History("timer:remind_resolve", texts.HISTORY_REMIND_RESOLVE),),
        (Notice(Tell.REMIND_RESOLVE, member(holder), data),) if holder else (),
    )


def _overdue(o: OrderFacts, sla: Sla, now: datetime, ctx: TimerContext) -> Change:
    data = {"deadline": resolve_deadline(o, sla)}
    holder = ctx.holder_key
    tells: tuple[Notice, ...] = (Notice(Tell.OVERDUE, member(holder), data),) if holder else ()
    return Change(
        {"overdue_at": now, "updated_at": now},
        (History("timer:overdue", texts.HISTORY_OVERDUE),),
        (*tells, Notice(Tell.OVERDUE_FYI, GRID_LEADER, data)),
    )


def _survey(o: OrderFacts, sla: Sla, now: datetime, ctx: TimerContext) -> Change:
    return Change(
        {"survey_sent_at": now, "updated_at": now},
        (History("timer:survey", texts.HISTORY_SURVEY),),
        (Notice(Tell.SURVEY, RESIDENT),),
    )


def _close_unrated(o: OrderFacts, sla: Sla, now: datetime, ctx: TimerContext) -> Change:
    return Change(
        {"status": Status.CLOSED.value, "closed_at": now, "updated_at": now},
        (History("timer:close_unrated", texts.SURVEY_CLOSED_NOTE),),
    )


_CHANGES = {
    Due.REMIND_ACCEPT: _remind_accept,
    Due.ESCALATE_GRID: _escalate_grid,
    Due.ESCALATE_STAFF: _escalate_staff,
    Due.REMIND_RESOLVE: _remind_resolve,
    Due.OVERDUE: _overdue,
    Due.SURVEY: _survey,
    Due.CLOSE_UNRATED: _close_unrated,
    Due.CHASE_UNASSIGNED: _chase_unassigned,
}


def timer_change(
    o: OrderFacts, due: Due, sla: Sla, now: datetime, ctx: TimerContext
) -> Change | None:
    """The change one due timer makes (None for a hand-on: the service dispatches those)."""
    make = _CHANGES.get(due)
    return make(o, sla, now, ctx) if make is not None else None


def _elapsed(o: OrderFacts, now: datetime, ctx: TimerContext) -> dict[str, object]:
    return {"elapsed": now - started(o), "holder_name": ctx.holder_name}
