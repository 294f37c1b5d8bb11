"""Argument parsing and the ``mulin`` subcommands.

User mistakes (bad flags, bad configuration) print one line on stderr and exit 2; other
failures exit 1. No tracebacks for a user's mistake.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli.checks import check_host
from bot.config import Config, ConfigError, UsageError, load_config, require_real_secrets


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)  # found from outside: --password was guessed
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _add_serve(sub: Any) -> None:
    serve = sub.add_parser("serve", help="run the service: webhook, admin, scheduler ticks")
    serve.add_argument("--config", required=True, help="path to the YAML configuration")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--workers", type=int, default=1, help="processes sharing the port (SO_REUSEPORT)"
    )
    serve.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)
    serve.add_argument(
        "--no-migrate",
        action="store_true",
        help="do not apply migrations at start (run `mulin db upgrade` once instead)",
    )


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="mulin", description="睦邻 — neighbourhood service orders over WeChat")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    _add_serve(sub)

    demo = sub.add_parser("demo", help="run the sandbox: no WeChat account needed")
    demo.add_argument("--port", type=int, default=8080)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--data", default="./data", help="directory for the demo database")
    demo.add_argument(
        "--no-seed", action="store_true", help="no month of sample orders for the console"
    )

    parse = sub.add_parser("parse", help="intake parser: JSON lines in, JSON lines out")
    parse.add_argument("--now", help="ISO 8601 time that relative times are resolved against")
    parse.add_argument("--roster", help="a roster file whose estates (小区) address.estate names")
    parse.add_argument("--config", help="read the estates from this service's database")

    _add_roster_parser(sub)
    from bot.broadcasts import add_broadcast_parser, add_residents_parser

    add_broadcast_parser(sub)
    add_residents_parser(sub)

    from bot.privacy import add_privacy_parser

    add_privacy_parser(sub)

    from bot.console.cli import add_admin_parser

    add_admin_parser(sub)

    menu = sub.add_parser("menu", help="the account's menu")
    msub = menu.add_subparsers(dest="menu_command", required=True, parser_class=_Parser)
    msync = msub.add_parser("sync", help="publish the menu: section of the config to WeChat")
    msync.add_argument("--config", required=True)

    _add_report_parser(sub)
    db = sub.add_parser("db", help="database maintenance")
    dbsub = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    up = dbsub.add_parser("upgrade", help="apply migrations")
    up.add_argument("--config", required=True)
    from bot.cli.database import add_db_parsers

    add_db_parsers(dbsub)
    return p


def _add_roster_parser(sub: Any) -> None:
    roster = sub.add_parser("roster", help="community roster in and out")
    rsub = roster.add_subparsers(dest="roster_command", required=True, parser_class=_Parser)
    rin = rsub.add_parser("import", help="import a roster file (YAML, CSV or XLSX)")
    rin.add_argument("file")
    rin.add_argument("--config", required=True)
    rout = rsub.add_parser("export", help="export the roster (YAML, CSV or XLSX)")
    rout.add_argument("--config", required=True)
    rout.add_argument("--format", choices=["yaml", "csv", "xlsx"])
    rout.add_argument("--output", help="write to this file instead of standard output")
    rout.add_argument("--community", help="community code (when there are several)")


def _add_report_parser(sub: Any) -> None:
    report = sub.add_parser("report", help="reports: the monthly workbook")
    resub = report.add_subparsers(dest="report_command", required=True, parser_class=_Parser)
    monthly = resub.add_parser("monthly", help="the month's figures and orders as XLSX")
    monthly.add_argument("--config", required=True)
    monthly.add_argument("--month", required=True, help="YYYY-MM, in the configured time zone")
    monthly.add_argument("--output", help="file to write (default 睦邻月报-YYYY-MM.xlsx)")


def run(argv: Sequence[str]) -> int:
    try:
        args = build_parser().parse_args(list(argv))
        return _dispatch(args)
    except (UsageError, ConfigError) as exc:
        print(f"mulin: {exc}" if not str(exc).startswith("mulin") else str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "serve":
        config = load_config(args.config)
        require_real_secrets(config)
        check_host(args.host or config.server.host, "--host" if args.host else "server.host")
        if args.workers != 1:
            return _serve_workers(config, args)
        return _serve(
            config, args.host, args.port, reuse_port=args.reuse_port, migrate=not args.no_migrate
        )
    if args.command == "demo":
        from bot.sandbox.demo import run_demo

        port = _port(args.port, 8080)
        return run_demo(host=args.host, port=port, data_dir=args.data, seed=not args.no_seed)
    if args.command == "parse":
        return _parse(args.now, args.roster, args.config)
    if args.command == "roster":
        from bot.roster.cli import run_roster_export, run_roster_import

        config = load_config(args.config)
        if args.roster_command == "import":
            return run_roster_import(args.file, config, sys.stdout, sys.stderr)
        return run_roster_export(
            config,
            args.format,
            sys.stdout,
            sys.stderr,
            output=args.output,
            community=args.community,
        )
    if args.command == "broadcast":
        from bot.broadcasts import run_broadcast_command

        broadcast_config = load_config(args.config) if getattr(args, "config", None) else None
        return run_broadcast_command(args, broadcast_config, sys.stdout, sys.stderr)
    if args.command == "residents":
        from bot.broadcasts import run_residents_import

        return run_residents_import(args.file, load_config(args.config), sys.stdout, sys.stderr)
    if args.command == "privacy":
        from bot.privacy import run_privacy_command

        return run_privacy_command(args, load_config(args.config), sys.stdout, sys.stderr)
    if args.command == "admin":
        from bot.console.cli import run_admin

        config = load_config(args.config)
        return run_admin(args, config, _password_stdin(args), sys.stdout, sys.stderr)
    if args.command == "report":
        return _report_monthly(args)
    if args.command == "menu":
        return _menu_sync(load_config(args.config))
    if args.command == "db" and args.db_command == "upgrade":
        return _db_upgrade(load_config(args.config))
    if args.command == "db":
        from bot.cli.database import run_db_command

        return run_db_command(args, load_config(args.config), sys.stdout, sys.stderr)
    raise UsageError(f"unknown command {args.command!r}")  # pragma: no cover


def _password_stdin(args: argparse.Namespace) -> TextIO:
    """stdin for ``admin add-user|passwd``: a piped password line is decoded here, so bytes
    that are not UTF-8 are one line (exit 2), not a traceback."""
    buffer = getattr(sys.stdin, "buffer", None)
    if args.admin_command not in ("add-user", "passwd") or buffer is None:
        return sys.stdin
    if not args.password_stdin and sys.stdin.isatty():
        return sys.stdin  # asked for twice without echo
    try:
        return io.StringIO(buffer.readline().decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError("admin: the password on standard input is not UTF-8 text") from None


def _report_monthly(args: argparse.Namespace) -> int:
    from bot.kpi.cli import month_arg, run_report_monthly
    from bot.kpi.period import Period

    try:
        Period.parse_month(args.month)  # a bad month is reported before the config is read
    except ValueError as exc:
        raise UsageError(f"--month: {exc}") from None
    config = load_config(args.config)
    period = month_arg(args.month, config)
    return run_report_monthly(config, period, args.output, sys.stdout, sys.stderr)


def _port(value: int | None, default: int) -> int:
    port = default if value is None else value
    if not 0 <= port <= 65535:
        raise UsageError(f"--port: must be between 0 and 65535, got {port}")
    return port


def _serve_workers(config: Config, args: argparse.Namespace) -> int:
    from bot.cli.workers import run_workers
    from bot.observability import logs as logsetup

    if not 1 <= args.workers <= 64:
        raise UsageError(f"--workers: must be between 1 and 64, got {args.workers}")
    port = _port(args.port, config.server.port)
    if port == 0:
        raise UsageError("--workers: needs a fixed --port (0 would give each worker its own)")
    logsetup.configure(config.logging.level, config.logging.format)
    if _db_upgrade(config) != 0:  # once, before the workers start
        return 1
    return run_workers(args.config, args.host or config.server.host, port, args.workers)


def _serve(
    config: Config,
    host: str | None,
    port: int | None,
    *,
    reuse_port: bool = False,
    migrate: bool = True,
) -> int:
    from aiohttp import web

    from bot.app import create_app
    from bot.observability import heap
    from bot.observability import logs as logsetup
    from bot.storage.runner import DATABASE_ERRORS, failure_line

    logsetup.configure(config.logging.level, config.logging.format)
    use_fast_event_loop()
    _warn_about_holidays(config)
    app = create_app(config, run_migrations=migrate)

    async def settle_heap(_: web.Application) -> None:
        # last of the startup steps: the database, clients and scheduler are up by now
        heap.warm_up()
        heap.settle()

    app.on_startup.append(settle_heap)
    try:
        web.run_app(
            app,
            host=host or config.server.host,
            port=_port(port, config.server.port),
            reuse_port=reuse_port or None,
            print=_banner(config.logging.format),
        )
    except OSError as exc:
        print(f"mulin: cannot start: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except DATABASE_ERRORS as exc:  # e.g. a file that is not a database: as `db upgrade` says
        print(failure_line(exc), file=sys.stderr)
        return 1
    return 0


def _banner(fmt: str) -> Callable[[str], None]:
    """aiohttp's "Running on ..." lines: on stderr, or as log lines when logs are JSON (so
    every line a log collector reads is one JSON object)."""
    if fmt != "json":
        return lambda msg: print(msg, file=sys.stderr)
    import logging

    log = logging.getLogger("mulin")

    def to_log(msg: str) -> None:
        for line in msg.splitlines():
            if line.strip():
                log.info(line)

    return to_log


def _warn_about_holidays(config: Config) -> None:
    import logging

    from bot.orders.holidays import coverage_warning

    sla = config.sla
    warning = coverage_warning(
        sla.working_hours is not None,
        sla.holiday_calendar,
        sla.configured_days,
        datetime.now(config.tz).date(),
    )
    if warning:
        logging.getLogger("mulin").warning(warning)


def use_fast_event_loop() -> None:
    """uvloop where available: the HTTP side costs about half as much CPU per request."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - e.g. on Windows
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def _db_upgrade(config: Config) -> int:
    from bot.storage.runner import DATABASE_ERRORS, failure_line, with_database

    async def nothing(_: object) -> None:
        return None

    try:
        asyncio.run(with_database(config.database.url, nothing))
    except DATABASE_ERRORS as exc:
        print(failure_line(exc), file=sys.stderr)
        return 1
    print("database is up to date", file=sys.stderr)
    return 0


