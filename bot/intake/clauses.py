"""Clause boundaries of a text (punctuation and, optionally, spaces), found once."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

PUNCT = ",，.。!！?？;；~…\n"


SENTENCE_SPACE = 4


def _sentence_spaces(text: str, found: list[int]) -> list[int]:
    """``found`` (punctuation and spaces) without the spaces that separate words."""
    edges = [-1, *found, len(text)]
    return [
        at
        for i, at in enumerate(found, 1)
        if text[at] != " "
        or (at - edges[i - 1] - 1 >= SENTENCE_SPACE and edges[i + 1] - at - 1 >= SENTENCE_SPACE)
    ]


class Clauses:
    """Answers "which clause holds this span" with a binary search over break positions."""

    def __init__(self, text: str, spaces: bool | None) -> None:
        """``spaces``: every space breaks a clause (True), none does (False), or (None) a
        space between two stretches of at least ``SENTENCE_SPACE`` characters: the writer who
        separates sentences with spaces (问下 燃气报警器响了该咋办 现在就在响), not the one who
        dictates word by word (要是 那个 家里 煤气 漏了)."""
        pattern = re.compile("[" + re.escape(PUNCT) + (" " if spaces is not False else "") + "]")
        self.text = text
        found = [m.start() for m in pattern.finditer(text)]
        if spaces is None:
            found = _sentence_spaces(text, found)
        self.breaks = found

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """(left, right) of the clause around ``text[start:end]`` (breaks excluded)."""
        i = bisect_left(self.breaks, start)
        left = self.breaks[i - 1] + 1 if i > 0 else 0
        j = bisect_left(self.breaks, end)
        # a break inside the span does not end it
        while j < len(self.breaks) and self.breaks[j] < end:
            j += 1
        right = self.breaks[j] if j < len(self.breaks) else len(self.text)
        return left, right

    def around(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the clause with its previous and next clauses."""
        left, right = self.bounds(start, end)
        i = bisect_right(self.breaks, left - 2) if left > 0 else 0
        prev_left = self.breaks[i - 1] + 1 if left > 0 and i > 0 else 0
        j = bisect_right(self.breaks, right)
        next_right = self.breaks[j] if j < len(self.breaks) else len(self.text)
        return prev_left, next_right
