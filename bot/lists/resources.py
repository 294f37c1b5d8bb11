"""The resource list (资源清单): partner units and what they offer, checked and kept in the
history; an edit that would leave a project's budget uncovered is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.lists import words as w
from bot.lists.history import record, snapshot
from bot.lists.projects import LIVE, ListError, ProjectSpec, check
from bot.lists.scope import ListScope, first_community
from models.lists import PartnerResource, Project

LIMITS = {"unit": 100, "contact": 100, "description": 1000}


@dataclass(frozen=True)
class ResourceSpec:
    unit: str
    kind: str
    contact: str = ""
    description: str = ""
    amount_fen: int = 0
    community_id: int | None = None  # the community it serves; None: the whole street


def problem(spec: ResourceSpec) -> str | None:
    """What is wrong with ``spec`` (in the office's words), or None."""
    if not spec.unit:
        return w.ROW_UNIT
    for name, limit in LIMITS.items():
        if len(getattr(spec, name)) > limit:
            return w.ROW_TOO_LONG.format(field=name)
    if spec.kind not in w.KIND_NAMES:
        return w.BAD_KIND
    if spec.amount_fen < 0:
        return w.BAD_AMOUNT["negative"].format(field="金额")
    if spec.amount_fen and spec.kind != "fund":
        return w.AMOUNT_ONLY_FUND
    return None


def _apply(row: PartnerResource, spec: ResourceSpec, now: datetime) -> None:
    row.unit, row.kind, row.contact = spec.unit, spec.kind, spec.contact
    row.description, row.amount_fen, row.updated_at = spec.description, spec.amount_fen, now
    row.community_id = spec.community_id


async def _still_covered(session: AsyncSession, row: PartnerResource) -> None:
    """The live projects drawing on the resource can still see it and are still covered."""
    projects = await session.scalars(select(Project).where(Project.status.in_(LIVE)))
    first = await first_community(session)
    for p in projects:
        if row.id not in (p.resource_ids or []):
            continue
        if row.community_id is not None and row.community_id != (p.community_id or first):
            raise ListError(w.RESOURCE_IN_USE.format(id=row.id, project=p.id))
        spec = ProjectSpec(
            p.title, p.unit, p.person, p.budget_fen, p.status, [], [], p.resource_ids,
            p.community_id,
        )  # fmt: skip
        await check(session, spec, p.id)


async def save(
    session: AsyncSession,
    spec: ResourceSpec,
    actor: str,
    now: datetime,
    scope: ListScope,
    resource_id: int | None = None,
) -> PartnerResource:
    """Add a resource, or change the one numbered ``resource_id``, within ``scope``: another
    community's resource is "not found"; a street-wide one is the street office's to change."""
    wrong = problem(spec)
    if wrong:
        raise ListError(wrong)
    if not scope.may_place(spec.community_id):
        raise ListError(w.NOT_YOUR_COMMUNITY)
    if resource_id is None:
        row = PartnerResource(created_at=now)
        _apply(row, spec, now)
        session.add(row)
        await session.flush()
        record(session, actor, row, "create", None, now)
        return row
    found = await session.get(PartnerResource, resource_id, with_for_update=True)
    if found is None or not scope.sees_resource(found):
        raise ListError(w.NO_SUCH_RESOURCE.format(id=resource_id))
    if not scope.edits_resource(found):
        raise ListError(w.STREET_RESOURCE.format(id=resource_id))
    before = snapshot(found)
    _apply(found, spec, now)
    await session.flush()
    await _still_covered(session, found)
    record(session, actor, found, "update", before, now)
    return found


async def all_resources(session: AsyncSession, scope: ListScope) -> list[PartnerResource]:
    """The resources shown in ``scope``: its communities' and the street-wide ones."""
    query = select(PartnerResource).where(scope.resources()).order_by(PartnerResource.id)
    return list(await session.scalars(query))
