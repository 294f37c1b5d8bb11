"""A delivery worker process for the kill -9 test: ``python kill9_worker.py DB_URL API_BASE``."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

import aiohttp

from bot.outbox.worker import OutboxSettings, OutboxWorker
from bot.storage.engine import create_engine, session_factory
from bot.wechat.api import WeChatClient
from bot.wechat.token_store_sql import SqlTokenStore

APPID = "wx0000000000000000"
SECRET = "fake-secret-0123456789abcdef"


async def main(db_url: str, api_base: str) -> None:
    engine = create_engine(db_url)
    sessions = session_factory(engine)
    async with aiohttp.ClientSession() as http:
        client = WeChatClient(
            http, appid=APPID, secret=SECRET, api_base=api_base, store=SqlTokenStore(sessions)
        )
        worker = OutboxWorker(
            sessions,
            client,
            templates={"order_update": "TPL"},
            settings=OutboxSettings(
                batch_size=20, concurrency=8, lease=timedelta(seconds=2), parallel_batches=1
            ),
            worker_id="doomed",
        )
        print("ready", flush=True)
        for _ in range(10_000):  # until killed
            if await worker.tick() == 0:
                await asyncio.sleep(0.05)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
