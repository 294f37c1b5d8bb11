"""A foreign resident's English, read through Chinese glosses.

The parser's rules and model read Chinese. A resident from abroad writes "gas smell in the
stairwell of building 2" or mixes the two ("电梯 stuck, 我和 my daughter inside"); left as
it is, such a message reads as chat. Here the English words that carry what the parser
needs (dangers, people, places, requests, addresses, today and tomorrow) are replaced by the Chinese a
resident would have written, so every rule and the model apply unchanged. Words the table
does not know stay as they are. This is a phrase table, not translation: enough to route and
to recognise an emergency, not to summarise.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .english_dangers import DANGERS
from .english_words import EVERYDAY

_GLOSS = dict(DANGERS + EVERYDAY)


_LONGEST = max(len(p.split()) for p in _GLOSS)
# a run of English words (apostrophes inside: can't, doesn't)
_RUN_RE = re.compile(r"[A-Za-z][A-Za-z']*(?:[ \t]+[A-Za-z][A-Za-z']*)*")


def _gloss_run(match: re.Match[str]) -> str:
    """The longest known phrase at each word, left to right; unknown words stay."""
    words = match.group(0).split()
    lower = [w.lower() for w in words]
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_LONGEST, len(words) - i), 0, -1):
            chinese = _GLOSS.get(" ".join(lower[i : i + n]))
            if chinese is not None:
                out.append(chinese)
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


# building 6 / block B / unit 2 / room 1203, in either order (B block)
_PLACES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(
            r"(?<![A-Za-z])(?:building|bldg|tower)\s*(?:no\.?\s*)?#?\s*(\d{1,3})(?!\d)", re.I
        ),
        lambda m: f"{m[1]}栋",
    ),
    (
        re.compile(r"(?<![A-Za-z])(?i:block|building|tower)\s+([A-Z])(?![A-Za-z])"),
        lambda m: f"{m[1].upper()}座",
    ),
    (
        re.compile(r"(?<![A-Za-z])([A-Z])\s+(?i:block|building|tower)(?![A-Za-z])"),
        lambda m: f"{m[1].upper()}座",
    ),
    (re.compile(r"(?<![A-Za-z])unit\s*#?\s*(\d{1,2})(?!\d)", re.I), lambda m: f"{m[1]}单元"),
    (
        re.compile(r"(?<![A-Za-z])(?:room|flat|apt\.?|apartment)\s*#?\s*(\d{3,4})(?!\d)", re.I),
        lambda m: f"{m[1]}室",
    ),
    # floors are no address part: they only must not be read as one
    (
        re.compile(r"(?<![A-Za-z\d])(\d{1,2})\s*(?:st|nd|rd|th)?\s+floor(?![A-Za-z])", re.I),
        lambda m: f"{m[1]}楼",
    ),
    (re.compile(r"(?<![A-Za-z])floor\s+(\d{1,2})(?!\d)", re.I), lambda m: f"{m[1]}楼"),
    (
        re.compile(r"(?<![\dA-Za-z])(\d{1,2})(?::(\d{2}))?\s*(am|pm)(?![A-Za-z])", re.I),
        lambda m: (
            ("下午" if m[3].lower() == "pm" else "上午")
            + f"{m[1]}点"
            + (f"{m[2]}分" if m[2] else "")
        ),
    ),
)

_LATIN_WORD = re.compile(r"[A-Za-z]{2}")
# "no smoke" became "没有 冒烟": the rules read a negation, a tense or a person right before
# the words they qualify
_GLOSS_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")


def gloss(text: str) -> str:
    """``text`` with the English the parser needs put into Chinese (unchanged when it has no
    English word)."""
    if _LATIN_WORD.search(text) is None:
        return text
    text = text.replace("\u2019", "'")
    for pattern, replace in _PLACES:
        text = pattern.sub(replace, text)
    glossed = _RUN_RE.sub(_gloss_run, text)
    return text if glossed == text else _GLOSS_GAP.sub("", glossed)
