"""Photos and places residents send: which order they join, the fetch from WeChat's temporary
media (off the webhook, durable, retried), what is refused, and the console's scoped view."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.app import create_app
from bot.keys import CONFIG, SESSIONS
from bot.sandbox.fake_wechat import Fault
from bot.sandbox.fake_wechat.media import sample_photo
from bot.ticks.outbox import WECHAT_API
from bot.ticks.photos import fetch_photos
from bot.wechat.api import RetryPolicy
from models.media import AttachmentContent
from models.orders import OrderEvent
from models.outbox import OutboxMessage
from tests.console_support import ClientFactory
from tests.photos_support import Photos, ServerFactory, start_photos

A = "o_res_a"  # reported order g1 (1栋, grid G01) in console_support
IMG = re.compile(r'<img src="(/admin/orders/(\d+)/photos/(\d+))"')


async def _start(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, url: str, **media: int
) -> Photos:
    p = await start_photos(aiohttp_client, aiohttp_server, url, **media)
    p.c.app[WECHAT_API].retry = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02)
    return p


async def _events(p: Photos, number: int) -> list[OrderEvent]:
    async with p.c.app[SESSIONS]() as s:
        query = select(OrderEvent).where(
            OrderEvent.order_id == number, OrderEvent.action == "attach"
        )
        return list(await s.scalars(query))


async def test_a_photo_joins_the_open_order_and_is_shown_only_in_its_scope(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, db_url: str
) -> None:
    p = await _start(aiohttp_client, aiohttp_server, db_url)
    n = p.c.numbers["g1"]
    photo = sample_photo(200, 150, seed=3)
    reply = await p.photo(A, photo)
    assert f"图片已附在工单 #{n}" in reply and "1栋厨房水管漏水" in reply
    assert p.fake.media.fetches == 0  # the reply did not wait for WeChat
    [row] = await p.attachments()
    assert (row.order_id, row.state, row.kind) == (n, "pending", "image")
    assert [e.data["attachment"] for e in await _events(p, n)] == [row.id]
    assert await p.fetch() == 1
    [row] = await p.attachments()
    assert (row.state, row.content_type, row.width, row.height) == ("stored", "image/png", 200, 150)
    assert row.size == len(photo)

    assert (await p.c.login("leader1")).status == 303  # grid G01: their order
    page = await (await p.c.client.get(f"/admin/orders/{n}")).text()
    found = IMG.search(page)
    assert found and int(found.group(2)) == n and int(found.group(3)) == row.id, page
    resp = await p.c.client.get(found.group(1))
    assert resp.status == 200 and await resp.read() == photo
    assert resp.content_type == "image/png" and resp.headers["X-Content-Type-Options"] == "nosniff"

    assert (await p.c.login("leader2")).status == 303  # grid G02: not theirs
    assert (await p.c.client.get(found.group(1))).status == 404
    # nor by pairing their own order's number with the other grid's photo id
    theirs = p.c.numbers["g2"]
    assert (await p.c.client.get(f"/admin/orders/{theirs}/photos/{row.id}")).status == 404
    assert (await p.c.login("viewer1")).status == 303  # reads the whole community
    assert (await p.c.client.get(found.group(1))).status == 200
    p.c.client.session.cookie_jar.clear()
    signed_out = await p.c.client.get(found.group(1), allow_redirects=False)
    assert signed_out.status == 303 and "/admin/login" in signed_out.headers["Location"]


async def test_a_place_shows_its_label_and_coordinates(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, sqlite_url: str
) -> None:
    p = await _start(aiohttp_client, aiohttp_server, sqlite_url)
    n = p.c.numbers["g1"]
    assert f"位置已附在工单 #{n}" in await p.place(A, "青和居<b>1栋</b>东门")
    assert (await p.c.login("staff1")).status == 303
    page = await (await p.c.client.get(f"/admin/orders/{n}")).text()
    assert "青和居&lt;b&gt;1栋&lt;/b&gt;东门" in page and "<b>1栋</b>" not in page
    assert "纬度 30.59281，经度 114.30553" in page and 'href="geo:30.592810,114.305530"' in page


async def test_photos_sent_before_the_words_or_while_asked_for_the_address_join_the_report(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, sqlite_url: str
) -> None:
    p = await _start(aiohttp_client, aiohttp_server, sqlite_url)
    first = await p.photo("o_new")  # nothing reported yet
    assert "图片收到了" in first and "附在工单上" in first
    reply = await p.say("o_new", "2栋1单元302 卫生间天花板渗水")
    number = int(re.search(r"#(\d+)", reply).group(1))  # type: ignore[union-attr]
    assert "您刚才发的1张图片已附在工单上" in reply
    # a report that waits for its address keeps the photo and the place for itself
    assert "哪栋楼" in await p.say("o_other", "楼道里的灯不亮了")
    held = await p.photo("o_other")
    assert "工单建好后会附在上面" in held and "还在等地址" in held
    assert "工单建好后会附在上面" in await p.place("o_other")
    filed = await p.say("o_other", "3栋2单元")
    later = int(re.search(r"#(\d+)", filed).group(1))  # type: ignore[union-attr]
    assert "1张图片和位置已附在工单上" in filed
    rows = await p.attachments()
    assert [(r.order_id, r.kind) for r in rows] == [
        (number, "image"),
        (later, "image"),
        (later, "location"),
    ]
    assert len(await _events(p, later)) == 2


async def test_refused_and_failed_photos_are_said_clearly(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, sqlite_url: str
) -> None:
    p = await _start(aiohttp_client, aiohttp_server, sqlite_url, max_bytes=2048)
    n = p.c.numbers["g1"]
    await p.photo(A, b"<html><script>alert(1)</script></html>", "image/jpeg")  # claims JPEG
    await p.photo(A, b"#!AMR\n" + bytes(200), "audio/amr")
    await p.photo(A, sample_photo(800, 600))  # a real photo, larger than 2 KB
    await p.send(p.wx.image(A, media_id="MEDIA_never_issued"))
    assert await p.fetch() == 4
    rows = await p.attachments()
    assert [(r.state, (r.last_error or "").split(":")[0]) for r in rows] == [
        ("refused", "not_image"),
        ("refused", "not_image"),
        ("refused", "too_large"),
        ("failed", "invalid_media"),
    ]
    async with p.c.app[SESSIONS]() as s:
        assert not list(await s.scalars(select(AttachmentContent)))
        told = list(
            await s.scalars(select(OutboxMessage.payload).where(OutboxMessage.recipient == A))
        )
    refused = [m["text"] for m in told if "没能保存" in m.get("text", "")]
    assert len(refused) == 3 and any("文件太大" in t for t in refused), refused
    assert (await p.c.login("staff1")).status == 303
    page = await (await p.c.client.get(f"/admin/orders/{n}")).text()
    for said in ("这不是图片文件", "文件太大", "微信说没有这张图片"):
        assert said in page, said
    assert "<img" not in page.split("推送记录")[0].split("图片和位置")[1]
    for row in rows:
        assert (await p.c.client.get(f"/admin/orders/{n}/photos/{row.id}")).status == 404


async def test_a_fetch_is_retried_later_and_survives_a_restart(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, sqlite_url: str
) -> None:
    p = await _start(aiohttp_client, aiohttp_server, sqlite_url)
    p.fake.inject(Fault("http", path="/cgi-bin/media/get", times=None, status=502))
    await p.photo(A)
    await p.photo(A)
    assert await p.fetch() == 2
    rows = await p.attachments()
    assert {(r.state, r.attempts) for r in rows} == {("pending", 1)}
    assert all(r.next_attempt_at and r.next_attempt_at > p.clock.now() for r in rows)
    assert await p.fetch() == 0  # not due yet
    p.fake.clear_faults()
    p.clock.advance(timedelta(seconds=31))
    # the job is the row: another process (or this one restarted) picks it up
    again = create_app(p.c.app[CONFIG], clock=p.clock, start_scheduler=False)
    await aiohttp_client(again)
    again[WECHAT_API].retry = RetryPolicy(attempts=1)
    assert await fetch_photos(again) == 2
    assert {(r.state, r.attempts) for r in await p.attachments()} == {("stored", 2)}


async def test_wechat_keeps_a_photo_three_days_then_it_is_failed_without_asking(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, sqlite_url: str
) -> None:
    p = await _start(aiohttp_client, aiohttp_server, sqlite_url)
    await p.photo(A)
    p.clock.advance(timedelta(days=3))
    before = p.fake.media.fetches
    assert await p.fetch() == 1
    [row] = await p.attachments()
    assert (row.state, row.last_error) == ("failed", "expired: 3 days")
    assert p.fake.media.fetches == before  # not asked: WeChat no longer has it
    assert (await p.c.login("staff1")).status == 303
    page = await (await p.c.client.get(f"/admin/orders/{p.c.numbers['g1']}")).text()
    assert "微信只保存 3 天，已过期" in page


async def test_an_order_carries_at_most_media_per_order(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, sqlite_url: str
) -> None:
    p = await _start(aiohttp_client, aiohttp_server, sqlite_url, per_order=2)
    n = p.c.numbers["g1"]
    assert f"#{n}" in await p.photo(A)
    assert f"#{n}" in await p.place(A)
    full = await p.photo(A)
    assert "已经附了2张" in full
    assert len(await p.attachments()) == 2


async def test_a_photo_long_after_the_last_report_waits_for_the_next_or_its_number(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, db_url: str
) -> None:
    """Found from outside: a photo sent before a new report joined the resident's earlier,
    unrelated order, and the new report (看图，…) had none."""
    p = await _start(aiohttp_client, aiohttp_server, db_url)
    n = p.c.numbers["g1"]
    p.clock.advance(timedelta(hours=2))
    held = await p.photo(A, sample_photo(80, 60, seed=5))
    assert f"#{n}" in held and "新的事" in held and "已附在" not in held, held
    filed = await p.say(A, "看图，1栋楼道里电动车充电的电线从窗户吊下来了")
    new = int(re.search(r"工单号 #(\d+)", filed).group(1))  # type: ignore[union-attr]
    assert new != n and "图片已附在工单上" in filed.replace("张", ""), filed
    [row] = await p.attachments()
    assert row.order_id == new
    # or the resident names the earlier order by its number
    p.clock.advance(timedelta(hours=2))
    await p.photo(A, sample_photo(80, 60, seed=6))
    said = await p.say(A, f"#{n}")
    assert f"#{n}" in said and "图片" in said, said
    assert sorted(r.order_id for r in await p.attachments()) == sorted([new, n])


async def test_a_place_long_after_the_last_report_is_said_to_be_a_place(
    aiohttp_client: ClientFactory, aiohttp_server: ServerFactory, sqlite_url: str
) -> None:
    """Found from outside: a location sent long after the last report got "图片收到了"."""
    p = await _start(aiohttp_client, aiohttp_server, sqlite_url)
    n = p.c.numbers["g1"]
    p.clock.advance(timedelta(hours=2))
    held = await p.place(A, "青和居1栋东门")
    assert held.startswith("位置收到了") and "图片" not in held and f"#{n}" in held, held
