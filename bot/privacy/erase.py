"""Erasing a resident: personal data deleted or replaced, the office's figures intact.

Orders stay (the community's statistics and the members' work depend on them) under a random
pseudonym that replaces the openid everywhere, so counts per resident still add up; their
texts, phones, rooms and attachments (photos and places they sent) are removed. Rows that exist only because of the resident
(their WeChat user row, registered address, conversation state, pushes to them, limits on their
openid) are deleted. docs/privacy.md lists every table and why.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, literal, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.media import store as media
from bot.observability.logs import mask_phone_numbers
from bot.orders.dispatch import Place
from bot.privacy.export import order_ids_of
from models.broadcasts import BroadcastReceipt
from models.community import Resident
from models.inbound import InboundMessage, WeChatUser
from models.media import OrderAttachment
from models.orders import Conversation, Order, OrderEvent, OrderFollower
from models.outbox import OutboxMessage
from models.throttle import Throttle

ERASED_TEXT = "（已按居民要求删除）"
PSEUDONYM_PREFIX = "anon-"


def pseudonym_for() -> str:
    """A fresh pseudonym: random, so it cannot be traced back to the openid."""
    return PSEUDONYM_PREFIX + secrets.token_hex(10)


@dataclass
class ErasureSummary:
    pseudonym: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        return [f"{name}: {n}" for name, n in self.counts.items() if n]


async def _count(session: AsyncSession, stmt: object) -> int:
    result = await session.execute(stmt)  # type: ignore[call-overload]
    return int(result.rowcount or 0)


async def erase_resident(session: AsyncSession, openid: str, now: datetime) -> ErasureSummary:
    """Erase inside the caller's transaction; the summary counts the rows touched."""
    pseudo = pseudonym_for()
    if session.get_bind().dialect.name == "sqlite":
        # SQLite keeps deleted and overwritten content in free space unless told to zero it
        await session.execute(text("PRAGMA secure_delete=ON"))
    reported, _followed = await order_ids_of(session, openid)
    actor = f"resident:{openid}"
    homes = await _home_words(session, reported)  # read before the door number is cleared
    c: dict[str, int] = {}
    c["pushes_to_others_scrubbed"] = await _scrub_pushes(session, openid, reported, homes)
    c["inbound_messages"] = await _count(
        session,
        update(InboundMessage)
        .where(InboundMessage.openid == openid)
        .values(
            openid=pseudo,
            dedupe_key=literal(PSEUDONYM_PREFIX + "msg:") + cast(InboundMessage.id, String),
            content=None,
            raw_xml="",
            reply_text=None,
        ),
    )
    c["orders_reported"] = await _count(
        session,
        update(Order)
        .where(Order.resident_openid == openid)
        .values(
            resident_openid=pseudo,
            text=ERASED_TEXT,
            summary=ERASED_TEXT,
            phones=[],
            room=None,
            version=Order.version + 1,
        )
        .execution_options(synchronize_session=False),
    )
    c["order_followers"] = await _count(
        session,
        update(OrderFollower).where(OrderFollower.openid == openid).values(openid=pseudo, text=""),
    )
    c["order_events"] = await _count(
        session,
        update(OrderEvent)
        .where(OrderEvent.actor == actor)
        .values(actor=f"resident:{pseudo}", note=ERASED_TEXT, data=None),
    )
    c["order_events_masked"] = await _mask_member_notes(session, reported, homes)
    c["broadcast_deliveries"] = await _count(
        session,
        update(BroadcastReceipt).where(BroadcastReceipt.openid == openid).values(openid=pseudo),
    )
    c.update(await _delete_own_rows(session, openid))
    sent = await session.scalars(select(OrderAttachment.id).where(OrderAttachment.openid == openid))
    c["photos_and_places"] = await media.drop(session, list(sent))
    return ErasureSummary(pseudo, c)


