"""Telling a database outage apart from a bug, and logging an outage once per change of state."""

from __future__ import annotations

import logging
import re
import time

from sqlalchemy import exc as sa_exc

_UNUSABLE_FILE = re.compile(r"file is not a database|database disk image is malformed")


def is_outage(error: BaseException) -> bool:
    """True when ``error`` means the database cannot be reached or is not answering.

    Such errors say nothing about the message being handled: retrying it later will work.
    Everything else (a constraint, a bad value, a bug) is about the message or the code.
    """
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if unusable_file(error):
        # SQLite's file was damaged or replaced: nothing a message did, and a restore (or the
        # right file) makes the same work succeed, so it is held and retried like an outage
        return True
    return isinstance(
        error,
        OSError
        | TimeoutError
        | sa_exc.OperationalError
        | sa_exc.InterfaceError
        | sa_exc.DisconnectionError
        | sa_exc.TimeoutError,
    )


def unusable_file(error: BaseException) -> bool:
    """True when SQLite says its file is not a database, or a damaged one."""
    return isinstance(error, sa_exc.DatabaseError) and bool(_UNUSABLE_FILE.search(str(error.orig)))


def short(error: BaseException) -> str:
    """One line naming the error, without SQL or parameters."""
    text = str(getattr(error, "orig", None) or error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text[:160]}"


class OutageLog:
    """One log line when a dependency goes away and one when it is back, with counts."""

    def __init__(self, name: str, logger: logging.Logger) -> None:
        self.name = name
        self.log = logger
        self.since: float | None = None
        self.failures = 0

    @property
    def active(self) -> bool:
        return self.since is not None

    def failed(self, error: BaseException, what: str = "") -> bool:
        """Record a failure; True when it starts an outage (the caller logged nothing yet)."""
        self.failures += 1
        if self.since is not None:
            return False
        self.since = time.monotonic()
        self.log.error("%s unavailable (%s)%s", self.name, short(error), what)
        return True

    def recovered(self, what: str = "") -> bool:
        if self.since is None:
            return False
        took = time.monotonic() - self.since
        self.log.warning(
            "%s available again after %.1f s (%d failed attempts meanwhile)%s",
            self.name,
            took,
            self.failures,
            what,
        )
        self.since, self.failures = None, 0
        return True
