"""Estate (小区) names in a message, from the roster at run time: a gazetteer, not the model.

Residents name their estate by its full name, a common alias, or the name with 小区 / 社区 /
花园 dropped or added: 青和居, 青和居小区, 青和. The longest name found wins, so 青和居二期
beats 青和居 when both are estates; a name that is only part of a longer word the gazetteer
does not know still counts (residents do not separate words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .normalize import normalize

_SUFFIXES = ("小区", "社区", "花园", "家园", "公寓", "新村", "新城", "苑", "园")
_MIN_LENGTH = 2  # one character is never an estate name on its own


@dataclass(frozen=True)
class EstateEntry:
    name: str  # the estate's name, as the roster gives it
    aliases: tuple[str, ...] = ()
    key: object = None  # whatever the caller needs back (community and estate code)


class Gazetteer:
    def __init__(self, estates: Iterable[EstateEntry]) -> None:
        self._names: dict[str, list[EstateEntry]] = {}
        for e in estates:
            for variant in _variants(e):
                found = self._names.setdefault(variant, [])
                if e not in found:
                    found.append(e)
        ordered = sorted(self._names, key=len, reverse=True)
        # (a pinyin alias, Dongting, matches dongting and DONGTING too)
        self._pattern = (
            re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE) if ordered else None
        )

    def __bool__(self) -> bool:
        return self._pattern is not None

    def strip(self, text: str) -> str:
        """The text without estate names (a summary: the estate belongs to the address)."""
        if self._pattern is None:
            return text
        stripped = self._pattern.sub("", normalize(text))
        return stripped.strip(" ，,。；;、") or text

    def rest(self, text: str) -> str:
        """What the text says besides estate names ("" for 东亭 alone)."""
        return self._pattern.sub("", normalize(text)) if self._pattern else normalize(text)

    def find(self, text: str) -> list[EstateEntry]:
        """The estates the text names (several when one alias fits several estates)."""
        if self._pattern is None:
            return []
        best: list[EstateEntry] = []
        length = 0
        for m in self._pattern.finditer(normalize(text)):
            if len(m.group()) > length:
                best, length = self._names[m.group().lower()], len(m.group())
        return list(best)


def _variants(e: EstateEntry) -> set[str]:
    out: set[str] = set()
    for name in (e.name, *e.aliases):
        n = normalize(name).strip().lower()
        if len(n) < _MIN_LENGTH:
            continue
        out.add(n)
        for suffix in _SUFFIXES:
            if n.endswith(suffix) and len(n) - len(suffix) >= _MIN_LENGTH:
                out.add(n[: -len(suffix)])
        if not n.endswith("小区"):
            out.add(n + "小区")
    return out


def without_estates(summary: str, gazetteer: Gazetteer) -> str:
    """The summary without the estate's name: it is part of the address, not of the problem."""
    return gazetteer.strip(summary)
