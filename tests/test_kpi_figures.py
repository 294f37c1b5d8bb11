"""The figures on hand-built orders: every expected value is worked out by hand below.

SLA used unless a test says otherwise: accept within 30 minutes, resolve urgent orders within
2 hours and others within 3 days, wall clock (no working hours). Times are written in Shanghai
local time for reading and converted to UTC, as the database stores them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.kpi import labels
from bot.kpi.figures import Figures, OrderFact, Scope, breakdown, compute, daily_counts, in_scope
from bot.kpi.period import Period
from bot.kpi.worktime import working_between
from bot.orders.calendar import QuietHours, WorkCalendar
from bot.orders.timers import Sla

SH = ZoneInfo("Asia/Shanghai")
NOV = Period.month(2026, 11)
M, H, D = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


def sla(
    calendar: WorkCalendar | None = None,
    quiet: QuietHours | None = None,
    accept_urgent: timedelta | None = None,
) -> Sla:
    return Sla(
        accept_within=30 * M,
        escalate_after=2 * H,
        resolve_urgent=2 * H,
        resolve_default=3 * D,
        survey_after=24 * H,
        survey_timeout=72 * H,
        calendar=calendar,
        quiet=quiet,
        accept_urgent=accept_urgent,
    )


def sh(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    """A Shanghai wall-clock time, as the UTC instant the database would hold."""
    return datetime(year, month, day, hour, minute, tzinfo=SH).astimezone(UTC)


def november() -> list[OrderFact]:
    return [
        # 1: accepted in 20 min, resolved in 24 h, rated 5
        OrderFact(
            1,
            sh(11, 2, 9),
            "closed",
            "repair",
            grid="G01",
            member="m02",
            assigned_at=sh(11, 2, 9),
            accepted_at=sh(11, 2, 9, 20),
            resolved_at=sh(11, 3, 9),
            closed_at=sh(11, 4, 9),
            rating=5,
        ),
        # 2: accepted in 50 min (late), resolved in 4 days (late), rated 4
        OrderFact(
            2,
            sh(11, 5, 10),
            "closed",
            "elderly",
            grid="G01",
            member="m02",
            assigned_at=sh(11, 5, 10),
            accepted_at=sh(11, 5, 10, 50),
            resolved_at=sh(11, 9, 10),
            closed_at=sh(11, 10, 10),
            rating=4,
        ),
        # 3: reopened after a low rating; given again at 21:00, accepted 21:10 (10 min),
        #    resolved again 11-11 08:00 (24 h after it was written), finally rated 3
        OrderFact(
            3,
            sh(11, 10, 8),
            "closed",
            "repair",
            grid="G02",
            member="m07",
            assigned_at=sh(11, 10, 21),
            accepted_at=sh(11, 10, 21, 10),
            resolved_at=sh(11, 11, 8),
            closed_at=sh(11, 12, 8),
            rating=3,
            reopened=True,
        ),
        # 4: never accepted, escalated to staff; its 3-day deadline (11-23 12:00) has passed
        OrderFact(
            4,
            sh(11, 20, 12),
            "assigned",
            "sanitation",
            grid="G02",
            member="m07",
            assigned_at=sh(11, 20, 12),
            escalation_level=2,
        ),
        # 5: cancelled by the resident: counted as received and cancelled, nothing else
        OrderFact(5, sh(11, 25, 9), "cancelled", "repair", grid="G01", closed_at=sh(11, 25, 10)),
        # 6: urgent, accepted in 5 min, resolved in 1 h (within 2 h), 吹哨, awaiting a rating
        OrderFact(
            6,
            sh(11, 28, 14),
            "resolved",
            "safety",
            urgent=True,
            grid="G01",
            member="m01",
            assigned_at=sh(11, 28, 14),
            accepted_at=sh(11, 28, 14, 5),
            resolved_at=sh(11, 28, 15),
            whistled=True,
        ),
        # 7: written 1 Nov 00:30 in Shanghai = 31 Oct 16:30 UTC: a November order; nobody
        #    could be given it, and its deadline (4 Nov 00:30) has passed
        OrderFact(7, datetime(2026, 10, 31, 16, 30, tzinfo=UTC), "received", "other", grid="G01"),
        # 8: written 30 Nov 17:30 UTC = 1 Dec 01:30 in Shanghai: December's, not November's
        OrderFact(8, datetime(2026, 11, 30, 17, 30, tzinfo=UTC), "received", "repair", grid="G01"),
    ]


def test_the_month_by_hand() -> None:
    f = compute(november(), sla(), NOV)
    # orders 1-7 were written in November (Shanghai); 8 was not
    assert f.received == 7
    assert f.cancelled == 1  # order 5; the rest below leave it out
    # response: given to someone = 1, 2, 3, 4, 6 (7 never was) = 5;
    # accepted within 30 min of the assignment = 1 (20 min), 3 (10 min), 6 (5 min) = 3
    assert (f.assigned, f.accepted_on_time) == (5, 3)
    assert f.response_rate == pytest.approx(3 / 5)
    # resolution: solved now = 1, 2, 3 (closed) and 6 (resolved) = 4 of 6 not cancelled
    assert f.resolved == 4
    assert f.resolution_rate == pytest.approx(4 / 6)
    # on time: 1 (24 h <= 3 d), 3 (24 h), 6 (1 h <= 2 h urgent); 2 took 4 days = 3 of 4
    assert f.resolved_on_time == 3 and f.on_time_rate == pytest.approx(3 / 4)
    # satisfaction: rated 1 (5), 2 (4), 3 (3); 4 or 5 = 2 of 3
    assert (f.rated, f.satisfied) == (3, 2)
    assert f.satisfaction_rate == pytest.approx(2 / 3)
    # reached follow-up (resolved at least once) = 1, 2, 3, 6: rated 3 of 4
    assert f.rated_share == pytest.approx(3 / 4)
    # time to accept from the resident's message: 20 min, 50 min, 13 h 10 min, 5 min
    # sorted 5, 20, 50, 790 min: median (20 + 50) / 2 = 35 min; p90 rank ceil(0.9*4) = 4th
    assert f.accept_median == 35 * M
    assert f.accept_p90 == 13 * H + 10 * M
    # time to resolve: 24 h, 96 h, 24 h, 1 h -> sorted 1, 24, 24, 96: median 24 h, p90 96 h
    assert f.resolve_median == 24 * H
    assert f.resolve_p90 == 96 * H
    # reopened: 3, of the 4 that reached follow-up
    assert f.reopened == 1 and f.reopen_rate == pytest.approx(1 / 4)
    assert (f.escalated, f.whistled) == (1, 1)  # 4 by the timers; 6 吹哨
    assert f.overdue == 2  # 4 and 7: open past their deadline at the end of the month


def test_the_order_written_after_midnight_in_shanghai_is_in_the_next_month() -> None:
    dec = compute(november(), sla(), Period.month(2026, 12))
    assert dec.received == 1  # order 8 only
    octo = compute(november(), sla(), Period.month(2026, 10))
    assert octo.received == 0  # order 7 is 31 Oct in UTC but 1 Nov in Shanghai
    days = daily_counts(november(), NOV)
    assert len(days) == 30 and days[date(2026, 11, 1)] == 1 and sum(days.values()) == 7


def test_no_orders_gives_no_figures_not_errors() -> None:
    f = compute([], sla(), NOV)
    assert f == Figures()
    assert f.response_rate is None and f.accept_median is None and f.resolve_p90 is None
    shown = dict((name, value) for name, _, value in labels.rows(f))
    assert shown["received"] == "0"
    assert shown["response_rate"] == shown["satisfaction_rate"] == shown["accept_p90"] == "—"


def test_all_cancelled() -> None:
    facts = [
        OrderFact(1, sh(11, 3, 9), "cancelled", assigned_at=sh(11, 3, 9)),
        OrderFact(2, sh(11, 4, 9), "cancelled"),
    ]
    f = compute(facts, sla(), NOV)
    # received 2, cancelled 2: nothing left to measure a rate on
    assert (f.received, f.cancelled, f.assigned, f.resolved, f.overdue) == (2, 2, 0, 0, 0)
    assert f.response_rate is f.resolution_rate is f.satisfaction_rate is None


def test_a_reopened_order_still_open_is_not_resolved() -> None:
    # rated 1 on 11-05, given again: the old resolution stays on the row, the status is open
    reopened = OrderFact(
        1,
        sh(11, 3, 9),
        "assigned",
        "repair",
        assigned_at=sh(11, 5, 9),
        accepted_at=None,
        resolved_at=sh(11, 4, 9),
        rating=1,
        reopened=True,
    )
    f = compute([reopened], sla(), NOV, as_of=sh(11, 5, 9, 10))
    # not solved now: resolution 0 of 1; its resolve time does not count
    assert (f.resolved, f.resolution_rate, f.resolve_median) == (0, 0.0, None)
    # it reached follow-up and was rated 1: rated 1 of 1, satisfied 0 of 1, reopened 1 of 1
    assert (f.rated_share, f.satisfaction_rate, f.reopen_rate) == (1.0, 0.0, 1.0)
    # given again 10 minutes before as_of: still inside its 30 minutes, not yet counted
    assert f.assigned == 0 and f.response_rate is None
    # at the end of the month it is late: 0 of 1, and past its 3-day deadline (11-06 09:00)
    late = compute([reopened], sla(), NOV)
    assert (late.assigned, late.response_rate, late.overdue) == (1, 0.0, 1)


def test_a_handed_back_acceptance_does_not_count_for_the_new_assignee() -> None:
    # accepted at 09:05 by one member, declined, given to another at 10:00, unanswered
    o = OrderFact(
        1, sh(11, 3, 9), "assigned", assigned_at=sh(11, 3, 10), accepted_at=sh(11, 3, 9, 5)
    )
    assert compute([o], sla(), NOV).response_rate == 0.0


def test_working_hours_count_like_the_timers() -> None:
    cal = WorkCalendar(tz=SH, opens=time(9), closes=time(17))  # Monday to Friday
    # written and given Friday 6 Nov 16:50, accepted Monday 9 Nov 09:15:
    # working time = 10 min on Friday + 15 min on Monday = 25 min <= 30 min: on time
    o = OrderFact(
        1,
        sh(11, 6, 16, 50),
        "accepted",
        assigned_at=sh(11, 6, 16, 50),
        accepted_at=sh(11, 9, 9, 15),
    )
    f = compute([o], sla(cal), NOV)
    assert f.response_rate == 1.0 and f.accept_median == 25 * M
    # urgent orders use the wall clock: 2 days 16 h 25 min, late
    u = OrderFact(
        2,
        sh(11, 6, 16, 50),
        "accepted",
        urgent=True,
        assigned_at=sh(11, 6, 16, 50),
        accepted_at=sh(11, 9, 9, 15),
    )
    g = compute([u], sla(cal), NOV)
    assert g.response_rate == 0.0 and g.accept_median == 2 * D + 16 * H + 25 * M
    # a whole week Monday 09:00 to the next Monday 09:00 = 5 days x 8 h
    assert working_between(cal, sh(11, 2, 9), sh(11, 9, 9)) == 40 * H
    # a holiday is not working time: Monday 9 Nov off -> Friday 10 min + Tuesday 15 min
    holiday = WorkCalendar(
        tz=SH, opens=time(9), closes=time(17), holidays=frozenset({date(2026, 11, 9)})
    )
    assert working_between(holiday, sh(11, 6, 16, 50), sh(11, 10, 9, 15)) == 25 * M


def test_the_night_does_not_count_against_the_time_to_accept() -> None:
    """With only quiet hours set (22:00-07:00, the default), a non-urgent order written at
    23:00 is not reminded at night: accepted at 07:20 it was answered in time. An urgent one
    is on the wall clock."""
    s = sla(quiet=QuietHours(SH, time(22), time(7)))
    late_night = dict(assigned_at=sh(11, 3, 23), accepted_at=sh(11, 4, 7, 20))
    calm = OrderFact(1, sh(11, 3, 23), "accepted", **late_night)  # type: ignore[arg-type]
    urgent = OrderFact(2, sh(11, 3, 23), "accepted", urgent=True, **late_night)  # type: ignore[arg-type]
    assert compute([calm], s, NOV).response_rate == 1.0
    assert compute([urgent], s, NOV).response_rate == 0.0
    slow = OrderFact(3, sh(11, 3, 23), "accepted", assigned_at=sh(11, 3, 23),
                     accepted_at=sh(11, 4, 7, 31))  # fmt: skip
    assert compute([slow], s, NOV).response_rate == 0.0


def test_an_urgent_order_has_its_own_time_to_accept() -> None:
    s = sla(accept_urgent=10 * M)
    at = dict(assigned_at=sh(11, 3, 10), accepted_at=sh(11, 3, 10, 20))
    urgent = OrderFact(1, sh(11, 3, 10), "accepted", urgent=True, **at)  # type: ignore[arg-type]
    calm = OrderFact(2, sh(11, 3, 10), "accepted", **at)  # type: ignore[arg-type]
    assert compute([urgent], s, NOV).response_rate == 0.0
    assert compute([calm], s, NOV).response_rate == 1.0


def test_cuts_by_grid_member_category_and_scope() -> None:
    facts = november()
    grids = breakdown(facts, sla(), NOV, "grid")
    # G01: orders 1, 2, 5, 6, 7 = 5; G02: 3, 4 = 2 (largest first)
    assert list(grids) == ["G01", "G02"]
    assert (grids["G01"].received, grids["G02"].received) == (5, 2)
    # G02: 3 accepted in 10 min, 4 never: 1 of 2
    assert grids["G02"].response_rate == pytest.approx(1 / 2)
    members = breakdown(facts, sla(), NOV, "member")
    # m02: orders 1, 2; m07: 3, 4; m01: 6; nobody: 5, 7
    assert {k: v.received for k, v in members.items()} == {"m02": 2, "m07": 2, None: 2, "m01": 1}
    cats = breakdown(facts, sla(), NOV, "category")
    assert cats["repair"].received == 3  # 1, 3, 5 (8 is December's)
    mine = in_scope(facts, Scope(grid="G02", category="repair"))
    assert [o.id for o in mine] == [3]


def test_periods() -> None:
    assert Period.parse_month("2026-01").previous() == Period.month(2025, 12)
    for bad in ("2026-13", "2026/11", "11-2026", "", "2026-1", "9999-11"):  # 9999: overflowed
        with pytest.raises(ValueError):
            Period.parse_month(bad)
    week = Period.week(date(2026, 11, 5))  # a Thursday
    assert (week.first, week.last) == (date(2026, 11, 2), date(2026, 11, 8))
    assert week.previous().first == date(2026, 10, 26)
    custom = Period.custom(date(2026, 11, 1), date(2026, 11, 10))
    assert custom.previous() == Period.custom(date(2026, 10, 22), date(2026, 10, 31))
    assert NOV.start_utc == datetime(2026, 10, 31, 16, tzinfo=UTC)
    assert [p.label for p in NOV.months_back(3)] == ["2026年9月", "2026年10月", "2026年11月"]
    assert compute(november(), sla(), custom).received == 4  # 1, 2, 3 and 7


def test_labels() -> None:
    assert labels.label("response_rate") == "响应率"
    assert labels.show("resolution_rate", 2 / 3) == "66.7%"
    assert labels.show("resolve_p90", 3 * D + 2 * H) == "3天2小时"
    assert labels.show("accept_median", 35 * M) == "35分钟"
    assert labels.show("resolve_median", 2 * H + 5 * M) == "2小时5分钟"
    assert set(labels.FIGURES) == set(Figures().as_dict())


def reference(o: OrderFact, s: Sla, at: datetime) -> tuple[object, ...]:
    """The figures' reading of one order, straight from ``Sla.after`` and the calendar."""

    def took(a: datetime, b: datetime) -> float:
        if s.calendar is None or o.urgent:
            return max((b - a).total_seconds(), 0.0)
        return working_between(s.calendar, a, b).total_seconds()

    window = s.resolve_urgent if o.urgent else s.resolve_default
    given = o.assigned_at or (o.created_at if o.accepted_at else None)
    response = -1
    if given is not None:
        # the time to accept as the timers count it: the night left out (Sla.wait)
        answer_by = s.wait(given, s.accept_window(o.urgent), o.urgent)
        if o.accepted_at is not None and o.accepted_at >= given:
            response = int(o.accepted_at <= answer_by)
        elif answer_by <= at:
            response = 0
    done = o.status in ("resolved", "closed") and o.resolved_at is not None
    deadline = s.after(o.created_at, window, o.urgent)
    return (
        response,
        None if o.accepted_at is None else round(took(o.created_at, o.accepted_at)),
        round(took(o.created_at, o.resolved_at)) if done and o.resolved_at else None,
        done and o.resolved_at is not None and o.resolved_at <= deadline,
        o.overdue or (o.status not in ("resolved", "closed", "cancelled") and deadline <= at),
    )


