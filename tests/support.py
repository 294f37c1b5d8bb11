"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from aiohttp.test_utils import TestClient

from bot.config import Config, build_config
from bot.keys import CODEC
from bot.sandbox.platform import WeChatPlatform
from bot.wechat.webhook import PROCESSOR

TOKEN = "test-token"
AES_KEY = "Q2hhbmdlTWVDaGFuZ2VNZUNoYW5nZU1lQ2hhbmdlTWU"  # 43 characters
APPID = "wx1234567890abcdef"
# `mulin serve` refuses placeholder and published secrets: real-looking ones for its tests.
LIVE_TOKEN = "Tk7qM2wp9XzR4vLd"
LIVE_AES_KEY = "Vq3ZpL8sWm2xKc7NbR4tYh9uJd6fGa1eHs5oPi0kTlw"  # 43 characters
LIVE_SECRET = "3f9c2b7e81d54a60b2c7e9d1f0a8b6c4"


def make_config(db_url: str, mode: str = "plain", **server: Any) -> Config:
    raw: dict[str, Any] = {
        # A generous reply budget unless a test is about lateness: on a loaded CI machine a
        # first PostgreSQL round trip has taken over 4 s and turned a passive reply deferred.
        "server": {"webhook_path": "/wechat", "reply_budget": "30s", **server},
        "wechat": {
            "appid": APPID,
            "secret": "test-secret",
            "token": TOKEN,
            "encoding_aes_key": AES_KEY,
            "mode": mode,
            "api_base": "http://127.0.0.1:9/",
        },
        "database": {"url": db_url},
    }
    return build_config(raw, environ={})


# --- a small community for order tests -------------------------------------------------------
def roster_rows() -> dict[str, Any]:
    """Community 青和居: grid G01 (buildings 1-3), grid G02 (4-5), members with openids."""
    members = [
        ("m01", "张美丽", ["grid_leader"], ["G01"], [], [], []),
        ("m02", "李建国", ["representative"], [], [], ["1-1-*", "1-2-*"], []),
        ("m03", "王芳", ["staff"], [], [], [], ["paperwork"]),
        ("m04", "周杰", ["grid_leader"], ["G02"], [], [], []),
        ("m05", "赵强", ["representative"], [], [], ["1-3-*"], []),
        ("m06", "孙丽", ["mediator"], [], [], [], []),
        ("m07", "钱进", ["representative"], [], [], ["4-1-*"], []),
    ]
    return {
        "grids": [
            ("G01", "第一网格", ["1", "2", "3"], "m01"),
            ("G02", "第二网格", ["4", "5"], "m04"),
        ],
        "members": members,
    }


async def seed_roster(sessions: Any, now: Any) -> None:
    from models.community import Building, Community, Grid, Member

    data = roster_rows()
    async with sessions() as s, s.begin():
        community = Community(code="qhj", name="青和居社区")
        s.add(community)
        await s.flush()
        for code, name, buildings, leader in data["grids"]:
            grid = Grid(community_id=community.id, code=code, name=name, leader_key=leader)
            s.add(grid)
            await s.flush()
            for b in buildings:
                s.add(Building(community_id=community.id, grid_id=grid.id, number=b))
        for key, name, roles, grids, buildings, households, categories in data["members"]:
            s.add(
                Member(
                    community_id=community.id,
                    key=key,
                    name=name,
                    phone=None,
                    roles=roles,
                    grids=grids,
                    buildings=buildings,
                    households=households,
                    categories=categories,
                    openid=f"o_{key}",
                    on_duty=True,
                    active=True,
                    created_at=now,
                    updated_at=now,
                )
            )


# --- processes on loopback -------------------------------------------------------------------
def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child_env() -> dict[str, str]:
    """The environment for a `mulin` child process: no configuration leaking in from ours."""
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("MULIN_")}


def wait_http(url: str, proc: Any, log: Any, timeout: float = 30) -> None:
    """Wait until ``url`` answers; fail with the child's log if it exits or never does."""
    import time
    from urllib.request import urlopen

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urlopen(url, timeout=1):
                return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{url} did not come up:\n{log.read_text()}") from None
            time.sleep(0.1)


def order_number(reply: str) -> int:
    """The order number (#1024) a reply names."""
    found = re.search(r"#(\d+)", reply)
    assert found, reply
    return int(found.group(1))


def first_line(reply: str) -> str:
    """The reply's first line: where an emergency's numbers and first advice must be."""
    return reply.split("\n")[0]


async def submit_together(
    client: TestClient[Any, Any], platform: WeChatPlatform, *xml: str
) -> list[str]:
    """Hand the deliveries to the app's processor together, queued before its writer runs
    so that it takes them as one batch (one transaction); the replies, in order."""
    codec, processor = client.app[CODEC], client.app[PROCESSOR]
    messages = []
    for body in xml:
        delivery = platform.deliver(body)
        messages.append(codec.decode(delivery.params, delivery.body).incoming)
    outcomes = await asyncio.gather(*(processor.submit(m) for m in messages))
    assert all(o.stored for o in outcomes)
    return [o.reply.text or "" if o.reply else "" for o in outcomes]


# --- the demo's clock ------------------------------------------------------------------------
def demo_clock_in_the_day(data: Any) -> Any:
    """Start a demo whose data directory is ``data`` at the next 10:00 in Shanghai, so a test
    that fast-forwards through a non-urgent order's timers does not run into the night (its
    reminders wait for the morning, sla.quiet_hours) whenever the suite runs. The offset."""
    import json
    from datetime import UTC, datetime, time, timedelta
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from bot.sandbox.demo import CLOCK_FILE

    now = datetime.now(UTC)
    local = now.astimezone(ZoneInfo("Asia/Shanghai"))
    ten = datetime.combine(local.date(), time(10), local.tzinfo)
    offset = (ten if ten > local else ten + timedelta(days=1)) - local
    Path(data).mkdir(parents=True, exist_ok=True)
    (Path(data) / CLOCK_FILE).write_text(json.dumps({"offset": offset.total_seconds()}))
    return offset


async def count_orders(sessions: Any) -> int:
    """How many orders the database holds (``sessions``: the app's session factory)."""
    from sqlalchemy import func, select

    from models.orders import Order

    async with sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(Order)) or 0)
