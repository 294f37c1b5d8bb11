"""One-time invites: a grid leader on the roster gets a link in WeChat, sets a password, and
has a console account scoped to their grid. No HTTP here: the members page, the invite page and
``mulin admin invite`` use these.

The link carries a random token; only its SHA-256 is stored, so the database (or a backup)
cannot be used to open a pending invite. It works once, until ``admin.invite_valid`` (72 h)
has passed, and a newer invite for the same member revokes older ones. The push goes through
the outbox like every other message (a template message outside the 48-hour window).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.console import accounts
from bot.outbox import enqueue
from bot.outbox.templates import digest_fields
from models.community import Community, Grid, Member
from models.console import ConsoleInvite, ConsoleUser

ROLE = "grid_leader"


class InviteError(Exception):
    """Why an invite cannot be made or used; ``code`` keys the wording (console: Chinese in
    bot/console/texts.py, CLI: English in bot/console/cli.py)."""

    def __init__(self, code: str, **detail: str) -> None:
        super().__init__(code)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class Issued:
    invite: ConsoleInvite
    member: Member
    link: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_for(config: Config, token: str) -> str:
    base = (config.server.public_url or "").rstrip("/")
    return f"{base}{config.admin.path.rstrip('/')}/invite/{token}"


async def _checked(session: AsyncSession, member: Member, grid: str | None) -> tuple[str, str]:
    """(community code, grid code) of a member who may be invited."""
    if not member.active or ROLE not in (member.roles or []):
        raise InviteError("not_grid_leader", member=member.key)
    grids = list(member.grids or [])
    if grid is None:
        if len(grids) != 1:
            raise InviteError("which_grid" if grids else "no_grid", member=member.key)
        grid = grids[0]
    elif grid not in grids:
        raise InviteError("not_their_grid", member=member.key, grid=grid)
    if not member.openid:
        raise InviteError("no_wechat", member=member.key)
    community = await session.get(Community, member.community_id)
    assert community is not None  # a foreign key
    linked = await session.scalar(
        select(ConsoleUser.username).where(
            ConsoleUser.member_key == member.key,
            ConsoleUser.community_code == community.code,
            ConsoleUser.disabled.is_(False),
        )
    )
    if linked:
        raise InviteError("has_account", member=member.key, username=linked)
    return community.code, grid


async def invite(
    session: AsyncSession,
    config: Config,
    member: Member,
    grid: str | None,
    clock: Clock,
    by: str | None = None,
    ip: str | None = None,
) -> Issued:
    """Make the invite and queue the push, in the caller's transaction; ``by`` is the console
    user who asked (None: ``mulin admin invite``). Everything runs on the service's clock,
    as orders do: found from outside, the demo showed an expiry and an audit time on the wall
    clock beside order histories on the demo's (a fast-forward past it expires the link)."""
    now = clock.now()
    if not (config.server.public_url or "").startswith(("http://", "https://")):
        raise InviteError("no_public_url")
    community, grid = await _checked(session, member, grid)
    await session.execute(
        update(ConsoleInvite)
        .where(
            ConsoleInvite.member_id == member.id,
            ConsoleInvite.used_at.is_(None),
            ConsoleInvite.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(32)
    row = ConsoleInvite(
        token_hash=digest(token),
        member_id=member.id,
        community_code=community,
        grid_code=grid,
        created_by=(by or "cli")[:64],
        created_at=now,
        expires_at=now + config.admin.invite_valid,
    )
    session.add(row)
    await session.flush()
    link = link_for(config, token)
    grid_name = await session.scalar(
        select(Grid.name).where(Grid.community_id == member.community_id, Grid.code == grid)
    )
    hours = int(config.admin.invite_valid.total_seconds() // 3600)
    await enqueue(
        session,
        purpose="reminder",
        recipient=member.openid or "",
        text=texts.INVITE_PUSH.format(
            name=member.name, grid=grid_name or grid, hours=hours, link=link
        ),
        template_fields=digest_fields(
            texts.INVITE_TITLE, now.astimezone(config.tz).strftime("%Y-%m-%d")
        ),
        template_url=link,
        dedupe_key=f"console_invite:{row.id}",
        now=clock.now(),
    )
    detail = f"{grid}，{hours} 小时内有效"
    accounts.audit(session, by, "invite_created", member.key, ip or "cli", detail, at=now)
    return Issued(row, member, link)


async def find(session: AsyncSession, token: str, now: datetime) -> tuple[ConsoleInvite, Member]:
    """The usable invite of a link, or ``InviteError`` (unknown, used, revoked, expired)."""
    if not token or len(token) > 100:
        raise InviteError("unknown")
    row = await session.scalar(
        select(ConsoleInvite).where(ConsoleInvite.token_hash == digest(token))
    )
    if row is None:
        raise InviteError("unknown")
    if row.used_at is not None:
        raise InviteError("used")
    if row.revoked_at is not None:
        raise InviteError("revoked")
    if row.expires_at <= now:
        raise InviteError("expired")
    member = await session.get(Member, row.member_id)
    if member is None or not member.active:
        raise InviteError("revoked")
    return row, member


async def accept(
    session: AsyncSession, token: str, username: str, password: str, ip: str, now: datetime
) -> ConsoleUser:
    """Use the invite once: the account, linked to the member and scoped to the grid."""
    row, member = await find(session, token, now)
    if not accounts.USERNAME.fullmatch(username):
        raise InviteError("bad_username")
    if await accounts.find_user(session, username) is not None:
        raise InviteError("username_taken", username=username)
    try:
        accounts.check_password(password)
    except accounts.AccountError:
        raise InviteError("bad_password") from None
    claimed = await session.execute(
        update(ConsoleInvite)
        .where(ConsoleInvite.id == row.id, ConsoleInvite.used_at.is_(None))
        .values(used_at=now, username=username)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]  # the same link, used a moment ago
        raise InviteError("used")
    user = await accounts.add_user(
        session,
        username,
        password,
        role=ROLE,
        community_code=row.community_code,
        grid_code=row.grid_code,
        member_key=member.key,
    )
    accounts.audit(session, username, "invite_accepted", member.key, ip, row.grid_code, at=now)
    return user
