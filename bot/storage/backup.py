"""Online backups and restores: SQLite's backup API, PostgreSQL's pg_dump / pg_restore.

A backup is consistent while the service keeps writing (SQLite copies one snapshot through
the backup API; pg_dump reads inside one transaction). It never holds live credentials: not
the access token (a restored service fetches a fresh one), not the console's session tokens
(the office signs in again after a restore). The appsecret never was in the database.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from bot.storage.migrations import known_revisions
from bot.storage.output import check_output, create, discard

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# Not application data: migrations' bookkeeping. A database holding only these is empty.
BOOKKEEPING = {"alembic_version", "sqlite_sequence"}
# In every mulin database, from the first migration on (with the schema revision's table).
MULIN_TABLES = {"alembic_version", "inbound_messages", "wechat_users"}
SECRET_TABLES = ("wechat_tokens",)  # the access token: emptied in the copy
SESSION_TABLES = ("console_sessions",)  # signed-in browsers' tokens: left out of the copy


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is one line for the operator."""


class NotEmpty(BackupError):
    """The restore target holds data and --force was not given."""


@dataclass(frozen=True)
class Target:
    url: URL

    @property
    def sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def path(self) -> Path:
        database = self.url.database
        if not database or database == ":memory:":
            raise BackupError("database.url: an in-memory database cannot be backed up")
        return Path(database).expanduser()


def target(url: str) -> Target:
    return Target(make_url(url))


def default_name(url: str, stamp: str) -> str:
    return f"mulin-{stamp}.{'db' if target(url).sqlite else 'dump'}"


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_backup(source: Path, output: Path) -> None:
    if not source.exists():
        raise BackupError(f"database.url: no database at {source}")
    partial = output.with_name(output.name + ".partial")
    create(partial, output)  # an empty file: SQLite makes a database of it
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            # One step: a read transaction sees one snapshot, and in WAL mode the service's
            # writers go on meanwhile. (Copying in slices would restart after every write
            # another connection makes, and might never finish on a busy database.)
            src.backup(dst, pages=-1)
            with dst:
                for table in SECRET_TABLES:
                    if _has_table(dst, table):
                        dst.execute(f"UPDATE {table} SET token = NULL, expires_at = NULL")
                for table in SESSION_TABLES:
                    if _has_table(dst, table):
                        dst.execute(f"DELETE FROM {table}")
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            dst.execute("VACUUM")
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(output)


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,))
    return row.fetchone() is not None


def _sqlite_rows(path: Path) -> int:
    if not path.exists() or path.stat().st_size == 0:
        return 0
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if r[0] not in BOOKKEEPING
        ]
        return sum(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)
    finally:
        conn.close()


