"""Helpers for the three lists' tests: orders written straight in, forms posted with CSRF."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.keys import SESSIONS
from models.community import Community
from models.orders import Order, OrderFollower
from tests.console_support import ClientFactory, Console, make_console


async def add_order(
    c: Console,
    openid: str,
    building: str | None,
    summary: str,
    status: str = "received",
    category: str = "repair",
    followers: tuple[str, ...] = (),
) -> int:
    now = datetime.now(UTC)
    async with c.app[SESSIONS]() as s, s.begin():
        community = (await s.execute(select(Community.id))).scalars().first()
        order = Order(
            resident_openid=openid,
            community_id=community,
            building=building,
            category=category,
            text=summary,
            summary=summary,
            phones=[],
            status=status,
            created_at=now,
            updated_at=now,
        )
        s.add(order)
        await s.flush()
        for f in followers:
            s.add(OrderFollower(order_id=order.id, openid=f, since=now, text=summary))
        return order.id


async def as_user(aiohttp_client: ClientFactory, url: str, user: str) -> Console:
    c = await make_console(aiohttp_client, url)
    assert (await c.login(user)).status == 303
    return c


async def post(c: Console, path: str, page: str = "/admin/lists/demands", **form: Any) -> Any:
    data = {"csrf_token": await c.csrf(page), **form}
    return await c.client.post(path, data=data, allow_redirects=False)
