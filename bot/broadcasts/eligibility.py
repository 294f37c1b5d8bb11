"""Who turns N on a given day (pure).

Someone born on 29 February turns N on 29 February in a leap year and on **28 February** in
other years (the last day that is still February: the age is reached before March begins,
as Chinese ID-based age checks and most benefit offices count it).
"""

from __future__ import annotations

from calendar import isleap
from datetime import date, timedelta

MAX_AGE = 130
MAX_CATCH_UP_DAYS = 31


def birth_dates_turning(age: int, on: date) -> list[date]:
    """The birth dates of the people who turn ``age`` on ``on``."""
    year = on.year - age
    out: list[date] = []
    if not (on.month == 2 and on.day == 29 and not isleap(year)):
        out.append(date(year, on.month, on.day))
    if on.month == 2 and on.day == 28 and not isleap(on.year) and isleap(year):
        out.append(date(year, 2, 29))
    return out


def birth_dates_window(age: int, last_day: date, days_back: int) -> list[date]:
    """Birth dates of those who turned ``age`` on ``last_day`` or up to ``days_back`` before."""
    days_back = max(0, min(days_back, MAX_CATCH_UP_DAYS))
    out: list[date] = []
    for back in range(days_back + 1):
        out.extend(birth_dates_turning(age, last_day - timedelta(days=back)))
    return out


def subject(age: int) -> str:
    """What a receipt records: a resident gets the reminder for an age once."""
    return f"age:{age}"
