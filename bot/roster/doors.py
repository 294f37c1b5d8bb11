"""Whether a unit and room can be a flat at all. The roster lists buildings, not their units,
floors or rooms (docs/roster.md), so a door is checked only against what every residential
building shares: a room number is the floor and then the flat on it (1502: floor 15, flat 2).

Found from outside: 「绑定 1栋9单元9999」 was registered, and four earlier orders (two of them
emergencies) were moved to that flat; the console's 更正 saved it too.
"""

from __future__ import annotations

import re

MAX_UNIT = 20  # the longest slab blocks have about a dozen stairwells
MAX_FLOOR = 60  # residential towers stop well below this
MAX_ON_FLOOR = 40  # as the parser reads room numbers (bot/intake/address.py)
# what the chat's address parser reads as a unit (2, A, B2) and a room (501, A01, 1502B)
_UNIT = re.compile(r"[A-Za-z]|[A-Za-z]?\d{1,2}")
_ROOM = re.compile(r"[A-Za-z]?\d{1,4}[A-Za-z]?")


def malformed_door(unit: str | None, room: str | None) -> str | None:
    """Which part is not a unit or a room at all ("unit" or "room"), or None. Found from
    outside: the console's 更正 saved unit 「-1」 and room 「<b>x」 and pushed them."""
    if unit is not None and not _UNIT.fullmatch(unit):
        return "unit"
    if room is not None and not _ROOM.fullmatch(room):
        return "room"
    return None


def doubtful_door(unit: str | None, room: str | None) -> str | None:
    """Which part cannot be right ("unit" or "room"), or None. Rooms that are not plain
    numbers of three or more digits (A01, 12) are left alone: they follow no one pattern."""
    if unit is not None and unit.isdigit() and not 1 <= int(unit) <= MAX_UNIT:
        return "unit"
    if room is not None and room.isdigit() and len(room) >= 3:
        floor, flat = divmod(int(room), 100)
        if not (1 <= floor <= MAX_FLOOR and 1 <= flat <= MAX_ON_FLOOR):
            return "room"
    return None
