"""``mulin broadcast …`` and ``mulin residents import``: argument parsing and printing.

Wiring into ``bot/commands.py`` (either form)::

    from bot.broadcasts.cli import add_broadcast_parser, add_residents_parser
    add_broadcast_parser(sub); add_residents_parser(sub)
    ...
    if args.command == "broadcast":
        config = load_config(args.config) if args.config else None  # `example` needs none
        return run_broadcast_command(args, config, sys.stdout, sys.stderr)
    if args.command == "residents":
        return run_residents_import(args.file, load_config(args.config), sys.stdout, sys.stderr)

or ``run_broadcast(argv_after_broadcast, config, out, err)``. A user's mistake prints one line
(or one line per problem in a rules file) on ``err`` and returns 2; a database failure 1.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, NoReturn, TextIO
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import texts
from bot.broadcasts import ops
from bot.broadcasts.residents import (
    ResidentsFileError,
    ResidentsInvalid,
    import_residents,
    read_residents,
)
from bot.broadcasts.rules import RulesFileError, RulesInvalid, read_rules
from bot.broadcasts.schedule import DEFAULT_LATE_RECURRING
from bot.clock import Clock, SystemClock
from bot.config import Config, UsageError
from bot.observability.progress import bar
from bot.storage.engine import session_factory
from bot.storage.runner import DATABASE_ERRORS, failure_line, with_database
from models.broadcasts import BroadcastRule

Sessions = async_sessionmaker[AsyncSession]

DESCRIPTION = """\
Broadcast rules: reminders sent through the outbox (one message per recipient, each
occurrence once, even with several `mulin serve` processes and across restarts).

  recurring     on a schedule of APScheduler cron fields with day NAMES, in the configured
                time zone (Asia/Shanghai): {day: 1st tue, hour: 19, minute: 30},
                {day_of_week: sat, hour: 9}. Day numbers are refused.
  eligibility   daily at {hour: H}: residents who turn N today ({turns_age: 65}).

Audiences: community | grid:CODE | building:NUMBER | tag:TAG | role:ROLE.
See docs/broadcasts.md for the rules file.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _add_subcommands(bsub: Any, config_required: bool) -> None:
    def cmd(name: str, help_text: str, *, rule_id: bool = True) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = bsub.add_parser(name, help=help_text, description=help_text)
        if rule_id:
            p.add_argument("id", type=int, help="the rule's number (see `list`)")
        p.add_argument("--config", required=config_required, help="path to the YAML configuration")
        return p

    add = cmd(
        "add",
        "add the rules described in a YAML file; every rule is checked first and nothing is"
        " added if any is wrong",
        rule_id=False,
    )
    add.add_argument("file", help="rules file (YAML), see docs/broadcasts.md")
    lst = cmd("list", "list rules with their state and next run time", rule_id=False)
    lst.add_argument("--all", action="store_true", help="include removed rules")
    cmd("show", "one rule: its settings, the next 5 run times and the last occurrences")
    cmd("enable", "enable a rule; it next runs at its next scheduled time (nothing owed)")
    cmd("disable", "disable a rule; nothing is sent until it is enabled again")
    cmd("remove", "remove a rule (kept in the database, never runs again)")
    prev = cmd("preview", "who would get the rule's message now: a count and the first few")
    prev.add_argument("--first", type=int, default=10, help="how many to list (default 10)")
    cmd("run", "send the rule's message now, once (an occurrence keyed by the current time)")
    ex = bsub.add_parser(
        "example",
        help="print an example rules file (council meeting, senior card)",
        description="print an example rules file (council meeting, senior card)",
    )
    ex.add_argument("--config", help="ignored")


