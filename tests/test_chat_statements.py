"""A batch of small talk costs a few statements, not a few per message: what a chat message
asks of the database (a pending question, an emergency it may be about) rides the batch's
reads. Found from a profile of the chat benchmark: every bare 好的 / 收到 looked for an open
emergency of its sender with a query of its own."""

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
MESSAGES = 32
CHAT = ["您好", "好的谢谢", "收到", "辛苦了师傅", "早上好", "嗯嗯 知道了", "谢谢你们👍", "好的"]


async def test_a_batch_of_small_talk_costs_few_statements(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    app = create_app(make_config(sqlite_url, "plain"), start_scheduler=False)
    client = await aiohttp_client(app)
    await seed_roster(app[SESSIONS], START)
    wx = WeChatPlatform(token=TOKEN, appid=APPID, encoding_aes_key=AES_KEY, mode="plain")

    async def post(i: int) -> int:
        d = wx.deliver(wx.text(f"o_chat_{i}", CHAT[i % len(CHAT)]))
        resp = await client.post("/wechat", params=d.params, data=d.body)
        await resp.read()
        return resp.status

    await post(99)  # warm: first-use work (caches, the roster) is not what is measured
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2])[:70])

    engine = app[ENGINE].sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert set(await asyncio.gather(*(post(i) for i in range(MESSAGES)))) == {200}
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # 6 for 32 messages as batched today; a query per 好的 / 收到 (and the write-out of the
    # staged replies before each) made it 29
    assert len(statements) <= MESSAGES // 2, statements[:40]
