"""``mulin privacy export|erase|prune``: one line per problem, exit 2 for a user's mistake
(a malformed openid, or one nothing is held about), 1 for anything else."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import sys
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import SystemClock
from bot.config import Config, UsageError
from bot.privacy.erase import ErasureSummary, erase_resident
from bot.privacy.export import export_resident
from bot.privacy.open_orders import cancel_unfollowed
from bot.privacy.records import ERASE, EXPORT, open_requests, record
from bot.privacy.retention import prune
from bot.privacy.workbook import export_workbook
from bot.storage.engine import session_factory
from bot.storage.output import (
    OutputError,
    cannot_write,
    check_output,
    create,
    discard,
    partial_of,
)
from bot.storage.runner import DATABASE_ERRORS, failure_line, with_database

OPENID = re.compile(r"[A-Za-z0-9_-]{1,64}")
audit = logging.getLogger("mulin.privacy")


def add_privacy_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``privacy`` on ``mulin``'s subparsers (``dest="privacy_command"``)."""
    p: argparse.ArgumentParser = sub.add_parser(
        "privacy", help="a resident's personal information: export, erase; retention"
    )
    psub = p.add_subparsers(dest="privacy_command", required=True, parser_class=type(p))
    exp = psub.add_parser("export", help="everything held about one resident, as JSON or XLSX")
    exp.add_argument("--config", required=True)
    exp.add_argument("--openid", required=True)
    exp.add_argument(
        "--output", help="write to this file (.xlsx: a workbook) instead of standard output"
    )
    req = psub.add_parser("requests", help="residents' open requests to erase their data")
    req.add_argument("--config", required=True)
    era = psub.add_parser("erase", help="erase one resident's personal information")
    era.add_argument("--config", required=True)
    era.add_argument("--openid", required=True)
    era.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    pr = psub.add_parser("prune", help="remove what is past privacy.retain_* now")
    pr.add_argument("--config", required=True)
    return p


def _openid(value: str) -> str:
    if not OPENID.fullmatch(value):
        raise UsageError(f"--openid: not a WeChat openid: {value[:70]!r}")
    return value


def run_privacy_command(args: argparse.Namespace, config: Config, out: TextIO, err: TextIO) -> int:
    try:
        if args.privacy_command == "export":
            return _export(config, _openid(args.openid), args.output, out, err)
        if args.privacy_command == "erase":
            return _erase(config, _openid(args.openid), args.yes, out, err)
        if args.privacy_command == "requests":
            return _requests(config, out)
        return _prune(config, out)
    except DATABASE_ERRORS as exc:
        print(failure_line(exc), file=err)
        return 1


def _nothing_held(openid: str, err: TextIO) -> int:
    print(f"mulin: --openid: nothing is held about {openid}", file=err)
    return 2


def _export(config: Config, openid: str, output: str | None, out: TextIO, err: TextIO) -> int:
    async def work(engine: AsyncEngine) -> dict[str, Any]:
        async with session_factory(engine)() as s, s.begin():
            now = SystemClock().now()
            data = await export_resident(s, openid, now)
            if data["found"]:
                await record(s, EXPORT, openid, "cli", output or "stdout", now)
            return data

    target = Path(output) if output else None
    partial = partial_of(target) if target else None
    try:
        if target and partial:  # before anything is read or recorded as exported
            check_output(target, config.database.url)
            create(partial, target)
        data = asyncio.run(with_database(config.database.url, work))
        if not data["found"]:
            return _nothing_held(openid, err)
        _write_export(data, target, partial, out)
    except OutputError as exc:
        print(f"mulin: {exc}", file=err)
        return 2
    finally:
        if partial:
            discard(partial)
    audit.warning("privacy export of %s (%s)", openid, output or "stdout")
    print(f"mulin: exported what is held about {openid}", file=err)
    return 0


def _write_export(
    data: dict[str, Any], target: Path | None, partial: Path | None, out: TextIO
) -> None:
    """JSON on ``out``, or a file (.xlsx: a workbook) written as ``partial`` and renamed."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    if target is None or partial is None:
        out.write(text)
        return
    try:
        if target.name.lower().endswith(".xlsx"):
            partial.write_bytes(export_workbook(data))
        else:
            partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
        raise cannot_write(target, exc) from None


def _requests(config: Config, out: TextIO) -> int:
    async def work(engine: AsyncEngine) -> list[str]:
        async with session_factory(engine)() as s:
            return [
                f"{r.created_at:%Y-%m-%d %H:%M} UTC  {r.openid}  {r.note}"
                for r in await open_requests(s)
            ]

    lines = asyncio.run(with_database(config.database.url, work))
    for line in lines or ["no open requests"]:
        print(line, file=out)
    return 0


def _confirmed(openid: str, err: TextIO) -> bool:
    if not sys.stdin.isatty():
        return False
    print(f"erase everything held about {openid}? this cannot be undone [y/N] ", end="", file=err)
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def _erase(config: Config, openid: str, yes: bool, out: TextIO, err: TextIO) -> int:
    if not yes and not _confirmed(openid, err):
        raise UsageError("privacy erase: add --yes to erase (nothing was changed)")

    async def work(engine: AsyncEngine) -> ErasureSummary | None:
        async with session_factory(engine)() as s, s.begin():
            now = SystemClock().now()
            if not (await export_resident(s, openid, now))["found"]:
                return None
            # an open order no neighbour follows could not be done without them: called off
            cancelled = await cancel_unfollowed(s, openid, config, now)
            summary = await erase_resident(s, openid, now)
            summary.counts["orders_cancelled"] = cancelled
            await record(s, ERASE, openid, "cli", summary.pseudonym, now)
            return summary

    summary = asyncio.run(with_database(config.database.url, work))
    if summary is None:
        return _nothing_held(openid, err)
    for line in summary.lines():
        print(line, file=out)
    audit.warning("privacy erase of %s: now %s", openid, summary.pseudonym)
    print(f"mulin: erased {openid}; its orders now belong to {summary.pseudonym}", file=err)
    return 0


def _prune(config: Config, out: TextIO) -> int:
    async def work(engine: AsyncEngine) -> str:
        summary = await prune(
            session_factory(engine),
            SystemClock().now(),
            config.privacy.retain_messages,
            config.privacy.retain_closed,
        )
        return summary.line()

    print(asyncio.run(with_database(config.database.url, work)), file=out)
    return 0
