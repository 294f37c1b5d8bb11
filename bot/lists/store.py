"""The demand list on record: orders read into facts, groups kept when staff act on them, and
the residents behind a group told through the outbox."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.broadcasts.send import enqueue_many
from bot.lists.demands import Group, OrderFact
from bot.lists.history import record, snapshot
from bot.outbox.templates import notice_fields
from bot.outbox.write import build_payload
from models.community import Building, Grid
from models.lists import DemandGroup
from models.orders import Order, OrderFollower

# the broadcast template (wechat.templates.broadcast) carries it outside the 48-hour window
PURPOSE = "broadcast"
DEDUPE = "list:"
ORDER_COLUMNS = (
    Order.id,
    Order.resident_openid,
    Order.community_id,
    Order.estate_code,
    Order.building,
    Order.category,
    Order.summary,
    Order.text,
    Order.status,
)
GridKey = tuple[int | None, str, str]


async def grid_map(session: AsyncSession | AsyncConnection) -> dict[GridKey, str]:
    """(community id, estate code, building number) -> grid code; also under community None."""
    rows = await session.execute(
        select(Building.community_id, Building.estate_code, Building.number, Grid.code).join(
            Grid, Grid.id == Building.grid_id
        )
    )
    found: dict[GridKey, str] = {}
    for community, estate, number, grid in rows:
        found[(community, estate or "", number)] = grid
        found.setdefault((None, estate or "", number), grid)
    return found


def facts(rows: Iterable[Sequence[Any]], grids: dict[GridKey, str]) -> list[OrderFact]:
    """Facts of rows selected as :data:`ORDER_COLUMNS`."""
    out = []
    for oid, openid, community, estate, building, category, summary, text, status in rows:
        grid = None
        if building:
            grid = grids.get((community, estate or "", building)) or grids.get(
                (None, estate or "", building)
            )
        out.append(
            OrderFact(
                oid, openid, community, estate, building, grid, category, summary, text, status
            )
        )
    return out


async def stored_for(session: AsyncSession, group: Group) -> DemandGroup | None:
    """The demand on record sharing an order with ``group`` at its place and category."""
    rows = await session.execute(
        select(DemandGroup).where(
            DemandGroup.place_key == group.place_key, DemandGroup.category == group.category
        )
    )
    mine = set(group.order_ids)
    return next((d for d in rows.scalars() if mine & set(d.order_ids or [])), None)


async def keep(
    session: AsyncSession,
    group: Group,
    actor: str,
    now: datetime,
    *,
    title: str | None = None,
    status: str = "confirmed",
) -> DemandGroup:
    """Put ``group`` on record (or update its record): its orders, title and status."""
    row = await stored_for(session, group)
    before = snapshot(row)
    if row is None:
        row = DemandGroup(
            community_id=group.community_id,
            place_key=group.place_key,
            grid_code=group.grid,
            category=group.category,
            title=title or group.title,
            status=status,
            order_ids=group.order_ids,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        await session.flush()
        record(session, actor, row, "create", None, now)
        return row
    row.order_ids = sorted(set(row.order_ids or []) | set(group.order_ids))
    if title:
        row.title = title
    if row.status != "promoted":
        row.status = status
    row.updated_at = now
    await session.flush()
    record(session, actor, row, "rename" if title else status, before, now)
    return row


async def residents_of(session: AsyncSession, order_ids: Iterable[int]) -> list[str]:
    """The reporters and followers of the orders: who asked, and who asked the same."""
    ids = sorted(set(order_ids))
    if not ids:
        return []
    reporters = await session.execute(select(Order.resident_openid).where(Order.id.in_(ids)))
    followers = await session.execute(
        select(OrderFollower.openid).where(OrderFollower.order_id.in_(ids))
    )
    return sorted({*reporters.scalars(), *followers.scalars()})


async def tell(
    session: AsyncSession,
    order_ids: Iterable[int],
    text: str,
    key: str,
    now: datetime,
    notice: tuple[str, str],
) -> int:
    """Queue ``text`` for the residents behind the orders, once per ``key``; returns how many.
    ``notice``: the template's title and line, for residents outside the 48-hour window."""
    openids = await residents_of(session, order_ids)
    if not openids:
        return 0
    payload = build_payload(
        text=text, news=None, template_fields=notice_fields(*notice), template_url=None
    )
    return await enqueue_many(
        session,
        recipients=openids,
        payload=payload,
        dedupe_prefix=f"{DEDUPE}{key}:",
        now=now,
        purpose=PURPOSE,
    )
