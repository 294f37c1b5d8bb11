"""Storing inbound messages and what we learn of their senders: Core statements, no ORM."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.messages import Incoming
from bot.storage.dialect import dialect_insert, dialect_name, insert_for
from models.inbound import InboundMessage, WeChatUser

# Only these open WeChat's 48-hour customer-service window.
_INTERACTIONS = frozenset({"subscribe", "subscribe_scan", "scan", "click"})
# Events WeChat sends about a user without the user doing anything.
_NOT_FROM_USER = frozenset(
    {"templatesendjobfinish", "masssendjobfinish", "subscribe_msg_sent_event"}
)
_NEVER = datetime(2000, 1, 1, tzinfo=UTC)
_INBOUND = cast(Table, InboundMessage.__table__)
_USERS = cast(Table, WeChatUser.__table__)


def row(message: Incoming, mode: str, now: datetime) -> dict[str, Any]:
    return {
        "dedupe_key": message.dedupe_key,
        "openid": message.openid,
        "account": message.account,
        "msg_type": message.msg_type,
        "event": message.event,
        "content": message.content,
        "raw_xml": message.raw_xml,
        "created_at": message.created_at,
        "received_at": now,
        "reply_mode": mode,
        "reply_text": texts.SYSTEM_ERROR if mode == "error" else None,
        "replay_key": message.replay_key,
    }


async def insert_many(
    session: AsyncSession, messages: list[Incoming], now: datetime
) -> dict[str, int]:
    """Store a batch; the ids of the messages that were new (by dedupe key)."""
    # One statement shape for every batch size: SQLAlchemy compiles it once and sends the
    # rows as "insertmanyvalues"; a literal multi-row VALUES was recompiled per batch.
    stmt = _insert_statement(dialect_name(session))
    rows = [row(m, "none", now) for m in messages]
    # Core statements go straight to the connection: the ORM session adds nothing here.
    conn = await session.connection()
    return {key: row_id for key, row_id in (await conn.execute(stmt, rows)).all()}


async def insert_one(
    session: AsyncSession, message: Incoming, mode: str, now: datetime
) -> int | None:
    stmt = (
        dialect_insert(session, _INBOUND)
        .values(row(message, mode, now))
        .on_conflict_do_nothing()
        .returning(InboundMessage.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def touch_users(session: AsyncSession, messages: list[Incoming], now: datetime) -> None:
    """Record who wrote: following or not, and when they last opened the 48-hour window."""
    latest: dict[str, tuple[bool | None, bool]] = {}
    for m in messages:
        following, interacted = latest.get(m.openid, (None, False))
        if m.event not in _NOT_FROM_USER:
            following = m.event != "unsubscribe"
        interacted = interacted or m.msg_type != "event" or (m.event or "") in _INTERACTIONS
        latest[m.openid] = (following, interacted)
    groups: dict[tuple[bool, bool], list[dict[str, Any]]] = {}
    # In openid order, as the outbox updates them: no two transactions lock the same
    # users crosswise.
    for openid, (following, interacted) in sorted(latest.items()):
        groups.setdefault((following is not None, interacted), []).append(
            {
                "openid": openid,
                "following": True if following is None else following,
                "first_seen_at": now,
                "last_interaction_at": now if interacted else _NEVER,
                "window_sends": 0,
            }
        )
    dialect = dialect_name(session)
    for (sets_following, interacted), rows in groups.items():
        stmt = _touch_statement(dialect, sets_following, interacted)
        await (await session.connection()).execute(stmt, rows)


# Every batch runs the same few statements: each is built once (per backend and shape), not
# rebuilt and re-keyed for SQLAlchemy's compiled cache per batch.
@cache
def _insert_statement(dialect: str) -> Any:
    return (
        insert_for(dialect, _INBOUND)
        # No conflict target: a repeated dedupe key (WeChat's retry) and a repeated
        # replay key (a captured signature reused with another body) are both skipped.
        .on_conflict_do_nothing()
        .returning(_INBOUND.c.dedupe_key, _INBOUND.c.id)
    )


@cache
def _touch_statement(dialect: str, sets_following: bool, interacted: bool) -> Any:
    stmt = insert_for(dialect, _USERS)
    set_: dict[str, Any] = {}
    if sets_following:
        set_["following"] = stmt.excluded.following
    if interacted:
        set_["last_interaction_at"] = stmt.excluded.last_interaction_at
        set_["window_sends"] = 0
    if set_:
        return stmt.on_conflict_do_update(index_elements=["openid"], set_=set_)
    return stmt.on_conflict_do_nothing(index_elements=["openid"])


async def first_answer(session: AsyncSession, message: Incoming) -> tuple[str, str | None] | None:
    """How the first delivery of this message was answered (a retry gets the same): the
    reply mode and text, or None when no message is stored under its dedupe key."""
    found = (
        await session.execute(
            select(InboundMessage.reply_mode, InboundMessage.reply_text).where(
                InboundMessage.dedupe_key == message.dedupe_key
            )
        )
    ).one_or_none()
    return (found[0], found[1]) if found is not None else None
