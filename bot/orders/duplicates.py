"""Is a new report the same problem as an open order? Pure wording comparison.

A resident who sends the same report again, or a neighbour who reports the same problem at
the same place, joins the open order instead of opening a new one (the member is not pushed
again; the resident is told which order it is).
"""

from __future__ import annotations

import re
import unicodedata

# Characters that carry no meaning of their own in a short report.
_FILLER = set("的了吗呢啊呀吧哦嘛么是在有我家们你他她它这那个一下请帮忙麻烦谢快")
_NON_WORD = re.compile(r"[\W\d_a-zA-Z]+")


def content_chars(text: str) -> frozenset[str]:
    cleaned = _NON_WORD.sub("", unicodedata.normalize("NFKC", text))
    return frozenset(ch for ch in cleaned if ch not in _FILLER)


def overlap(a: str, b: str) -> float:
    """Shared content characters over the shorter text's: 1.0 when one says what the other
    does, whatever the particles, numbers and punctuation around it."""
    x, y = content_chars(a), content_chars(b)
    if len(x) < 2 or len(y) < 2:
        return 0.0
    return len(x & y) / min(len(x), len(y))


SAME_PROBLEM = 0.6


def same_problem(a: str, b: str) -> bool:
    return overlap(a, b) >= SAME_PROBLEM


PlaceKey = tuple[str | None, str | None, str | None, str | None, str | None]


def place_key(
    building: str | None,
    unit: str | None,
    room: str | None,
    community: int | None,
    estate: str | None,
) -> PlaceKey:
    """A place as two reports' places are compared: an unknown part (None or "") is None,
    a known one upper-cased (worked out once per order, not once per comparison)."""
    return (
        building.upper() if building else None,
        unit.upper() if unit else None,
        room.upper() if room else None,
        None if community is None else str(community),  # a number: nothing to upper-case
        estate.upper() if estate else None,
    )


def elsewhere(a: PlaceKey, b: PlaceKey) -> bool:
    """Another building, stairwell, home, community or estate: a part both know differs."""
    return any(x is not None and y is not None and x != y for x, y in zip(a, b, strict=True))
