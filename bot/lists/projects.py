"""The project list (项目清单): projects linking demands to resources, checked for money,
kept in the history, and reported back to the residents who asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.lists import words as w
from bot.lists.history import record, snapshot
from bot.lists.money import BadAmount, covers, milestones_fit, parse_yuan, yuan
from bot.lists.scope import first_community
from bot.lists.store import tell
from models.lists import DemandGroup, PartnerResource, Project

LIVE = ("planned", "running", "done")


class ListError(Exception):
    """A refusal worded for the office (shown with status 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ProjectSpec:
    title: str
    unit: str = ""
    person: str = ""
    budget_fen: int = 0
    status: str = "planned"
    milestones: list[dict[str, Any]] = field(default_factory=list)
    demand_ids: list[int] = field(default_factory=list)
    resource_ids: list[int] = field(default_factory=list)
    community_id: int | None = None  # the community it belongs to


def parse_milestones(text: str) -> list[dict[str, Any]]:
    """One milestone a line: ``2026-12-01 采购灯具 [800]`` (the amount, in yuan, optional)."""
    out: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        try:
            when = date.fromisoformat(parts[0])
        except ValueError:
            raise ListError(w.BAD_MILESTONE.format(line=number)) from None
        amount = 0
        if len(parts) > 2:
            try:
                amount = parse_yuan(parts[-1])
                parts = parts[:-1]
            except BadAmount:
                amount = 0
        what = " ".join(parts[1:])
        if not what:
            raise ListError(w.BAD_MILESTONE.format(line=number))
        out.append({"date": when.isoformat(), "what": what[:100], "amount_fen": amount})
    return out


async def _demands(
    session: AsyncSession, ids: list[int], community: int | None = None
) -> list[DemandGroup]:
    """The demand groups numbered ``ids``, all of ``community`` when one is given (another
    community's demand is "not found", so its number reveals nothing)."""
    first = await first_community(session) if community is not None else None
    rows = {
        d.id: d
        for d in await session.scalars(select(DemandGroup).where(DemandGroup.id.in_(ids)))
        if community is None or (d.community_id or first) == community
    }
    for i in ids:
        if i not in rows:
            raise ListError(w.NO_SUCH_DEMAND.format(id=i))
    return [rows[i] for i in ids]


async def _available(
    session: AsyncSession, spec: ProjectSpec, project_id: int | None, community: int | None
) -> int:
    """What the linked fund resources still hold for this project, after other projects. The
    fund rows stay locked until the caller commits (PostgreSQL), so two projects created at
    once on one fund cannot both spend it. A resource must serve the project's community or
    the whole street."""
    found = {
        r.id: r
        for r in await session.scalars(
            select(PartnerResource)
            .where(PartnerResource.id.in_(spec.resource_ids))
            .order_by(PartnerResource.id)
            .with_for_update()  # two projects drawing on one fund at once: one waits
        )
        if r.community_id is None or community is None or r.community_id == community
    }
    for i in spec.resource_ids:
        if i not in found:
            raise ListError(w.NO_SUCH_RESOURCE.format(id=i))
    funds = {i for i, r in found.items() if r.kind == "fund"}
    others = await session.scalars(select(Project).where(Project.status.in_(LIVE)))
    taken = sum(
        p.budget_fen for p in others if p.id != project_id and funds & set(p.resource_ids or [])
    )
    return sum(found[i].amount_fen for i in funds) - taken


async def check(session: AsyncSession, spec: ProjectSpec, project_id: int | None = None) -> None:
    """Refuse a project whose money does not add up, or whose links point nowhere (or to a
    demand already in another project)."""
    if spec.status not in w.PROJECT_STATUS:
        raise ListError(w.BAD_STATUS)
    community = spec.community_id or await first_community(session)
    for demand in await _demands(session, spec.demand_ids, community):
        if demand.project_id is not None and demand.project_id != project_id:
            raise ListError(w.IN_ANOTHER_PROJECT.format(id=demand.id, project=demand.project_id))
    available = await _available(session, spec, project_id, community)
    if spec.budget_fen and not covers([available], spec.budget_fen):
        raise ListError(
            w.NOT_COVERED.format(budget=yuan(spec.budget_fen), available=yuan(max(available, 0)))
        )
    amounts = [int(m.get("amount_fen", 0)) for m in spec.milestones]
    if not milestones_fit(amounts, spec.budget_fen):
        raise ListError(
            w.MILESTONES_OVER.format(total=yuan(sum(amounts)), budget=yuan(spec.budget_fen))
        )


async def _promote(
    session: AsyncSession, project: Project, ids: list[int], actor: str, now: datetime
) -> int:
    """Mark the demands as promoted into ``project`` and tell the residents who asked."""
    told = 0
    for demand in await _demands(session, ids):
        if demand.project_id == project.id:
            continue
        before = snapshot(demand)
        demand.status, demand.project_id, demand.updated_at = "promoted", project.id, now
        await session.flush()
        record(session, actor, demand, "promote", before, now)
        text = w.TOLD_PROMOTED.format(
            demand=demand.title, project=project.title, unit=project.unit or "社区"
        )
        notice = (w.NOTICE_PROMOTED, project.title)
        key = f"p{project.id}:promoted"
        told += await tell(session, demand.order_ids or [], text, key, now, notice)
    return told


async def create(
    session: AsyncSession, spec: ProjectSpec, actor: str, now: datetime
) -> tuple[Project, int]:
    """A new project; its demands are promoted. Returns it and the residents told."""
    await check(session, spec)
    project = Project(
        title=spec.title,
        unit=spec.unit,
        person=spec.person,
        budget_fen=spec.budget_fen,
        status=spec.status,
        milestones=spec.milestones,
        demand_ids=spec.demand_ids,
        resource_ids=spec.resource_ids,
        community_id=spec.community_id or await first_community(session),
        created_at=now,
        updated_at=now,
    )
    session.add(project)
    await session.flush()
    record(session, actor, project, "create", None, now)
    return project, await _promote(session, project, spec.demand_ids, actor, now)


async def update(
    session: AsyncSession, project: Project, spec: ProjectSpec, actor: str, now: datetime
) -> int:
    spec.community_id = project.community_id  # a project stays in its community
    await check(session, spec, project.id)
    before = snapshot(project)
    added = [i for i in spec.demand_ids if i not in (project.demand_ids or [])]
    dropped = [i for i in project.demand_ids or [] if i not in spec.demand_ids]
    project.title, project.unit, project.person = spec.title, spec.unit, spec.person
    project.budget_fen, project.status = spec.budget_fen, spec.status
    project.milestones, project.demand_ids = spec.milestones, spec.demand_ids
    project.resource_ids, project.updated_at = spec.resource_ids, now
    await session.flush()
    record(session, actor, project, "update", before, now)
    await _release(session, dropped, actor, now)
    return await _promote(session, project, added, actor, now)


async def _release(session: AsyncSession, ids: list[int], actor: str, now: datetime) -> None:
    """Demands taken out of a project go back to confirmed."""
    for demand in await session.scalars(select(DemandGroup).where(DemandGroup.id.in_(ids))):
        before = snapshot(demand)
        demand.status, demand.project_id, demand.updated_at = "confirmed", None, now
        await session.flush()
        record(session, actor, demand, "release", before, now)


async def report_back(
    session: AsyncSession, project: Project, text: str, actor: str, now: datetime
) -> int:
    """Tell the residents behind the project's demands how it is going (反馈居民)."""
    if not text.strip():
        raise ListError(w.MESSAGE_EMPTY)
    orders = [o for d in await _demands(session, project.demand_ids or []) for o in d.order_ids]
    change = record(
        session, actor, project, "report_back", snapshot(project), now, {"message": text}
    )
    await session.flush()
    message = w.TOLD_BACK.format(project=project.title, text=text)
    key = f"p{project.id}:back:{change.id}"
    told = await tell(session, orders, message, key, now, (project.title, text))
    if not told:
        raise ListError(w.NO_RECIPIENTS)
    change.after = {**(change.after or {}), "told": told}
    return told
