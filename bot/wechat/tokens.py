"""The access token: one fetch at a time, shared by every process through a ``TokenStore``.

WeChat invalidates the previous token about five minutes after a new one is issued, so processes
that each fetched their own would keep knocking each other out. The provider reads the shared
store first; only the holder of a short lease (claimed atomically in the store) fetches, the
others wait for its result. Everything here is bounded: no recursion, no unbounded loop.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.clock import Clock
from bot.wechat.errors import TokenError

log = logging.getLogger("mulin.wechat")


@dataclass(frozen=True)
class StoredToken:
    token: str
    expires_at: datetime
    version: int = 0


class TokenStore(Protocol):
    """Where processes share the token. Every method is one atomic operation in the backend."""

    async def get(self, appid: str) -> StoredToken | None: ...

    async def try_lease(self, appid: str, holder: str, until: datetime, now: datetime) -> bool:
        """Claim the right to fetch a new token until ``until``; False if someone else holds it."""
        ...

    async def put(self, appid: str, token: str, expires_at: datetime, holder: str) -> None:
        """Store a fresh token and release ``holder``'s lease."""
        ...

    async def release(self, appid: str, holder: str) -> None: ...

    async def invalidate(self, appid: str, token: str) -> None:
        """Forget the stored token, but only if it is still ``token`` (the one that failed)."""
        ...


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class MemoryTokenStore:
    """A store for one process (tests, single-process tools)."""

    def __init__(self) -> None:
        self._tokens: dict[str, StoredToken] = {}
        self._leases: dict[str, tuple[str, datetime]] = {}

    async def get(self, appid: str) -> StoredToken | None:
        return self._tokens.get(appid)

    async def try_lease(self, appid: str, holder: str, until: datetime, now: datetime) -> bool:
        current = self._leases.get(appid)
        if current is not None and current[1] > now and current[0] != holder:
            return False
        self._leases[appid] = (holder, until)
        return True

    async def put(self, appid: str, token: str, expires_at: datetime, holder: str) -> None:
        old = self._tokens.get(appid)
        self._tokens[appid] = StoredToken(token, expires_at, (old.version if old else 0) + 1)
        await self.release(appid, holder)

    async def release(self, appid: str, holder: str) -> None:
        current = self._leases.get(appid)
        if current is not None and current[0] == holder:
            del self._leases[appid]

    async def invalidate(self, appid: str, token: str) -> None:
        old = self._tokens.get(appid)
        if old is not None and old.token == token:
            del self._tokens[appid]


class RedisTokenStore:
    """Token in a Redis hash with a TTL; the refresh lease is ``SET NX PX``."""

    _RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
    _INVALIDATE = (
        "if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then"
        " return redis.call('DEL', KEYS[1]) end return 0"
    )

    def __init__(self, redis: Any, prefix: str = "mulin:") -> None:
        self._redis = redis
        self._prefix = prefix

    def _key(self, appid: str) -> str:
        return f"{self._prefix}wechat:token:{appid}"

    def _lock(self, appid: str) -> str:
        return f"{self._prefix}wechat:token-lock:{appid}"

    async def get(self, appid: str) -> StoredToken | None:
        raw = await self._redis.hgetall(self._key(appid))
        if not raw:
            return None
        data = {_text(k): _text(v) for k, v in raw.items()}
        if "token" not in data or "expires_at" not in data:
            return None
        return StoredToken(
            data["token"], datetime.fromisoformat(data["expires_at"]), int(data.get("version", 0))
        )

    async def try_lease(self, appid: str, holder: str, until: datetime, now: datetime) -> bool:
        ms = max(1, int((until - now).total_seconds() * 1000))
        return bool(await self._redis.set(self._lock(appid), holder, nx=True, px=ms))

    async def put(self, appid: str, token: str, expires_at: datetime, holder: str) -> None:
        key = self._key(appid)
        ttl = max(1.0, (expires_at - datetime.now(expires_at.tzinfo)).total_seconds())
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"token": token, "expires_at": expires_at.isoformat()})
            pipe.hincrby(key, "version", 1)
            pipe.pexpire(key, int(ttl * 1000))
            await pipe.execute()
        await self.release(appid, holder)

    async def release(self, appid: str, holder: str) -> None:
        await self._redis.eval(self._RELEASE, 1, self._lock(appid), holder)

    async def invalidate(self, appid: str, token: str) -> None:
        await self._redis.eval(self._INVALIDATE, 1, self._key(appid), token)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


