"""The `mulin` command line (see README for the contract)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from bot.cli.commands import run

    return run(sys.argv[1:] if argv is None else argv)
