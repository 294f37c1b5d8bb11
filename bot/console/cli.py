"""``mulin admin``: console accounts from the command line.

A password is read from standard input (one line) when it is piped or with
``--password-stdin``, otherwise asked for twice without echo; never taken from an argument.
A mistake (unknown user, bad role, short password) is one line on stderr and exit status 2.
``mulin admin invite m04`` queues a one-time link to a grid leader's WeChat (the running
service's outbox delivers it): they set their own password (bot/console/invites.py).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
from collections.abc import Sequence
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import SystemClock
from bot.config import Config, UsageError
from bot.console import accounts, invites
from bot.storage.engine import session_factory
from bot.storage.runner import DATABASE_ERRORS, failure_line, with_database
from models.community import Community, Grid, Member
from models.console import ROLES, ConsoleUser


class RefusePassword(argparse.Action):
    """``--password X``: refused with the way to give one (found from outside: argparse took
    it as a prefix of --password-stdin and echoed the password as an unknown argument)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs="?", help=argparse.SUPPRESS)

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        raise UsageError(
            "admin: --password is not accepted (a password in the command line is seen by"
            " every user of the machine): pipe it to --password-stdin"
        )


def add_admin_parser(sub: Any) -> None:
    admin = sub.add_parser("admin", help="console accounts")
    asub = admin.add_subparsers(dest="admin_command", required=True, parser_class=type(admin))
    add = asub.add_parser("add-user", help="add a console account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--grid", help="grid code (grid_leader: required)")
    add.add_argument("--member", help="roster member id to link")
    add.add_argument("--community", help="community code (default: the only one)")
    passwd = asub.add_parser("passwd", help="set an account's password")
    passwd.add_argument("name")
    for p in (add, passwd):
        p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
        p.add_argument("--password", action=RefusePassword)
    listing = asub.add_parser("list", help="list the accounts")
    disable = asub.add_parser("disable", help="disable an account (its sessions end)")
    disable.add_argument("name")
    invite = asub.add_parser(
        "invite", help="push a one-time link to a grid leader on the roster to open an account"
    )
    invite.add_argument("member", help="the roster member's id (e.g. m04)")
    invite.add_argument("--grid", help="grid code, when they lead several")
    invite.add_argument("--community", help="community code, when member ids repeat")
    for p in (add, passwd, listing, disable, invite):
        p.add_argument("--config", required=True)


def read_password(stdin: TextIO, from_stdin: bool) -> str:
    if from_stdin or not stdin.isatty():
        password = stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("密码 password: ")
        if getpass.getpass("再输一次 again: ") != password:
            raise UsageError("admin: the two passwords differ")
    if not password:
        raise UsageError("admin: no password given (type it, or pipe one line to stdin)")
    try:
        accounts.check_password(password)
    except accounts.AccountError as exc:
        raise UsageError(f"admin: {exc}") from None
    return password


async def _scope(s: Any, args: argparse.Namespace) -> dict[str, Any]:
    if not args.name.strip():
        raise accounts.AccountError("NAME: the account name must not be empty")
    codes = list((await s.execute(select(Community.code))).scalars())
    community = args.community
    if community is not None and community not in codes:
        raise accounts.AccountError(f"--community: no community {community!r} on the roster")
    if community is None and len(codes) == 1:
        community = codes[0]
    if args.grid:
        query = select(Community.code).join(Grid, Grid.community_id == Community.id)
        query = query.where(Grid.code == args.grid)
        if community is not None:
            query = query.where(Community.code == community)
        holders = sorted(set((await s.execute(query)).scalars()))
        if not holders:
            raise accounts.AccountError(f"--grid: no grid {args.grid!r} on the roster")
        if community is None and len(holders) > 1:
            # the same grid code in several communities: a leader of one must never see the
            # other's orders
            raise accounts.AccountError(
                f"--community: grid {args.grid!r} is in several communities"
                f" ({', '.join(holders)}); name one"
            )
        if args.role == "grid_leader":
            community = community or holders[0]
    if (
        args.member
        and (await s.execute(select(Member.id).where(Member.key == args.member))).first() is None
    ):
        raise accounts.AccountError(f"--member: no member {args.member!r} on the roster")
    if not accounts.USERNAME.fullmatch(args.name):  # found from outside: 500 characters, HTML
        raise accounts.AccountError(
            "NAME: an account name is 2 to 32 letters, digits, Chinese characters, _ . or -"
        )
    return {
        "role": args.role,
        "community_code": community,
        "grid_code": args.grid,
        "member_key": args.member,
    }


