"""When a rule fires, and which missed occurrences are still worth sending (pure, no I/O).

Schedules are APScheduler-3 ``CronTrigger`` fields, always built with an explicit time zone
(the container's zone is UTC). Day-of-week **numbers** are refused: APScheduler counts 0 as
Monday where cron counts 0 as Sunday, so ``from_crontab('0 19 * * 2')`` fires on Wednesday.
Day names (``tue``, ``1st tue``, ``last fri``) mean the same thing everywhere.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

RECURRING_FIELDS = ("month", "day", "week", "day_of_week", "hour", "minute")
ELIGIBILITY_FIELDS = ("hour", "minute")
DEFAULT_LATE_RECURRING = timedelta(hours=12)
MIN_INTERVAL = timedelta(hours=1)
MAX_SKIPPED_RECORDED = 100
_DIGIT = re.compile(r"\d")
_TICK = timedelta(microseconds=1)


class ScheduleError(ValueError):
    """A schedule that cannot be used; ``str()`` names the field."""


def build_trigger(kind: str, schedule: Mapping[str, Any], tz: ZoneInfo) -> CronTrigger:
    """The trigger for a rule's schedule; raises :class:`ScheduleError` with one line."""
    if not isinstance(schedule, Mapping):
        raise ScheduleError(
            "schedule: expected a mapping such as {day: 1st tue, hour: 19, minute: 30}"
            " (crontab strings are refused: their day numbers mean other days here)"
        )
    allowed = ELIGIBILITY_FIELDS if kind == "eligibility" else RECURRING_FIELDS
    for key in schedule:
        if key not in allowed:
            raise ScheduleError(f"schedule.{key}: unknown field (allowed: {', '.join(allowed)})")
    if "hour" not in schedule:
        raise ScheduleError("schedule.hour: required (otherwise the rule would fire at midnight)")
    for key in ("hour", "minute"):
        value = schedule.get(key)
        number = isinstance(value, int) and not isinstance(value, bool)
        text = isinstance(value, str) and re.fullmatch(r"\d+(,\d+)*", value)
        if value is not None and not number and not text:
            raise ScheduleError(f"schedule.{key}: expected a number, got {value!r}")
    dow = schedule.get("day_of_week")
    if dow is not None and _DIGIT.search(str(dow)):
        raise ScheduleError(
            f"schedule.day_of_week: use day names (mon, tue, wed, thu, fri, sat, sun), got"
            f" {dow!r}: APScheduler counts 0 as Monday, cron counts 0 as Sunday"
        )
    day = schedule.get("day")
    if day is not None and re.search(r"(st|nd|rd|th|last)\s+\d", str(day)):
        raise ScheduleError(f"schedule.day: use a day name after {str(day).split()[0]!r}")
    fields = {k: str(v) for k, v in schedule.items()}
    fields.setdefault("minute", "0")
    try:
        trigger = CronTrigger(**fields, second="0", timezone=tz)
    except (ValueError, TypeError) as exc:
        raise ScheduleError(f"schedule: {exc}") from None
    first = next_after(trigger, datetime(2000, 1, 1, tzinfo=tz))
    if first is None:
        raise ScheduleError("schedule: never fires")
    second = next_after(trigger, first)
    if second is not None and second - first < MIN_INTERVAL:
        raise ScheduleError("schedule: fires more often than once an hour")
    return trigger


def next_after(trigger: CronTrigger, moment: datetime) -> datetime | None:
    """The first fire time strictly after ``moment``."""
    fire: datetime | None = trigger.get_next_fire_time(None, moment + _TICK)
    return fire


def upcoming(trigger: CronTrigger, moment: datetime, count: int) -> list[datetime]:
    out: list[datetime] = []
    fire = next_after(trigger, moment)
    while fire is not None and len(out) < count:
        out.append(fire)
        fire = next_after(trigger, fire)
    return out


@dataclass(frozen=True)
class Plan:
    """What one claim of a due rule does: skip the old, send the latest if still relevant."""

    send: datetime | None  # the scheduled time of the occurrence to send now
    skipped: list[datetime]  # older missed occurrences (the first MAX_SKIPPED_RECORDED)
    more_skipped: int  # missed occurrences beyond those, not recorded one by one
    next_run_at: datetime | None


def plan_due(trigger: CronTrigger, due_at: datetime, now: datetime, still_sendable: Any) -> Plan:
    """Every fire time in ``[due_at, now]``; the latest is sent when ``still_sendable(t, now)``.

    ``due_at`` is the rule's ``next_run_at``: a fire time that was never handled.
    """
    recent: deque[datetime] = deque(maxlen=MAX_SKIPPED_RECORDED + 1)
    total = 0
    fire: datetime | None = due_at
    while fire is not None and fire <= now:
        recent.append(fire)
        total += 1
        fire = next_after(trigger, fire)
    if not recent:
        return Plan(None, [], 0, fire)
    fires = list(recent)
    if still_sendable(fires[-1], now):
        older = fires[:-1][-MAX_SKIPPED_RECORDED:]
        return Plan(fires[-1], older, total - 1 - len(older), fire)
    skipped = fires[-MAX_SKIPPED_RECORDED:]
    return Plan(None, skipped, total - len(skipped), fire)


def sendable_checker(kind: str, late_within: timedelta | None, tz: ZoneInfo) -> Any:
    """``late_within`` as a predicate on (scheduled time, now)."""
    if late_within is None and kind == "eligibility":

        def same_local_day(at: datetime, now: datetime) -> bool:
            return at.astimezone(tz).date() == now.astimezone(tz).date()

        return same_local_day
    limit = late_within if late_within is not None else DEFAULT_LATE_RECURRING

    def within(at: datetime, now: datetime) -> bool:
        return now - at <= limit

    return within


def occurrence_key(kind: str, at: datetime, tz: ZoneInfo) -> str:
    if kind == "eligibility":
        return at.astimezone(tz).date().isoformat()
    return at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%MZ")
