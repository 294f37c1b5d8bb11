"""A building named only in a sentence about a past event (去年3栋着过一次火，现在楼道里的灭火器
都过期了) is not where the report is. Found from outside: asked where a property-fee complaint
was, that message was taken as the answer (3栋) and the extinguisher request was lost.

The parser reads the address; this drops it when every mention of the building sits in a
clause telling of something that happened once, long before (the lead may move this into
bot/intake, where the clauses are known)."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.intake import ParseResult

_CLAUSES = re.compile(r"[，,。；;！!？?\s]+")
# a clause about a time long gone: 去年…着过一次火, 上次…出过事
_LONG_AGO = re.compile(r"^(?:去年|前年|前几年|那年|早年|当年|小时候|以前|上次|上回|上个月|上周)")
_ONCE = re.compile(r"过|一次|那次")
# 上次报的3栋的灯: the earlier report's place, which the new one shares
_EARLIER_REPORT = re.compile(r"报|修|单")


def _mentions(clause: str, building: str) -> bool:
    return re.search(rf"(?<!\d){re.escape(building)}\s*(?:栋|幢|号楼|座)", clause) is not None


def _long_ago(clause: str) -> bool:
    return (
        _LONG_AGO.match(clause) is not None
        and _ONCE.search(clause) is not None
        and _EARLIER_REPORT.search(clause) is None
    )


def without_past_place(text: str, parsed: ParseResult) -> ParseResult:
    """``parsed`` without its address when the building is named only in past-event
    clauses and the message says something else besides."""
    a = parsed.address
    if a is None or a.building is None or a.unit or a.room:
        return parsed
    clauses = [c for c in _CLAUSES.split(text) if c]
    named = [c for c in clauses if _mentions(c, a.building)]
    if not named or len(named) == len(clauses) or not all(_long_ago(c) for c in named):
        return parsed
    return replace(parsed, address=None)