def _menu_sync(config: Config) -> int:
    from bot.storage.runner import with_database
    from bot.ticks.outbox import sync_menu

    if not config.menu:
        raise UsageError("menu: the configuration has no menu section to publish")
    menu = config.menu

    async def publish(engine: AsyncEngine) -> None:
        # migrated first: the shared access token lives in the database
        await sync_menu(config, menu, engine)

    try:
        asyncio.run(with_database(config.database.url, publish))
    except Exception as exc:  # the API's refusal or an unreachable server: one line, no trace
        print(f"mulin: menu sync failed: {exc}", file=sys.stderr)
        return 1
    print("menu published", file=sys.stderr)
    return 0


def _parse(now_text: str | None, roster: str | None = None, config: str | None = None) -> int:
    from bot.roster.gazetteer import gazetteer_from_database, gazetteer_from_file
    from bot.storage.runner import DATABASE_ERRORS, failure_line, with_database

    gazetteer = None
    zone = None
    if config:
        loaded = load_config(config)
        zone = loaded.tz  # "明天上午" is the morning where the service runs
        try:
            if not roster:
                gazetteer = asyncio.run(with_database(loaded.database.url, gazetteer_from_database))
        except DATABASE_ERRORS as exc:  # as `mulin db upgrade` says it
            print(failure_line(exc), file=sys.stderr)
            return 1
    if roster:
        gazetteer = gazetteer_from_file(roster)
    default_now: datetime | None = None
    if now_text is not None:
        try:
            default_now = datetime.fromisoformat(now_text)
        except ValueError:
            raise UsageError(f"--now: not an ISO 8601 time: {now_text!r}") from None
        if default_now.tzinfo is None:
            raise UsageError("--now: needs a UTC offset, e.g. 2026-11-20T10:00:00+08:00")
    from bot.intake.cli import run_parse

    try:
        return run_parse(sys.stdin, sys.stdout, sys.stderr, default_now, gazetteer, zone)
    except BrokenPipeError:
        # the reader stopped early (| head): not a failure; nothing more to say to it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
