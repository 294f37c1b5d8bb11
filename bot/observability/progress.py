"""Progress for long commands: a bar on a terminal, nothing when piped (tqdm decides)."""

from __future__ import annotations

from typing import TextIO

from tqdm import tqdm


def bar(total: int, what: str, err: TextIO, unit: str = "行") -> tqdm[None]:
    """``disable=None``: shown only when ``err`` is a terminal; ``leave=False``: the summary
    line printed after it stays the last thing on screen."""
    return tqdm(total=total, desc=what, unit=unit, file=err, disable=None, leave=False)
