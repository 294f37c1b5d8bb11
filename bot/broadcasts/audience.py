"""Audiences: who a rule speaks to, resolved against the roster and residents.

``street`` or ``community`` (everyone the account serves), ``community:dt`` (one community),
``estate:青和居`` (an estate, by code, name or alias), ``grid:G01``, ``building:3``, ``tag:独居``
or ``role:representative``. On a street, a grid or building may name its community:
``grid:dt/G01``, ``building:dt/3``; residents bound before the street existed belong to the
first community."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders.dispatch import ROLE_NAMES, ROLES
from bot.roster.residents import NO_NOTICES
from models.community import Building, Community, Estate, Grid, Member, Resident
from models.inbound import WeChatUser

KINDS = ("street", "community", "estate", "grid", "building", "tag", "role")
_WHOLE = ("street", "community")
_ROLE_BY_NAME = {name: role for role, name in ROLE_NAMES.items()}


@dataclass(frozen=True)
class Audience:
    kind: str
    value: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else self.kind


def parse_audience(text: object) -> Audience:
    """Raises ValueError with one line when ``text`` is not an audience."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"audience: expected {_USAGE}")
    raw = text.strip().replace("：", ":")
    if raw in _WHOLE:
        return Audience(raw)
    kind, sep, value = raw.partition(":")
    kind, value = kind.strip(), value.strip()
    if not sep or kind not in KINDS or kind == "street":
        raise ValueError(f"audience: unknown audience {text!r} (use {_USAGE})")
    if not value:
        raise ValueError(f"audience: {kind}: needs a value, e.g. {kind}:{_EXAMPLES[kind]}")
    if kind == "role":
        value = _ROLE_BY_NAME.get(value, value)
        if value not in ROLES:
            raise ValueError(
                f"audience: unknown role {value!r} (allowed: {', '.join(sorted(ROLES))})"
            )
    return Audience(kind, value)


_USAGE = (
    "street, community, community:CODE, estate:NAME, grid:CODE, building:NUMBER, tag:TAG"
    " or role:ROLE"
)
_EXAMPLES = {
    "community": "dt",
    "estate": "青和居",
    "grid": "G01",
    "building": "3",
    "tag": "独居",
    "role": "representative",
}


async def recipients(
    session: AsyncSession, audience: Audience, born_on: list[date] | None = None
) -> list[str]:
    """The openids to send to, sorted, without people who unfollowed the account.

    ``born_on`` narrows resident audiences to those birth dates (eligibility rules). A
    resident with no ``wechat_users`` row (imported, never wrote) counts as following.
    """
    if audience.kind == "role":
        openids = await _members_with_role(session, audience.value)
    else:
        openids = await _residents(session, audience, born_on)
    if not openids:
        return []
    unfollowed = set(
        (
            await session.execute(select(WeChatUser.openid).where(WeChatUser.following.is_(False)))
        ).scalars()
    )
    return sorted(o for o in set(openids) if o not in unfollowed)


async def _members_with_role(session: AsyncSession, role: str) -> list[str]:
    rows = await session.execute(
        select(Member.openid, Member.roles).where(
            Member.active.is_(True), Member.openid.is_not(None)
        )
    )
    return [openid for openid, roles in rows if openid and role in (roles or [])]


async def _residents(
    session: AsyncSession, audience: Audience, born_on: list[date] | None
) -> list[str]:
    if born_on is not None and not born_on:
        return []
    query = select(Resident.openid, Resident.tags)
    if born_on is not None:
        query = query.where(Resident.birth_date.in_(born_on))
    where = await _place_filter(session, audience)
    if where is not None:
        query = query.where(where)
    rows = (await session.execute(query)).all()
    # residents who said 退订 are left out (bot.roster.residents.NO_NOTICES)
    wanted = [(o, tags or []) for o, tags in rows if NO_NOTICES not in (tags or [])]
    if audience.kind == "tag":
        return [o for o, tags in wanted if audience.value in tags]
    return [o for o, _ in wanted]


async def _place_filter(session: AsyncSession, audience: Audience) -> ColumnElement[bool] | None:
    kind, value = audience.kind, audience.value
    if (kind in _WHOLE and not value) or kind in ("tag", "role"):
        return None
    places = _Places(
        await session.scalar(
            select(Community.id).where(Community.kind != "street").order_by(Community.id).limit(1)
        )
    )
    if kind == "estate":
        rows = (await session.execute(select(Estate))).scalars().all()
        hits = [e for e in rows if value in (e.code, e.name, *(e.aliases or []))]
        return places.any(
            places.community(e.community_id) & (Resident.estate_code == e.code) for e in hits
        )
    code, _, rest = value.rpartition("/")
    if kind == "community":
        code, rest = rest, ""
    cid = await session.scalar(select(Community.id).where(Community.code == code)) if code else None
    if code and cid is None:
        return places.nobody()
    if kind == "community":
        return places.community(cid)
    if kind == "building":
        here = Resident.building == rest
        return here if cid is None else here & places.community(cid)
    query = (
        select(Building.community_id, Building.estate_code, Building.number)
        .join(Grid, Grid.id == Building.grid_id)
        .where(Grid.code == rest)
    )
    found = [b for b in (await session.execute(query)).all() if cid is None or b[0] == cid]
    return places.any(places.building(*b) for b in found)


class _Places:
    """Conditions on residents' homes; residents bound before streets (no community) belong
    to the first community."""

    def __init__(self, first: int | None) -> None:
        self.first = first

    def community(self, community_id: int | None) -> ColumnElement[bool]:
        here = Resident.community_id == community_id
        return or_(here, Resident.community_id.is_(None)) if community_id == self.first else here

    def building(self, community_id: int, estate: str, number: str) -> ColumnElement[bool]:
        same = (Resident.building == number) & self.community(community_id)
        if estate:
            same = same & or_(Resident.estate_code == estate, Resident.estate_code.is_(None))
        return same

    def nobody(self) -> ColumnElement[bool]:
        return Resident.openid.is_(None)  # the primary key is never null

    def any(self, conditions: Iterable[ColumnElement[bool]]) -> ColumnElement[bool]:
        return or_(self.nobody(), *conditions)
