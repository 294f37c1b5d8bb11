"""The timer rules the ``sla`` settings describe, working calendar included."""

from __future__ import annotations

from bot.config import Config
from bot.orders.calendar import QuietHours, WorkCalendar
from bot.orders.timers import Sla

_BUILT: dict[int, tuple[Config, Sla]] = {}


def sla_of(config: Config) -> Sla:
    """The rules of ``config``: built once per configuration (every report reads them)."""
    found = _BUILT.get(id(config))
    if found is not None and found[0] is config:
        return found[1]
    sla = _build(config)
    if len(_BUILT) > 16:  # tests build many configurations; a service has one
        _BUILT.clear()
    _BUILT[id(config)] = (config, sla)
    return sla


def _build(config: Config) -> Sla:
    c = config.sla
    return Sla(
        accept_within=c.accept_within,
        escalate_after=c.escalate_after,
        resolve_urgent=c.resolve_within_urgent,
        resolve_default=c.resolve_within_default,
        survey_after=c.survey_after,
        survey_timeout=c.survey_timeout,
        accept_urgent=c.accept_within_urgent,
        escalate_urgent=c.escalate_after_urgent,
        calendar=None
        if c.working_hours is None
        else WorkCalendar(
            tz=config.tz,
            opens=c.working_hours[0],
            closes=c.working_hours[1],
            workdays=c.workdays,
            holidays=c.holidays,
            extra_workdays=c.extra_workdays,
        ),
        quiet=None
        if c.quiet_hours is None
        else QuietHours(tz=config.tz, begins=c.quiet_hours[0], ends=c.quiet_hours[1]),
    )
