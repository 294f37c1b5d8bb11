"""A resident's personal information (个人信息保护法): everything held about one resident,
exported or erased, and the retention rules that remove what is no longer needed.

Public entry points:

- :func:`export_resident`, :func:`erase_resident`, :func:`prune` — the services;
- :func:`add_privacy_parser`, :func:`run_privacy_command` — ``mulin privacy …``;
- the daily tick is ``bot.ticks.privacy``.

What is kept and why is written in docs/privacy.md.
"""

from bot.privacy.cli import add_privacy_parser, run_privacy_command
from bot.privacy.erase import ERASED_TEXT, erase_resident, pseudonym_for
from bot.privacy.export import export_resident
from bot.privacy.retention import PruneSummary, prune

__all__ = [
    "ERASED_TEXT",
    "PruneSummary",
    "add_privacy_parser",
    "erase_resident",
    "export_resident",
    "prune",
    "pseudonym_for",
    "run_privacy_command",
]
