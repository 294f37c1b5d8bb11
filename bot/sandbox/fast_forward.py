"""The demo's clock, which a visitor may move forward to watch the timers work.

Only ``mulin demo`` builds an app with this clock and the fast-forward route; ``mulin serve``
runs on the system clock and has neither. Moving the clock runs every tick along the way in
small steps, so a reminder comes before the hand-on it precedes, each at its own time.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

from bot.keys import TICKS

log = logging.getLogger(__name__)


class DemoClock:
    """The system clock plus however far the visitor has fast-forwarded. With a ``path`` the
    offset is kept on disk: a restarted demo goes on from the time its orders were made in."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.offset = timedelta(0)
        if path is not None and path.exists():
            try:
                self.offset = timedelta(seconds=float(json.loads(path.read_text())["offset"]))
            except (ValueError, KeyError, TypeError):
                log.warning("demo clock %s unreadable: starting from the real time", path.name)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps({"offset": self.offset.total_seconds()}))


STEPS = {
    # urgent orders are chased every 10-15 minutes in the demo: 10m shows each step
    "10m": (timedelta(minutes=10), timedelta(minutes=5)),
    "1h": (timedelta(hours=1), timedelta(minutes=10)),
    "1d": (timedelta(days=1), timedelta(minutes=30)),
}
LOCK = web.AppKey("sandbox_fast_forward_lock", asyncio.Lock)


async def fast_forward(app: web.Application, clock: DemoClock, by: str) -> int:
    """Move the demo clock by ``by`` (a key of STEPS), running the ticks at every step;
    returns how many steps ran. One move at a time."""
    total, step = STEPS[by]
    async with app[LOCK]:
        moved = timedelta(0)
        steps = 0
        while moved < total:
            delta = min(step, total - moved)
            clock.advance(delta)
            moved += delta
            steps += 1
            for _name, tick in app[TICKS]:
                await tick(app)
        for _ in range(3):  # what the last step queued goes out before the answer
            for name, tick in app[TICKS]:
                if name == "outbox":
                    await tick(app)
        return steps