def _sqlite_contents(path: Path) -> tuple[str, set[str], str | None]:
    """(quick_check's verdict, the tables, the schema revision) of a SQLite file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = str(conn.execute("PRAGMA quick_check").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = str(row[0]) if row else None
        return verdict, tables, revision
    finally:
        conn.close()


def _check_sqlite_backup(path: Path) -> None:
    """Refuse, before anything is replaced, a file that is damaged or is not a mulin database
    this version can bring up to date (``--force`` would otherwise wipe the data for it)."""
    try:
        verdict, tables, revision = _sqlite_contents(path)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"--input: {path} is damaged or incomplete ({exc})") from None
    if verdict != "ok":
        raise BackupError(f"--input: {path} is damaged (SQLite quick_check failed)")
    if not tables >= MULIN_TABLES or revision is None:
        raise BackupError(f"--input: {path} is not a mulin database (no mulin tables in it)")
    if revision not in known_revisions():
        raise BackupError(
            f"--input: {path} has schema {revision!r}, which this version does not know:"
            " restore it with the mulin that made it"
        )


def _sqlite_restore(backup: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        if src.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"--input: {backup} is damaged (SQLite quick_check failed)")
        dst = sqlite3.connect(dest, timeout=30)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
    finally:
        src.close()


# --- PostgreSQL ------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} not found on PATH: install the PostgreSQL client"
            " (Debian: apt-get install postgresql-client) of the server's major version or newer"
        )
    return found


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)  # never on the command line
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return args, env


def _run(argv: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=6 * 3600)
    except subprocess.TimeoutExpired as exc:
        raise BackupError(f"{Path(argv[0]).name} took too long") from exc
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        detail = lines[0] if lines else f"exit status {done.returncode}"
        raise BackupError(f"{Path(argv[0]).name} failed: {detail}")


def _pg_backup(url: URL, output: Path) -> None:
    args, env = _pg_args(url)
    partial = output.with_name(output.name + ".partial")
    create(partial, output)
    argv = [_pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges"]
    argv += [f"--exclude-table-data={t}" for t in (*SECRET_TABLES, *SESSION_TABLES)]
    _run([*argv, "--file", str(partial), url.database or "postgres"], env)
    partial.replace(output)


def _pg_archive(argv: list[str], path: Path) -> str:
    """What ``pg_restore`` reads from the archive (no server needed), or why it cannot."""
    try:
        done = subprocess.run(
            [_pg_tool("pg_restore"), *argv, "--file", "-", str(path)],
            capture_output=True,
            text=True,
            timeout=600,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"--input: {path}: pg_restore took too long to read it") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        detail = lines[0] if lines else f"exit status {done.returncode}"
        raise BackupError(f"--input: {path} is damaged or incomplete ({detail})")
    return done.stdout


def _check_pg_backup(path: Path) -> None:
    """As for SQLite: a damaged archive, a dump of some other database, or one of a newer
    schema is refused before ``--clean`` drops anything."""
    listing = _pg_archive(["--list"], path)
    tables = set(re.findall(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", listing, re.MULTILINE))
    if not tables >= MULIN_TABLES:
        raise BackupError(f"--input: {path} is not a mulin database (no mulin tables in it)")
    data = _pg_archive(["--data-only", "--table", "alembic_version"], path)
    found = re.search(r"^COPY \S*alembic_version .*FROM stdin;\n(\S+)$", data, re.MULTILINE)
    revision = found[1] if found else None
    if revision not in known_revisions():
        raise BackupError(
            f"--input: {path} has schema {revision!r}, which this version does not know:"
            " restore it with the mulin that made it"
        )


def _pg_restore(url: URL, backup: Path) -> None:
    args, env = _pg_args(url)
    argv = [_pg_tool("pg_restore"), *args, "--no-owner", "--no-privileges", "--single-transaction"]
    argv += ["--clean", "--if-exists", "--exit-on-error"]
    _run([*argv, "--dbname", url.database or "postgres", str(backup)], env)


# --- the two operations ----------------------------------------------------------------------


def backup(url: str, output: Path) -> None:
    """Write a consistent copy of the database at ``url`` to ``output``."""
    t = target(url)
    if not output.parent.exists():
        raise BackupError(f"--output: cannot write {output}: no directory {output.parent}")
    check_output(output, url)  # OutputError: not the database, not a directory
    partial = output.with_name(output.name + ".partial")
    try:
        if t.sqlite:
            _sqlite_backup(t.path, output)
        else:
            _pg_backup(t.url, output)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"database: {t.path} is not a readable SQLite database ({exc})") from None
    finally:
        # a failed copy leaves nothing behind: it may hold residents' data
        discard(partial)


def backup_kind(path: Path) -> str:
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise BackupError(f"--input: cannot read {path}: {exc.strerror or exc}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"--input: {path} is neither a SQLite backup nor a pg_dump custom archive")


def check_restorable(url: str, backup_file: Path, rows_in_target: int, force: bool) -> None:
    t = target(url)
    kind = backup_kind(backup_file)
    wanted = "sqlite" if t.sqlite else "postgresql"
    if kind != wanted:
        raise BackupError(f"--input: a {kind} backup cannot be restored into {wanted}")
    if kind == "sqlite":
        _check_sqlite_backup(backup_file)
    else:
        _check_pg_backup(backup_file)
    if rows_in_target and not force:
        raise NotEmpty(
            f"database.url: the database already holds {rows_in_target} rows;"
            " add --force to replace them with the backup"
        )


def restore(url: str, backup_file: Path) -> None:
    """Replace the database at ``url`` with the backup (checked by check_restorable first)."""
    t = target(url)
    if t.sqlite:
        _sqlite_restore(backup_file, t.path)
    else:
        _pg_restore(t.url, backup_file)


def sqlite_rows(url: str) -> int:
    """Application rows in a SQLite database (0 for a missing file)."""
    return _sqlite_rows(target(url).path)
