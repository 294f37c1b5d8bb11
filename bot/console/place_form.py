"""The 更正 form's building, unit and room as the chat reads them: 「3栋」, 「三栋」 and 「3」 are
the same building (found from outside: the console refused 「3栋」 as 3栋栋)."""

from __future__ import annotations

import re

from bot.chat.filters import halfwidth
from bot.intake.numerals import to_number_string

# what follows the number in each field, as residents and staff write it
_SUFFIXES = {
    "building": re.compile(r"(?:号楼|栋楼|栋|幢|座|楼|号)$"),
    "unit": re.compile(r"(?:单元|门洞|门)$"),
    "room": re.compile(r"(?:号房|室|房|号)$"),
}


def place_part(name: str, raw: str | None) -> str | None:
    """``raw`` without its word (栋, 单元, 室) and with Chinese numerals as digits: 「三栋」 →
    「3」, 「A座」 → 「A」; anything else is kept as typed (the roster check says if it is
    wrong)."""
    if not raw:
        return None
    text = _SUFFIXES[name].sub("", halfwidth(raw).strip()).strip()
    if not text:
        return None
    if text.isascii():
        return text.upper() if text.isalpha() else text
    return to_number_string(text) or text
