"""The order rules without a database: transitions, what each causes, timers, dispatch, scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.orders import lifecycle as lc
from bot.orders.dispatch import HouseholdPattern, MemberCard, Place, RosterIndex, decide
from bot.orders.lifecycle import (
    GRID_LEADER,
    RESIDENT,
    STAFF,
    STREET,
    Action,
    Refusal,
    Status,
    Tell,
)
from bot.orders.permissions import may_act
from bot.orders.state import OrderRow, write
from bot.orders.timers import Due, Sla, TimerContext, plan, timer_change

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
SLA = Sla(
    accept_within=timedelta(minutes=30),
    escalate_after=timedelta(hours=2),
    resolve_urgent=timedelta(hours=2),
    resolve_default=timedelta(days=3),
    survey_after=timedelta(hours=24),
    survey_timeout=timedelta(days=3),
)


def order(status: str = "assigned", **kw: object) -> OrderRow:
    return OrderRow(7, status, False, NOW - timedelta(days=1), assignee_id=1, **kw)  # type: ignore[arg-type]


# --- which action may start from which status ------------------------------------------------
ALL = list(Status)
ALLOWED = {
    Action.ASSIGN: {"received", "assigned"},
    Action.ACCEPT: {"received", "assigned"},  # received: nobody could be given it
    Action.PROGRESS: {"accepted", "in_progress", "escalated"},
    Action.RESOLVE: {"accepted", "in_progress", "escalated"},
    Action.DECLINE: {"assigned", "accepted"},
    Action.REASSIGN: {"received", "assigned", "accepted", "in_progress", "escalated"},
    Action.ESCALATE: {"accepted", "in_progress", "escalated"},
    Action.REOPEN: {"resolved", "closed"},
    Action.CLOSE: {"resolved"},
    Action.CANCEL: {"received", "assigned", "accepted", "in_progress", "escalated"},
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", ALL)
def test_every_action_from_every_status(action: Action, status: Status) -> None:
    refusal = lc.check(action, status)
    assert (refusal is None) == (status.value in ALLOWED[action])


@pytest.mark.parametrize(
    ("action", "status", "code"),
    [
        (Action.ACCEPT, Status.CANCELLED, "cancelled"),
        (Action.PROGRESS, Status.CLOSED, "finished"),
        (Action.ACCEPT, Status.IN_PROGRESS, "already_accepted"),
        (Action.RESOLVE, Status.ASSIGNED, "not_accepted"),
        (Action.CLOSE, Status.ASSIGNED, "illegal"),
    ],
)
def test_refusals_say_why(action: Action, status: Status, code: str) -> None:
    refusal = lc.check(action, status)
    assert refusal is not None and refusal.code == code


# --- what each transition changes and causes --------------------------------------------------
def test_accept_sets_the_holder_and_tells_the_resident() -> None:
    change = lc.accept(order(), 3, "m03", "王芳", NOW)
    assert change.values["status"] == "accepted" and change.values["assignee_id"] == 3
    assert [h.action for h in change.history] == ["accept"]
    assert [(n.kind, n.to) for n in change.notices] == [(Tell.RESIDENT_ACCEPTED, RESIDENT)]


def test_accept_refuses_what_is_not_waiting_for_it() -> None:
    with pytest.raises(Refusal) as refused:
        lc.accept(order("resolved"), 3, "m03", "王芳", NOW)
    assert refused.value.code == "finished"


def test_escalation_tells_the_grid_leader_staff_and_resident_but_not_the_whistleblower() -> None:
    change = lc.escalate(order("accepted"), "m02", "需要供电公司", NOW)
    assert change.values["status"] == "escalated"
    assert [(n.to, n.skip) for n in change.notices[:3]] == [
        (GRID_LEADER, ("m02",)),
        (STAFF, ("m02",)),
        (STREET, ("m02",)),  # 吹哨 goes beyond the community
    ]
    assert change.notices[3].to == RESIDENT


def test_assign_tells_the_member_and_the_grid_leader_of_an_urgent_order() -> None:
    change = lc.assign(
        order("received"), Action.ASSIGN, 2, "m02", "派给", "representative", NOW, ("m01",)
    )
    assert change.values["status"] == "assigned" and change.values["accept_reminded_at"] is None
    assert [(n.kind, n.to) for n in change.notices] == [
        (Tell.ASSIGNED, "member:m02"),
        (Tell.URGENT_FYI, "member:m01"),
    ]


def test_decline_then_assign_is_one_change() -> None:
    o = order("assigned", declined_by=[5])
    combined = lc.decline(o, 1).then(
        lc.assign(o, Action.DECLINE, 2, "m02", "下一位", "grid_leader", NOW)
    )
    assert combined.values["declined_by"] == [5, 1] and combined.values["assignee_id"] == 2


def test_low_rating_reopens_high_rating_closes() -> None:
    low = lc.rate_low(order("resolved"), 1, NOW)
    assert low.values["rating"] == 1 and low.values["survey_sent_at"] is None
    assert low.notices[0].kind == Tell.REOPEN_FYI
    high = lc.rate_and_close(order("resolved"), 5, NOW)
    assert high.values["status"] == "closed" and high.values["closed_at"] == NOW


def test_cancel_tells_the_holder_only_if_there_is_one() -> None:
    assert lc.cancel(order("assigned"), "m02", NOW).notices[0].to == "member:m02"
    assert lc.cancel(order("received"), None, NOW).notices == ()


def test_write_is_the_one_place_a_status_is_set() -> None:
    o = OrderRow.read([7, "assigned", False, NOW])
    write(o, {"status": "accepted", "updated_at": NOW, "assignee_id": None})
    # unchanged values (assignee_id was None already) are not written back
    assert o.changes() == {"id": 7, "status": "accepted", "updated_at": NOW}


# --- timers ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("due", "status", "writes", "tells"),
    [
        (Due.REMIND_ACCEPT, "assigned", "accept_reminded_at", [Tell.REMIND_ACCEPT]),
        (Due.ESCALATE_GRID, "assigned", "escalation_level", [Tell.ESCALATE_GRID]),
        (Due.ESCALATE_STAFF, "assigned", "escalation_level", [Tell.ESCALATE_STAFF]),
        (Due.REMIND_RESOLVE, "accepted", "resolve_reminded_at", [Tell.REMIND_RESOLVE]),
        (Due.OVERDUE, "accepted", "overdue_at", [Tell.OVERDUE, Tell.OVERDUE_FYI]),
        (Due.SURVEY, "resolved", "survey_sent_at", [Tell.SURVEY]),
        (Due.CLOSE_UNRATED, "resolved", "closed_at", []),
    ],
)
def test_each_timer_writes_its_mark_and_tells_who_it_should(
    due: Due, status: str, writes: str, tells: list[Tell]
) -> None:
    o = order(status, assigned_at=NOW - timedelta(hours=1))
    ctx = TimerContext(holder_key="m02", holder_name="李建国", grid_leader_name="张美丽")
    change = timer_change(o, due, SLA, NOW, ctx)
    assert change is not None and writes in change.values
    assert [n.kind for n in change.notices] == tells
    assert change.history[0].action == f"timer:{due.value}"


def test_a_hand_on_is_left_to_dispatch() -> None:
    assert timer_change(order(), Due.HAND_ON, SLA, NOW, TimerContext()) is None


def test_plan_from_the_resident_writing_not_from_the_accept() -> None:
    o = order("accepted", assigned_at=NOW - timedelta(minutes=5))
    due, upcoming = plan(o, SLA, NOW)
    assert due == [] and upcoming == o.created_at + SLA.resolve_default * 0.8


# --- dispatch -----------------------------------------------------------------------------------
def _index() -> RosterIndex:
    members = [
        MemberCard("m01", "张美丽", frozenset({"grid_leader"}), grids=frozenset({"G01"})),
        MemberCard(
            "m02",
            "李建国",
            frozenset({"representative"}),
            households=(HouseholdPattern.parse("1-1-*"),),
        ),
        MemberCard("m03", "王芳", frozenset({"staff"})),
        MemberCard("m04", "孙丽", frozenset({"mediator"})),
    ]
    return RosterIndex.build(members, {"1": "G01"}, {"G01": "第一网格"})


@pytest.mark.parametrize(
    ("place", "category", "kwargs", "expected"),
    [
        (Place("1", "1", "101"), "repair", {}, "m02"),  # the household's representative
        (Place("1", "2", "101"), "repair", {}, "m01"),  # no representative: the grid leader
        (Place("9", None, None), "repair", {}, "m03"),  # outside every grid: staff
        (Place("1", "1", "101"), "dispute", {}, "m04"),  # disputes: the mediator
        (Place("1", "1", "101"), "paperwork", {}, "m03"),  # paperwork: staff
        (Place("1", "1", "101"), "repair", {"exclude": ("m02",)}, "m01"),  # declined: next
        (Place("1", "1", "101"), "repair", {"open_counts": {"m02": 20}}, "m01"),  # at the cap
    ],
)
def test_decide_walks_the_chain(
    place: Place, category: str, kwargs: dict[str, object], expected: str
) -> None:
    assert decide(_index(), place, category, **kwargs).member_id == expected  # type: ignore[arg-type]


def test_an_urgent_order_also_reaches_the_grid_leader() -> None:
    decision = decide(_index(), Place("1", "1", "101"), "repair", urgent=True)
    assert decision.member_id == "m02" and decision.also_notify == ("m01",)


def test_nobody_to_take_it() -> None:
    index = RosterIndex.build([], {})
    decision = decide(index, Place("1", None, None), "repair")
    assert decision.member_id is None and decision.level == "none"


# --- who may act --------------------------------------------------------------------------------
REP = MemberCard(
    "m02", "李建国", frozenset({"representative"}), households=(HouseholdPattern.parse("1-1-*"),)
)
LEADER = MemberCard("m01", "张美丽", frozenset({"grid_leader"}), grids=frozenset({"G01"}))
OTHER_LEADER = MemberCard("m09", "周杰", frozenset({"grid_leader"}), grids=frozenset({"G02"}))
STAFF_CARD = MemberCard("m03", "王芳", frozenset({"staff"}))
GONE = MemberCard("m08", "离职", frozenset({"staff"}), active=False)
HOME = Place("1", "1", "101")


@pytest.mark.parametrize(
    ("card", "action", "assignee", "allowed"),
    [
        (STAFF_CARD, Action.RESOLVE, False, True),  # staff: everything
        (LEADER, Action.REASSIGN, False, True),  # the grid's leader: everything in the grid
        (OTHER_LEADER, Action.ACCEPT, False, False),  # another grid's leader: nothing
        (REP, Action.RESOLVE, True, True),  # the holder: their order
        (REP, Action.ACCEPT, False, True),  # same place, unaccepted: may step in
        (REP, Action.RESOLVE, False, False),  # same place, not theirs: no
        (GONE, Action.ACCEPT, True, False),  # inactive: never
    ],
)
def test_may_act(card: MemberCard, action: Action, assignee: bool, allowed: bool) -> None:
    assert (
        may_act(card, action, is_assignee=assignee, place=HOME, category="repair", grid="G01")
        is allowed
    )
