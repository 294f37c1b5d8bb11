"""Abuse paths: guessing invite codes, example secrets on a live service, leaky logs."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.app import create_app
from bot.config import ConfigError, build_config, require_real_secrets
from bot.keys import SESSIONS
from bot.observability.logs import MaskingFormatter, mask
from bot.sandbox.platform import WeChatPlatform
from models.community import Community, Member
from models.outbox import OutboxMessage
from tests.support import APPID, LIVE_AES_KEY, LIVE_SECRET, LIVE_TOKEN, TOKEN, make_config

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


class Chat:
    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.client = client
        self.wx = WeChatPlatform(token=TOKEN, appid=APPID, mode="plain")

    async def say(self, openid: str, text: str) -> str:
        d = self.wx.deliver(self.wx.text(openid, text))
        resp = await self.client.post("/wechat", params=d.params, data=d.body)
        assert resp.status == 200
        reply = self.wx.open_reply(await resp.text())
        return reply["Content"] if reply else ""


async def seed(client: TestClient[Any, Any], expires: timedelta = timedelta(days=14)) -> None:
    now = datetime.now(UTC)
    async with client.app[SESSIONS]() as s, s.begin():
        c = Community(code="qhj", name="青和居社区")
        s.add(c)
        await s.flush()
        for key, name, roles, openid, code in (
            ("m01", "张美丽", ["staff"], "o_staff", None),
            ("m02", "李建国", ["representative"], None, "ABCDEF"),
        ):
            s.add(
                Member(
                    community_id=c.id,
                    key=key,
                    name=name,
                    roles=roles,
                    grids=[],
                    buildings=[],
                    households=[],
                    categories=[],
                    openid=openid,
                    invite_code=code,
                    invite_expires_at=now + expires if code else None,
                    on_duty=True,
                    active=True,
                    created_at=now,
                    updated_at=now,
                )
            )


@pytest.fixture
async def chat(aiohttp_client: ClientFactory, db_url: str) -> Chat:
    client = await aiohttp_client(create_app(make_config(db_url), start_scheduler=False))
    await seed(client)
    return Chat(client)


async def test_one_user_is_locked_out_after_five_wrong_codes(chat: Chat) -> None:
    replies = [await chat.say("o_attacker", f"代表绑定 ZZZZ{i:02d}") for i in range(5)]
    assert all("不对" in r for r in replies[:4]) and "次数太多" in replies[4]
    # even the right code is refused while locked out: guessing cannot continue
    assert "次数太多" in await chat.say("o_attacker", "代表绑定 ABCDEF")
    assert "绑定成功" in await chat.say("o_honest", "代表绑定 ABCDEF")


async def test_a_burst_from_many_users_pauses_binding_and_tells_staff(chat: Chat) -> None:
    for i in range(30):
        await chat.say(f"o_bot{i}", f"代表绑定 ZZZZ{i:02d}")
    assert "次数太多" in await chat.say("o_honest", "代表绑定 ABCDEF")
    async with chat.client.app[SESSIONS]() as s:
        pushes = (
            (await s.execute(select(OutboxMessage).where(OutboxMessage.recipient == "o_staff")))
            .scalars()
            .all()
        )
        member = (await s.execute(select(Member).where(Member.key == "m02"))).scalar_one()
    assert len(pushes) == 1 and "邀请码" in pushes[0].payload["text"]
    assert member.openid is None


async def test_codes_are_single_use_and_expire(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    client = await aiohttp_client(create_app(make_config(sqlite_url), start_scheduler=False))
    await seed(client, expires=timedelta(seconds=-1))
    c = Chat(client)
    assert "过期" in await c.say("o_late", "代表绑定 ABCDEF")
    async with client.app[SESSIONS]() as s, s.begin():
        m = (await s.execute(select(Member).where(Member.key == "m02"))).scalar_one()
        m.invite_expires_at = datetime.now(UTC) + timedelta(days=1)
    assert "绑定成功" in await c.say("o_first", "代表绑定 abcdef")
    assert "不对" in await c.say("o_second", "代表绑定 ABCDEF")  # used once, gone


# --- example secrets on a live service -------------------------------------------------------
def live(**wechat: Any) -> Any:
    raw = {
        "wechat": {
            "token": LIVE_TOKEN,
            "secret": LIVE_SECRET,
            "encoding_aes_key": LIVE_AES_KEY,
            "mode": "safe",
            **wechat,
        }
    }
    return build_config(raw, environ={})


@pytest.mark.parametrize(
    ("wechat", "key"),
    [
        ({"token": "change-me"}, "wechat.token"),
        ({"token": "abc"}, "wechat.token"),
        ({"encoding_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}, "encoding_aes_key"),
        ({"encoding_aes_key": "a" * 43}, "encoding_aes_key"),
        ({"secret": ""}, "wechat.secret"),
        ({"secret": "demo-secret"}, "wechat.secret"),
    ],
)
def test_serve_refuses_example_and_weak_secrets(wechat: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        require_real_secrets(live(**wechat))


def test_serve_accepts_real_looking_secrets() -> None:
    require_real_secrets(live())


def test_example_config_cannot_start_a_live_service() -> None:
    from pathlib import Path

    from bot.config import load_config

    example = Path(__file__).resolve().parent.parent / "config.example.yaml"
    with pytest.raises(ConfigError, match="wechat"):
        require_real_secrets(load_config(example, environ={}))


# --- logs ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("电话 +8613812345678", "12345678"),
        ("8613987654321 找我", "98765432"),
        ("００８６ １３８１２３４５６７８", "１２３４５６７８"),
        ("电话１３８１２３４５６７８", "１２３４５６７８"),
        ("3号2单元501漏水", "501"),
        ("住3#2单元1202", "1202"),
        ("座机 027-8765-4321", "8765"),
    ],
)
def test_masking_hides_phones_and_rooms_in_every_form(text: str, secret: str) -> None:
    masked = mask(text)
    plain = secret.translate({0xFF10 + i: str(i) for i in range(10)})
    assert secret not in masked and plain not in masked, masked


async def test_database_errors_do_not_carry_parameters_into_logs(db_url: str) -> None:
    from sqlalchemy import text

    from bot.storage.engine import create_engine

    engine = create_engine(db_url)
    try:
        async with engine.connect() as conn:
            with pytest.raises(Exception) as caught:
                await conn.execute(
                    text("SELECT * FROM no_such_table WHERE x = :p"), {"p": "13812345678"}
                )
    finally:
        await engine.dispose()
    assert "13812345678" not in str(caught.value)


def test_formatter_masks_whole_log_lines() -> None:
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "msg %s", ("13812345678 3栋2单元501",), None
    )
    line = MaskingFormatter("%(message)s").format(record)
    assert "13812345678" not in line and "501" not in line