INVITE_ERRORS = {
    "no_public_url": "server.public_url is not set: the link needs the console's address",
    "not_grid_leader": "{member} is not an active grid leader on the roster",
    "no_grid": "{member} has no grid on the roster",
    "which_grid": "{member} leads several grids: give --grid",
    "not_their_grid": "{member} does not lead grid {grid}",
    "no_wechat": "{member} has not bound WeChat yet (the link is pushed there)",
    "has_account": "{member} already has a console account ({username})",
}


async def _invite(s: Any, args: argparse.Namespace, config: Config, out: TextIO) -> None:
    query = select(Member).where(Member.key == args.member)
    if args.community:
        query = query.join(Community, Community.id == Member.community_id).where(
            Community.code == args.community
        )
    found = list((await s.execute(query)).scalars())
    if len(found) != 1:
        said = "no member" if not found else "several members (give --community)"
        raise accounts.AccountError(f"{said} with id {args.member!r}")
    try:
        issued = await invites.invite(s, config, found[0], args.grid, SystemClock())
    except invites.InviteError as exc:
        raise accounts.AccountError(INVITE_ERRORS[exc.code].format(**exc.detail)) from None
    until = issued.invite.expires_at.astimezone(config.tz).strftime("%Y-%m-%d %H:%M")
    print(
        f"invited {issued.member.key} ({issued.member.name}) as grid leader of"
        f" {issued.invite.grid_code}: the link goes to their WeChat, valid until {until}",
        file=out,
    )


async def _work(
    engine: AsyncEngine, args: argparse.Namespace, password: str, out: TextIO, config: Config
) -> None:
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        command = args.admin_command
        if command == "add-user":
            await accounts.add_user(s, args.name, password, **await _scope(s, args))
            accounts.audit(s, None, "user_added", args.name, "cli", args.role)
            print(f"added {args.name} ({args.role})", file=out)
        elif command == "passwd":
            await accounts.set_password(s, args.name, password)
            accounts.audit(s, None, "password_set", args.name, "cli")
            print(f"password set for {args.name}", file=out)
        elif command == "invite":
            await _invite(s, args, config, out)
        elif command == "disable":
            await accounts.disable(s, args.name)
            accounts.audit(s, None, "user_disabled", args.name, "cli")
            print(f"disabled {args.name}", file=out)
        else:
            for u in (
                await s.execute(select(ConsoleUser).order_by(ConsoleUser.username))
            ).scalars():
                # community:grid, so two communities' G01 are told apart
                parts = [part for part in (u.community_code, u.grid_code) if part]
                scope = ":".join(parts) or "-"
                state = "disabled" if u.disabled else "active"
                print(f"{u.username}\t{u.role}\t{scope}\t{u.member_key or '-'}\t{state}", file=out)


def run_admin(
    args: argparse.Namespace, config: Config, stdin: TextIO, out: TextIO, err: TextIO
) -> int:
    password = ""
    if args.admin_command in ("add-user", "passwd"):
        password = read_password(stdin, args.password_stdin)
    try:
        asyncio.run(
            with_database(config.database.url, lambda e: _work(e, args, password, out, config))
        )
    except accounts.AccountError as exc:
        raise UsageError(f"admin: {exc}") from None
    except DATABASE_ERRORS as exc:
        print(failure_line(exc), file=err)
        return 1
    return 0
