"""Working time: office hours, weekends, holidays and make-up workdays for non-urgent timers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import Config, ConfigError, build_config
from bot.orders.calendar import WorkCalendar, parse_dates
from bot.orders.sla import sla_of
from bot.orders.state import OrderRow
from bot.orders.timers import Due, Sla, plan

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar(
    tz=SH,
    opens=time(8, 30),
    closes=time(17, 30),
    holidays=parse_dates(["2026-10-01..2026-10-07"]),
    extra_workdays=parse_dates(["2026-10-10"]),  # a Saturday worked in exchange
)


def row(status: str, urgent: bool, created_at: datetime, **kw: Any) -> OrderRow:
    """An order as the timers see it (only what they read)."""
    return OrderRow(0, status, urgent, created_at, **kw)


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def test_working_time_skips_nights_weekends_and_holidays() -> None:
    assert CAL.add(sh(2026, 11, 20, 9, 0), timedelta(minutes=30)) == sh(2026, 11, 20, 9, 30)
    # Friday 17:15 + 30 min: 15 min on Friday, the rest Monday morning.
    assert CAL.add(sh(2026, 11, 20, 17, 15), timedelta(minutes=30)) == sh(2026, 11, 23, 8, 45)
    # Written at night: the clock starts when the office opens.
    assert CAL.add(sh(2026, 11, 24, 22, 0), timedelta(hours=1)) == sh(2026, 11, 25, 9, 30)
    # National Day week is off; Saturday 10 October is worked.
    assert CAL.add(sh(2026, 9, 30, 17, 0), timedelta(hours=1)) == sh(2026, 10, 8, 9, 0)
    assert CAL.add(sh(2026, 10, 9, 17, 0), timedelta(hours=1)) == sh(2026, 10, 10, 9, 0)
    # Three working days = 27 working hours.
    assert CAL.add(sh(2026, 11, 23, 8, 30), timedelta(days=3) * 9 / 24) == sh(2026, 11, 25, 17, 30)


def test_urgent_orders_keep_the_wall_clock() -> None:
    sla = Sla(
        accept_within=timedelta(minutes=30),
        escalate_after=timedelta(hours=2),
        resolve_urgent=timedelta(hours=2),
        resolve_default=timedelta(days=3),
        survey_after=timedelta(hours=24),
        survey_timeout=timedelta(days=3),
        calendar=CAL,
    )
    friday_night = sh(2026, 11, 20, 22, 0).astimezone(UTC)
    normal = row("assigned", False, friday_night, assigned_at=friday_night)
    urgent = replace(normal, urgent=True)
    assert plan(normal, sla, friday_night)[1] == sh(2026, 11, 23, 9, 0)  # Monday 08:30 + 30 min
    assert plan(urgent, sla, friday_night)[1] == friday_night + timedelta(minutes=30)
    due, _ = plan(normal, sla, sh(2026, 11, 23, 9, 1))
    assert due == [Due.REMIND_ACCEPT]


def test_config_keys() -> None:
    cfg = build_config(
        {
            "wechat": {"token": "t", "mode": "plain"},
            "sla": {
                "working_hours": "08:30-17:30",
                "workdays": ["mon", "tue", "wed", "thu", "fri", "sat"],
                "holidays": ["2026-10-01..2026-10-03", "2026-12-25"],
                "extra_workdays": [date(2026, 9, 27)],
            },
        },
        environ={},
    )
    assert cfg.sla.working_hours == (time(8, 30), time(17, 30))
    assert cfg.sla.workdays == frozenset(range(6))
    assert date(2026, 10, 2) in cfg.sla.holidays and date(2026, 9, 27) in cfg.sla.extra_workdays
    for bad, key in (
        ({"working_hours": "17:30-08:30"}, "sla.working_hours"),
        ({"workdays": ["monday"]}, "sla.workdays"),
        ({"holidays": ["2026-13-01"]}, "sla.holidays"),
        ({"holidays": ["2026-01-01..2026-12-31"]}, "sla.holidays"),
    ):
        with pytest.raises(ConfigError, match=key):
            build_config({"wechat": {"token": "t", "mode": "plain"}, "sla": bad}, environ={})


def _shanghai_config(**sla: object) -> Config:
    return build_config(
        {"wechat": {"token": "t", "mode": "plain"}, "sla": {"working_hours": "08:30-17:30", **sla}},
        environ={},
    )


def test_mainland_holidays_and_make_up_workdays_by_default() -> None:
    cfg = _shanghai_config()
    assert cfg.sla.holiday_calendar == "mainland"
    assert date(2026, 10, 6) in cfg.sla.holidays  # National Day week
    assert date(2026, 10, 10) in cfg.sla.extra_workdays  # the Saturday worked in exchange
    desk_sla = sla_of(cfg)  # what the order desk builds from this configuration
    # Reported on the evening before National Day: the half hour to accept runs on Thursday 8 Oct.
    state = row("assigned", False, sh(2026, 9, 30, 20, 0), assigned_at=sh(2026, 9, 30, 20, 0))
    assert plan(state, desk_sla, sh(2026, 9, 30, 20, 0))[1] == sh(2026, 10, 8, 9, 0)
    # Reported on Friday 9 Oct at 17:20: ten minutes that day, twenty on the make-up Saturday.
    late = row("assigned", False, sh(2026, 10, 9, 17, 20), assigned_at=sh(2026, 10, 9, 17, 20))
    assert plan(late, desk_sla, sh(2026, 10, 9, 17, 20))[1] == sh(2026, 10, 10, 8, 50)
    # Without the mainland calendar, 1 October is an ordinary Thursday.
    plain = _shanghai_config(holiday_calendar="none")
    assert date(2026, 10, 1) not in plain.sla.holidays
    assert plan(state, sla_of(plain), sh(2026, 9, 30, 20, 0))[1] == sh(2026, 10, 1, 9, 0)


def test_operator_dates_win_over_the_official_ones() -> None:
    cfg = _shanghai_config(holidays=["2026-10-10"], extra_workdays=["2026-10-07"])
    assert (
        date(2026, 10, 10) in cfg.sla.holidays and date(2026, 10, 10) not in cfg.sla.extra_workdays
    )
    assert date(2026, 10, 7) in cfg.sla.extra_workdays and date(2026, 10, 7) not in cfg.sla.holidays
    with pytest.raises(ConfigError, match=r"sla\.holiday_calendar"):
        _shanghai_config(holiday_calendar="hongkong")


def test_operator_is_warned_about_a_year_without_dates() -> None:
    from bot.orders.holidays import coverage_warning, official_days

    last = official_days().last_year
    assert last >= 2026
    nov = date(last, 11, 22)
    warning = coverage_warning(True, "mainland", frozenset(), nov)
    assert warning is not None and str(last + 1) in warning and "sla.holidays" in warning
    assert coverage_warning(True, "mainland", frozenset(), date(last, 6, 1)) is None
    assert coverage_warning(False, "mainland", frozenset(), nov) is None  # wall clock anyway
    own = frozenset({date(last + 1, 1, 1)})  # the operator listed next year's dates
    assert coverage_warning(True, "mainland", own, nov) is None
