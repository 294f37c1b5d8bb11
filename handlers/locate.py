"""Which community and estate a report is about, on a street with several of them.

A place is settled, in order, by the estate the text names (a gazetteer of the roster's
names and aliases), by the resident's bound home's estate when it has that building, or by
the only estate that has that building. When two estates both have the building, the resident
is asked 「您是哪个小区的？青和居 还是 东亭？」 and the report waits, never lost, as it does
for an address. A deployment with one community and at most one estate never asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from bot import texts
from bot.chat import conversation
from bot.clock import Clock
from bot.intake.estates import EstateEntry, Gazetteer
from bot.orders import queries
from bot.orders.dispatch import Place
from bot.orders.lifecycle import Change, History
from bot.orders.service import OrderService
from bot.orders.state import FreshOrder
from bot.roster.cache import RosterView
from bot.roster.residents import Home
from models.orders import Order

ASK_ESTATE = "await_estate"  # a report waits for the resident to say which estate
ASK_BIND_ESTATE = "await_bind_estate"  # 绑定 3栋2单元501 waits for the estate's name
# what may stand around an estate's name in an answer that is only the name: 是东亭的, 青和居小区
_BARE_MAX = 12  # characters: longer says more than which estate
_FILLER = re.compile(r"[我们家是在住的小区社啊呀哦呢吧嗯对那边里，,。.!！~～\s]*")

_GAZETTEERS: dict[int, tuple[RosterView, Gazetteer]] = {}


@dataclass(frozen=True)
class Option:
    community: int
    estate: str | None
    name: str

    def to_data(self) -> dict[str, Any]:
        return {"community": self.community, "estate": self.estate, "name": self.name}


def gazetteer(view: RosterView) -> Gazetteer:
    """The view's estate names, built once per roster view (a new view on every change)."""
    cached = _GAZETTEERS.get(id(view))
    if cached is not None and cached[0] is view:
        return cached[1]
    entries = [EstateEntry(e.name, e.aliases, (e.community_id, e.code)) for e in view.estates]
    built = Gazetteer(entries)
    _GAZETTEERS.clear()
    _GAZETTEERS[id(view)] = (view, built)
    return built


def estate_label(view: RosterView, community: int, estate: str | None) -> str:
    """The estate's name, or the community's when it has no estate of that code."""
    named = view.estate_name(community, estate) if estate else None
    c = view.communities.get(community)
    return named or (c.name if c is not None else "")


def locate(
    view: RosterView, place: Place, text: str, home: Home | None
) -> tuple[Place, list[Option]]:
    """The place with its community and estate filled in, or the options to ask about."""
    if place.community is not None or not view.places:
        return place, []
    named = [e.key for e in gazetteer(view).find(text)] if view.estates else []
    candidates = view.candidates(place)
    if named:
        chosen = [c for c in candidates if c in named] or [k for k in named if isinstance(k, tuple)]
        candidates = [c for c in chosen if isinstance(c, tuple)]
    if len(candidates) > 1 and home is not None:
        # a resident of 东亭 writing 三栋门口井盖没了 means 东亭's 3栋 (found from outside: she
        # was asked which estate, and the report was filed with the other's staff)
        own = (home.community_id, home.estate_code)
        candidates = [c for c in candidates if c == own] or candidates
    if len(candidates) == 1:
        community, estate = candidates[0]
        return replace(place, community=community, estate=estate), []
    if len(candidates) > 1:
        return place, [Option(c, e, estate_label(view, c, e)) for c, e in candidates]
    return place, []


def estate_from_home(view: RosterView, place: Place, text: str, home: Home | None) -> str:
    """The reply's line when ``place``'s estate was taken from the resident's home though
    another estate has that building too (its words naming neither): sent 东亭 alone, the
    report moves there (handlers/corrections.py). "" otherwise."""
    if home is None or place.community is None or place.building is None:
        return ""
    if (place.community, place.estate) != (home.community_id, home.estate_code):
        return ""
    if not view.estates or gazetteer(view).find(text):
        return ""
    mine = estate_label(view, place.community, place.estate)
    labels = (estate_label(view, c, e) for c, e in view.candidates(Place(place.building)))
    others = [name for name in dict.fromkeys(labels) if name != mine]
    if not others:
        return ""
    listed = "、".join(others)
    return texts.ESTATE_FROM_HOME.format(others=listed, building=place.building, estate=mine)


