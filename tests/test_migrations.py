"""Upgrading a populated database keeps every order, its history and its pushes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from bot.storage.engine import create_engine
from bot.storage.migrations import upgrade

T = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


async def test_upgrade_from_0007_keeps_orders_and_history(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await upgrade(engine, "0007_hardening")
        async with engine.begin() as conn:
            for i in range(1, 4):
                await conn.execute(
                    text(
                        "INSERT INTO orders (id, resident_openid, category, urgent, text, summary,"
                        " phones, status, declined_by, created_at, updated_at, escalation_level,"
                        " version, accept_deadline) VALUES (:id, 'o_r', 'repair', false, '水管漏水',"
                        " '水管漏水', '[]', 'assigned', '[]', :t, :t, 0, 1, :t)"
                    ),
                    {"id": i, "t": T},
                )
                await conn.execute(
                    text(
                        "INSERT INTO order_events (order_id, at, actor, action, note)"
                        " VALUES (:id, :t, 'system', 'receive', '受理')"
                    ),
                    {"id": i, "t": T},
                )
        await upgrade(engine)
        async with engine.connect() as conn:
            orders = (await conn.execute(text("SELECT id, text FROM orders ORDER BY id"))).all()
            events = (await conn.execute(text("SELECT count(*) FROM order_events"))).scalar()
        assert [tuple(r) for r in orders] == [(1, "水管漏水"), (2, "水管漏水"), (3, "水管漏水")]
        assert events == 3
    finally:
        await engine.dispose()
