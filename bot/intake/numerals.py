"""Chinese numerals and read-aloud digits, converted only on captured spans."""

from __future__ import annotations

#: Characters read as single digits (幺 = 1 and 洞 = 0 as said over the phone).
DIGIT_CHARS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "洞": 0,
    "一": 1,
    "幺": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNIT_CHARS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}

#: Regex character classes (without brackets) for building patterns.
CN_DIGIT_CLASS = "零〇○洞一幺二两三四五六七八九"
CN_NUM_CLASS = CN_DIGIT_CLASS + "十百千"


def read_digits(span: str) -> str | None:
    """Read a span digit by digit: ``"幺三八"`` → ``"138"``, ``"5零1"`` → ``"501"``."""
    out: list[str] = []
    for ch in span:
        if ch.isdigit() and ch.isascii():
            out.append(ch)
        elif ch in DIGIT_CHARS:
            out.append(str(DIGIT_CHARS[ch]))
        else:
            return None
    return "".join(out) or None


def cn_value(span: str) -> int | None:
    """Value of a Chinese numeral with units: ``"二十三"`` → 23, ``"十"`` → 10, ``"一百零一"`` → 101."""
    if not span:
        return None
    total = 0
    current: int | None = None
    for ch in span:
        if ch in DIGIT_CHARS:
            current = DIGIT_CHARS[ch]
        elif ch in UNIT_CHARS:
            total += (1 if current is None else current) * UNIT_CHARS[ch]
            current = None
        else:
            return None
    if current is not None:
        total += current
    return total


def to_number_string(span: str) -> str | None:
    """Convert a captured number span (ASCII digits or Chinese) to a digit string.

    Spans with units (十/百/千) are evaluated (``"十五"`` → ``"15"``); spans of bare
    digits are read digit by digit (``"五零一"`` → ``"501"``).
    """
    span = span.strip()
    if not span:
        return None
    if span.isascii() and span.isdigit():
        return span
    if any(ch in UNIT_CHARS for ch in span):
        value = cn_value(span)
        return None if value is None else str(value)
    return read_digits(span)


def to_int(span: str) -> int | None:
    """Integer value of a number span (``"3"``, ``"三"``, ``"十二"``, ``"两"``)."""
    text = to_number_string(span)
    return int(text) if text is not None and text.isdigit() else None
