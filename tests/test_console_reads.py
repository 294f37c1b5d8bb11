"""The console's pages read without the database's write lock: on SQLite a page must not wait
for (or hold up) the webhook's writer. bench/bench_console_load.py measures the effect."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from bot.console import accounts
from bot.keys import READS, SESSIONS
from models.console import ConsoleSession
from models.orders import Order
from tests.console_support import ClientFactory, make_console


async def test_pages_answer_while_a_writer_holds_the_lock(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    c = await make_console(aiohttp_client, sqlite_url)
    assert (await c.login("staff1")).status == 303
    n = c.numbers["g1"]
    async with c.app[SESSIONS]() as writer, writer.begin():
        # a unit of work in progress: BEGIN IMMEDIATE holds SQLite's only write lock
        await writer.execute(update(Order).where(Order.id == n).values(summary="改过了"))
        for path in ("/admin/orders", f"/admin/orders/{n}", "/admin/orders/rows", "/admin/members"):
            resp = await asyncio.wait_for(c.client.get(path), timeout=5)
            assert resp.status == 200, path
        page = await (await c.client.get(f"/admin/orders/{n}")).text()
        assert "改过了" not in page  # a snapshot of what was committed
    page = await (await c.client.get(f"/admin/orders/{n}")).text()
    assert "改过了" in page


async def test_read_sessions_cannot_write(sqlite_url: str, aiohttp_client: ClientFactory) -> None:
    c = await make_console(aiohttp_client, sqlite_url)
    async with c.app[READS]() as s:
        with pytest.raises(Exception, match=r"readonly|read-only|query_only"):
            await s.execute(text("UPDATE orders SET summary = 'x'"))


async def test_a_request_moves_the_idle_timeout_on_at_most_once_a_minute(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await make_console(aiohttp_client, db_url)
    assert (await c.login("admin1")).status == 303
    async with c.app[SESSIONS]() as s:
        before = (await s.execute(select(ConsoleSession))).scalars().one()
    assert (await c.client.get("/admin/orders")).status == 200
    async with c.app[SESSIONS]() as s:
        same = (await s.execute(select(ConsoleSession))).scalars().one()
    assert same.expires_at == before.expires_at  # touched less than a minute ago
    async with c.app[SESSIONS]() as s, s.begin():
        earlier = before.last_seen_at - accounts.TOUCH_EVERY - timedelta(seconds=1)
        await s.execute(update(ConsoleSession).values(last_seen_at=earlier))
    assert (await c.client.get("/admin/orders")).status == 200
    async with c.app[SESSIONS]() as s:
        moved = (await s.execute(select(ConsoleSession))).scalars().one()
    assert moved.expires_at > before.expires_at and moved.last_seen_at > earlier
