"""What ``mulin broadcast`` does to the database (no printing here)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.broadcasts import message
from bot.broadcasts.rules import RuleSpec
from bot.broadcasts.schedule import build_trigger, next_after, upcoming
from bot.broadcasts.send import audience_for, fire
from bot.roster.files import natural_key
from models.broadcasts import BroadcastOccurrence, BroadcastRule
from models.community import Member, Resident

LARGEST_ID = 2**31 - 1  # the rules' ids are Integer columns: 32 bits on PostgreSQL


class UnknownRule(LookupError):
    def __init__(self, rule_id: int) -> None:
        super().__init__(f"no broadcast rule {rule_id}")


def first_run(rule: BroadcastRule | RuleSpec, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The next scheduled time strictly after ``now`` (what was missed before is not owed)."""
    return next_after(build_trigger(rule.kind, rule.schedule, tz), now)


async def add_rules(
    sessions: async_sessionmaker[AsyncSession], specs: list[RuleSpec], now: datetime, tz: ZoneInfo
) -> list[BroadcastRule]:
    rules = [
        BroadcastRule(
            name=spec.name,
            kind=spec.kind,
            schedule=spec.schedule,
            condition=spec.condition,
            audience=spec.audience,
            text=spec.text,
            template_fields=spec.template_fields,
            late_within_s=None
            if spec.late_within is None
            else int(spec.late_within.total_seconds()),
            enabled=spec.enabled,
            next_run_at=first_run(spec, now, tz) if spec.enabled else None,
            created_at=now,
            updated_at=now,
        )
        for spec in specs
    ]
    async with sessions() as session, session.begin():
        session.add_all(rules)
    return rules


async def list_rules(
    sessions: async_sessionmaker[AsyncSession], *, include_removed: bool = False
) -> list[BroadcastRule]:
    query = select(BroadcastRule).order_by(BroadcastRule.id)
    if not include_removed:
        query = query.where(BroadcastRule.removed_at.is_(None))
    async with sessions() as session:
        return list((await session.execute(query)).scalars())


async def _get(session: AsyncSession, rule_id: int) -> BroadcastRule:
    if not 0 < rule_id <= LARGEST_ID:  # never sent: the database would refuse the number
        raise UnknownRule(rule_id)
    rule = await session.get(BroadcastRule, rule_id)
    if rule is None or rule.removed_at is not None:
        raise UnknownRule(rule_id)
    return rule


@dataclass(frozen=True)
class RuleDetail:
    rule: BroadcastRule
    upcoming: list[datetime]
    occurrences: list[BroadcastOccurrence]


async def show_rule(
    sessions: async_sessionmaker[AsyncSession],
    rule_id: int,
    now: datetime,
    tz: ZoneInfo,
    *,
    runs: int = 5,
    history: int = 5,
) -> RuleDetail:
    async with sessions() as session:
        rule = await _get(session, rule_id)
        occurrences = (
            await session.execute(
                select(BroadcastOccurrence)
                .where(BroadcastOccurrence.rule_id == rule_id)
                .order_by(BroadcastOccurrence.scheduled_for.desc(), BroadcastOccurrence.id.desc())
                .limit(history)
            )
        ).scalars()
        trigger = build_trigger(rule.kind, rule.schedule, tz)
        start = rule.next_run_at if rule.enabled and rule.next_run_at else None
        times: list[datetime] = []
        if start is not None:
            times = [start, *upcoming(trigger, start, runs - 1)]
        return RuleDetail(rule, times, list(occurrences))


async def set_enabled(
    sessions: async_sessionmaker[AsyncSession],
    rule_id: int,
    enabled: bool,
    now: datetime,
    tz: ZoneInfo,
) -> BroadcastRule:
    async with sessions() as session, session.begin():
        rule = await _get(session, rule_id)
        if rule.enabled != enabled:
            rule.enabled = enabled
            rule.next_run_at = first_run(rule, now, tz) if enabled else None
            rule.updated_at = now
        return rule


async def remove_rule(
    sessions: async_sessionmaker[AsyncSession], rule_id: int, now: datetime
) -> BroadcastRule:
    async with sessions() as session, session.begin():
        rule = await _get(session, rule_id)
        rule.removed_at = now
        rule.enabled = False
        rule.next_run_at = None
        rule.updated_at = now
        return rule


@dataclass(frozen=True)
class Preview:
    """What staff check before a rule goes out: the words, and who (never openids)."""

    rule: BroadcastRule
    count: int
    text: str  # the message as it would read at the next run (or now)
    at: datetime
    first: list[str]  # "张阿姨 3栋2单元501", "李建国（居民代表）", or 未登记地址的居民
    by_building: list[tuple[str, int]]  # ("3栋", 12), ..., ("未登记楼栋", 3)


async def preview_rule(
    sessions: async_sessionmaker[AsyncSession],
    rule_id: int,
    now: datetime,
    tz: ZoneInfo,
    *,
    first: int = 10,
) -> Preview:
    async with sessions() as session:
        rule = await _get(session, rule_id)
        openids = await audience_for(session, rule, now, tz)
        people = await _people(session, openids)
        at = rule.next_run_at if rule.enabled and rule.next_run_at else now
        age = int((rule.condition or {})["turns_age"]) if rule.kind == "eligibility" else None
        text = message.render(rule.text, message.values(at, tz, age))
        buildings: Counter[str] = Counter()
        for o in openids:
            person = people.get(o)
            if person is not None and person.is_member:
                continue  # members are named in the list, not counted as households
            building = person.building if person else None
            label = texts.BUILDING.format(building=building) if building else None
            buildings[label or texts.PREVIEW_NO_BUILDING] += 1
        ordered = sorted(buildings.items(), key=lambda kv: natural_key(kv[0]))
        shown = [people[o].label if o in people else texts.PREVIEW_UNKNOWN for o in openids[:first]]
        return Preview(rule, len(openids), text, at, shown, ordered)


@dataclass(frozen=True)
class _Person:
    label: str
    building: str | None
    is_member: bool


async def _people(session: AsyncSession, openids: list[str]) -> dict[str, _Person]:
    found: dict[str, _Person] = {}
    for start in range(0, len(openids), 1000):  # bounded IN lists, whatever the audience size
        chunk = openids[start : start + 1000]
        for r in (
            await session.execute(select(Resident).where(Resident.openid.in_(chunk)))
        ).scalars():
            place = _place(r.building, r.unit, r.room)
            label = " ".join(p for p in (r.name, place) if p) or texts.PREVIEW_UNKNOWN
            found[r.openid] = _Person(label, r.building, False)
        for m in (await session.execute(select(Member).where(Member.openid.in_(chunk)))).scalars():
            roles = "、".join(texts.ROLE_NAMES.get(x, x) for x in m.roles or [])
            label = texts.PREVIEW_MEMBER.format(name=m.name, roles=roles or texts.SOME_MEMBER)
            found[m.openid or ""] = _Person(label, None, True)
    return found


def _place(building: str | None, unit: str | None, room: str | None) -> str:
    parts = []
    if building:
        parts.append(texts.BUILDING.format(building=building))
    if unit:
        parts.append(texts.UNIT.format(unit=unit))
    if room:
        parts.append(room)
    return "".join(parts)


async def run_rule_now(
    sessions: async_sessionmaker[AsyncSession], rule_id: int, now: datetime, tz: ZoneInfo
) -> int | None:
    """Send once now, as an occurrence keyed by the time; None if that key already exists."""
    key = "run:" + now.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
    async with sessions() as session, session.begin():
        rule = await _get(session, rule_id)
        return await fire(session, rule, key=key, at=now, status="manual", now=now, tz=tz)
