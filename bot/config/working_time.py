"""Working hours, workdays and holidays in the ``sla`` section."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from bot.config.fields import ConfigError
from bot.orders.calendar import DAY_NAMES, parse_dates, parse_hours, parse_quiet


def hours(value: Any, key: str) -> tuple[time, time] | None:
    if not value:
        return None
    try:
        return parse_hours(value)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}") from None


def quiet(value: Any, key: str) -> tuple[time, time] | None:
    """The night, like ``22:00-07:00``; null, empty or ``off``: no quiet hours."""
    if not value or str(value).strip().lower() in ("off", "none"):
        return None
    try:
        return parse_quiet(value)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}") from None


def day_names(value: Any, key: str) -> frozenset[int]:
    if (
        not isinstance(value, list)
        or not value
        or any(str(d).lower() not in DAY_NAMES for d in value)
    ):
        raise ConfigError(f"{key}: a list of day names ({', '.join(DAY_NAMES)}), got {value!r}")
    return frozenset(DAY_NAMES.index(str(d).lower()) for d in value)


def dates(value: Any, key: str) -> frozenset[date]:
    try:
        return parse_dates(value)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}") from None
