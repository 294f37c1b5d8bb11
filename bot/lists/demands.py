"""The demand list (需求清单), grouped from orders. Pure: order facts in, groups out.

Orders are grouped by place (their building, or their grid when the building is not known),
by category, and by wording: within one place and category, an order joins the first group
whose opening report says the same problem (:func:`bot.orders.duplicates.same_problem`'s
measure). A group's line reads like 「3栋 楼道灯 本月 5 次, 2 户未解决」.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.orders.duplicates import SAME_PROBLEM, content_chars

# an order is settled once the member has done the work (or it was withdrawn)
SETTLED = frozenset({"resolved", "closed", "cancelled"})
NOT_COUNTED = frozenset({"cancelled"})
# (a bare number is a place only when it reads as a flat: 501, 3-2-501, #3 — not the 82 of
# 我妈82了一个人住)
_PLACE_WORDS = re.compile(
    r"[0-9０-９一二三四五六七八九十百a-zA-Z]+\s*(?:号楼|栋|幢|座|单元|楼|层|室|号)"
    r"|[0-9]+(?:[\-－][0-9A-Za-z]+)+|(?<![0-9])[0-9]{3,5}(?![0-9])|#[0-9]+"
)
_WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_EDGE = re.compile(r"^[\s，,。.!！?？的了]+|[\s，,。.!！?？]+$")
TITLE_LIMIT = 20
# groups an order is compared with at one place and category: bounds the cost when a place
# has hundreds of different problems (an order past them starts a group of its own)
SCAN = 300


@dataclass(frozen=True)
class OrderFact:
    """What the grouping needs of an order."""

    id: int
    openid: str
    community_id: int | None
    estate: str | None
    building: str | None
    grid: str | None
    category: str
    summary: str
    text: str
    status: str


@dataclass
class Group:
    place_key: str
    place: str  # as shown: "3栋", "G01网格", "地点不明"
    grid: str | None
    community_id: int | None
    category: str
    orders: list[OrderFact] = field(default_factory=list)
    words: frozenset[str] = frozenset()

    @property
    def order_ids(self) -> list[int]:
        return sorted(o.id for o in self.orders)

    @property
    def count(self) -> int:
        return len(self.orders)

    @property
    def unsettled_households(self) -> int:
        """Households (residents) with an order of the group not yet resolved."""
        return len({o.openid for o in self.orders if o.status not in SETTLED})

    @property
    def title(self) -> str:
        return topic(o.summary or o.text for o in self.orders)

    def line(self, period: str = "本月", title: str | None = None) -> str:
        return (
            f"{self.place} {title or self.title} {period} {self.count} 次, "
            f"{self.unsettled_households} 户未解决"
        )


def topic(summaries: Iterable[str]) -> str:
    """The group's wording without its addresses: the most frequent, then the shortest."""
    cleaned = Counter(clean(s) for s in summaries)
    cleaned.pop("", None)
    if not cleaned:
        return "其他问题"
    return min(cleaned, key=lambda s: (-cleaned[s], len(s), s))[:TITLE_LIMIT]


def clean(summary: str) -> str:
    # full-width digits only: the resident's own punctuation (，) is kept as written
    text = summary.translate(_FULL_WIDTH_DIGITS)
    text = _PLACE_WORDS.sub("", text)
    text = _EDGE.sub("", text).strip()
    return text if _WORDS.search(text) else ""  # "12" alone names no problem


def place_of(order: OrderFact) -> tuple[str, str]:
    """(key, label): the building when known, else the grid, else "not known"."""
    if order.building:
        return f"b:{order.community_id or ''}:{order.estate or ''}:{order.building}", (
            f"{order.building}栋"
        )
    if order.grid:
        return f"g:{order.community_id or ''}:{order.grid}", f"{order.grid}网格"
    return f"u:{order.community_id or ''}", "地点不明"


def _same(a: frozenset[str], b: frozenset[str]) -> bool:
    if len(a) < 2 or len(b) < 2:
        return a == b
    return len(a & b) / min(len(a), len(b)) >= SAME_PROBLEM


def group_orders(orders: Iterable[OrderFact], minimum: int = 1) -> list[Group]:
    """The groups of ``orders`` (cancelled ones left out) with at least ``minimum`` orders,
    the largest first."""
    buckets: dict[tuple[str, str], list[Group]] = defaultdict(list)
    exact: dict[tuple[str, str, frozenset[str]], Group] = {}
    for order in orders:
        if order.status in NOT_COUNTED:
            continue
        key, label = place_of(order)
        words = content_chars(order.summary or order.text)
        bucket = buckets[(key, order.category)]
        home = exact.get((key, order.category, words))
        if home is None:
            home = next((g for g in bucket[:SCAN] if _same(g.words, words)), None)
        if home is None:
            home = Group(key, label, order.grid, order.community_id, order.category, words=words)
            bucket.append(home)
        exact.setdefault((key, order.category, words), home)
        home.orders.append(order)
    found = [g for bucket in buckets.values() for g in bucket if g.count >= minimum]
    found.sort(key=lambda g: (-g.count, -g.unsettled_households, g.place_key, g.order_ids[0]))
    return found
