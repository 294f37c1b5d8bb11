"""Mainland China's public holidays and make-up workdays (调休), from the State Council's notices.

The dates come from the ``chinesecalendar`` package, which follows each year's notice (published
around November for the next year); a year it does not cover yet can be added through
``sla.holidays`` and ``sla.extra_workdays``, and the service warns when that is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import chinese_calendar


@dataclass(frozen=True)
class OfficialDays:
    holidays: frozenset[date]  # days off, including weekend days inside a holiday
    workdays: frozenset[date]  # weekend days worked in exchange
    last_year: int  # the last year the notices cover


@cache
def official_days() -> OfficialDays:
    holidays = frozenset(chinese_calendar.holidays)
    workdays = frozenset(chinese_calendar.workdays)
    return OfficialDays(holidays, workdays, max(d.year for d in holidays | workdays))


def merge(
    configured_holidays: frozenset[date], configured_workdays: frozenset[date]
) -> tuple[frozenset[date], frozenset[date]]:
    """The official calendar with the operator's own dates on top (theirs win on a clash)."""
    days = official_days()
    holidays = (days.holidays - configured_workdays) | configured_holidays
    workdays = (days.workdays - configured_holidays) | configured_workdays
    return holidays, workdays


def uncovered_year(today: date, configured: frozenset[date]) -> int | None:
    """A year timers will soon count in that neither the notices nor the config cover.

    From November on the coming year matters too: orders opened in late December run into it.
    """
    last = official_days().last_year
    for year in (today.year, today.year + 1) if today.month >= 11 else (today.year,):
        if year > last and not any(d.year == year for d in configured):
            return year
    return None


def coverage_warning(
    working_hours_set: bool, calendar: str, configured: frozenset[date], today: date
) -> str | None:
    """One line for the operator when timers would count a year's holidays as workdays."""
    if not working_hours_set or calendar != "mainland":
        return None
    year = uncovered_year(today, configured)
    if year is None:
        return None
    return (
        f"sla: no mainland holiday dates for {year} yet (the State Council publishes them around"
        f" November); until a newer chinesecalendar is installed, list {year}'s holidays and"
        " make-up workdays in sla.holidays and sla.extra_workdays, or its holidays count as"
        " working time"
    )
