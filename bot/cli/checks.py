"""Checks on `mulin serve` arguments that argparse cannot make itself: each mistake is one
line naming the flag (or the configuration key), before anything is started or migrated."""

from __future__ import annotations

import socket

from bot.config import UsageError


def check_host(host: str, name: str) -> None:
    """``host`` can be listened on: an address or a name that resolves. Found from outside:
    `--host 999.1.1.1` migrated the database, then failed as exit 1 without naming the flag."""
    if not host:  # every interface, as aiohttp reads an empty host
        return
    try:
        socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError):
        raise UsageError(f"{name}: cannot resolve {host!r}") from None