async def _delete_own_rows(session: AsyncSession, openid: str) -> dict[str, int]:
    """Rows that exist only because of the resident."""
    c: dict[str, int] = {}
    for name, stmt in (
        ("outbox", delete(OutboxMessage).where(OutboxMessage.recipient == openid)),
        ("conversation", delete(Conversation).where(Conversation.openid == openid)),
        ("resident", delete(Resident).where(Resident.openid == openid)),
        ("wechat_user", delete(WeChatUser).where(WeChatUser.openid == openid)),
        (
            "limits",
            delete(Throttle).where(
                or_(Throttle.key == openid, Throttle.key.like(f"%:{_like(openid)}", escape="\\"))
            ),
        ),
    ):
        c[name] = await _count(session, stmt)
    return c


async def _home_words(session: AsyncSession, order_ids: list[int]) -> dict[int, dict[str, str]]:
    """Each order's door as the bot wrote it elsewhere (派给 …：1栋2单元501的居民代表, a push's
    1栋2单元501) → the same without the door: the building and stairwell stay (they point to
    no one household, and the figures need them), the door number goes."""
    out: dict[int, dict[str, str]] = {}
    for order_id in order_ids:
        order = await session.get(Order, order_id)
        if order is None or not order.room or not order.building:
            continue
        b, u, r = order.building, order.unit, order.room
        words = {Place(b, u, r).label(): Place(b, u).label()}
        if u:
            words[f"{b}-{u}-{r}"] = f"{b}-{u}"
        out[order_id] = words
    return out


def _scrub(value: Any, needles: list[str], homes: dict[str, str] | None = None) -> Any:
    if isinstance(value, str):
        for needle in needles:
            value = value.replace(needle, ERASED_TEXT)
        for door, kept in (homes or {}).items():
            value = value.replace(door, kept)
        return mask_phone_numbers(value)
    if isinstance(value, list):
        return [_scrub(v, needles, homes) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, needles, homes) for k, v in value.items()}
    return value


async def _scrub_pushes(
    session: AsyncSession, openid: str, order_ids: list[int], homes: dict[int, dict[str, str]]
) -> int:
    """Pushes about the resident's orders to members (``order:<n>:…``), and our replies to
    members that name the order, quoted the resident's words and phone: those are replaced,
    the rest stays (the member's record)."""
    changed = 0
    for order_id in order_ids:
        order = await session.get(Order, order_id)
        if order is None:  # pragma: no cover - read a moment ago
            continue
        needles = sorted({order.text, order.summary, *order.phones} - {""}, key=len, reverse=True)
        rows = await session.execute(
            select(OutboxMessage.id, OutboxMessage.payload).where(
                OutboxMessage.dedupe_key.like(f"order:{order_id}:%"),
                OutboxMessage.recipient != openid,
            )
        )
        for row_id, payload in rows.all():
            scrubbed = _scrub(payload, needles, homes.get(order_id))
            if scrubbed != payload:
                await session.execute(
                    update(OutboxMessage).where(OutboxMessage.id == row_id).values(payload=scrubbed)
                )
                changed += 1
        replies = await session.execute(
            select(InboundMessage.id, InboundMessage.reply_text).where(
                InboundMessage.reply_text.like(f"%#{order_id}%"),
                InboundMessage.openid != openid,
            )
        )
        for row_id, reply in replies.all():
            if (scrubbed := _scrub(reply, needles, homes.get(order_id))) != reply:
                await session.execute(
                    update(InboundMessage)
                    .where(InboundMessage.id == row_id)
                    .values(reply_text=scrubbed)
                )
                changed += 1
    return changed


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def _mask_member_notes(
    session: AsyncSession, order_ids: list[int], homes: dict[int, dict[str, str]]
) -> int:
    """Members' notes on the resident's orders keep their words, with phone numbers masked
    and the door number gone (the system's 派给 …：1栋2单元501的居民代表 too)."""
    if not order_ids:
        return 0
    changed = 0
    rows = await session.execute(
        select(OrderEvent.id, OrderEvent.order_id, OrderEvent.note).where(
            OrderEvent.order_id.in_(order_ids)
        )
    )
    for event_id, order_id, note in rows.all():
        masked = _scrub(note or "", [], homes.get(order_id))
        if masked != (note or ""):
            await session.execute(
                update(OrderEvent).where(OrderEvent.id == event_id).values(note=masked)
            )
            changed += 1
    return changed
