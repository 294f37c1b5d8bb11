"""The three lists as tables for the monthly report (三大清单 sheet): the month's demand
lines (groups of two or more orders, with their state on record), the resources, and the
projects. Values in Chinese; money in yuan as exact decimals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import texts
from bot.lists import words as w
from bot.lists.demands import group_orders
from bot.lists.scope import ListScope
from bot.lists.store import ORDER_COLUMNS, facts, grid_map
from models.lists import DemandGroup, PartnerResource, Project
from models.orders import Order

DEMAND_HEADERS = ("需求", "地点", "类别", "工单数", "未解决户数", "状态", "登记号", "项目")
RESOURCE_HEADERS = ("编号", "共建单位", "类型", "联系方式", "说明", "金额（元）")
PROJECT_HEADERS = (
    "编号", "项目", "负责单位", "负责人", "预算（元）", "状态", "需求登记号", "资源编号", "节点",
)  # fmt: skip
Row = list[object]


@dataclass(frozen=True)
class ListTables:
    demands: list[Row] = field(default_factory=list)
    resources: list[Row] = field(default_factory=list)
    projects: list[Row] = field(default_factory=list)


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _ids(values: list[int] | None) -> str:
    return "、".join(str(v) for v in values or [])


async def month_tables(
    engine: AsyncEngine,
    start: datetime,
    end: datetime,
    scope: ListScope | None = None,
    grid: str | None = None,
) -> ListTables:
    """The lists as they stand, with the demand lines of the orders written in [start, end);
    limited to ``scope`` (a console account's communities) and to ``grid`` (a grid
    leader's) when given."""
    scope = scope or ListScope()
    query = select(*ORDER_COLUMNS).where(
        Order.created_at >= start, Order.created_at < end, scope.of(Order.community_id)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
        groups = group_orders(facts(rows, await grid_map(conn)), minimum=2)
        groups = [g for g in groups if grid is None or g.grid == grid]
        stored = (await conn.execute(select(DemandGroup).where(scope.demands()))).all()
        found = (
            await conn.execute(
                select(PartnerResource).where(scope.resources()).order_by(PartnerResource.id)
            )
        ).all()
        projects = (
            await conn.execute(select(Project).where(scope.projects()).order_by(Project.id))
        ).all()
    demands: list[Row] = []
    for g in groups:
        mine = set(g.order_ids)
        kept = next(
            (d for d in stored if d.place_key == g.place_key and mine & set(d.order_ids)), None
        )
        demands.append([
            g.line(title=kept.title if kept else None), g.place,
            texts.CATEGORY_NAMES.get(g.category, g.category), g.count, g.unsettled_households,
            w.DEMAND_STATUS[kept.status if kept else "open"], kept.id if kept else None,
            kept.project_id if kept else None,
        ])  # fmt: skip
    resources: list[Row] = [
        [r.id, r.unit, w.KIND_NAMES.get(r.kind, r.kind), r.contact, r.description,
         _yuan(r.amount_fen) if r.kind == "fund" else None]
        for r in found
    ]  # fmt: skip
    project_rows: list[Row] = [
        [p.id, p.title, p.unit, p.person, _yuan(p.budget_fen),
         w.PROJECT_STATUS.get(p.status, p.status), _ids(p.demand_ids), _ids(p.resource_ids),
         "；".join(f"{m['date']} {m['what']}" for m in p.milestones or [])]
        for p in projects
    ]  # fmt: skip
    return ListTables(demands, resources, project_rows)
