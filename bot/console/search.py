"""The board's search box: an order number, a phone, words of the resident's text, or an
address as the board shows it (青和居1栋2单元501)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import String, and_, cast, false, or_, true

from bot.orders.dispatch import Place
from bot.roster.cache import RosterView
from models.orders import Order


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_PHONE_PART = re.compile(r"\d{5,}")


def _masked_like(column: Any, q: str) -> Any:
    """``column`` holds ``q`` where it is not part of a longer number (a room, not the middle
    of a phone): digits at either end of ``q`` must not run on into more digits."""
    condition = column.like(_like(q), escape="\\")
    for digit in "0123456789" if q[:1].isdigit() else "":
        condition &= column.not_like(_like(digit + q), escape="\\")
    for digit in "0123456789" if q[-1:].isdigit() else "":
        condition &= column.not_like(_like(q + digit), escape="\\")
    return condition


def search(q: str, sees_phones: bool, view: RosterView) -> Any:
    """``#12``: that order; digits: the order number or a phone (4 digits or more); other
    words: the resident's text, the summary, a building, or the address the board shows.

    An account that is shown phones masked cannot search by them either: a search that
    matched digits of a hidden number would tell it those digits, a few at a time. So its
    searches skip the phone field, and five digits in a row (longer than a room) match no text.
    """
    number = q.lstrip("#")
    if q.startswith("#"):
        return Order.id == (int(number) if number.isdigit() and len(number) < 12 else -1)
    pattern = _like(q)
    found = [Order.building == q.rstrip("栋号楼幢座"), address_match(q, view)]
    if sees_phones:
        found += [Order.text.like(pattern, escape="\\"), Order.summary.like(pattern, escape="\\")]
    elif not _PHONE_PART.search(q):
        found += [_masked_like(Order.text, q), _masked_like(Order.summary, q)]
    if number.isdigit():
        if len(number) >= 4 and sees_phones:
            found.append(cast(Order.phones, String).like(_like(number), escape="\\"))
        if len(number) < 12:
            found.append(Order.id == int(number))
    return or_(*found)


# an address as the board writes it (view.address): the estate or community when the street
# needs it, then 1栋, 2单元, 501; the unit and the room may be left off
_ADDRESS = re.compile(
    r"(?P<named>.*?)(?P<building>[0-9A-Z]{1,4})(?:栋|号楼|幢|座)"
    r"(?:(?P<unit>[0-9A-Z]{1,2})单元)?(?:(?P<room>[0-9A-Z]{1,6})(?:室|号)?)?"
)


def address_match(q: str, view: RosterView) -> Any:
    """Orders at the address ``q`` names (found from outside: the board showed
    「青和居1栋2单元501」, and a search for it found nothing, the order's own words having
    no address); false when ``q`` is no address."""
    found = _ADDRESS.fullmatch(unicodedata.normalize("NFKC", q).strip().upper())
    if found is None:
        return false()
    building, unit, room = found.group("building", "unit", "room")
    where = [Order.building == building, _named(found.group("named").strip(), building, view)]
    if unit:
        where.append(Order.unit == unit)
    if room:
        where.append(Order.room == room)
    return and_(*where)


def _named(named: str, building: str, view: RosterView) -> Any:
    """Orders of the estate or community called ``named`` (any, when nothing is named)."""
    if not named:
        return true()
    places: list[tuple[int, str | None]] = [
        (e.community_id, e.code)
        for e in view.estates
        if named in (e.name.upper(), *(a.upper() for a in e.aliases))
    ]
    places += [(cid, None) for cid, c in view.communities.items() if c.name.upper() == named]
    if not places:
        return false()
    where = [_at(cid, code, view) for cid, code in places]
    # an order filed with neither is shown with the only estate that has its building
    only = view.candidates(Place(building))
    if len(only) == 1 and (only[0] in places or (only[0][0], None) in places):
        where.append(and_(Order.community_id.is_(None), _no_estate()))
    return or_(*where)


def _at(community: int, estate: str | None, view: RosterView) -> Any:
    mine = Order.community_id == community
    if community == view.default_community:  # orders from before streets have none
        mine = or_(mine, Order.community_id.is_(None))
    return and_(mine, Order.estate_code == estate) if estate else mine


def _no_estate() -> Any:
    return or_(Order.estate_code.is_(None), Order.estate_code == "")
