"""How an order reads in a message: its place, a member's roles, spans and local times, the
details a member needs to act. Pure; every sentence comes from bot.texts."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from functools import lru_cache

from bot import texts
from bot.intake import advice_for
from bot.intake.address import find_addresses
from bot.intake.normalize import normalize
from bot.orders.dispatch import ROLE_NAMES, Place
from bot.orders.state import OrderFacts
from models.community import Member


def place_text(order: OrderFacts) -> str:
    label = Place(order.building, order.unit, order.room).label()
    return f"{label} " if label else ""


def emergency_lines(order: OrderFacts) -> list[str] | None:
    """The numbers an emergency's resident is told to call, with their names: those of its
    kind, from the one table that decides them (bot.intake.advice_for) — 96333 for a lift,
    12356 for self-harm, never the same three for all; None when its kind is not known."""
    if order.hazard is None:
        return None
    numbers = advice_for(order.hazard, order.text)[0]
    return [texts.EMERGENCY_LINES.get(n, n) for n in numbers]


def role_text(m: Member) -> str:
    return "、".join(ROLE_NAMES.get(r, r) for r in m.roles or []) or texts.SOME_MEMBER


def who(m: Member | None) -> str:
    return f"{m.name}（{role_text(m)}）" if m is not None else ""


def span(delta: timedelta) -> str:
    minutes = max(1, int(delta.total_seconds() // 60))
    if minutes < 60:
        return texts.MINUTES.format(n=minutes)
    hours = minutes // 60
    if hours < 48:
        return texts.HOURS.format(n=hours)
    return texts.DAYS.format(n=hours // 24)


@lru_cache(maxsize=4096)
def _local_minute(minute: int, tz: tzinfo) -> str:
    t = datetime.fromtimestamp(minute * 60, tz)
    return texts.MONTH_DAY_TIME.format(month=t.month, day=t.day, hour=t.hour, minute=t.minute)


def local_time(when: datetime, tz: tzinfo) -> str:
    # a tick words hundreds of deadlines, most of them within the same few minutes
    return _local_minute(int(when.timestamp()) // 60, tz)


def details(order: OrderFacts, tz: tzinfo) -> str:
    """What a member needs to act that the summary leaves out: when the resident is free,
    a phone number, and the resident's own words."""
    out = ""
    start, end = getattr(order, "preferred_start", None), getattr(order, "preferred_end", None)
    if start is not None and end is not None:
        out += texts.ORDER_DETAIL_TIME.format(when=time_span(start, end, tz))
    phones = getattr(order, "phones", None)
    if phones:
        out += texts.ORDER_DETAIL_PHONE.format(phones="、".join(phones))
    text = (getattr(order, "text", None) or "").strip()
    if text and text != order.summary:
        out += texts.ORDER_DETAIL_TEXT.format(text=text if len(text) <= 120 else text[:119] + "…")
        if _words_elsewhere(text, order.building, order.unit):
            out += texts.ORDER_DETAIL_PLACE_CORRECTED
    return out


@lru_cache(maxsize=1024)
def _words_elsewhere(text: str, building: str | None, unit: str | None) -> bool:
    """Whether the resident's words name another building (or unit) than the order's: the
    address was corrected after (found from outside: a member reading 居民原话 quickly went
    by the old building)."""
    said = [m.address for m in find_addresses(normalize(text))]
    if building is None or not any(a.building for a in said):
        return False
    same = [a for a in said if a.building == building]
    if not same:
        return True
    units = {a.unit for a in same if a.unit}
    return bool(units) and unit is not None and unit not in units


def time_span(start: datetime, end: datetime, tz: tzinfo) -> str:
    a, b = start.astimezone(tz), end.astimezone(tz)
    day = texts.MONTH_DAY.format(month=a.month, day=a.day)
    if (b - a).total_seconds() >= 86400 and a.hour == 0 and a.minute == 0:
        return day if (b - a).days <= 1 else f"{day}起{(b - a).days}天"
    return f"{day} {a:%H:%M}-{b:%H:%M}"
