"""Audiences: who a rule speaks to, parsed from ``community``, ``grid:G01``, ``building:3``,
``tag:独居`` or ``role:representative``, and resolved against the roster and residents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.orders.dispatch import ROLE_NAMES, ROLES
from models.community import Building, Grid, Member, Resident
from models.inbound import WeChatUser

KINDS = ("community", "grid", "building", "tag", "role")
_ROLE_BY_NAME = {name: role for role, name in ROLE_NAMES.items()}


@dataclass(frozen=True)
class Audience:
    kind: str
    value: str = ""

    def __str__(self) -> str:
        return self.kind if self.kind == "community" else f"{self.kind}:{self.value}"


def parse_audience(text: object) -> Audience:
    """Raises ValueError with one line when ``text`` is not an audience."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(
            "audience: expected community, grid:CODE, building:NUMBER, tag:TAG or role:ROLE"
        )
    raw = text.strip().replace("：", ":")
    if raw == "community":
        return Audience("community")
    kind, sep, value = raw.partition(":")
    kind, value = kind.strip(), value.strip()
    if not sep or kind not in KINDS or kind == "community":
        raise ValueError(
            f"audience: unknown audience {text!r} (use community, grid:CODE, building:NUMBER,"
            " tag:TAG or role:ROLE)"
        )
    if not value:
        raise ValueError(f"audience: {kind}: needs a value, e.g. {kind}:{_EXAMPLES[kind]}")
    if kind == "role":
        value = _ROLE_BY_NAME.get(value, value)
        if value not in ROLES:
            raise ValueError(
                f"audience: unknown role {value!r} (allowed: {', '.join(sorted(ROLES))})"
            )
    return Audience(kind, value)


_EXAMPLES = {"grid": "G01", "building": "3", "tag": "独居", "role": "representative"}


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
    if audience.kind == "tag":
        query = select(Resident.openid, Resident.tags)
    else:
        query = select(Resident.openid, Resident.openid)
    if born_on is not None:
        query = query.where(Resident.birth_date.in_(born_on))
    if audience.kind == "building":
        query = query.where(Resident.building == audience.value)
    elif audience.kind == "grid":
        buildings = (
            select(Building.number)
            .join(Grid, Grid.id == Building.grid_id)
            .where(Grid.code == audience.value)
        )
        query = query.where(Resident.building.in_(buildings))
    rows = (await session.execute(query)).all()
    if audience.kind == "tag":
        return [openid for openid, tags in rows if audience.value in (tags or [])]
    return [openid for openid, _ in rows]
