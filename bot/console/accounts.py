"""Console accounts: argon2 password hashes, sign-in with lockouts, server-side sessions and
the audit log. No HTTP here: the sign-in page and ``mulin admin`` both use these.

Sessions and lockouts run on the wall clock, not the service's clock: the demo's fast-forward
must not sign the office out.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import throttle
from models.console import ROLES, AuditEntry, ConsoleSession, ConsoleUser

# OWASP's minimum for argon2id: cheap enough for a small office server, still slow to guess.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
ACCOUNT_FAILURES = 5  # failed sign-ins in a row lock the account ...
ACCOUNT_LOCK = timedelta(minutes=15)  # ... for this long
IP_LIMIT = throttle.Limit(failures=20, window=timedelta(minutes=15), lock_for=timedelta(minutes=15))
MIN_PASSWORD = 8
MAX_PASSWORD = 256
# an account name shows on pages and in the audit log: words, not markup or a page of text
USERNAME = re.compile(r"[\w.-]{2,32}")
TOUCH_EVERY = timedelta(seconds=60)  # how often a request moves the idle timeout on


@cache
def _dummy() -> str:
    """A hash to check unknown names against, so they take as long as known ones."""
    return HASHER.hash("not-a-password")


def now() -> datetime:
    return datetime.now(UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountError(Exception):
    """A mistake in an account command, worded for the person who made it."""


@dataclass(frozen=True)
class SignIn:
    user: ConsoleUser | None
    token: str = ""
    csrf: str = ""
    failure: str = ""  # "" on success; "wrong", "locked", "disabled"


def check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(HASHER.hash, password)


async def _verify(hashed: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(HASHER.verify, hashed, password)
    except (VerificationError, InvalidHashError):
        return False


async def find_user(session: AsyncSession, username: str) -> ConsoleUser | None:
    return (
        await session.execute(select(ConsoleUser).where(ConsoleUser.username == username))
    ).scalar_one_or_none()


async def add_user(
    session: AsyncSession, username: str, password: str, **scope: Any
) -> ConsoleUser:
    if scope.get("role") not in ROLES:
        raise AccountError(f"--role: must be one of {', '.join(ROLES)}")
    if scope["role"] == "grid_leader" and not scope.get("grid_code"):
        raise AccountError("--grid: a grid_leader needs the grid code")
    if await find_user(session, username) is not None:
        raise AccountError(f"user {username!r} exists already")
    check_password(password)
    at = now()
    user = ConsoleUser(
        username=username,
        password_hash=await hash_password(password),
        disabled=False,
        failed_count=0,
        created_at=at,
        updated_at=at,
        **scope,
    )
    session.add(user)
    await session.flush()
    return user


async def set_password(session: AsyncSession, username: str, password: str) -> None:
    user = await find_user(session, username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    check_password(password)
    user.password_hash = await hash_password(password)
    user.failed_count, user.locked_until, user.updated_at = 0, None, now()
    await end_sessions(session, user.id)


async def disable(session: AsyncSession, username: str) -> None:
    user = await find_user(session, username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    user.disabled, user.updated_at = True, now()
    await end_sessions(session, user.id)


async def end_sessions(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user_id))


async def sign_in(
    session: AsyncSession, username: str, password: str, ip: str, idle: timedelta
) -> SignIn:
    """Check the password against the account's and the address's lockouts."""
    at = now()
    ip_key = f"console-ip:{ip}"
    user = await find_user(session, username)
    if await throttle.locked_until(session, ip_key, at) is not None:
        return SignIn(user, failure="locked")
    if user is not None and user.locked_until is not None and user.locked_until > at:
        return SignIn(user, failure="locked")
    good = await _verify(user.password_hash if user else _dummy(), password)
    if user is None or not good:
        await throttle.record_failure(session, ip_key, IP_LIMIT, at)
        if user is not None:
            user.failed_count += 1
            if user.failed_count >= ACCOUNT_FAILURES:
                user.locked_until, user.failed_count = at + ACCOUNT_LOCK, 0
                return SignIn(user, failure="locked")
        return SignIn(user, failure="wrong")
    if user.disabled:
        return SignIn(user, failure="disabled")
    user.failed_count, user.locked_until, user.last_login_at = 0, None, at
    await session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= at))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        ConsoleSession(
            token=_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=at,
            last_seen_at=at,
            expires_at=at + idle,
            ip=ip[:64],
        )
    )
    return SignIn(user, token, csrf)


async def resume(session: AsyncSession, token: str) -> tuple[ConsoleUser, ConsoleSession] | None:
    """The signed-in user of a cookie; None when unknown, expired or disabled. Reads only:
    every page asks this, and it must not take the database's write lock (see ``touch``)."""
    if not token or len(token) > 100:
        return None
    row = await session.get(ConsoleSession, _digest(token))
    if row is None or row.expires_at <= now():
        return None
    user = await session.get(ConsoleUser, row.user_id)
    if user is None or user.disabled:
        return None
    return user, row


def touch_due(row: ConsoleSession) -> bool:
    """Whether a request should move the idle timeout on (at most once a minute)."""
    return now() - row.last_seen_at >= TOUCH_EVERY


async def touch(session: AsyncSession, token: str, idle: timedelta) -> None:
    at = now()
    await session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.token == _digest(token), ConsoleSession.expires_at > at)
        .values(last_seen_at=at, expires_at=at + idle)
    )


async def sign_out(session: AsyncSession, token: str) -> None:
    await session.execute(delete(ConsoleSession).where(ConsoleSession.token == _digest(token)))


def audit(
    session: AsyncSession,
    username: str | None,
    action: str,
    target: str | None = None,
    ip: str | None = None,
    detail: str = "",
    at: datetime | None = None,  # the service's clock, where the action has one (invites)
) -> None:
    session.add(
        AuditEntry(
            at=at or now(),
            username=username,
            action=action,
            target=target,
            ip=(ip or "")[:64] or None,
            detail=detail[:500],
        )
    )


def same(a: str, b: str) -> bool:
    return bool(a) and secrets.compare_digest(a.encode(), b.encode())
