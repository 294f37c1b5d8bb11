"""Spreadsheet cells that stay text, for every XLSX and CSV the project writes: the roster, the
resource and project lists, the monthly report and a resident's privacy export.

A spreadsheet reads a cell that begins with = + - @, a tab or a carriage return as a formula
(formula injection: words a resident or a member typed would run in the office's Excel). In
XLSX such a cell is stored as a string with Excel's quote prefix and its words unchanged, so
an import reads back what was written; CSV has no types, so the cell starts with a single
quote there, which :func:`from_csv` takes off again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def risky(value: object) -> bool:
    """Whether a spreadsheet would read ``value`` as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def keep_text(cell: Any) -> Any:
    """``cell`` (an openpyxl cell, a write-only one too) stored as text when its value would
    read as a formula; returns the cell."""
    if risky(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def keep_texts(sheet: Any, text: Callable[[str], str] | None = None) -> None:
    """Every cell of ``sheet`` through :func:`keep_text`; ``text``, when given, rewrites each
    string first (phone numbers masked for a reader who may not see them)."""
    for row in sheet.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            if text is not None:
                cell.value = text(cell.value)
            keep_text(cell)


def _quoted(value: str) -> bool:
    """A formula behind any number of single quotes: what :func:`to_csv` quotes once more."""
    return value.lstrip("'").startswith(FORMULA_START)


def to_csv(value: str) -> str:
    """A CSV cell that stays text: one single quote before a formula (and before one already
    quoted, so :func:`from_csv` gives back exactly ``value``)."""
    return "'" + value if _quoted(value) else value


def from_csv(value: str) -> str:
    """A cell of a CSV file as :func:`to_csv` was given it."""
    return value[1:] if value.startswith("'") and _quoted(value) else value
