"""Helpers for the photo tests: the console wired to a fake WeChat API on loopback, and a
resident who sends photos and places through the signed webhook."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.clock import FakeClock
from bot.keys import SESSIONS
from bot.sandbox.fake_wechat import FakeWeChat, create_app
from bot.sandbox.platform import WeChatPlatform
from bot.ticks.photos import fetch_photos
from models.media import OrderAttachment
from tests.console_support import ClientFactory, Console, make_console
from tests.support import APPID, TOKEN

ServerFactory = Callable[..., Any]


class Photos:
    """A console (``c``), the fake API (``fake``) and the shared fake clock."""

    def __init__(self, console: Console, fake: FakeWeChat, clock: FakeClock) -> None:
        self.c, self.fake, self.clock = console, fake, clock
        self.wx = WeChatPlatform(token=TOKEN, appid=APPID, mode="plain")

    async def send(self, xml: str) -> str:
        d = self.wx.deliver(xml)
        resp = await self.c.client.post("/wechat", params=d.params, data=d.body)
        assert resp.status == 200
        reply = self.wx.open_reply(await resp.text())
        return reply["Content"] if reply else ""

    async def say(self, openid: str, text: str) -> str:
        return await self.send(self.wx.text(openid, text))

    async def photo(self, openid: str, data: bytes | None = None, kind: str = "image/png") -> str:
        media_id = self.fake.media.issue(data, kind)
        return await self.send(self.wx.image(openid, media_id=media_id))

    async def place(self, openid: str, label: str = "青和居1栋东门") -> str:
        return await self.send(self.wx.location(openid, 30.59281, 114.30553, label))

    async def fetch(self) -> int:
        return int(await fetch_photos(self.c.app))

    async def attachments(self) -> list[OrderAttachment]:
        async with self.c.app[SESSIONS]() as s:
            return list(await s.scalars(select(OrderAttachment).order_by(OrderAttachment.id)))


async def start_photos(
    aiohttp_client: ClientFactory,
    aiohttp_server: ServerFactory,
    url: str,
    public_url: str | None = None,
    templates: dict[str, str] | None = None,
    **media: Any,
) -> Photos:
    clock = FakeClock(datetime.now(UTC))
    fake = FakeWeChat(clock=clock, appid=APPID, secret="test-secret")
    server: TestServer = await aiohttp_server(create_app(fake))
    console = await make_console(
        aiohttp_client,
        url,
        clock=clock,
        api_base=str(server.make_url("")).rstrip("/"),
        media=media or None,
        public_url=public_url,
        templates=templates,
    )
    return Photos(console, fake, clock)
