"""Every message or event WeChat delivered to us, stored once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class InboundMessage(Base):
    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # MsgId for messages; FromUserName:CreateTime:Event for events. WeChat retries a message
    # up to three times: this key keeps one row (and one set of effects) per message.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    account: Mapped[str] = mapped_column(String(64), default="")
    msg_type: Mapped[str] = mapped_column(String(32))
    event: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[str | None] = mapped_column(Text)  # the user's text exactly as written
    raw_xml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]  # CreateTime from WeChat
    received_at: Mapped[datetime]
    # How we answered: "passive" (reply_text sent in the HTTP response), "deferred" (the
    # handler ran past the budget; the reply goes out through the outbox), "none", "error".
    reply_mode: Mapped[str] = mapped_column(String(16), default="none")
    reply_text: Mapped[str | None] = mapped_column(Text)
    handled_ms: Mapped[int | None] = mapped_column(Integer)
    # The signed request's identity (see bot.wechat.inbound.replay_key); unique, so a captured
    # signature cannot carry a second message within the timestamp window.
    replay_key: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_inbound_messages_received_at", "received_at"),
        Index("uq_inbound_messages_replay_key", "replay_key", unique=True),
    )


class WeChatUser(Base):
    """What we know about a WeChat user from their own traffic (the messaging window)."""

    __tablename__ = "wechat_users"

    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    following: Mapped[bool] = mapped_column(default=True)
    first_seen_at: Mapped[datetime]
    last_interaction_at: Mapped[datetime]
    # Customer-service messages sent since the last interaction (WeChat allows a handful).
    window_sends: Mapped[int] = mapped_column(Integer, default=0)
