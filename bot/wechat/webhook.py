"""The WeChat webhook: ``GET`` (URL verification) and ``POST`` (messages and events)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

from aiohttp import web

from bot.keys import CODEC, CONFIG, METRICS
from bot.wechat.inbound import Rejected
from bot.wechat.processor import InboundProcessor
from bot.wechat.unit import Outcome, Ticket

log = logging.getLogger(__name__)

PROCESSOR = web.AppKey("processor", InboundProcessor)
_PASSIVE_LIMIT = 4.3  # seconds: WeChat gives up at 5, network included
# handling that outlived its request
_TASKS: web.AppKey[set[asyncio.Future[Outcome]]] = web.AppKey("webhook_tasks")


async def verify(request: web.Request) -> web.Response:
    codec = request.app[CODEC]
    try:
        echostr = codec.verify_url(request.query)
    except Rejected as exc:
        request.app[METRICS].count("rejected")
        return web.Response(status=exc.status, text=exc.reason)
    return web.Response(text=echostr)


async def receive(request: web.Request) -> web.Response:
    started = time.perf_counter()
    try:
        return await _receive(request)
    finally:
        request.app[METRICS].webhook_seconds.observe(time.perf_counter() - started)


async def _receive(request: web.Request) -> web.Response:
    app = request.app
    metrics = app[METRICS]
    codec = app[CODEC]
    config = app[CONFIG]
    try:
        codec.check_query(request.query)  # before the body is read
        body = await _read_body(request, config.server.max_body_bytes)
        decoded = codec.decode(request.query, body)
    except Rejected as exc:
        metrics.count("rejected")
        log.info("webhook refused: %s (%d)", exc.reason, exc.status)
        return web.Response(status=exc.status, text=exc.reason)

    ticket = Ticket()
    started = time.perf_counter()
    task = app[PROCESSOR].submit(decoded.incoming, ticket)
    budget = config.server.reply_budget.total_seconds()
    done, _ = await asyncio.wait({task}, timeout=budget)
    if not done and ticket.state == "passive":
        # Already committing its passive reply: give it a little more of WeChat's five seconds,
        # leaving room to hold the message and answer if the commit is stuck.
        done, _ = await asyncio.wait({task}, timeout=max(0.05, _PASSIVE_LIMIT - budget))
    if not done:
        # Out of time, and not committed yet: answer only if the message is safe in the
        # spool; otherwise let WeChat retry (the retry is a duplicate if this one commits).
        ticket.state = "late"
        app[_TASKS].add(task)
        task.add_done_callback(app[_TASKS].discard)
        metrics.late_replies.inc()
        if await app[PROCESSOR].hold(decoded.incoming):
            ticket.state = "held"
            metrics.count("late")
            return web.Response(text="success")
        metrics.count("unstored")
        return web.Response(status=503, text="not stored yet; retry")
    outcome: Outcome = task.result()
    metrics.handler_seconds.observe(time.perf_counter() - started)
    if outcome.refused:
        metrics.count("replayed")
        log.info("webhook refused: replayed signature with another body (403)")
        return web.Response(status=403, text="replayed request")
    if not outcome.stored:
        metrics.count("unstored")
        return web.Response(status=503, text="not stored; retry")
    if outcome.duplicate:
        metrics.duplicates.inc()
    metrics.count("duplicate" if outcome.duplicate else outcome.mode)
    if outcome.reply is None:
        return web.Response(text="success")
    xml = codec.encode_reply(outcome.reply, decoded.incoming, decoded.encrypted, request.query)
    return web.Response(text=xml, content_type="application/xml")


async def _read_body(request: web.Request, limit: int) -> bytes:
    if request.headers.get("Content-Encoding", "identity").strip().lower() != "identity":
        # WeChat never compresses; a body that claims to be would fail to inflate
        raise Rejected(415, "compressed body")
    if request.content_length is not None and request.content_length > limit:
        raise Rejected(413, "body too large")
    if request.content_length is not None:
        return await request.read()  # its length is known and under the cap
    return await _read_capped(request, limit)


async def _read_capped(request: web.Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(16 * 1024):
        size += len(chunk)
        if size > limit:
            raise Rejected(413, "body too large")
        chunks.append(chunk)
    return b"".join(chunks)


async def tasks_ctx(app: web.Application) -> AsyncIterator[None]:
    tasks: set[asyncio.Future[Outcome]] = set()
    app[_TASKS] = tasks
    yield
    pending = list(tasks)
    if pending:  # let late handlers finish and queue their replies before the engine closes
        await asyncio.wait(pending, timeout=10)


def setup(app: web.Application, path: str) -> None:
    app.router.add_get(path, verify)
    app.router.add_post(path, receive)
    app.cleanup_ctx.append(tasks_ctx)
