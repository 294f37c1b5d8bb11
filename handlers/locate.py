"""Which community and estate a report is about, on a street with several of them.

A place is settled, in order, by the estate the text names (a gazetteer of the roster's
names and aliases), by the resident's bound home when it is the same building, or by the
only estate that has that building. When two estates both have the building, the resident
is asked 「您是哪个小区的？青和居 还是 东亭？」 and the report waits, never lost, as it does
for an address. A deployment with one community and at most one estate never asks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot import texts
from bot.chat import conversation
from bot.clock import Clock
from bot.intake.estates import EstateEntry, Gazetteer
from bot.orders.dispatch import Place
from bot.orders.service import OrderService
from bot.roster.cache import RosterView
from bot.roster.residents import Home

ASK_ESTATE = "await_estate"  # a report waits for the resident to say which estate

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
    if len(candidates) > 1 and home is not None and home.building == place.building:
        own = (home.community_id, home.estate_code)
        candidates = [c for c in candidates if c == own] or candidates
    if len(candidates) == 1:
        community, estate = candidates[0]
        return replace(place, community=community, estate=estate), []
    if len(candidates) > 1:
        return place, [Option(c, e, estate_label(view, c, e)) for c, e in candidates]
    return place, []


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
) -> str:
    data = {
        "text": text,
        "inbound_id": inbound_id,
        "tries": 0,
        "place": [place.building, place.unit, place.room],
        "options": [o.to_data() for o in options],
    }
    await conversation.remember(orders.session, openid, ASK_ESTATE, data, clock.now())
    return texts.ASK_ESTATE.format(choices=question(options))
