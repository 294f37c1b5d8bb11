"""Upgrading a populated database keeps every order, its history and its pushes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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


async def test_a_single_community_database_upgrades_to_streets_and_keeps_working(
    aiohttp_client: Any, db_url: str
) -> None:
    """Issue 18: a populated database from before streets keeps its orders and bindings, and
    its residents are never asked which estate they live in."""
    from bot.app import create_app
    from bot.clock import FakeClock
    from tests.support import make_config, order_number
    from tests.test_orders_flow import Chat

    engine = create_engine(db_url)
    try:
        await upgrade(engine, "0009_danger_and_followers")
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO communities (id, code, name) VALUES (1, 'qhj', '青和居社区')")
            )
            await conn.execute(
                text(
                    "INSERT INTO grids (id, community_id, code, name, leader_key, active)"
                    " VALUES (1, 1, 'G01', '第一网格', 'm01', true)"
                )
            )
            for i, number in enumerate(("1", "2", "3"), start=1):
                await conn.execute(
                    text(
                        "INSERT INTO buildings (id, community_id, grid_id, number)"
                        " VALUES (:i, 1, 1, :n)"
                    ),
                    {"i": i, "n": number},
                )
            for i, (key, roles, households) in enumerate(
                (("m01", '["grid_leader"]', "[]"), ("m02", '["representative"]', '["3-*-*"]')),
                start=1,
            ):
                await conn.execute(
                    text(
                        "INSERT INTO members (id, community_id, key, name, roles, grids, buildings,"
                        " households, categories, openid, on_duty, active, created_at, updated_at)"
                        " VALUES (:i, 1, :k, :k, :r, '[\"G01\"]', '[]', :h, '[]', :o, true, true,"
                        " :t, :t)"
                    ),
                    {"i": i, "k": key, "r": roles, "h": households, "o": f"o_{key}", "t": T},
                )
            await conn.execute(
                text(
                    "INSERT INTO residents (openid, building, unit, room, tags, created_at,"
                    " updated_at) VALUES ('o_old', '3', '2', '501', '[]', :t, :t)"
                ),
                {"t": T},
            )
            await conn.execute(
                text(
                    "INSERT INTO orders (id, resident_openid, building, unit, room, category,"
                    " urgent, text, summary, phones, status, declined_by, created_at, updated_at,"
                    " escalation_level, version) VALUES (7, 'o_old', '3', '2', '501', 'repair',"
                    " false, '水管漏水', '水管漏水', '[]', 'assigned', '[]', :t, :t, 0, 1)"
                ),
                {"t": T},
            )
        await upgrade(engine)
    finally:
        await engine.dispose()
    app = create_app(make_config(db_url), clock=FakeClock(T), start_scheduler=False)
    chat = Chat(await aiohttp_client(app))
    assert "#7" in await chat.say("o_old", "查询")
    reply = await chat.say("o_old", "家里门锁坏了")
    assert "小区" not in reply
    n = order_number(reply)
    assert any(f"#{n}" in t for t in await chat.pushed("o_m02"))
    other = await chat.say("o_new", "3栋1单元101 灯不亮了")
    assert "小区" not in other and "#" in other


async def test_photos_and_places_kept_in_the_history_become_attachments(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await upgrade(engine, "0013_three_lists")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO orders (id, resident_openid, category, urgent, text, summary,"
                    " phones, status, declined_by, created_at, updated_at, escalation_level,"
                    " version) VALUES (1, 'o_r', 'repair', false, '水管漏水', '水管漏水', '[]',"
                    " 'assigned', '[]', :t, :t, 0, 1)"
                ),
                {"t": T},
            )
            for data in (
                '{"kind": "image", "pic_url": "http://x/p.jpg", "media_id": "M1"}',
                '{"kind": "location", "lat": 30.5, "lon": 114.3, "label": "1栋东门"}',
                '{"kind": "image", "pic_url": null, "media_id": null}',  # nothing to fetch
            ):
                await conn.execute(
                    text(
                        "INSERT INTO order_events (order_id, at, actor, action, note, data)"
                        " VALUES (1, :t, 'resident:o_r', 'attach', '图片', :d)"
                    ),
                    {"t": T, "d": data},
                )
        await upgrade(engine)
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT order_id, openid, kind, media_id, state, latitude, label"
                        " FROM order_attachments ORDER BY id"
                    )
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            (1, "o_r", "image", "M1", "pending", None, None),
            (1, "o_r", "location", None, None, 30.5, "1栋东门"),
        ]
    finally:
        await engine.dispose()


async def test_0016_orders_building_index_up_and_down(db_url: str) -> None:
    """The building index orders by creation (repeats and the board read the newest few);
    downgrading brings the single-column index back."""
    from alembic import command
    from sqlalchemy import inspect

    from bot.storage.migrations import alembic_config

    def indexes(sync_conn: Any) -> dict[str, list[str]]:
        found = inspect(sync_conn).get_indexes("orders")
        return {str(i["name"]): list(i["column_names"]) for i in found}

    def downgrade(sync_conn: Any, revision: str) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = sync_conn
        command.downgrade(cfg, revision)

    engine = create_engine(db_url)
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            found = await conn.run_sync(indexes)
        assert found["ix_orders_building_created"] == ["building", "created_at"]
        assert "ix_orders_building" not in found
        async with engine.begin() as conn:
            await conn.run_sync(downgrade, "0015_photos_and_invites")
        async with engine.connect() as conn:
            found = await conn.run_sync(indexes)
        assert found["ix_orders_building"] == ["building"]
        assert "ix_orders_building_created" not in found
    finally:
        await engine.dispose()
