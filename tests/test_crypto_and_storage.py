"""Independent checks: our platform-side crypto against wechatpy, UTC storage, log masking."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from wechatpy.crypto import WeChatCrypto

from bot.observability.logs import MaskingFormatter, mask
from bot.storage.engine import create_engine, session_factory
from bot.storage.migrations import upgrade
from bot.wechat import crypto as wxcrypto
from models.inbound import WeChatUser
from tests.support import AES_KEY, APPID, TOKEN


def test_platform_encryption_interoperates_with_wechatpy() -> None:
    xml = "<xml><Content><![CDATA[水管漏了 🚰]]></Content></xml>"
    ours = wxcrypto.encrypt(xml, AES_KEY, APPID)
    server = WeChatCrypto(TOKEN, AES_KEY, APPID)
    sig = wxcrypto.signature(TOKEN, "1700000000", "abc", ours)
    assert server.decrypt_message({"Encrypt": ours}, sig, "1700000000", "abc") == xml
    reply = server.encrypt_message(xml, "nonce1", "1700000001")
    encrypted = reply.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    assert wxcrypto.decrypt(encrypted, AES_KEY, APPID) == xml
    with pytest.raises(wxcrypto.CryptoError):
        wxcrypto.decrypt(encrypted, AES_KEY, "wx_other")


async def test_datetimes_come_back_aware_utc(db_url: str) -> None:
    engine = create_engine(db_url)
    await upgrade(engine)
    sessions = session_factory(engine)
    shanghai = timezone(timedelta(hours=8))
    written = datetime(2026, 11, 20, 10, 0, tzinfo=shanghai)
    async with sessions() as s, s.begin():
        s.add(
            WeChatUser(
                openid="o1",
                following=True,
                first_seen_at=written,
                last_interaction_at=written,
                window_sends=0,
            )
        )
    async with sessions() as s:
        user = (await s.execute(select(WeChatUser))).scalar_one()
    assert user.first_seen_at == written and user.first_seen_at.tzinfo is not None
    assert user.first_seen_at.utcoffset() == timedelta(0) and user.first_seen_at.hour == 2
    async with sessions() as s:
        with pytest.raises(Exception, match="naive"):
            async with s.begin():
                s.add(
                    WeChatUser(
                        openid="o2",
                        following=True,
                        first_seen_at=datetime(2026, 1, 1),
                        last_interaction_at=datetime.now(UTC),
                        window_sends=0,
                    )
                )
    await engine.dispose()


def test_logs_mask_phones_rooms_and_secrets() -> None:
    line = mask(
        "来自 13800138000 的消息：3栋2单元501漏水，另 5-2-501，座机 027-8765 4321 access_token=abc123&x=1"
    )
    assert "13800138000" not in line and "138****8000" in line
    assert "501" not in line and "abc123" not in line and "8765" not in line
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "call %s", ("13912345678",), None)
    assert "13912345678" not in MaskingFormatter().format(record)
