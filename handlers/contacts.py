"""A resident asking who answers for their home (我们这栋的网格长是谁？电话多少？): the
roster knows, as the posters in the stairwell do. Found from outside: the question became an
order that waited half an hour for a person to answer it."""

from __future__ import annotations

import re

from bot import texts
from bot.intake import ParseResult
from bot.orders.dispatch import ROLE_NAMES, Place
from bot.orders.service import OrderService
from bot.roster import residents

_ASKS = re.compile(
    r"(?:网格长|网格员|居民代表|楼长|楼栋长|社区干事|负责人|管我们|管这栋|负责我们|对接人|联系人)"
    r".{0,10}(?:是谁|谁|叫什么|哪位|电话|手机|号码|联系方式|怎么联系)"
    r"|(?:谁是|哪位是|找谁|联系谁).{0,6}(?:网格长|网格员|居民代表|楼长|负责)"
)
_ASK_MAX = 40  # characters: a longer message tells something of its own
_LEVELS = ("representative", "building_leader", "grid_leader")


def asks_contacts(text: str) -> bool:
    return len(text) <= _ASK_MAX and _ASKS.search(text) is not None


async def contacts(openid: str, parsed: ParseResult, orders: OrderService) -> str:
    """Who answers for the place the message names, else the resident's home on file."""
    view = await orders.roster()
    a = parsed.address
    home = await residents.home_of(orders.session, openid)
    if a is not None and a.building:
        place = Place(a.building, a.unit, a.room)
        if home is not None and home.building == a.building:  # their own estate's 3栋
            place = Place(a.building, a.unit, a.room, home.estate_code, home.community_id)
    elif home is not None and home.building:
        place = Place(home.building, home.unit, home.room, home.estate_code, home.community_id)
    else:
        return texts.CONTACTS_NEED_HOME
    index = view.index_for(place.community)
    lines: list[str] = []
    for level, ids, _ in index.chain(place, None):
        if level not in _LEVELS:
            continue
        for key in ids:
            m = view.by_key.get(key)
            if m is None or not m.active:
                continue
            role = ROLE_NAMES.get(level, level)
            phone = texts.CONTACT_PHONE.format(phone=m.phone) if m.phone else ""
            lines.append(texts.CONTACT_LINE.format(role=role, name=m.name, phone=phone))
    if not lines:
        return texts.CONTACTS_NONE.format(place=view.address(place))
    return texts.CONTACTS.format(place=view.address(place), lines="\n".join(lines))
