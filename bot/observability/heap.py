"""A long-running process's heap: load what every request needs, then settle the rest.

CPython's full (oldest-generation) collection walks every tracked object. In `mulin serve`
that is the whole application — SQLAlchemy's mappers and caches, aiohttp, the intake model —
and such a pass is long enough to be felt when it lands on a timer tick or a webhook reply. Objects alive once the process has started live until it ends:
``gc.freeze()`` moves them out of the collector's way, so later full passes only look at what
came after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def warm_up() -> None:
    """Load the intake model and converter now, not when the first resident writes."""
    from bot.intake.parser import parse

    parse("1栋1单元101 厨房水管漏水")


def settle() -> None:
    """Collect what startup left behind, then freeze everything still alive."""
    gc.collect()
    gc.freeze()


@contextmanager
def paused() -> Iterator[None]:
    """No collection while a synchronous stretch builds a great many short records that can
    form no cycle (the figures page: 100,000 orders read and measured as tuples of numbers
    and strings). Each young-generation pass would walk them all, and the full passes they
    trigger walk the whole heap: half the cost of such a loop. Collection resumes after
    (unless it was off already); never hold it across an ``await``."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
