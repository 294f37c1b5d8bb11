"""A thin async client for the WeChat Official Account API, on aiohttp.

Every call has a timeout and a bounded number of attempts:
- 40001/42001/40014 (token invalid or expired): refresh the token once, retry at once (WeChat
  refused the request, so nothing was carried out);
- -1 (busy), HTTP 5xx, timeouts, connection errors, malformed answers: exponential backoff with
  jitter, at most ``RetryPolicy.attempts`` tries, then ``TransientError``. Message sends are
  the exception: they make one exchange (``once``) and leave retrying to the outbox, which
  records every attempt and decides per kind whether a lost answer may be sent again;
- 45009 (daily quota): ``QuotaExceeded`` carrying the next 00:00 Asia/Shanghai;
- any other error code (45015, 43004, 43101, 45047, ...): ``PermanentError`` with the code.
Logs never contain the secret or a token, and phone numbers in logged payloads are masked.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from yarl import URL

from bot.clock import Clock, SystemClock
from bot.config import WeChatConfig
from bot.wechat.errors import (
    BUSY,
    QUOTA,
    TOKEN_INVALID,
    MediaTooLarge,
    PermanentError,
    QuotaExceeded,
    TokenError,
    TransientError,
    next_beijing_midnight,
)
from bot.wechat.masking import mask_params, mask_payload
from bot.wechat.tokens import MemoryTokenStore, TokenProvider, TokenStore

log = logging.getLogger("mulin.wechat")

TEMPLATE_FIELD_MAX = 20


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries per call for transient failures (the token refresh is extra)
    base_delay: float = 0.5  # seconds before the 2nd try; doubles each time
    max_delay: float = 8.0

    def delay(self, failures: int) -> float:
        """Backoff before the next try after ``failures`` failures (1-based), with jitter."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (failures - 1))
        return random.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class Media:
    """A media file as WeChat sent it: the bytes and the Content-Type it claimed (which the
    caller checks against the bytes: bot/media/images.py)."""

    content: bytes
    content_type: str


Answer = dict[str, Any] | Media
JSON_TYPES = ("application/json", "text/plain", "text/html", "text/javascript")


