"""A resident asking which home address is on file (我家地址你们记的是哪): told it, or how to
register one. Found from outside: the question was answered with how to register."""

from __future__ import annotations

import re

from bot import texts
from bot.orders.dispatch import Place
from bot.orders.service import OrderService
from bot.roster import residents

_ASKED = re.compile(
    r"(?:我家|我的|我们家)(?:的)?(?:地址|住址|家)?.{0,6}(?:你们)?(?:记的|登记的|绑定的|存的|留的|写的)"
    r"|(?:你们|系统).{0,4}(?:记的|登记的|存的)(?:我家|我的)"
    r"|^(?:我家|我的)(?:地址|住址)(?:是)?(?:哪|什么|多少)?[?？]?$"
    r"|(?:我家|我)住哪(?:里|儿)?(?:你们)?(?:知道|记)"
)


def asks_home_on_file(text: str) -> bool:
    return len(text) <= 30 and _ASKED.search(text.strip()) is not None


async def home_on_file(openid: str, orders: OrderService) -> str:
    home = await residents.home_of(orders.session, openid)
    if home is None or not home.building:
        return texts.HOME_NOT_ON_FILE
    place = Place(home.building, home.unit, home.room, home.estate_code, home.community_id)
    return texts.HOME_ON_FILE.format(place=(await orders.roster()).address(place))
