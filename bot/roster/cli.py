"""``mulin roster import`` and ``mulin roster export``: one line per problem, exit 2 for a
user's mistake, 1 for anything else."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import BinaryIO, TextIO

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Config
from bot.observability.progress import bar
from bot.roster.apply import ImportSummary, NoRoster, import_rosters
from bot.roster.export import export_roster
from bot.roster.files import (
    FORMATS,
    RosterFileError,
    RosterInvalid,
    detect_format,
)
from bot.roster.files.street import read_rosters
from bot.storage.runner import DATABASE_ERRORS, failure_line, with_database

# --- command line ------------------------------------------------------------------------------


def run_roster_import(path: str, config: Config, out: TextIO, err: TextIO) -> int:
    """``mulin roster import FILE``: 0 imported, 2 the file is wrong, 1 the database failed."""
    try:
        rosters = read_rosters(path)
    except RosterFileError as exc:
        print(f"mulin: {exc}", file=err)
        return 2
    except RosterInvalid as exc:
        return _report_invalid(path, exc, err)

    async def work(engine: AsyncEngine) -> list[ImportSummary]:
        with bar(len(rosters), "花名册", err, unit="个社区") as shown:
            return await import_rosters(engine, rosters, progress=shown.update)

    try:
        summaries: list[ImportSummary] = asyncio.run(with_database(config.database.url, work))
    except RosterInvalid as exc:
        return _report_invalid(path, exc, err)
    except DATABASE_ERRORS as exc:
        print(failure_line(exc), file=err)
        return 1
    for summary in summaries:
        for line in summary.lines():
            print(line, file=out)
    return 0


def _report_invalid(path: str, exc: RosterInvalid, err: TextIO) -> int:
    for line in exc.errors:
        print(line, file=err)
    print(f"mulin: {len(exc.errors)} problem(s) in {path}; nothing was imported", file=err)
    return 2


def run_roster_export(
    config: Config,
    fmt: str | None,
    out: TextIO,
    err: TextIO,
    *,
    output: str | None = None,
    community: str | None = None,
) -> int:
    """``mulin roster export [--format F] [--output FILE] [--community CODE]``.

    Without ``--output`` the roster goes to ``out`` (XLSX to ``out.buffer``, refused on a
    terminal); the format defaults to the output file's extension, else YAML.
    """
    try:
        fmt = _export_format(fmt, output)
        if fmt == "xlsx" and output is None:
            _binary_stream(out)  # fail before touching the database
    except ValueError as exc:
        print(f"mulin: {exc}", file=err)
        return 2

    async def work(engine: AsyncEngine) -> bytes:
        return await export_roster(engine, fmt, community)

    try:
        data: bytes = asyncio.run(with_database(config.database.url, work))
    except NoRoster as exc:
        print(f"mulin: {exc}", file=err)
        return 2 if str(exc).startswith("--") else 1  # naming a flag: the operator's to fix
    except ValueError as exc:
        print(f"mulin: {exc}", file=err)
        return 2
    except DATABASE_ERRORS as exc:
        print(failure_line(exc), file=err)
        return 1
    return _write_export(data, fmt, out, err, output)


def _export_format(fmt: str | None, output: str | None) -> str:
    if fmt is not None:
        if fmt.lower() not in FORMATS:
            raise ValueError(f"--format: expected yaml, csv or xlsx, got {fmt!r}")
        return fmt.lower()
    if output is not None:
        try:
            return detect_format(output)
        except RosterFileError as exc:
            raise ValueError(f"--output: {exc}") from None
    return "yaml"


def _binary_stream(out: TextIO) -> BinaryIO:
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        raise ValueError("--format xlsx: this output takes text only; use --output FILE")
    if out.isatty():
        raise ValueError(
            "--format xlsx: will not write a workbook to a terminal; use --output FILE"
        )
    return buffer


def _write_export(data: bytes, fmt: str, out: TextIO, err: TextIO, output: str | None) -> int:
    if output is not None:
        payload = b"\xef\xbb\xbf" + data if fmt == "csv" else data  # BOM: Excel reads UTF-8
        try:
            Path(output).write_bytes(payload)
        except OSError as exc:
            print(f"mulin: --output: cannot write {output}: {exc.strerror or exc}", file=err)
            return 2
        print(f"roster written to {output}", file=err)
        return 0
    if fmt == "xlsx":
        out.flush()
        buffer = _binary_stream(out)
        buffer.write(data)
        buffer.flush()
    else:
        out.write(data.decode("utf-8"))
        out.flush()
    return 0
