"""Add a message to the outbox inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.bulk import InsertRows
from bot.storage.dialect import dialect_name, insert_for
from bot.storage.staged import staged_for
from models.outbox import OutboxMessage

_OUTBOX = cast(Table, OutboxMessage.__table__)
NEWS_KEYS = ("title", "description", "url", "picurl")
_COLUMNS = (
    "purpose",
    "recipient",
    "payload",
    "dedupe_key",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
)


def _insert(dialect: str) -> Any:
    # Built once per dialect: building and cache-keying a statement per call is costly.
    return (
        insert_for(dialect, _OUTBOX)
        .values({name: bindparam(name, type_=_OUTBOX.c[name].type) for name in _COLUMNS})
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(_OUTBOX.c.id)
    )


_INSERT = {"postgresql": _insert("postgresql"), "sqlite": _insert("sqlite")}


def build_payload(
    *,
    text: str | None,
    news: Mapping[str, str] | Sequence[Mapping[str, str]] | None,
    template_fields: Mapping[str, object] | None,
    template_url: str | None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    if text is not None:
        if not text.strip():
            raise ValueError("text must not be empty")
        payload["text"] = text
    if news is not None:
        articles = [news] if isinstance(news, Mapping) else list(news)
        if len(articles) != 1:
            raise ValueError("news: WeChat sends exactly one article per message")
        article = {k: str(articles[0].get(k, "")) for k in NEWS_KEYS}
        if not article["title"] or not article["url"]:
            raise ValueError("news: an article needs a title and a url")
        payload["news"] = article
    if template_fields is not None:
        if not template_fields:
            raise ValueError("template_fields must not be empty")
        template: dict[str, Any] = {"fields": {str(k): str(v) for k, v in template_fields.items()}}
        if template_url:
            template["url"] = template_url
        payload["template"] = template
    if not payload:
        raise ValueError("a message needs text, news or template_fields")
    return payload


def outbox_params(
    *,
    purpose: str,
    recipient: str,
    text: str | None = None,
    news: Mapping[str, str] | Sequence[Mapping[str, str]] | None = None,
    template_fields: Mapping[str, object] | None = None,
    dedupe_key: str,
    template_url: str | None = None,
    not_before: datetime | None = None,
    now: datetime | None = None,
    at_least_once: bool = False,
) -> dict[str, Any]:
    """One outbox row's values, validated (see :func:`enqueue`)."""
    if not purpose or len(purpose) > 32:
        raise ValueError("purpose must be 1–32 characters")
    if not recipient:
        raise ValueError("recipient openid must not be empty")
    if not dedupe_key or len(dedupe_key) > 200:
        raise ValueError("dedupe_key must be 1–200 characters")
    payload = build_payload(
        text=text, news=news, template_fields=template_fields, template_url=template_url
    )
    if at_least_once:
        payload["at_least_once"] = True
    created = now or datetime.now(UTC)
    return {
        "purpose": purpose,
        "recipient": recipient,
        "payload": payload,
        "dedupe_key": dedupe_key,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": not_before or created,
        "created_at": created,
    }


def queue_rows(rows: Sequence[Mapping[str, Any]]) -> InsertRows:
    """Queuing many prepared rows (from :func:`outbox_params`), as one of a batch's writes.

    A row whose ``dedupe_key`` is already queued is skipped, as with :func:`enqueue`.
    """
    return InsertRows(_OUTBOX, rows, skip_conflicts_on="dedupe_key")


async def enqueue(
    session: AsyncSession,
    *,
    purpose: str,
    recipient: str,
    text: str | None = None,
    news: Mapping[str, str] | Sequence[Mapping[str, str]] | None = None,
    template_fields: Mapping[str, object] | None = None,
    dedupe_key: str,
    template_url: str | None = None,
    not_before: datetime | None = None,
    now: datetime | None = None,
    at_least_once: bool = False,
) -> int | None:
    """Queue one message; returns its id, or None when ``dedupe_key`` was already queued.

    ``text``/``news`` go out as a customer-service message inside the 48-hour window;
    ``template_fields`` (the template's keys → values, each cut to 20 characters) as the
    template configured for ``purpose`` outside it. Give both when either may be needed.
    Nothing is committed here: the row lands or vanishes with the caller's transaction.
    ``at_least_once``: if WeChat's answer to a customer-service send is lost, send it again
    (a possible duplicate is better than a miss: alerts about urgent orders); otherwise such a
    message is sent at most once (see bot/outbound/worker.py).
    """
    params = outbox_params(
        purpose=purpose,
        recipient=recipient,
        text=text,
        news=news,
        template_fields=template_fields,
        dedupe_key=dedupe_key,
        template_url=template_url,
        not_before=not_before,
        now=now,
        at_least_once=at_least_once,
    )
    stmt = _INSERT["postgresql" if dialect_name(session) == "postgresql" else "sqlite"]
    return cast(int | None, (await session.execute(stmt, params)).scalar())


async def stage(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    """Queue prepared rows (from :func:`outbox_params`) with the rest of the unit of work's
    staged rows (bot.storage.staged); a row whose ``dedupe_key`` is queued already is left
    alone, as with :func:`enqueue`."""
    staged = await staged_for(session)
    for row in rows:
        staged.insert(_OUTBOX, dict(row), skip_conflicts_on="dedupe_key")


async def enqueue_many(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> int:
    """Queue many prepared rows (from :func:`outbox_params`) in one executemany; returns how
    many were new (a row whose ``dedupe_key`` is queued already is left alone)."""
    if not rows:
        return 0
    stmt = _INSERT["postgresql" if dialect_name(session) == "postgresql" else "sqlite"]
    return len((await session.execute(stmt, list(rows))).all())
