"""Schedules, missed-occurrence plans and birthdays: pure rules, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.broadcasts.eligibility import birth_dates_turning, birth_dates_window
from bot.broadcasts.schedule import (
    ScheduleError,
    build_trigger,
    next_after,
    plan_due,
    sendable_checker,
    upcoming,
)
from tests.broadcasts.support import SH, local

FIRST_TUESDAY = {"day": "1st tue", "hour": 19, "minute": 30}


def test_first_tuesday_1930_in_shanghai() -> None:
    trigger = build_trigger("recurring", FIRST_TUESDAY, SH)
    fires = upcoming(trigger, local(2026, 8, 15), 5)
    assert [f.astimezone(SH).date() for f in fires] == [
        date(2026, 9, 1),  # the 1st is a Tuesday
        date(2026, 10, 6),
        date(2026, 11, 3),
        date(2026, 12, 1),  # the 1st is a Tuesday again
        date(2027, 1, 5),
    ]
    assert all(f.astimezone(SH).strftime("%a %H:%M") == "Tue 19:30" for f in fires)
    assert fires[0].utcoffset() == timedelta(hours=8)


def test_day_names_fire_on_that_day_and_numbers_are_refused() -> None:
    # APScheduler's from_crontab('0 19 * * 2') fires on Wednesday; day names cannot go wrong.
    trigger = build_trigger("recurring", {"day_of_week": "tue", "hour": 19}, SH)
    assert all(f.weekday() == 1 for f in upcoming(trigger, local(2026, 9, 1), 10))
    with pytest.raises(ScheduleError, match="day names"):
        build_trigger("recurring", {"day_of_week": 2, "hour": 19}, SH)
    with pytest.raises(ScheduleError, match="day names"):
        build_trigger("recurring", {"day_of_week": "mon-5", "hour": 19}, SH)
    with pytest.raises(ScheduleError, match="crontab"):
        build_trigger("recurring", "0 19 * * 2", SH)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ({"day": "1st tues", "hour": 19}, "weekday"),
        ({"day": "1st 2", "hour": 19}, "day name"),
        ({"day_of_week": "tue"}, "hour: required"),
        ({"day_of_week": "tue", "hour": 19, "second": 5}, "unknown field"),
        ({"day_of_week": "tue", "hour": "seven"}, "expected a number"),
        ({"day_of_week": "tue", "hour": 25}, "schedule"),
        ({"hour": "*/1", "day": "*"}, "expected a number"),
        ({"hour": 1, "minute": "0,30"}, "once an hour"),
    ],
)
def test_bad_schedules(schedule: dict[str, object], message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        build_trigger("recurring", schedule, SH)


def test_eligibility_schedule_is_daily_hour() -> None:
    trigger = build_trigger("eligibility", {"hour": 9}, SH)
    assert next_after(trigger, local(2026, 11, 21, 9)) == local(2026, 11, 22, 9)
    with pytest.raises(ScheduleError, match="unknown field"):
        build_trigger("eligibility", {"hour": 9, "day_of_week": "mon"}, SH)


def test_plan_sends_latest_within_late_within_and_skips_older() -> None:
    trigger = build_trigger("recurring", {"day_of_week": "sat", "hour": 9}, SH)
    due = local(2026, 11, 7, 9)
    check = sendable_checker("recurring", None, SH)
    plan = plan_due(trigger, due, local(2026, 11, 21, 15), check)  # 3 missed, latest 6 h ago
    assert plan.send == local(2026, 11, 21, 9)
    assert plan.skipped == [local(2026, 11, 7, 9), local(2026, 11, 14, 9)]
    assert plan.next_run_at == local(2026, 11, 28, 9)
    late = plan_due(trigger, due, local(2026, 11, 21, 21, 1), check)  # 12 h 1 min late
    assert late.send is None
    assert len(late.skipped) == 3
    on_time = plan_due(trigger, due, local(2026, 11, 7, 9), check)
    assert on_time.send == due and on_time.skipped == []
    not_yet = plan_due(trigger, due, local(2026, 11, 7, 8, 59), check)
    assert not_yet.send is None and not_yet.skipped == [] and not_yet.next_run_at == due


def test_eligibility_default_late_within_is_the_same_local_day() -> None:
    check = sendable_checker("eligibility", None, SH)
    assert check(local(2026, 11, 21, 9), local(2026, 11, 21, 23, 59))
    assert not check(local(2026, 11, 21, 9), local(2026, 11, 22, 0, 0))


def test_turning_an_age_and_29_february() -> None:
    assert birth_dates_turning(65, date(2026, 11, 21)) == [date(1961, 11, 21)]
    # born 29 Feb 1960: 65 on 28 Feb 2025 (no 29 Feb that year), not on 1 March
    assert birth_dates_turning(65, date(2025, 2, 28)) == [date(1960, 2, 28), date(1960, 2, 29)]
    assert birth_dates_turning(65, date(2025, 3, 1)) == [date(1960, 3, 1)]
    # in a leap year they have their own day
    assert birth_dates_turning(60, date(2024, 2, 29)) == [date(1964, 2, 29)]
    assert birth_dates_turning(60, date(2024, 2, 28)) == [date(1964, 2, 28)]
    # a 29 February that does not exist in the birth year: nobody
    assert birth_dates_turning(61, date(2024, 2, 29)) == []
    assert birth_dates_window(65, date(2026, 11, 21), 2) == [
        date(1961, 11, 21),
        date(1961, 11, 20),
        date(1961, 11, 19),
    ]


@pytest.mark.parametrize(
    "text", ["提醒{date:>9999999999}", "提醒{date!r:>99999999}", "{time!s}", "{weekday:^40}"]
)
def test_a_placeholder_with_a_format_is_refused_before_it_can_pad_a_message(text: str) -> None:
    from bot.broadcasts.rules import RulesInvalid, parse_rules

    rule = {"name": "填充", "schedule": {"day_of_week": "mon", "hour": 9}, "audience": "community"}
    with pytest.raises(RulesInvalid) as refused:
        parse_rules([{**rule, "text": text}], SH)
    assert any("takes no format" in error for error in refused.value.errors)
    assert parse_rules([{**rule, "text": "提醒{date}{weekday}{time}"}], SH)
