"""The sandbox's server side (issue 14): each user's chat kept and replayed in order, the demo
clock a visitor fast-forwards (never in ``mulin serve``), the icon."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.sandbox.demo import build_demo_app, demo_config
from bot.sandbox.fast_forward import DemoClock
from bot.sandbox.favicon import ICON
from bot.sandbox.transcript import Transcript
from tests.support import demo_clock_in_the_day, free_port, make_config

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ZHANG, WU, CHEN = "o_resident_zhang", "o_member_wujianhua", "o_member_chenxiuying"


async def demo(aiohttp_client: ClientFactory, data: Path) -> TestClient[Any, Any]:
    port = free_port()
    app = build_demo_app(demo_config("127.0.0.1", port, str(data)), data)
    return await aiohttp_client(app, server_kwargs={"port": port})


async def say(client: TestClient[Any, Any], openid: str, text: str) -> dict[str, Any]:
    resp = await client.post("/sandbox/api/send", json={"openid": openid, "text": text})
    assert resp.status == 200
    return dict(await resp.json())


async def history(client: TestClient[Any, Any], since: int = 0) -> list[dict[str, Any]]:
    resp = await client.get("/sandbox/api/history", params={"since": since})
    assert resp.status == 200
    return list((await resp.json())["entries"])


async def forward(client: TestClient[Any, Any], by: str) -> dict[str, Any]:
    resp = await client.post("/sandbox/api/fast-forward", json={"by": by})
    assert resp.status == 200, await resp.text()
    return dict(await resp.json())


def chat_of(entries: list[dict[str, Any]], openid: str) -> list[tuple[str, str]]:
    return [(e["kind"], e["text"]) for e in entries if e["openid"] == openid]


async def test_each_users_chat_is_kept_on_the_server_in_order(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    client = await demo(aiohttp_client, tmp_path)
    await say(client, ZHANG, "1栋2单元501厨房水管漏水了，明天上午在家")
    await say(client, ZHANG, "谢谢")
    await forward(client, "1h")  # runs the outbox too: the representative's push arrives
    entries = await history(client)
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    zhang = chat_of(entries, ZHANG)
    assert [k for k, _ in zhang] == ["me", "them", "me", "them"]
    assert "工单号 #1" in zhang[1][1]
    wu = chat_of(entries, WU)
    assert wu and all(k == "push" for k, _ in wu) and "#1" in wu[0][1]
    last = entries[-1]["seq"]
    assert await history(client, last) == []  # only what is new after `since`
    assert (await client.get("/sandbox/api/history", params={"since": "x"})).status == 400


async def test_a_restarted_demo_replays_the_chats_and_keeps_its_clock(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    client = await demo(aiohttp_client, tmp_path)
    await say(client, ZHANG, "1栋2单元501厨房水管漏水了")
    moved = datetime.fromisoformat((await forward(client, "1d"))["clock"])
    before = await history(client)
    await client.close()
    again = await demo(aiohttp_client, tmp_path)
    assert await history(again) == before
    resp = await again.get("/sandbox/api/history", params={"since": 0})
    clock = datetime.fromisoformat((await resp.json())["clock"])
    assert clock >= moved  # the demo goes on from where the visitor left it


async def test_fast_forward_shows_the_reminder_hand_on_and_escalation_in_order(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    offset = demo_clock_in_the_day(tmp_path)  # not into the night, when reminders wait
    client = await demo(aiohttp_client, tmp_path)
    await say(client, ZHANG, "1栋2单元501厨房水管漏水了")
    start = datetime.now(UTC) + offset
    answer = await forward(client, "1h")
    assert datetime.fromisoformat(answer["clock"]) - start >= timedelta(minutes=59)
    await forward(client, "1h")
    await forward(client, "1h")
    entries = await history(client)
    wu = [t for k, t in chat_of(entries, WU)]
    chen = [t for k, t in chat_of(entries, CHEN)]
    assert len(wu) == 2 and "超时未接单" in wu[1]  # the push, then the reminder
    assert any("待接单" in t for t in chen)  # handed on to the grid leader
    assert any("催办" in t for t in chen)  # and escalated to her after two hours
    at = [datetime.fromisoformat(e["at"]) for e in entries if e["openid"] in (WU, CHEN)]
    assert at == sorted(at) and at[-1] - at[0] >= timedelta(hours=1, minutes=30)
    assert (await client.post("/sandbox/api/fast-forward", json={"by": "9y"})).status == 400


async def test_deeply_nested_json_is_a_bad_request_not_a_crash(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    client = await demo(aiohttp_client, tmp_path)
    deep = "[" * 30_000 + "]" * 30_000
    for body in (deep, '{"openid": ' + deep + "}"):
        for path, said in (
            ("/sandbox/api/send", "请求格式不对"),
            ("/sandbox/api/fast-forward", "by 只能是 10m、1h 或 1d"),
        ):
            resp = await client.post(path, data=body, headers={"Content-Type": "application/json"})
            assert resp.status == 400, (path, await resp.text())
            assert await resp.json() == {"error": said}
    assert await history(client) == []  # nothing was sent


async def test_the_service_without_the_sandbox_has_no_fast_forward(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    client = await aiohttp_client(
        create_app(make_config(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"), start_scheduler=False)
    )
    for path in ("/sandbox", "/sandbox/api/history"):
        assert (await client.get(path)).status == 404
    assert (await client.post("/sandbox/api/fast-forward", json={"by": "1h"})).status == 404


async def test_the_site_icon_is_a_real_icon(aiohttp_client: ClientFactory, tmp_path: Path) -> None:
    client = await demo(aiohttp_client, tmp_path)
    resp = await client.get("/favicon.ico")
    assert resp.status == 200 and resp.content_type == "image/x-icon"
    body = await resp.read()
    assert body == ICON
    reserved, kind, count = struct.unpack("<HHH", body[:6])
    assert (reserved, kind, count) == (0, 1, 1)
    width, height, _, _, _, _, size, offset = struct.unpack("<BBBBHHII", body[6:22])
    png = body[offset : offset + size]
    assert (width, height) == (32, 32) and png.startswith(b"\x89PNG\r\n\x1a\n")
    idat = png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8]
    assert len(zlib.decompress(idat)) == 32 * (1 + 32 * 4)


def test_transcript_survives_a_damaged_line(tmp_path: Path) -> None:
    path = tmp_path / "chat.jsonl"
    t = Transcript(path)
    now = datetime(2026, 12, 3, 4, 0, tzinfo=UTC)
    t.add("a", "me", "你好", now)
    with path.open("a", encoding="utf-8") as f:
        f.write('{"seq": 2, "openid": "a", "kind"\n')  # a crash mid-write
    t2 = Transcript(path)
    assert [(e.seq, e.text) for e in t2.since(0)] == [(1, "你好")]
    assert t2.add("a", "them", "您好", now).seq == 2
    with pytest.raises(ValueError):
        t2.add("a", "shout", "?", now)


def test_demo_clock_moves_only_when_told_and_remembers(tmp_path: Path) -> None:
    clock = DemoClock(tmp_path / "clock.json")
    before = clock.now()
    clock.advance(timedelta(days=1))
    assert clock.now() - before >= timedelta(days=1)
    assert DemoClock(tmp_path / "clock.json").offset == timedelta(days=1)
    (tmp_path / "bad.json").write_text("{nonsense")
    assert DemoClock(tmp_path / "bad.json").offset == timedelta(0)


async def test_the_demo_street_asks_which_estate_for_a_shared_building(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    client = await demo(aiohttp_client, tmp_path)
    asked = await say(client, "o_resident_li", "3栋2单元501 楼道灯不亮了")
    assert "您是哪个小区的" in str(asked) and "东亭" in str(asked) and "青和居" in str(asked)
    await say(client, "o_resident_li", "东亭")
    await forward(client, "1h")  # runs the outbox: the representative's push arrives
    pushes = chat_of(await history(client), "o_member_linzhiyuan")
    assert any(kind == "push" and "楼道灯" in text for kind, text in pushes)
    assert not any("楼道灯" in text for _, text in chat_of(await history(client), WU))


async def test_an_emergency_while_the_estate_is_asked_gets_its_numbers_first(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    """Found from outside: the reply opened with 先不分小区记下了 and only then said 119."""
    client = await demo(aiohttp_client, tmp_path)
    assert "您是哪个小区的" in str(await say(client, "o_resident_li", "3栋2单元501 楼道灯不亮了"))
    reply = str(await say(client, "o_resident_li", "我家燃气灶旁边有很大的煤气味"))
    assert "119" in reply and reply.index("119") < reply.index("先不分小区")


async def test_a_building_the_street_does_not_have_is_filed_and_the_resident_told(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    """Found from outside: 10栋2单元202下水道堵了 was filed in silence, the resident never told
    that the street has no building 10 (and it is not kept as their home)."""
    client = await demo(aiohttp_client, tmp_path)
    reply = str(await say(client, "o_resident_li", "10栋2单元202下水道堵了"))
    assert "没有10栋" in reply and "工单号" in reply and "已记下您家的地址" not in reply


async def test_ten_minutes_forward_shows_an_emergencys_first_chase(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    """Found from outside: only 1h and 1d could be chosen, so the urgent windows (10 and 15
    minutes in the demo) could not be watched one step at a time."""
    client = await demo(aiohttp_client, tmp_path)
    await say(client, ZHANG, "1栋2单元501 家里厨房着火了！")
    start = datetime.now(UTC)
    answer = await forward(client, "10m")
    moved = datetime.fromisoformat(answer["clock"]) - start
    assert timedelta(minutes=9) <= moved < timedelta(minutes=30)
    wu = [t for k, t in chat_of(await history(client), WU)]
    assert any("#1" in t for t in wu)


@pytest.mark.slow  # thirteen simulated days of timer ticks over a seeded month
async def test_the_seeded_month_keeps_its_timers(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    """Found from outside: the demo's seeded orders had no timers, so those whose deadline
    passed while the clock was moved on were never reminded nor marked overdue, though the
    console said 已超过 10天; the month's old timers must not flood the first tick either."""
    from sqlalchemy import select

    from bot.keys import SESSIONS
    from models.orders import Order

    port = free_port()
    app = build_demo_app(demo_config("127.0.0.1", port, str(tmp_path)), tmp_path, seed=True)
    client = await aiohttp_client(app, server_kwargs={"port": port})
    async with app[SESSIONS]() as s:
        rows = (await s.execute(select(Order))).scalars().all()
    running = [o for o in rows if o.status in ("accepted", "in_progress")]
    assert running and all(o.next_timer_at is not None or o.overdue_at for o in running)
    before = len(await history(client))
    await forward(client, "10m")
    assert len(await history(client)) - before <= 15  # a few hand-ons, not a month of timers
    await forward(client, "1d")
    for _ in range(12):
        await forward(client, "1d")
    async with app[SESSIONS]() as s:
        late = (await s.execute(select(Order).where(Order.status == "in_progress"))).scalars().all()
    assert late and all(o.overdue_at is not None for o in late)
