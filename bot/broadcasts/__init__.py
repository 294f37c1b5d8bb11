"""Broadcast rules: recurring and eligibility reminders sent through the outbox.

Public entry points:

- :func:`broadcast_tick` / :func:`broadcast_tick_app` — the scheduler tick;
- :func:`add_broadcast_parser`, :func:`run_broadcast_command`, :func:`run_broadcast` —
  ``mulin broadcast …``;
- :func:`add_residents_parser`, :func:`run_residents_import` — ``mulin residents import``.
"""

from bot.broadcasts.cli import (
    add_broadcast_parser,
    add_residents_parser,
    run_broadcast,
    run_broadcast_command,
    run_residents_import,
)
from bot.ticks.broadcasts import broadcast_tick, broadcast_tick_app

__all__ = [
    "add_broadcast_parser",
    "add_residents_parser",
    "broadcast_tick",
    "broadcast_tick_app",
    "run_broadcast",
    "run_broadcast_command",
    "run_residents_import",
]
