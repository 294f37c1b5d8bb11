"""Rule text with the occurrence's date, weekday, time (and age) filled in (pure)."""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts

PLACEHOLDERS = ("date", "weekday", "time")
ELIGIBILITY_PLACEHOLDERS = (*PLACEHOLDERS, "age")
TEMPLATE_FIELD_MAX = 20  # WeChat cuts template fields at 20 characters


def check_placeholders(text: str, allowed: tuple[str, ...]) -> str | None:
    """Why ``text`` cannot be filled in, or None."""
    try:
        fields = [
            (name, spec, conv)
            for _, name, spec, conv in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError as exc:
        return f"{exc} (write {{{{ and }}}} for literal braces)"
    for name, spec, conv in fields:
        if name not in allowed:
            return f"unknown placeholder {{{name}}} (allowed: {', '.join(allowed)})"
        if spec or conv:
            # {date:>9999999999} would pad the message to gigabytes when it is sent
            return f"placeholder {{{name}}} takes no format or conversion (write {{{name}}})"
    return None


def values(at: datetime, tz: ZoneInfo, age: int | None = None) -> dict[str, str]:
    local = at.astimezone(tz)
    out = {
        "date": texts.BROADCAST_DATE.format(month=local.month, day=local.day),
        "weekday": texts.BROADCAST_WEEKDAYS[local.weekday()],
        "time": local.strftime("%H:%M"),
    }
    if age is not None:
        out["age"] = str(age)
    return out


def render(text: str, filled: Mapping[str, str]) -> str:
    return text.format_map(dict(filled))


def render_fields(
    fields: Mapping[str, str] | None, filled: Mapping[str, str]
) -> dict[str, str] | None:
    if not fields:
        return None
    return {key: render(value, filled) for key, value in fields.items()}
