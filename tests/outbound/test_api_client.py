"""The WeChat client against the fake WeChat API on loopback: every error code and fault."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.sandbox.fake_wechat import FakeWeChat, Fault
from bot.wechat.api import WeChatClient
from bot.wechat.errors import (
    PermanentError,
    QuotaExceeded,
    TokenError,
    TransientError,
    next_beijing_midnight,
)
from tests.outbound.support import SECRET, MakeClient

SEND = "/cgi-bin/message/custom/send"
TOKEN_PATHS = ("/cgi-bin/token", "/cgi-bin/stable_token")


def send_attempts(fake: FakeWeChat) -> int:
    return fake.requests[SEND]


async def test_text_message_reaches_the_user(client: WeChatClient, fake: FakeWeChat) -> None:
    await client.send_text("oUser1", "您的工单 #12 已受理")
    [msg] = fake.sent("oUser1")
    assert msg.msgtype == "text" and msg.body["text"]["content"] == "您的工单 #12 已受理"


async def test_news_and_link_messages(client: WeChatClient, fake: FakeWeChat) -> None:
    article = {
        "title": "停水通知",
        "description": "明天 9-12 点",
        "url": "https://x/1",
        "picurl": "",
    }
    await client.send_news("oUser1", [article])
    await client.send_link("oUser1", title="议事会", description="周三", url="https://x/2")
    assert [m.msgtype for m in fake.sent("oUser1")] == ["news", "link"]


async def test_token_fetched_once_for_many_concurrent_sends(
    client: WeChatClient, fake: FakeWeChat
) -> None:
    await asyncio.gather(*(client.send_text(f"oU{i}", "hi") for i in range(50)))
    assert fake.token_fetches == 1
    assert len(fake.messages) == 50


@pytest.mark.parametrize("code", [40001, 42001, 40014])
async def test_invalid_token_refreshes_once_then_retries(
    code: int, client: WeChatClient, fake: FakeWeChat
) -> None:
    await client.send_text("oUser1", "warm up")
    fake.fail(code, path=SEND, times=1)
    await client.send_text("oUser1", "after refresh")
    assert fake.token_fetches == 2
    assert [m.body["text"]["content"] for m in fake.sent()] == ["warm up", "after refresh"]


async def test_token_rejected_twice_gives_up_without_looping(
    client: WeChatClient, fake: FakeWeChat
) -> None:
    fake.fail(40001, path=SEND, times=None)
    with pytest.raises(TokenError) as err:
        await client.send_text("oUser1", "x")
    assert err.value.errcode == 40001
    assert send_attempts(fake) == 2  # the original and one retry after one refresh
    assert fake.token_fetches == 2


async def test_expired_token_by_the_fake_clock_is_refreshed(
    make_client: MakeClient, fake: FakeWeChat
) -> None:
    fake.clock = FakeClock()
    client = make_client()
    await client.send_text("oUser1", "1")
    fake.clock.advance(timedelta(seconds=7201))  # WeChat's clock moved; ours did not notice
    await client.send_text("oUser1", "2")
    assert fake.token_fetches == 2 and len(fake.messages) == 2


async def test_busy_minus_one_is_retried_with_backoff(
    client: WeChatClient, fake: FakeWeChat
) -> None:
    fake.fail(-1, path=SEND, times=2)
    await client.send_text("oUser1", "x")
    assert send_attempts(fake) == 3 and len(fake.messages) == 1


async def test_busy_forever_is_a_bounded_transient_error(
    client: WeChatClient, fake: FakeWeChat
) -> None:
    fake.fail(-1, path=SEND, times=None)
    with pytest.raises(TransientError):
        await client.send_text("oUser1", "x")
    assert send_attempts(fake) == client.retry.attempts
    assert fake.messages == []


@pytest.mark.parametrize(
    "fault",
    [
        Fault("http", path=SEND, times=2, status=502),
        Fault("malformed", path=SEND, times=2),
        Fault("stall", path=SEND, times=1, seconds=1.0),
        Fault("drop", path=SEND, times=1),
    ],
    ids=["http-5xx", "malformed-json", "stall-timeout", "connection-dropped"],
)
async def test_transport_faults_are_retried(
    fault: Fault, make_client: MakeClient, fake: FakeWeChat
) -> None:
    client = make_client(timeout=0.3)
    fake.inject(fault)
    await client.send_text("oUser1", "x")
    assert fake.sent()[-1].body["text"]["content"] == "x"


async def test_malformed_answers_forever_fail_bounded(
    client: WeChatClient, fake: FakeWeChat
) -> None:
    fake.inject(Fault("malformed", path=SEND, times=None))
    with pytest.raises(TransientError, match="malformed"):
        await client.send_text("oUser1", "x")
    assert send_attempts(fake) == client.retry.attempts


async def test_connection_refused_is_transient_and_quick(make_client: MakeClient) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = make_client(base=f"http://127.0.0.1:{port}")
    started = time.monotonic()
    with pytest.raises(TransientError, match="connection"):
        await client.send_text("oUser1", "x")
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("path", TOKEN_PATHS)
async def test_token_endpoint_down_is_transient_and_nothing_is_sent(
    path: str, make_client: MakeClient, fake: FakeWeChat
) -> None:
    client = make_client(stable_token=path.endswith("stable_token"))
    fake.inject(Fault("http", path=path, times=None, status=503))
    with pytest.raises(TransientError):
        await client.send_text("oUser1", "x")
    assert fake.requests[path] == client.retry.attempts  # bounded, not multiplied
    assert fake.requests[SEND] == 0


async def test_wrong_secret_is_a_token_error_not_retried(
    make_client: MakeClient, fake: FakeWeChat
) -> None:
    fake.secret = "another"
    clock = FakeClock()
    client = make_client(clock=clock)
    with pytest.raises(TokenError) as err:
        await client.send_text("oUser1", "x")
    assert err.value.errcode == 40125
    assert fake.requests["/cgi-bin/stable_token"] == 1
    # A whole batch of sends must not each ask again (the token endpoint has its own quota).
    for _ in range(20):
        with pytest.raises(TokenError):
            await client.send_text("oUser1", "x")
    assert fake.requests["/cgi-bin/stable_token"] == 1
    fake.secret = SECRET  # the operator fixes the configuration
    clock.advance(timedelta(seconds=61))
    await client.send_text("oUser1", "x")
    assert fake.requests["/cgi-bin/stable_token"] == 2 and len(fake.messages) == 1


async def test_quota_45009_says_when_to_retry(make_client: MakeClient, fake: FakeWeChat) -> None:
    client = make_client(clock=FakeClock())  # 2026-11-20 10:00 in Beijing
    fake.quota_after = 1
    await client.send_text("oUser1", "1")
    with pytest.raises(QuotaExceeded) as err:
        await client.send_text("oUser1", "2")
    assert "retry at next 00:00 Asia/Shanghai (2026-11-21T00:00+08:00)" in str(err.value)
    assert err.value.retry_at.isoformat() == "2026-11-20T16:00:00+00:00"
    assert send_attempts(fake) == 2  # not retried


def test_next_beijing_midnight_is_16_utc() -> None:
    clock = FakeClock()  # 2026-11-20 02:00 UTC = 10:00 in Beijing
    at = next_beijing_midnight(clock.now())
    assert at.isoformat() == "2026-11-20T16:00:00+00:00"


@pytest.mark.parametrize("code", [45015, 43004, 43101, 45047])
async def test_permanent_codes_are_not_retried(
    code: int, client: WeChatClient, fake: FakeWeChat
) -> None:
    fake.fail(code, path=SEND, times=None)
    with pytest.raises(PermanentError) as err:
        await client.send_text("oUser1", "x")
    assert err.value.errcode == code
    assert send_attempts(fake) == 1


async def test_window_rules_of_the_fake(client: WeChatClient, fake: FakeWeChat) -> None:
    fake.clock = FakeClock()
    fake.add_user("oIn", last_interaction=fake.clock.now() - timedelta(hours=47))
    fake.add_user("oOut", last_interaction=fake.clock.now() - timedelta(hours=49))
    fake.add_user("oGone", subscribe=False)
    for _ in range(5):
        await client.send_text("oIn", "x")
    with pytest.raises(PermanentError) as limit:
        await client.send_text("oIn", "6th")
    with pytest.raises(PermanentError) as out:
        await client.send_text("oOut", "x")
    with pytest.raises(PermanentError) as gone:
        await client.send_template("oGone", "TPL", {"thing1": "x"})
    assert (limit.value.errcode, out.value.errcode, gone.value.errcode) == (45047, 45015, 43004)


async def test_template_fields_truncated_and_client_msg_id_honoured(
    client: WeChatClient, fake: FakeWeChat
) -> None:
    long = "三栋二单元五零一厨房水管漏水已经淹到楼下请尽快派人"
    first = await client.send_template("oU", "TPL", {"thing1": long}, client_msg_id="k1")
    again = await client.send_template("oU", "TPL", {"thing1": long}, client_msg_id="k1")
    [msg] = fake.sent("oU")
    value = msg.body["data"]["thing1"]["value"]
    assert len(value) == 20 and value.endswith("…")
    assert first == again


async def test_menu_and_user_info(client: WeChatClient, fake: FakeWeChat) -> None:
    menu = {"button": [{"type": "click", "name": "我要点单", "key": "ORDER"}]}
    await client.create_menu(menu)
    assert fake.menu == menu
    fake.add_user("oKnown", nickname="王阿姨")
    info = await client.user_info("oKnown")
    assert info["subscribe"] == 1 and info["nickname"] == "王阿姨"
    fake.accept_any_openid = False
    with pytest.raises(PermanentError) as err:
        await client.user_info("oStranger")
    assert err.value.errcode == 40003
    with pytest.raises(PermanentError) as bad:
        await client.create_menu({"button": []})
    assert bad.value.errcode == 40016


async def test_logs_never_show_secret_token_or_phone(
    client: WeChatClient, fake: FakeWeChat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mulin")
    fake.fail(40001, path=SEND, times=1)
    fake.fail(-1, path=SEND, times=1)
    await client.send_text("oUser1", "请联系 13812345678 王师傅")
    token = await client.access_token()
    logged = caplog.text
    assert "请联系 138****5678" in logged
    assert "13812345678" not in logged
    assert SECRET not in logged and token not in logged
