"""Staff read why a push did not go out in Chinese, whatever the outbox recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.console.push_problems import push_problem
from bot.outbox.channel import Undeliverable, choose
from bot.wechat.errors import PermanentError


def _reason(**kwargs: object) -> str:
    plan = choose(
        recipient="o_x",
        purpose="order_update",
        payload={"text": "您的工单已受理"},
        templates={},
        now=datetime(2026, 12, 6, tzinfo=UTC),
        **kwargs,  # type: ignore[arg-type]
    )
    assert isinstance(plan, Undeliverable)
    return plan.reason


def test_a_resident_who_never_wrote_is_told_plainly() -> None:
    shown = push_problem(_reason(user=None))
    assert shown == "对方从没给公众号发过消息，不能直接回复；没有配置模板消息，超时后无法通知"


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (str(PermanentError(43004, "require subscribe")), "对方未关注公众号"),
        (str(PermanentError(99999, "something new")), "微信接口报错"),
        ("connection reset by peer", "发送失败"),
    ],
)
def test_wechat_errors_and_unknown_failures_are_in_chinese(error: str, shown: str) -> None:
    assert push_problem(error) == shown
    assert push_problem(None) == ""
