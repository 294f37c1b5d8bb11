"""Files a command writes (``--output``): checked before any work is done, so a mistake is
one line naming the path (exit 2) and nothing is half-written — and never the live database.

``mulin db backup``, ``report monthly`` and ``privacy export`` share these checks.
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

from sqlalchemy.engine import make_url

# the database file and the ones SQLite keeps beside it while it is open
_SQLITE_FILES = ("", "-wal", "-shm", "-journal")


class OutputError(Exception):
    """An ``--output`` that cannot or must not be written; ``str()`` is the one line shown."""


def database_file(url: str) -> Path | None:
    """The SQLite database's file; None for PostgreSQL or an in-memory database."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database).expanduser()


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:  # a hard link, or the same file reached another way
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(output: Path, url: str) -> None:
    """Refuse the live database (it would be overwritten) and a directory."""
    database = database_file(url)
    if database is not None and any(
        _same_file(output, database.with_name(database.name + suffix)) for suffix in _SQLITE_FILES
    ):
        raise OutputError(f"--output: {output} is the database itself")
    try:
        is_dir = output.is_dir()
    except OSError:
        is_dir = False  # reported when the file is created
    if is_dir:
        raise OutputError(f"--output: {output} is a directory; name the file")


def create(partial: Path, output: Path) -> None:
    """Create ``partial`` (what ``output`` is written as until it is complete), so a place
    that cannot be written is found before any work is done."""
    try:
        partial.open("wb").close()
    except OSError as exc:
        raise cannot_write(output, exc) from None


def partial_of(output: Path) -> Path:
    """A hidden file beside ``output``, renamed onto it once it is complete."""
    return output.with_name(f".{output.name}.{os.getpid()}.part")


def discard(partial: Path) -> None:
    """Remove what a failed write left (quietly: there may be no such place at all)."""
    with suppress(OSError):
        partial.unlink(missing_ok=True)


def cannot_write(output: Path | str, exc: OSError) -> OutputError:
    return OutputError(f"--output: cannot write {output}: {exc.strerror or exc}")
