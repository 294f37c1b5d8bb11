"""Phone numbers: mobiles (1[3-9] + 9 digits) and landlines, written or read aloud.

The text is cut into digit groups (runs of ASCII digits or of Chinese digits); groups
separated only by spaces, dashes, dots or brackets, or by a change of script, may be
joined.  A phone is a run of consecutive groups whose digits form a valid number; room
numbers, dates and emergency numbers never do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import CN_DIGIT_CLASS, read_digits

_GROUP_RE = re.compile(rf"[0-9]+|[{CN_DIGIT_CLASS}]+")
_JOINER_RE = re.compile(r"[ \-.()·_/]{0,3}")
_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_LANDLINE_RE = re.compile(r"0(?:10|2\d)\d{8}|0[3-9]\d{2}\d{7,8}")
_LOCAL_RE = re.compile(r"[2-9]\d{6,7}")
_LOCAL_CUE_RE = re.compile(r"(?:电话|座机|固话|手机|tel|TEL|Tel|联系)[^0-9\s]{0,4}[:：\s]*$")
_EMERGENCY = frozenset({"110", "119", "120", "122", "12345", "12315", "12369"})
_MAX_GROUPS = 12


@dataclass(frozen=True)
class PhoneMatch:
    number: str
    start: int
    end: int


@dataclass(frozen=True)
class _Group:
    digits: str
    start: int
    end: int
    chinese: bool


def _groups(text: str) -> list[_Group]:
    out: list[_Group] = []
    for m in _GROUP_RE.finditer(text):
        span = m.group(0)
        chinese = not span.isascii()
        digits = span if not chinese else read_digits(span)
        if digits is None:
            continue
        out.append(_Group(digits, m.start(), m.end(), chinese))
    return out


def _joinable(text: str, left: _Group, right: _Group) -> bool:
    gap = text[left.end : right.start]
    if gap == "":
        return left.chinese != right.chinese
    return _JOINER_RE.fullmatch(gap) is not None


def _valid(digits: str, text: str, start: int) -> str | None:
    if digits in _EMERGENCY:
        return None
    if digits.startswith("86") and len(digits) == 13 and _MOBILE_RE.fullmatch(digits[2:]):
        return digits[2:]
    if _MOBILE_RE.fullmatch(digits) or _LANDLINE_RE.fullmatch(digits):
        return digits
    if _LOCAL_RE.fullmatch(digits) and _LOCAL_CUE_RE.search(text[max(0, start - 12) : start]):
        return digits
    return None


def _isolated(text: str, start: int, end: int) -> bool:
    """Reject numbers glued to letters or more digits (order ids, serials)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _runs_on(text: str, groups: list[_Group], best: tuple[int, str, int]) -> bool:
    """A local number (7–8 digits) whose digits go on in the next joined group."""
    j, number, _ = best
    if len(number) > 8 or j + 1 >= len(groups):
        return False
    following = groups[j + 1]
    gap = text[groups[j].end : following.start]
    return "-" in gap and len(following.digits) >= 3 and _joinable(text, groups[j], following)


def find_phones(text: str) -> list[PhoneMatch]:
    """All phone numbers in ``text`` (normalised), in order of appearance, deduplicated."""
    groups = _groups(text)
    found: list[PhoneMatch] = []
    i = 0
    while i < len(groups):
        best: tuple[int, str, int] | None = None
        digits = ""
        for j in range(i, min(len(groups), i + _MAX_GROUPS)):
            if j > i and not _joinable(text, groups[j - 1], groups[j]):
                break
            digits += groups[j].digits
            if len(digits) > 13:
                break
            # a Chinese run may carry one or two trailing words' digits ("…一下")
            trims = (0, 1, 2) if groups[j].chinese and len(groups[j].digits) > 3 else (0,)
            for trim in trims:
                end = groups[j].end - trim
                number = _valid(digits[: len(digits) - trim], text, groups[i].start)
                if number is not None and (trim or _isolated(text, groups[i].start, end)):
                    best = (j, number, end)
                    break
        if best is not None and _runs_on(text, groups, best):
            best = None  # 852-6123-4567: a foreign number, not a local 8526123
        if best is None:
            i += 1
            continue
        j, number, end = best
        found.append(PhoneMatch(number, groups[i].start, end))
        i = j + 1
    seen: set[str] = set()
    unique: list[PhoneMatch] = []
    for match in found:
        if match.number not in seen:
            seen.add(match.number)
            unique.append(match)
    return unique
