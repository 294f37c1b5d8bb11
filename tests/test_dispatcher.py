"""The dispatcher without I/O: routing order, filters that inject, middlewares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.chat.filters import Command, Event, HasText, MsgType
from bot.chat.router import Dispatcher, Router
from bot.messages import Incoming, Reply


def msg(text: str = "", msg_type: str = "text", event: str | None = None) -> Incoming:
    return Incoming(
        openid="o1",
        account="gh",
        msg_type=msg_type,
        created_at=datetime.now(UTC),
        raw_xml="<xml/>",
        msg_id="1",
        event=event,
        content=text or None,
    )


async def test_first_matching_router_in_priority_order_wins() -> None:
    first, second = Router("first"), Router("second")

    @first.message(Command("接单"))
    async def accept(command: str, args: str) -> str:
        return f"{command}:{args}"

    @second.message(HasText())
    async def anything(message: Incoming) -> str:
        return "free text"

    dp = Dispatcher()
    dp.include_router(first)
    dp.include_router(second)
    assert await dp.feed(msg("接单 #1024")) == Reply(text="接单:#1024")
    assert await dp.feed(msg("接单：1024")) == Reply(text="接单:1024")
    assert await dp.feed(msg("我要接单")) == Reply(text="free text")
    assert await dp.feed(msg("", msg_type="image")) is None


async def test_events_and_messages_are_routed_separately() -> None:
    r = Router("r")

    @r.event(Event("subscribe"))
    async def welcome() -> str:
        return "welcome"

    @r.message(MsgType("voice"))
    async def voice(message: Incoming) -> str:
        return message.text

    dp = Dispatcher()
    dp.include_router(r)
    assert await dp.feed(msg(msg_type="event", event="subscribe")) == Reply(text="welcome")
    assert await dp.feed(msg(msg_type="event", event="click")) is None
    assert await dp.feed(msg("电梯坏了", msg_type="voice")) == Reply(text="电梯坏了")


async def test_data_is_injected_by_name_and_middlewares_nest() -> None:
    r = Router("r")
    order: list[str] = []

    @r.message()
    async def handler(message: Incoming, session: str) -> str:
        order.append("handler")
        return session

    dp = Dispatcher()
    dp.include_router(r)

    async def outer(nxt: Any, m: Incoming, data: dict[str, Any]) -> Reply | None:
        order.append("outer")
        data["session"] = "uow-1"
        return await nxt(m, data)

    async def inner(nxt: Any, m: Incoming, data: dict[str, Any]) -> Reply | None:
        order.append("inner")
        return await nxt(m, data)

    dp.middleware(outer)
    dp.middleware(inner)
    assert await dp.feed(msg("x")) == Reply(text="uow-1")
    assert order == ["outer", "inner", "handler"]


async def test_missing_injection_is_a_clear_error() -> None:
    r = Router("r")

    @r.message()
    async def handler(nonexistent: int) -> None:
        return None

    dp = Dispatcher()
    dp.include_router(r)
    with pytest.raises(TypeError, match="nonexistent"):
        await dp.feed(msg("x"))


def test_router_cannot_include_itself() -> None:
    r = Router("r")
    with pytest.raises(ValueError):
        r.include_router(r)
