"""Phone numbers hidden from those not allowed to see them (a viewer account; the board and
the lists' contact column for everyone).

Free text holds a number in many forms: 13912345678, 139 1234 5678, +86 139-1234-5678,
(027)87654321, full-width １３９…, read aloud as 幺三九…, or "电话 87654321". The intake's
phone finder (the one that reads residents' messages) finds them on a copy of the text whose
full-width digits and signs read as ASCII (same length: the places are the original's); the
log masker then catches anything left, such as a 0086 prefix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from bot.console.scope import Viewer
from bot.intake.phones import find_phones
from bot.observability.logs import mask_phone_numbers

# A landline dialled from abroad: +86 / 0086, the area code without its 0 (+86-10-12345678).
_ABROAD = re.compile(
    r"(?<![\d+])(?:\+|00)86[\s-]?\(?0?([1-9]\d{1,2})\)?[\s-]?(\d{3,4})[\s-]?(\d{4})(?!\d)"
)
# One character for one: full-width digits and signs, brackets, the ideographic space.
_WIDE = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {"＋": "+", "－": "-", "（": "(", "）": ")", "．": ".", "\u3000": " "}
)


def mask_phone(phone: str) -> str:
    """A phone of an order's 电话 field: 139****5678."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def _masked(number: str) -> str:
    """A number the finder read (digits only): mobiles 139****5678, landlines 027-****4321."""
    if number.startswith("1"):
        return mask_phone(number)
    if number.startswith("0"):
        area = number[:3] if number[1] in "12" else number[:4]
        return f"{area}-****{number[-4:]}"
    return "****" + number[-4:]


def _found_masked(text: str) -> str:
    """The numbers the intake's finder names masked (it names a number once: a repeat of it
    is left for the next pass)."""
    plain = text.translate(_WIDE)
    parts, last = [], 0
    for found in find_phones(plain):
        start = found.start - 1 if found.start and plain[found.start - 1] in "+(" else found.start
        parts += [text[last:start], _masked(found.number)]
        last = found.end
    parts.append(text[last:])
    return "".join(parts)


def hide_phones(text: str) -> str:
    """Every phone number inside free text masked."""
    if not text:
        return text
    masked = _found_masked(text)
    while masked != text:  # each pass leaves fewer digits, so this ends
        text, masked = masked, _found_masked(masked)
    masked = mask_phone_numbers(masked)
    return _ABROAD.sub(lambda m: f"0{m.group(1)}-****{m.group(3)}", masked)


def shown_to(viewer: Viewer) -> Callable[[str], str] | None:
    """How an export shows ``viewer`` free text: None (whole) for the roles that act, else
    with phone numbers masked."""
    return None if viewer.sees_phones else hide_phones


@pass_context
def for_viewer(context: Context, value: Any) -> Any:
    """The template filter: free text as the signed-in account may read it (masked when the
    page knows of no account that may see phone numbers)."""
    viewer = context.get("viewer")
    if not isinstance(value, str) or (isinstance(viewer, Viewer) and viewer.sees_phones):
        return value
    return hide_phones(value)
