"""Helpers for the console's tests: an app with the small roster, accounts and two orders."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.app import create_app
from bot.clock import Clock
from bot.console import accounts
from bot.keys import CLOCK, ROSTER, SESSIONS
from bot.keys import CONFIG as CONFIG_KEY
from bot.orders.core import NewOrder
from bot.orders.dispatch import Place
from bot.orders.service import OrderService
from models.orders import Order, OrderEvent
from models.outbox import OutboxMessage
from tests.support import make_config, seed_roster

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
PASSWORD = "correct-horse-9"
USERS = [
    ("admin1", "admin", None, None),
    ("staff1", "staff", None, "m03"),
    ("leader1", "grid_leader", "G01", "m01"),
    ("leader2", "grid_leader", "G02", "m04"),
    ("viewer1", "viewer", None, None),
]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


class Console:
    def __init__(self, client: TestClient[Any, Any], numbers: dict[str, int]) -> None:
        self.client = client
        self.app = client.app
        self.numbers = numbers

    async def csrf(self, path: str = "/admin/orders") -> str:
        resp = await self.client.get(path)
        found = CSRF.search(await resp.text())
        assert found, await resp.text()
        return found.group(1)

    async def login(self, username: str, password: str = PASSWORD) -> Any:
        self.client.session.cookie_jar.clear()
        token = await self.csrf("/admin/login")
        return await self.client.post(
            "/admin/login",
            data={"username": username, "password": password, "csrf_token": token},
            allow_redirects=False,
        )

    async def act(self, number: int, action: str, **form: Any) -> Any:
        page = await (await self.client.get(f"/admin/orders/{number}")).text()
        data = {"csrf_token": CSRF.search(page).group(1), **form}  # type: ignore[union-attr]
        found = VERSION.search(page)
        if "version" not in form:
            data["version"] = found.group(1) if found else "0"
        return await self.client.post(
            f"/admin/orders/{number}/{action}", data=data, allow_redirects=False
        )

    async def order(self, number: int) -> Order:
        async with self.app[SESSIONS]() as s:
            order = await s.get(Order, number)
            assert order is not None
            return order

    async def outbox(self, recipient: str) -> list[str]:
        async with self.app[SESSIONS]() as s:
            rows = await s.execute(
                select(OutboxMessage.payload)
                .where(OutboxMessage.recipient == recipient)
                .order_by(OutboxMessage.id)
            )
            return [p.get("text", "") for p in rows.scalars()]

    async def history(self, number: int) -> list[tuple[str, str, str]]:
        async with self.app[SESSIONS]() as s:
            rows = await s.execute(
                select(OrderEvent).where(OrderEvent.order_id == number).order_by(OrderEvent.id)
            )
            return [(e.actor, e.action, e.note) for e in rows.scalars()]


async def report(app: Any, openid: str, text: str, building: str, **extra: Any) -> int:
    async with app[SESSIONS]() as s, s.begin():
        service = OrderService(s, app[CLOCK], app[CONFIG_KEY], app[ROSTER])
        new = NewOrder(
            text=text,
            category=extra.pop("category", "repair"),
            urgent=extra.pop("urgent", False),
            summary=text[:20],
            place=Place(building, "1", "101"),
            phones=extra.pop("phones", ()),
        )
        order, _ = await service.report(openid, new)
        return order.id


async def make_console(
    aiohttp_client: ClientFactory,
    url: str,
    *,
    clock: Clock | None = None,
    api_base: str | None = None,
    public_url: str | None = None,
    media: dict[str, Any] | None = None,
    templates: dict[str, str] | None = None,
    **admin: Any,
) -> Console:
    """The console on the small roster; ``api_base``: a fake WeChat API to talk to."""
    config = make_config(url, **({"public_url": public_url} if public_url else {}))
    if admin:
        config = replace(config, admin=replace(config.admin, **admin))
    if api_base:
        config = replace(config, wechat=replace(config.wechat, api_base=api_base))
    if templates:
        config = replace(config, wechat=replace(config.wechat, templates=templates))
    if media:
        config = replace(config, media=replace(config.media, **media))
    app = create_app(config, clock=clock, start_scheduler=False)
    client = await aiohttp_client(app)
    await seed_roster(app[SESSIONS], datetime.now(UTC))
    app[ROSTER].invalidate()
    async with app[SESSIONS]() as s, s.begin():
        for name, role, grid, member in USERS:
            await accounts.add_user(
                s,
                name,
                PASSWORD,
                role=role,
                community_code="qhj",
                grid_code=grid,
                member_key=member,
            )
    numbers = {
        "g1": await report(app, "o_res_a", "1栋厨房水管漏水", "1", phones=("13912345678",)),
        "g2": await report(app, "o_res_b", "4栋楼道灯坏了", "4", phones=("13787654321",)),
    }
    return Console(client, numbers)
