"""Pure intake parser: one resident message → structured fields.

>>> from bot.intake import parse
>>> parse("3栋2单元501厨房水管漏水了").to_dict()["address"]
{'building': '3', 'unit': '2', 'room': '501'}
>>> advice_for("lift")[0]
('96333', '119')
"""

from __future__ import annotations

from .address import Address
from .advice import advice_for, advice_kind
from .chat import CHAT_KINDS
from .danger import HAZARDS
from .parser import parse
from .result import ParseResult, PreferredTime

__all__ = [
    "CHAT_KINDS",
    "HAZARDS",
    "Address",
    "ParseResult",
    "PreferredTime",
    "advice_for",
    "advice_kind",
    "parse",
]