def question(options: list[Option]) -> str:
    names = [o.name for o in options]
    listed = "、".join(names[:-1]) + " 还是 " + names[-1]
    return texts.ESTATE_CHOICES.format(options=listed)


async def ask(
    orders: OrderService,
    openid: str,
    text: str,
    inbound_id: int | None,
    place: Place,
    options: list[Option],
    clock: Clock,
    home: str | None = None,
) -> str:
    """Ask which estate; the report waits. ``home``: what the resident said when the address
    may be their home (a first full address is kept as it once the estate is known)."""
    data: dict[str, Any] = {
        "text": text,
        "inbound_id": inbound_id,
        "tries": 0,
        "place": [place.building, place.unit, place.room],
        "options": [o.to_data() for o in options],
    }
    if home is not None:
        data["home"] = home
    await conversation.remember(orders.session, openid, ASK_ESTATE, data, clock.now())
    return texts.ASK_ESTATE.format(choices=question(options))


def bare_estate(view: RosterView, text: str) -> tuple[int, str | None] | None:
    """The (community, estate) a message that says nothing but an estate's name names
    (东亭, 青和居小区, 是东亭的); None for anything else."""
    if not view.estates or len(text.strip()) > _BARE_MAX:
        return None
    found = gazetteer(view).find(text)
    keys = {e.key for e in found if isinstance(e.key, tuple)}
    if len(keys) != 1 or not _FILLER.fullmatch(gazetteer(view).rest(text)):
        return None
    community, estate = keys.pop()
    return int(community), estate


async def ask_bind(orders: OrderService, openid: str, place: Place, options: list[Option]) -> str:
    """绑定 3栋2单元501 where several estates have a 3栋: which one? (the answer may be the
    estate's name alone; handlers/places.py)."""
    data = {
        "place": [place.building, place.unit, place.room],
        "options": [o.to_data() for o in options],
    }
    now = orders.clock.now()
    await conversation.remember(orders.session, openid, ASK_BIND_ESTATE, data, now)
    return texts.BIND_ASK_ESTATE.format(question=question(options))


async def place_named_estate(orders: OrderService, openid: str, text: str) -> str:
    """青和居 alone from a resident whose open report was filed without its estate (they
    moved on while asked, or the question lapsed): the report is placed in that estate, and
    goes to the people of that place if nobody has taken it yet. "" when the message is not
    that (it is read as usual)."""
    if len(text.strip()) > _BARE_MAX:
        return ""
    view = await orders.roster()
    named = bare_estate(view, text)
    if named is None:
        return ""
    for order in await queries.open_orders_of(orders.session, openid):
        if order.community_id is not None or order.estate_code or not order.building:
            continue
        found = view.candidates(Place(order.building))
        if len(found) > 1 and named in found:  # its building is in several estates, this one
            community, estate = named
            where = Place(order.building, order.unit, order.room, estate, community)
            await orders.add_place(order, openid, where)
            return texts.ESTATE_PLACED.format(number=order.id, place=view.address(where))
    return ""


async def estate_unsure(
    orders: OrderService, openid: str, order: Order | FreshOrder, options: list[Option], asking: str
) -> str:
    """An emergency in a building several estates have went out at once to the first of
    ``options`` (it does not wait for the answer); its history says the estate is unconfirmed
    and the resident is asked in the same reply. ``asking``: the conversation state whose
    answer (东亭) moves it to the estate named (handlers/questions.py)."""
    first, others = options[0].name, "、".join(o.name for o in options[1:])
    building = order.building or ""
    note = texts.HISTORY_ESTATE_UNSURE.format(others=others, building=building, first=first)
    await orders.apply(order, Change({}, (History("place", note),)), "system")
    data = {"order_id": order.id, "assumed": True, "partial": False}
    await conversation.remember(orders.session, openid, asking, data, orders.clock.now())
    return texts.URGENT_ESTATE_UNSURE.format(
        building=building, others=others, first=first, choices=question(options)
    )
