"""Photos waiting for a report, when reports arrive in batches: whether a resident has any is
read once per batch (bot/media/store.py), and that must not lose a photo kept earlier in the
same batch, nor one another process kept, nor let two reports take the same photo."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from bot.app import create_app
from bot.keys import SESSIONS
from bot.media import store
from bot.sandbox.platform import WeChatPlatform
from models.media import OrderAttachment
from tests.support import APPID, TOKEN, make_config, order_number, seed_roster, submit_together

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
WX = WeChatPlatform(token=TOKEN, appid=APPID, mode="plain")


async def batch(client: TestClient[Any, Any], *xml: str) -> list[str]:
    return await submit_together(client, WX, *xml)


async def joined(client: TestClient[Any, Any]) -> list[tuple[str, int | None]]:
    async with client.app[SESSIONS]() as s:
        rows = await s.execute(
            select(OrderAttachment.openid, OrderAttachment.order_id).order_by(OrderAttachment.id)
        )
        return [(o, n) for o, n in rows]


async def seeded_client(aiohttp_client: ClientFactory, url: str) -> TestClient[Any, Any]:
    """A plain-mode app on ``url`` with the demo roster, no scheduler."""
    app = create_app(make_config(url, "plain"), start_scheduler=False)
    client = await aiohttp_client(app)
    await seed_roster(app[SESSIONS], datetime.now(UTC))
    return client


async def test_a_photo_kept_earlier_in_the_same_batch_joins_the_report(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    client = await seeded_client(aiohttp_client, db_url)
    first, photo, report, again = await batch(
        client,
        WX.text("o_a", "1栋1单元101厨房水管漏水了"),  # reads who has photos waiting: nobody
        WX.image("o_b", media_id="MEDIA_b1"),  # then o_b keeps one
        WX.text("o_b", "4栋1单元202楼道灯不亮"),
        WX.text("o_a", "2栋1单元301卫生间天花板渗水"),
    )
    assert "图片" not in first and "图片收到了" in photo
    n = order_number(report)
    assert "您刚才发的1张图片已附在工单上" in report
    assert "图片" not in again
    assert await joined(client) == [("o_b", n)]


async def test_a_photo_kept_by_another_process_joins_the_report(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    config = make_config(db_url, "plain")
    app = create_app(config, start_scheduler=False)
    client = await aiohttp_client(app)
    await seed_roster(app[SESSIONS], datetime.now(UTC))
    other = await aiohttp_client(create_app(config, start_scheduler=False))  # its own engine
    (held,) = await batch(other, WX.image("o_b", media_id="MEDIA_b1"))
    assert "图片收到了" in held
    _, report = await batch(
        client, WX.text("o_a", "好的谢谢"), WX.text("o_b", "4栋1单元202楼道灯不亮")
    )
    assert "您刚才发的1张图片已附在工单上" in report
    assert await joined(client) == [("o_b", order_number(report))]


async def test_a_photo_another_report_took_meanwhile_is_not_taken_again(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    client = await seeded_client(aiohttp_client, sqlite_url)
    one, two, held = await batch(
        client,
        WX.text("o_c", "4栋1单元203楼道灯不亮了"),
        WX.text("o_d", "1栋1单元101厨房水管漏水了"),
        WX.image("o_b", media_id="MEDIA_b1"),
    )
    n, m = order_number(one), order_number(two)
    assert "图片收到了" in held
    async with client.app[SESSIONS]() as s, s.begin():
        now = datetime.now(UTC)
        assert len(await store.waiting_for_report(s, "o_b", now)) == 1  # read, as a batch does
        # what another process's report may do on PostgreSQL between the read and the claim
        await s.execute(update(OrderAttachment).values(order_id=n))
        assert await store.adopt(s, "o_b", m, now, limit=9) == []
    assert await joined(client) == [("o_b", n)]


async def test_a_photo_kept_after_the_read_is_seen_by_the_next_report(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    app = create_app(make_config(sqlite_url, "plain"), start_scheduler=False)
    await aiohttp_client(app)
    async with app[SESSIONS]() as s, s.begin():
        now = datetime.now(UTC)
        assert await store.waiting_for_report(s, "o_b", now) == []  # nothing staged to write
        await store.add(s, "o_b", store.Sent("image", media_id="MEDIA_b1"), now, None)
        [(_, sent)] = await store.waiting_for_report(s, "o_b", now)
        assert sent.media_id == "MEDIA_b1"
