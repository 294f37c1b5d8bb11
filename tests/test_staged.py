"""Staged rows (bot.storage.staged) on a real database: written before anything else reads,
with a savepoint's or a rollback's meaning kept; and order numbers drawn ahead (bot.storage.ids)
that never collide, whichever process draws them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import SystemClock
from bot.orders.dispatch import Place
from bot.orders.service import NewOrder, OrderService
from bot.orders.state import FRESH_COLUMNS
from bot.outbox import outbox_params
from bot.roster.cache import RosterCache
from bot.storage.engine import create_engine, session_factory
from bot.storage.migrations import upgrade
from bot.storage.staged import AWARE, flush, staged_for
from models.orders import Order, OrderEvent
from models.outbox import OutboxMessage
from tests.support import make_config, seed_roster

OUTBOX = cast(Table, OutboxMessage.__table__)
T0 = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[tuple[AsyncEngine, Sessions]]:
    engine = create_engine(db_url)
    await upgrade(engine)
    try:
        yield engine, session_factory(engine)
    finally:
        await engine.dispose()


def push(key: str) -> dict[str, Any]:
    return outbox_params(purpose="reminder", recipient="o_x", text="提醒", dedupe_key=key, now=T0)


async def keys(s: AsyncSession, *, aware: bool = False) -> list[str]:
    query = select(OUTBOX.c.dedupe_key).order_by(OUTBOX.c.id)
    return list((await s.execute(query.execution_options(**(AWARE if aware else {})))).scalars())


async def stored(sessions: Sessions) -> list[str]:
    async with sessions() as s:
        return await keys(s)


async def test_staged_rows_go_out_before_any_other_read_and_at_commit(
    db: tuple[AsyncEngine, Sessions],
) -> None:
    _, sessions = db
    async with sessions() as s, s.begin():
        (await staged_for(s)).insert(OUTBOX, push("a"), skip_conflicts_on="dedupe_key")
        assert await keys(s, aware=True) == []  # a read that accounts for them itself
        assert await keys(s) == ["a"]  # any other read sees them written
        staged = await staged_for(s)
        staged.insert(OUTBOX, push("b"), skip_conflicts_on="dedupe_key")
        staged.insert(OUTBOX, push("a"), skip_conflicts_on="dedupe_key")  # queued already
        assert staged.pending
    assert await stored(sessions) == ["a", "b"]  # the commit wrote the rest


async def test_a_savepoint_keeps_its_meaning(db: tuple[AsyncEngine, Sessions]) -> None:
    _, sessions = db
    async with sessions() as s, s.begin():
        (await staged_for(s)).insert(OUTBOX, push("before"))
        with pytest.raises(KeyError):
            async with s.begin_nested():
                (await staged_for(s)).insert(OUTBOX, push("inside"))
                raise KeyError("rolled back")
        (await staged_for(s)).insert(OUTBOX, push("after"))
    # staged before the savepoint: kept; inside it: gone with it
    assert await stored(sessions) == ["before", "after"]


async def test_a_rollback_drops_what_was_staged(db: tuple[AsyncEngine, Sessions]) -> None:
    _, sessions = db
    with pytest.raises(KeyError):
        async with sessions() as s, s.begin():
            (await staged_for(s)).insert(OUTBOX, push("lost"))
            raise KeyError("failed")
    async with sessions() as s, s.begin():
        (await staged_for(s)).insert(OUTBOX, push("next"))
        await flush(s)
        assert not (await staged_for(s)).pending
    assert await stored(sessions) == ["next"]


async def test_a_new_order_row_has_every_column_of_orders() -> None:
    assert set(FRESH_COLUMNS) == set(cast(Table, Order.__table__).c.keys())


async def test_orders_filed_by_two_processes_at_once_get_distinct_numbers(db_url: str) -> None:
    """Two engines stand for two processes (or two hosts) filing reports at the same moment:
    every order lands once, under its own number, with its history."""
    engines = [create_engine(db_url), create_engine(db_url)]
    await upgrade(engines[0])
    config = make_config(db_url)
    try:
        await seed_roster(session_factory(engines[0]), T0)
        numbers: list[int] = []

        async def file(engine: AsyncEngine, who: str) -> None:
            sessions, roster = session_factory(engine), RosterCache()
            for batch in range(4):
                async with sessions() as s, s.begin():
                    service = OrderService(s, SystemClock(), config, roster)
                    for i in range(5):
                        new = NewOrder(
                            text=f"{who}家{batch}-{i}水管漏水",
                            category="repair",
                            urgent=False,
                            summary="水管漏水",
                            place=Place("1", "1", f"{batch}{i}{len(who)}"),
                        )
                        order, _ = await service.report(f"o_{who}_{batch}_{i}", new)
                        numbers.append(order.id)
                await asyncio.sleep(0)

        await asyncio.gather(file(engines[0], "a"), file(engines[1], "bb"))
        assert len(numbers) == 40 and len(set(numbers)) == 40
        async with session_factory(engines[0])() as s:
            ids = set((await s.execute(select(Order.id))).scalars())
            events = await s.scalar(select(func.count()).select_from(OrderEvent))
        assert ids == set(numbers) and events == 80  # received, then assigned
    finally:
        for engine in engines:
            await engine.dispose()