class WeChatClient:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        *,
        appid: str,
        secret: str,
        api_base: str = "https://api.weixin.qq.com",
        timeout: float = 10.0,
        store: TokenStore | None = None,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
        stable_token: bool = True,
        token_wait_limit: float = 30.0,
    ) -> None:
        self._http = http
        self.appid = appid
        self._secret = secret
        self._base = api_base.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._clock = clock or SystemClock()
        self.retry = retry or RetryPolicy()
        self._stable = stable_token
        self.tokens = TokenProvider(
            appid,
            store if store is not None else MemoryTokenStore(),
            self._fetch_token,
            self._clock,
            wait_limit=token_wait_limit,
        )

    @classmethod
    def from_config(
        cls,
        http: aiohttp.ClientSession,
        config: WeChatConfig,
        store: TokenStore,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
    ) -> WeChatClient:
        return cls(
            http,
            appid=config.appid,
            secret=config.secret,
            api_base=config.api_base,
            timeout=config.api_timeout.total_seconds(),
            store=store,
            clock=clock,
            retry=retry,
        )

    # --- public API --------------------------------------------------------------------------

    async def send_custom(
        self, message: Mapping[str, Any], *, once: bool = False
    ) -> dict[str, Any]:
        """A customer-service message (``touser``, ``msgtype`` and the type's body).

        WeChat has no idempotency key for these: with ``once`` a transport failure is raised
        at once (``TransientError.maybe_delivered`` says whether it may have gone out).
        """
        return await self._call("POST", "/cgi-bin/message/custom/send", body=message, once=once)

    async def send_text(self, openid: str, content: str) -> dict[str, Any]:
        return await self.send_custom(
            {"touser": openid, "msgtype": "text", "text": {"content": content}}
        )

    async def send_news(self, openid: str, articles: list[Mapping[str, str]]) -> dict[str, Any]:
        """A news (图文) message; each article has title, description, url, picurl."""
        return await self.send_custom(
            {"touser": openid, "msgtype": "news", "news": {"articles": [dict(a) for a in articles]}}
        )

    async def send_link(
        self, openid: str, *, title: str, description: str, url: str, thumb_url: str = ""
    ) -> dict[str, Any]:
        link = {"title": title, "description": description, "url": url, "thumb_url": thumb_url}
        return await self.send_custom({"touser": openid, "msgtype": "link", "link": link})

    async def send_template(
        self,
        openid: str,
        template_id: str,
        fields: Mapping[str, str],
        *,
        url: str | None = None,
        client_msg_id: str | None = None,
        once: bool = False,
    ) -> str:
        """A template message; returns WeChat's msgid. ``client_msg_id`` makes retries idempotent."""
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {k: {"value": truncate_field(v)} for k, v in fields.items()},
        }
        if url:
            body["url"] = url
        if client_msg_id:
            body["client_msg_id"] = client_msg_id[:64]
        data = await self._call("POST", "/cgi-bin/message/template/send", body=body, once=once)
        return str(data.get("msgid", ""))

    async def create_menu(self, menu: Mapping[str, Any]) -> None:
        await self._call("POST", "/cgi-bin/menu/create", body=menu)

    async def user_info(self, openid: str, lang: str = "zh_CN") -> dict[str, Any]:
        return await self._call(
            "GET", "/cgi-bin/user/info", params={"openid": openid, "lang": lang}
        )

    async def get_media(self, media_id: str, *, max_bytes: int) -> Media:
        """A temporary media file (``/cgi-bin/media/get``): the bytes when WeChat sends a file,
        ``PermanentError`` 40007 for an unknown or expired id (WeChat answers errors as JSON),
        ``MediaTooLarge`` past ``max_bytes`` (not read further). A video's answer (JSON with a
        download URL) is not a file: ``PermanentError`` 47001."""
        answer = await self._exchange(
            "GET", "/cgi-bin/media/get", params={"media_id": media_id}, max_bytes=max_bytes
        )
        if not isinstance(answer, Media):
            raise PermanentError(47001, "media/get answered JSON without a file")
        return answer

    async def access_token(self) -> str:
        return await self.tokens.get()

    # --- token fetch (called by the TokenProvider, under its lease) -------------------------

    async def _fetch_token(self, failed: str | None) -> tuple[str, int]:
        try:
            if not self._stable:
                params = {"grant_type": "client_credential", "appid": self.appid}
                params["secret"] = self._secret
                data = await self._call("GET", "/cgi-bin/token", params=params, auth=False)
                return _token_answer(data)
            token, expires_in = _token_answer(await self._stable_token(force=False))
            if token == failed:  # WeChat still hands out the one it rejected: force a new one
                token, expires_in = _token_answer(await self._stable_token(force=True))
            return token, expires_in
        except PermanentError as exc:
            raise TokenError(f"cannot get an access token: {exc}", exc.errcode) from exc

    async def _stable_token(self, *, force: bool) -> dict[str, Any]:
        body = {
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self._secret,
            "force_refresh": force,
        }
        return await self._call("POST", "/cgi-bin/stable_token", body=body, auth=False)

    # --- the retry loop ------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        auth: bool = True,
        once: bool = False,
    ) -> dict[str, Any]:
        answer = await self._exchange(method, path, params=params, body=body, auth=auth, once=once)
        if not isinstance(answer, dict):  # only asked for with max_bytes
            raise TransientError(f"{path}: a file where JSON was expected")
        return answer

    async def _exchange(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        auth: bool = True,
        once: bool = False,
        max_bytes: int | None = None,
    ) -> Answer:
        failures = 0
        refreshed = False
        last: TransientError | None = None
        # At most `attempts` transient failures plus one extra pass for the token refresh.
        for _ in range(self.retry.attempts + 1):
            token = await self.tokens.get() if auth else None
            query = dict(params or {})
            if token is not None:
                query["access_token"] = token
            try:
                data = await self._request(method, path, query, body, max_bytes)
                if isinstance(data, Media):
                    return data
                code = _errcode(data)
            except TransientError as exc:
                if once:
                    raise
                last = exc
            else:
                if code == 0:
                    return data
                errmsg = str(data.get("errmsg", ""))
                if code in TOKEN_INVALID and token is not None:
                    if refreshed:
                        raise TokenError(f"access token rejected after a refresh ({code})", code)
                    refreshed = True
                    log.info("wechat %s: token rejected (%s), refreshing once", path, code)
                    await self.tokens.refresh(token)
                    continue
                if code == QUOTA:
                    raise QuotaExceeded(next_beijing_midnight(self._clock.now()), errmsg)
                if code != BUSY:
                    log.warning("wechat %s: error %s %s", path, code, errmsg)
                    raise PermanentError(code, errmsg)
                last = TransientError(f"WeChat busy (-1): {errmsg}", BUSY, maybe_delivered=False)
                if once:
                    raise last
            failures += 1
            if failures >= self.retry.attempts:
                break
            delay = self.retry.delay(failures)
            log.warning("wechat %s: %s; retry %d in %.2fs", path, last, failures, delay)
            await asyncio.sleep(delay)
        assert last is not None
        raise TransientError(f"{path}: gave up after {failures} tries: {last}", last.errcode)

    async def _request(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        body: Mapping[str, Any] | None,
        max_bytes: int | None = None,
    ) -> Answer:
        """One HTTP exchange. Transport problems and unreadable answers become TransientError.
        With ``max_bytes`` a 200 answer that is not JSON is a file (``Media``)."""
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "wechat %s %s %s %s",
                method,
                path,
                mask_params(dict(query)),
                json.dumps(mask_payload(body), ensure_ascii=False) if body is not None else "",
            )
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"} if data else None
        try:
            url = self._base + path + ("?" + urlencode(query) if query else "")
            async with self._http.request(
                method,
                URL(url, encoded=True),
                data=data,
                headers=headers,
                timeout=self._timeout,
            ) as resp:
                status = resp.status
                if max_bytes is not None and status == 200 and resp.content_type not in JSON_TYPES:
                    return Media(await _read_capped(resp, max_bytes), resp.content_type)
                raw = await resp.read()
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            # No connection was made: WeChat never saw the request.
            raise TransientError(
                f"connection failed before sending: {type(exc).__name__}", maybe_delivered=False
            ) from None
        except TimeoutError:
            raise TransientError(f"timed out after {self._timeout.total}s") from None
        except aiohttp.ClientError as exc:
            raise TransientError(f"connection error: {type(exc).__name__}") from None
        if status != 200:
            raise TransientError(f"HTTP {status}")
        try:
            parsed = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise TransientError(f"malformed answer ({len(raw)} bytes, not JSON)") from None
        if not isinstance(parsed, dict):
            raise TransientError("malformed answer (JSON but not an object)")
        return parsed


async def _read_capped(resp: aiohttp.ClientResponse, limit: int) -> bytes:
    """The body, refused as soon as it passes ``limit`` (the declared length first)."""
    if resp.content_length is not None and resp.content_length > limit:
        raise MediaTooLarge(limit, resp.content_length)
    chunks, total = [], 0
    async for chunk in resp.content.iter_chunked(64 * 1024):
        total += len(chunk)
        if total > limit:
            raise MediaTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _errcode(data: Mapping[str, Any]) -> int:
    try:
        return int(data.get("errcode", 0) or 0)
    except (TypeError, ValueError):
        raise TransientError("malformed answer (errcode is not a number)") from None


def _token_answer(data: Mapping[str, Any]) -> tuple[str, int]:
    token = data.get("access_token")
    if not isinstance(token, str) or not token:
        raise TransientError("malformed token answer (no access_token)")
    try:
        expires_in = int(data.get("expires_in", 7200))
    except (TypeError, ValueError):
        raise TransientError("malformed token answer (expires_in)") from None
    return token, expires_in


def truncate_field(value: object, limit: int = TEMPLATE_FIELD_MAX) -> str:
    """Template fields hold at most 20 characters: longer text ends in an ellipsis."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
