"""Pure intake parser: one resident message → structured fields.

>>> from bot.intake import parse
>>> parse("3栋2单元501厨房水管漏水了").to_dict()["address"]
{'building': '3', 'unit': '2', 'room': '501'}
"""

from __future__ import annotations

from .address import Address
from .parser import parse
from .result import ParseResult, PreferredTime

__all__ = ["Address", "ParseResult", "PreferredTime", "parse"]