def add_broadcast_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``broadcast`` on ``mulin``'s subparsers (``dest="broadcast_command"``)."""
    bc: argparse.ArgumentParser = sub.add_parser(
        "broadcast",
        help="broadcast rules: add, list, show, enable, disable, remove, preview, run",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_subcommands(bc.add_subparsers(dest="broadcast_command", required=True), True)
    return bc


def add_residents_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``residents import FILE --config C`` (``dest="residents_command"``)."""
    res: argparse.ArgumentParser = sub.add_parser("residents", help="residents' data in")
    rsub = res.add_subparsers(dest="residents_command", required=True)
    imp = rsub.add_parser(
        "import",
        help="upsert residents from CSV or YAML (openid, building, unit, room, birth_date, tags)",
        description="Upsert residents by openid from a CSV or YAML file; running it again"
        " with the same file changes nothing. See docs/broadcasts.md.",
    )
    imp.add_argument("file")
    imp.add_argument("--config", required=True, help="path to the YAML configuration")
    return res


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="mulin broadcast",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_subcommands(p.add_subparsers(dest="broadcast_command", required=True), False)
    return p


def run_broadcast(
    args: Sequence[str],
    config: Config,
    out: TextIO,
    err: TextIO,
    *,
    clock: Clock | None = None,
) -> int:
    """``mulin broadcast ARGS`` with the configuration already loaded."""
    try:
        ns = build_parser().parse_args(list(args))
    except UsageError as exc:
        print(f"mulin: {exc}", file=err)
        return 2
    return run_broadcast_command(ns, config, out, err, clock=clock)


def run_broadcast_command(
    args: argparse.Namespace,
    config: Config | None,
    out: TextIO,
    err: TextIO,
    *,
    clock: Clock | None = None,
) -> int:
    command = args.broadcast_command
    if command == "example":
        out.write(example_rules())
        return 0
    if config is None:
        print(f"mulin broadcast {command}: --config is required", file=err)
        return 2
    tz = config.tz
    now = (clock or SystemClock()).now()
    specs = None
    if command == "add":
        specs = _read_specs(args.file, tz, err)
        if specs is None:
            return 2
    if command == "preview" and args.first < 0:
        print("mulin broadcast preview: --first must not be negative", file=err)
        return 2

    async def work(sessions: Sessions) -> list[str]:
        if specs is not None:
            rules = await ops.add_rules(sessions, specs, now, tz)
            return [
                f"added rule {r.id}: {r.name} (next run {_when(r.next_run_at, tz)})" for r in rules
            ]
        return await _rule_command(sessions, command, args, now, tz)

    return _run_db(config, work, out, err)


def _read_specs(path: str, tz: ZoneInfo, err: TextIO) -> list[Any] | None:
    """The rules in a file, or None after printing every problem."""
    try:
        return list(read_rules(path, tz))
    except RulesFileError as exc:
        print(f"mulin: {exc}", file=err)
    except RulesInvalid as exc:
        for line in exc.errors:
            print(line, file=err)
        print(f"mulin: {len(exc.errors)} problem(s) in {path}; nothing was added", file=err)
    return None


async def _rule_command(
    sessions: Sessions, command: str, args: argparse.Namespace, now: datetime, tz: ZoneInfo
) -> list[str]:
    if command == "list":
        return _list_lines(await ops.list_rules(sessions, include_removed=args.all), tz)
    if command == "show":
        return _show_lines(await ops.show_rule(sessions, args.id, now, tz), tz)
    if command in ("enable", "disable"):
        rule = await ops.set_enabled(sessions, args.id, command == "enable", now, tz)
        return [f"rule {rule.id} {command}d (next run {_when(rule.next_run_at, tz)})"]
    if command == "remove":
        rule = await ops.remove_rule(sessions, args.id, now)
        return [f"rule {rule.id} removed: {rule.name}"]
    if command == "preview":
        return _preview_lines(
            await ops.preview_rule(sessions, args.id, now, tz, first=args.first), tz
        )
    if command == "run":
        queued = await ops.run_rule_now(sessions, args.id, now, tz)
        if queued is None:
            return [f"rule {args.id} was already run at this time; nothing sent"]
        return [f"rule {args.id}: {queued} message(s) queued"]
    raise UsageError(f"mulin broadcast: unknown command {command!r}")  # pragma: no cover


def run_residents_import(path: str, config: Config, out: TextIO, err: TextIO) -> int:
    """``mulin residents import FILE``: 0 imported, 2 the file is wrong, 1 the database failed."""
    try:
        data = read_residents(path)
    except ResidentsFileError as exc:
        print(f"mulin: {exc}", file=err)
        return 2
    except ResidentsInvalid as exc:
        for line in exc.errors:
            print(line, file=err)
        print(f"mulin: {len(exc.errors)} problem(s) in {path}; nothing was imported", file=err)
        return 2
    now = SystemClock().now()

    async def work(sessions: Sessions) -> list[str]:
        with bar(len(data.rows), "居民", err) as shown:
            return [(await import_residents(sessions, data, now, shown.update)).line()]

    return _run_db(config, work, out, err)


def _run_db(
    config: Config,
    work: Callable[[Sessions], Awaitable[list[str]]],
    out: TextIO,
    err: TextIO,
) -> int:
    async def run(engine: AsyncEngine) -> list[str]:
        return await work(session_factory(engine))

    try:
        lines = asyncio.run(with_database(config.database.url, run))
    except ops.UnknownRule as exc:
        print(f"mulin: {exc}", file=err)
        return 2
    except DATABASE_ERRORS as exc:
        print(failure_line(exc), file=err)
        return 1
    for line in lines:
        print(line, file=out)
    return 0


# --- printing ----------------------------------------------------------------------------


def _when(at: datetime | None, tz: ZoneInfo) -> str:
    if at is None:
        return "-"
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M %a")


def _state(rule: BroadcastRule) -> str:
    if rule.removed_at is not None:
        return "removed"
    return "enabled" if rule.enabled else "disabled"


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _late(rule: BroadcastRule) -> str:
    if rule.late_within_s is not None:
        return _duration(rule.late_within_s)
    if rule.kind == "eligibility":
        return "the same day (default)"
    return f"{_duration(int(DEFAULT_LATE_RECURRING.total_seconds()))} (default)"


def _schedule(rule: BroadcastRule) -> str:
    parts = " ".join(f"{k}={v}" for k, v in rule.schedule.items())
    if rule.kind == "eligibility" and rule.condition:
        return f"daily {parts}, turns_age={rule.condition['turns_age']}"
    return parts


def _list_lines(rules: list[BroadcastRule], tz: ZoneInfo) -> list[str]:
    if not rules:
        return ["no broadcast rules (add some with `mulin broadcast add FILE`)"]
    lines = [
        f"{'ID':>4}  {'STATE':<8}  {'KIND':<11}  {'NEXT RUN (' + str(tz) + ')':<26}  AUDIENCE / NAME"
    ]
    for r in rules:
        lines.append(
            f"{r.id:>4}  {_state(r):<8}  {r.kind:<11}  {_when(r.next_run_at, tz):<26}"
            f"  {r.audience}  {r.name}"
        )
    return lines


def _show_lines(detail: ops.RuleDetail, tz: ZoneInfo) -> list[str]:
    r = detail.rule
    lines = [
        f"rule {r.id}: {r.name}",
        f"  state: {_state(r)}    kind: {r.kind}",
        f"  schedule: {_schedule(r)} ({tz})",
        f"  audience: {r.audience}",
        f"  late_within: {_late(r)}",
        f"  text: {r.text}",
    ]
    if r.template_fields:
        fields = ", ".join(f"{k}={v}" for k, v in r.template_fields.items())
        lines.append(f"  template_fields: {fields}")
    else:
        lines.append("  template_fields: none (outside the 48-hour window nothing can be sent)")
    lines.append(f"  next runs ({tz}):")
    lines.extend(f"    {_when(at, tz)}" for at in detail.upcoming)
    if not detail.upcoming:
        lines.append("    none (disabled)")
    lines.append("  last occurrences:")
    for o in detail.occurrences:
        lines.append(
            f"    {_when(o.scheduled_for, tz)}  {o.status:<7}  {o.recipients} recipient(s)"
            f"  sent at {_when(o.created_at, tz)}  [{o.key}]"
        )
    if not detail.occurrences:
        lines.append("    none yet")
    return lines


def _preview_lines(preview: ops.Preview, tz: ZoneInfo) -> list[str]:
    r = preview.rule
    lines = [f"rule {r.id} ({r.name}) would go to {preview.count} recipient(s) now"]
    lines.append(f"message (as at {_when(preview.at, tz)}):")
    lines.extend(f"  {line}" for line in preview.text.splitlines())
    if preview.by_building:
        counted = ", ".join(f"{label} {n}" for label, n in preview.by_building)
        lines.append(f"residents by building: {counted}")
    if preview.first:
        lines.append(f"first {len(preview.first)}:")
        lines.extend(f"  {who}" for who in preview.first)
    return lines


def example_rules() -> str:
    rules: list[dict[str, Any]] = [
        {
            "name": "居民议事会提醒",
            "kind": "recurring",
            "schedule": {"day": "1st tue", "hour": 9},
            "audience": "community",
            "text": texts.BROADCAST_COUNCIL.replace("{time}", "7:30"),
            "template_fields": {
                k: v.replace("{time}", "19:30") for k, v in texts.BROADCAST_COUNCIL_FIELDS.items()
            },
            "late_within": "6h",
        },
        {
            "name": "敬老卡申领提醒",
            "kind": "eligibility",
            "condition": {"turns_age": 65},
            "schedule": {"hour": 10},
            "audience": "community",
            "text": texts.BROADCAST_SENIOR_CARD,
            "template_fields": dict(texts.BROADCAST_SENIOR_CARD_FIELDS),
        },
        {
            "name": "独居老人周末问候",
            "kind": "recurring",
            "schedule": {"day_of_week": "sat", "hour": 9},
            "audience": "tag:独居",
            "text": texts.BROADCAST_LIVING_ALONE,
        },
    ]
    head = "# mulin broadcast add FILE — rules file (docs/broadcasts.md)\n"
    return head + yaml.safe_dump({"rules": rules}, allow_unicode=True, sort_keys=False)
