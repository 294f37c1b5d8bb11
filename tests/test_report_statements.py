"""A batch of messages costs a few statements, not a few per message: what a report reads (its
repeats, the resident's earlier reports, those to place) and what small talk reads (an open
emergency it may be about) ride the batch's reads. Found from benchmarks: asking for each new
resident's reports without an address cost a query and a flush per report and cut the report
path to a third of its speed; every bare 好的 / 收到 looked for an open emergency of its sender
with a query of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import event

from bot.app import create_app
from bot.keys import ENGINE, SESSIONS
from bot.sandbox.platform import WeChatPlatform
from tests.support import AES_KEY, APPID, TOKEN, make_config, seed_roster
from tests.test_timers import START

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
BATCH = 32
CHAT = ["您好", "好的谢谢", "收到", "辛苦了师傅", "早上好", "嗯嗯 知道了", "谢谢你们👍", "好的"]


async def _statements(
    aiohttp_client: ClientFactory, sqlite_url: str, text_for: Callable[[int], str]
) -> list[str]:
    """The statements a batch of ``BATCH`` messages from as many residents costs, once warm."""
    app = create_app(make_config(sqlite_url, "plain"), start_scheduler=False)
    client = await aiohttp_client(app)
    await seed_roster(app[SESSIONS], START)
    wx = WeChatPlatform(token=TOKEN, appid=APPID, encoding_aes_key=AES_KEY, mode="plain")

    async def post(i: int) -> int:
        d = wx.deliver(wx.text(f"o_new_{i}", text_for(i)))
        resp = await client.post("/wechat", params=d.params, data=d.body)
        await resp.read()
        return resp.status

    await post(99)  # warm: first-use work (caches, the roster) is not what is measured
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2])[:60])

    engine = app[ENGINE].sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert set(await asyncio.gather(*(post(i) for i in range(BATCH)))) == {200}
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statements


async def test_a_batch_of_new_residents_reports_costs_few_statements(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    statements = await _statements(
        aiohttp_client, sqlite_url, lambda i: f"1栋1单元{101 + i}室 厨房水管漏水了"
    )
    # 18 for 32 reports as batched today (the batch's reads and writes);
    # the per-report query and flush this guards against made it 484
    assert len(statements) <= 2 * BATCH, statements[:40]


async def test_a_batch_of_small_talk_costs_few_statements(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    statements = await _statements(aiohttp_client, sqlite_url, lambda i: CHAT[i % len(CHAT)])
    # 6 for 32 messages as batched today; a query per 好的 / 收到 (and the write-out of the
    # staged replies before each) made it 29
    assert len(statements) <= BATCH // 2, statements[:40]
