"""Subscription, menu and platform events."""

from __future__ import annotations

from bot import texts
from bot.chat.filters import Event, EventKey
from bot.chat.router import Router
from bot.config import Config
from bot.messages import Incoming
from bot.orders.service import OrderService
from handlers.own_orders import orders_list

router = Router("events")


@router.event(Event("subscribe", "subscribe_scan"))
async def on_subscribe() -> str:
    return texts.WELCOME


@router.event(Event("click"), EventKey("HELP", "help", "MEMBER_HELP"))
async def on_help_click(message: Incoming, orders: OrderService) -> str:
    if await orders.member_by_openid(message.openid) is not None:
        return texts.MEMBER_HELP + "\n\n" + texts.HELP
    return texts.HELP


@router.event(Event("click"), EventKey("REPORT"))
async def on_report_click() -> str:
    return texts.REPORT_HINT


@router.event(Event("click"), EventKey("MY_ORDERS"))
async def on_my_orders_click(message: Incoming, orders: OrderService, config: Config) -> str:
    return await orders_list(orders, message.openid, config.tz)  # the same list as 查询


@router.event(Event("click"))
async def on_unknown_click() -> str:
    return texts.MENU_UNKNOWN


@router.event(Event("unsubscribe", "view", "location", "templatesendjobfinish", "scan"))
async def on_silent_event() -> None:
    # Stored by the unit of work (following flag, last location); nothing to say back.
    return None
