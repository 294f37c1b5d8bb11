"""/metrics carries what the alert rules in deploy/alerts.yml watch: open, overdue and urgent
unaccepted orders, the outbox's backlog and the timers' lag, read from the database."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from tests.support import order_number
from tests.test_chat_members import Members, start
from tests.test_timers import START

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


async def scrape(members: Members) -> dict[str, float]:
    text = await (await members.chat.client.get("/metrics")).text()
    found = {}
    for line in text.splitlines():
        m = re.match(r"^(mulin_[a-z_]+(?:\{[^}]*\})?) (\S+)$", line)
        if m:
            found[m.group(1)] = float(m.group(2))
    return found


async def scrape_up(members: Members) -> dict[str, float]:
    """A scrape that read the database: the first one after start-up may miss the 2-second
    budget on a loaded machine (the next scrape, as Prometheus would, reads it)."""
    for _ in range(3):
        found = await scrape(members)
        if found["mulin_database_up"] == 1:
            return found
    return found


async def test_business_metrics_follow_the_orders(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    members = await start(aiohttp_client, db_url)
    empty = await scrape_up(members)
    assert empty["mulin_database_up"] == 1 and empty["mulin_timer_lag_seconds"] == 0
    assert empty['mulin_orders_open{status="assigned"}'] == 0

    urgent = order_number(await members.say("o_res_u", "1栋1单元101家里冒烟了有焦糊味"))
    plain = order_number(await members.say("o_res_p", "1栋2单元201门锁坏了"))
    await members.say("o_m02", f"接单 {plain}")
    members.clock.set(START + timedelta(minutes=40))  # past the accept deadline, no tick ran
    m = await scrape_up(members)
    assert m['mulin_orders_open{status="assigned"}'] == 1
    assert m['mulin_orders_open{status="accepted"}'] == 1
    assert m["mulin_orders_urgent_unaccepted"] == 1
    assert abs(m["mulin_orders_urgent_unaccepted_oldest_seconds"] - 2400) < 5
    assert m["mulin_outbox_pending"] >= 2 and m["mulin_outbox_oldest_due_seconds"] >= 2395
    assert m["mulin_timer_lag_seconds"] > 0
    await members.say("o_m02", f"接单 {urgent}")
    after = await scrape_up(members)
    assert after["mulin_orders_urgent_unaccepted"] == 0
    assert after["mulin_orders_urgent_unaccepted_oldest_seconds"] == 0
    # pushes to members who never wrote, with no template configured: undeliverable, by reason
    assert after['mulin_outbox_undeliverable{reason="window"}'] == 0
    assert after["mulin_token_refresh_failures"] == 0


async def test_webhook_latency_is_a_histogram(aiohttp_client: ClientFactory, db_url: str) -> None:
    members = await start(aiohttp_client, db_url)
    await members.say("o_res_m", "1栋2单元201门锁坏了")
    await members.say("o_res_m", "谢谢")
    m = await scrape_up(members)
    assert m["mulin_webhook_seconds_count"] == 2
    assert m['mulin_webhook_seconds_bucket{le="5.0"}'] == 2


def test_undeliverable_reasons() -> None:
    from bot.observability.gauges import undeliverable_reason as reason

    assert reason("the user never wrote to the account (no 48-hour window); no template") == (
        "no_template"
    )
    assert reason("customer service refused (errcode 43004: require subscribe)") == "unfollowed"
    assert reason("customer service refused (errcode 45015: response out of time limit)") == (
        "window"
    )
    assert reason("errcode 40003: invalid openid") == "refused"
    assert reason(None) == "other"


async def test_token_refresh_failures_are_counted(
    aiohttp_client: ClientFactory, sqlite_url: str
) -> None:
    from datetime import UTC, datetime

    from bot.app import create_app
    from bot.keys import SESSIONS
    from bot.ticks.outbox import deliver_due
    from tests.support import make_config, seed_roster
    from tests.test_orders_flow import Chat

    app = create_app(make_config(sqlite_url), start_scheduler=False)  # the API: a closed port
    client = await aiohttp_client(app)
    await seed_roster(app[SESSIONS], datetime.now(UTC))
    chat = Chat(client)
    await chat.say("o_m02", "帮助")  # inside the member's window: the push is sent, not given up
    await chat.say("o_res_t", "1栋1单元101门锁坏了")
    await deliver_due(app)
    text = await (await client.get("/metrics")).text()
    failures = re.search(r"^mulin_token_refresh_failures (\S+)$", text, re.M)
    assert failures and float(failures.group(1)) >= 1
