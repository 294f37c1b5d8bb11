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
from bot.privacy.retention import prune
from bot.privacy.workbook import export_workbook
from bot.storage.engine import session_factory
from bot.storage.runner import DATABASE_ERRORS, failure_line, with_database

OPENID = re.compile(r"[A-Za-z0-9_-]{1,64}")
audit = logging.getLogger("mulin.privacy")


def add_privacy_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``privacy`` on ``mulin``'s subparsers (``dest="privacy_command"``)."""
    p: argparse.ArgumentParser = sub.add_parser(
        "privacy", help="a resident's personal information: export, erase; retention"
    )
    psub = p.add_subparsers(dest="privacy_command", required=True, parser_class=type(p))
    exp = psub.add_parser("export", help="everything held about one resident, as JSON")
    exp.add_argument("--config", required=True)
    exp.add_argument("--openid", required=True)
    exp.add_argument("--output", help="write to this file instead of standard output")
    exp.add_argument(
        "--format",
        choices=["json", "xlsx"],
        help="json (default) or xlsx (the default for an --output ending in .xlsx)",
    )
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
            fmt = args.format or ("xlsx" if (args.output or "").endswith(".xlsx") else "json")
            if fmt == "xlsx" and not args.output:
                raise UsageError("--format xlsx: needs --output FILE")
            return _export(config, _openid(args.openid), args.output, fmt, out, err)
        if args.privacy_command == "erase":
            return _erase(config, _openid(args.openid), args.yes, out, err)
        return _prune(config, out)
    except DATABASE_ERRORS as exc:
        print(failure_line(exc), file=err)
        return 1


def _nothing_held(openid: str, err: TextIO) -> int:
    print(f"mulin: --openid: nothing is held about {openid}", file=err)
    return 2


def _export(
    config: Config, openid: str, output: str | None, fmt: str, out: TextIO, err: TextIO
) -> int:
    async def work(engine: AsyncEngine) -> dict[str, Any]:
        async with session_factory(engine)() as s:
            return await export_resident(s, openid, SystemClock().now())

    data = asyncio.run(with_database(config.database.url, work))
    if not data["found"]:
        return _nothing_held(openid, err)
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    if output:
        try:
            if fmt == "xlsx":
                Path(output).write_bytes(export_workbook(data))
            else:
                Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"mulin: --output: cannot write {output}: {exc.strerror or exc}", file=err)
            return 1
    else:
        out.write(text)
    audit.warning("privacy export of %s (%s)", openid, output or "stdout")
    print(f"mulin: exported what is held about {openid}", file=err)
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
            return await erase_resident(s, openid, now)

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
