"""Money in the three lists: held in fen (分) as integers, typed and shown in yuan (元). Pure."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MAX_FEN = 10**13  # a hundred billion yuan: anything above is a typing mistake
_YUAN = re.compile(r"^-?\d+(?:\.\d{1,2})?$")


class BadAmount(ValueError):
    """An amount that is not a yuan figure with at most two decimals, or is negative."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_yuan(value: object) -> int:
    """Fen from what a person typed or a cell held: "1200", "1,200.50", 12.5; exact, never
    through floating point rounding. Refuses negatives, more than two decimals, nonsense."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        raise BadAmount("not_a_number")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "").removesuffix("元")
    if not _YUAN.match(text):
        try:
            Decimal(text)
        except InvalidOperation:
            raise BadAmount("not_a_number") from None
        raise BadAmount("negative" if text.startswith("-") else "too_precise")
    fen = int(Decimal(text) * 100)
    if fen < 0:
        raise BadAmount("negative")
    if fen > MAX_FEN:
        raise BadAmount("too_large")
    return fen


def yuan(fen: int) -> str:
    """ "1,234.50" for 123450 fen."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def covers(fund_fen: list[int], budget_fen: int, taken_fen: int = 0) -> bool:
    """Whether funds of ``fund_fen``, less what other projects already took, cover a budget."""
    return budget_fen >= 0 and sum(fund_fen) - taken_fen >= budget_fen


def milestones_fit(amounts_fen: list[int], budget_fen: int) -> bool:
    """Milestone amounts are parts of the budget: never negative, never more than it."""
    return all(a >= 0 for a in amounts_fen) and sum(amounts_fen) <= budget_fen