# fetch(failed_token) -> (token, expires_in seconds). ``failed_token`` is the token WeChat just
# rejected (or None); a stable_token fetcher uses it to decide on force_refresh.
Fetcher = Callable[[str | None], Awaitable[tuple[str, int]]]


class TokenProvider:
    """Hands out the current token; refreshes it at most once at a time across processes."""

    def __init__(
        self,
        appid: str,
        store: TokenStore,
        fetch: Fetcher,
        clock: Clock,
        *,
        refresh_margin: timedelta = timedelta(minutes=5),
        lease: timedelta = timedelta(seconds=30),
        wait_limit: float = 30.0,
        poll_interval: float = 0.05,
        holder: str | None = None,
        refusal_hold: timedelta = timedelta(seconds=60),
    ) -> None:
        self.appid = appid
        self.store = store
        self._fetch = fetch
        self._clock = clock
        self._margin = refresh_margin
        self._lease = lease
        self._wait_limit = wait_limit
        self._poll = poll_interval
        self.holder = holder or default_holder()
        self._lock = asyncio.Lock()
        self._cached: StoredToken | None = None
        self.fetches = 0  # tokens this provider fetched from WeChat itself
        self.fetch_failures = 0  # fetches that failed: refused by WeChat, or no answer
        # WeChat refused to issue a token (wrong secret, IP not on the allow-list): every send
        # would ask again, spending the token quota; the refusal is repeated locally for a while.
        self._refusal_hold = refusal_hold
        self._refused: tuple[datetime, TokenError] | None = None

    def _fresh(self, token: StoredToken | None) -> bool:
        return token is not None and token.expires_at - self._margin > self._clock.now()

    def _check_refusal(self) -> None:
        if self._refused is not None:
            until, error = self._refused
            if self._clock.now() < until:
                raise error
            self._refused = None

    async def get(self) -> str:
        cached = self._cached
        if cached is not None and self._fresh(cached):
            return cached.token
        self._check_refusal()
        async with self._lock:
            self._check_refusal()
            return await self._obtain(failed=None)

    async def refresh(self, failed: str) -> str:
        """WeChat rejected ``failed``: get another token (someone may already have one)."""
        async with self._lock:
            cached = self._cached
            if cached is not None and cached.token != failed and self._fresh(cached):
                return cached.token
            self._check_refusal()
            self._cached = None
            await self.store.invalidate(self.appid, failed)
            return await self._obtain(failed=failed)

    async def _obtain(self, failed: str | None) -> str:
        deadline = time.monotonic() + self._wait_limit
        for _ in range(max(1, math.ceil(self._wait_limit / self._poll)) + 1):
            stored = await self.store.get(self.appid)
            if stored is not None and stored.token != failed and self._fresh(stored):
                self._cached = stored
                return stored.token
            now = self._clock.now()
            if await self.store.try_lease(self.appid, self.holder, now + self._lease, now):
                try:
                    return await self._fetch_and_store(failed)
                finally:
                    await self.store.release(self.appid, self.holder)
            if time.monotonic() >= deadline:
                break
            await asyncio.sleep(self._poll)
        raise TokenError("timed out waiting for another process to refresh the access token")

    async def _fetch_and_store(self, failed: str | None) -> str:
        # Another process may have stored a token between our read and our lease.
        stored = await self.store.get(self.appid)
        if stored is not None and stored.token != failed and self._fresh(stored):
            self._cached = stored
            return stored.token
        try:
            token, expires_in = await self._fetch(failed)
        except Exception as exc:  # refused, or no answer: counted for /metrics either way
            self.fetch_failures += 1
            if isinstance(exc, TokenError) and exc.errcode is not None:  # WeChat's answer
                log.error(
                    "WeChat refused an access token for appid %s (%s): check wechat.appid,"
                    " wechat.secret and the server IP allow-list; sends wait %ds",
                    self.appid,
                    exc,
                    self._refusal_hold.total_seconds(),
                )
                self._refused = (self._clock.now() + self._refusal_hold, exc)
            raise
        self.fetches += 1
        expires_at = self._clock.now() + timedelta(seconds=expires_in)
        await self.store.put(self.appid, token, expires_at, self.holder)
        self._cached = StoredToken(token, expires_at)
        return token
