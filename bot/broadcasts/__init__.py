"""Broadcast rules: recurring and eligibility reminders sent through the outbox.

Public entry points:

- the scheduler tick is bot.ticks.broadcasts;
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

__all__ = [
    "add_broadcast_parser",
    "add_residents_parser",
    "run_broadcast",
    "run_broadcast_command",
    "run_residents_import",
]