@pytest.mark.parametrize("clock", ["wall", "working_hours", "quiet_nights", "urgent_window"])
def test_the_fast_clock_agrees_with_the_calendar(clock: str) -> None:
    """Random orders on a half-hour grid, so that many land exactly on a deadline or at
    closing time, across a weekend and a holiday: each figure's reading matches the timers'.
    Found from inside: with only quiet hours set (the default), an order written at 23:00
    and accepted at 07:10 counted as answered late, though no timer had run at night; and
    an urgent order's shorter time to accept was not used by the fast reading."""
    import random

    from bot.kpi.measure import ACCEPT_S, ON_TIME, OVERDUE, RESOLVE_S, RESP, clock_for, measure

    cal = WorkCalendar(
        tz=SH, opens=time(9), closes=time(17), holidays=frozenset({date(2026, 11, 12)})
    )
    s = sla(
        cal if clock == "working_hours" else None,
        QuietHours(SH, time(22), time(7)) if clock in ("quiet_nights", "working_hours") else None,
        10 * M if clock == "urgent_window" else None,
    )
    rng = random.Random(5)
    at = sh(11, 20, 12)
    reading = clock_for(s, NOV, at)
    for i in range(3000):
        created = sh(11, 1, 0) + 30 * M * rng.randrange(14 * 48)
        assigned = created + 30 * M * rng.randrange(3) if rng.random() < 0.9 else None
        accepted = (assigned or created) + 30 * M * rng.randrange(6) if rng.random() < 0.7 else None
        resolved = (
            created + 30 * M * rng.randrange(1, 300) if accepted and rng.random() < 0.7 else None
        )
        status = "closed" if resolved else rng.choice(("assigned", "accepted", "received"))
        o = OrderFact(i, created, status, urgent=rng.random() < 0.2, assigned_at=assigned,
                      accepted_at=accepted, resolved_at=resolved)  # fmt: skip
        m = measure(o, reading, at.timestamp())
        got = (
            m[RESP],
            None if m[ACCEPT_S] is None else round(m[ACCEPT_S]),
            None if m[RESOLVE_S] is None else round(m[RESOLVE_S]),
            m[ON_TIME],
            m[OVERDUE],
        )
        assert got == reference(o, s, at), o


def test_a_twelve_month_trend() -> None:
    from bot.kpi.figures import trend

    months = trend(november(), sla(), Period.month(2026, 12))
    assert [p.label for p, _ in months][:2] == ["2026年1月", "2026年2月"]
    # November: orders 1-7; December: order 8; the ten months before: none
    assert [f.received for _, f in months] == [0] * 10 + [7, 1]
    assert months[10][1] == compute(november(), sla(), NOV)
