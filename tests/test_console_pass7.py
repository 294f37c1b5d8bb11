"""Found from outside (pass 7), on the console and the chat around it: a reopened order's
resident was not told and her next score re-rated another order; the order page said 紧急
after the resident downgraded it; an urgent order nobody accepted was closed with no word;
更正 took 「-1」 and 「<b>x」 as unit and room; bad filters and pages were handled each its own
way; a late score and a second 退单 were answered without saying why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import lxml.html

from bot.clock import FakeClock
from bot.keys import SESSIONS
from models.community import Member
from tests.console_support import ClientFactory, Console, make_console, report
from tests.support import order_number
from tests.test_orders_flow import Chat

START = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: no quiet hours
RESIDENT = "o_res_zhang"


async def _console(aiohttp_client: ClientFactory, db_url: str) -> tuple[Console, Chat, FakeClock]:
    clock = FakeClock(START)
    c = await make_console(aiohttp_client, db_url, clock=clock)
    assert (await c.login("staff1")).status == 303
    return c, Chat(c.client), clock


def _text(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).text_content().split())


async def _rated(chat: Chat, text: str, score: str = "5") -> int:
    """An order reported, taken and completed by 李建国 (m02), and rated."""
    n = order_number(await chat.say(RESIDENT, text))
    await chat.say("o_m02", f"接单 {n}")
    await chat.say("o_m02", f"完成 {n} 修好了")
    assert f"{score} 分" in await chat.say(RESIDENT, score)
    return n


async def _holder(c: Console, number: int) -> Member:
    order = await c.order(number)
    async with c.app[SESSIONS]() as s:
        member = await s.get(Member, order.assignee_id)
        assert member is not None
        return member


# --- 14. reopened from the console ---------------------------------------------------------


async def test_a_reopened_order_is_told_and_its_score_is_not_put_on_another_order(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c, chat, clock = await _console(aiohttp_client, db_url)
    first = await _rated(chat, "1栋2单元201 厨房水管漏水")
    clock.advance(timedelta(minutes=5))
    n = order_number(await chat.say(RESIDENT, "1栋2单元201 门锁坏了，打不开"))
    assert (await c.act(n, "resolve", text="已修好")).status == 303
    assert any(f"#{n}" in p and "满意" in p for p in await c.outbox(RESIDENT))
    before = len(await c.outbox(RESIDENT))
    assert (await c.act(n, "reopen", reason="居民说没修好")).status == 303
    holder = await _holder(c, n)
    told = (await c.outbox(RESIDENT))[before:]
    assert len(told) == 1 and f"#{n}" in told[0] and "重新办理" in told[0], told
    assert holder.name in told[0] and "居民说没修好" not in told[0]

    reply = await chat.say(RESIDENT, "4")
    assert f"#{n}" in reply and "重新办理" in reply and f"#{first}" in reply, reply
    assert (await c.order(first)).rating == 5  # not re-rated
    assert (await c.order(n)).rating is None
    named = await chat.say(RESIDENT, f"#{n} 4")
    assert f"#{n}" in named and "重新办理" in named, named
    assert (await c.order(n)).rating is None
    # the score meant for the order rated minutes ago still changes it when named
    assert "4 分" in await chat.say(RESIDENT, f"#{first} 4")
    assert (await c.order(first)).rating == 4


# --- 26. a late score -------------------------------------------------------------------------


async def test_a_score_after_the_change_window_says_why_it_is_not_taken(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c, chat, clock = await _console(aiohttp_client, db_url)
    n = await _rated(chat, "1栋2单元201 厨房水管漏水", "4")
    clock.advance(timedelta(hours=2))
    reply = await chat.say(RESIDENT, f"#{n} 2")
    assert f"#{n}" in reply and "4 分" in reply and "不能再改" in reply, reply
    assert "您最近的工单" not in reply
    assert (await c.order(n)).rating == 4


# --- 25. a member who declined -------------------------------------------------------------


async def test_a_member_who_declined_is_told_who_has_the_order_now(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c, chat, _ = await _console(aiohttp_client, db_url)
    n = order_number(await chat.say(RESIDENT, "1栋2单元201 厨房水管漏水"))
    assert (await _holder(c, n)).key == "m02"
    assert "已退单" in await chat.say("o_m02", f"退单 {n} 不是我这栋的")
    now = await _holder(c, n)
    assert now.key != "m02"
    for again in (f"退单 {n} 再退一次", f"完成 {n}", f"进度 {n} 在路上"):
        reply = await chat.say("o_m02", again)
        assert "您已退单" in reply and now.name in reply and f"#{n}" in reply, reply
        assert "没有找到" not in reply


# --- 17. the danger line after a downgrade ---------------------------------------------------


async def test_the_order_page_says_the_emergency_was_downgraded(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c, chat, _ = await _console(aiohttp_client, db_url)
    n = order_number(await chat.say(RESIDENT, "1栋2单元201 插座冒火花了，有电线烧焦的味道"))
    assert (await c.order(n)).urgent
    page = "".join(_text(await (await c.client.get(f"/admin/orders/{n}")).text()).split())
    assert "危险紧急（" in page, page
    assert "普通" in await chat.say(RESIDENT, f"{n}那个不紧急，看错了，没有漏电")
    assert not (await c.order(n)).urgent
    page = "".join(_text(await (await c.client.get(f"/admin/orders/{n}")).text()).split())
    assert "危险紧急" not in page and "危险原为紧急" in page, page


# --- 18. resolving needs a note when nobody accepted it or it is urgent -----------------------


async def test_closing_an_unaccepted_or_urgent_order_needs_a_note(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c, chat, _ = await _console(aiohttp_client, db_url)
    urgent = order_number(
        await chat.say(RESIDENT, "1栋2单元201 我男人又动手打我了，我抱着孩子躲在卧室")
    )
    assert (await c.order(urgent)).urgent
    plain = c.numbers["g1"]  # given to its representative, not accepted
    for n in (urgent, plain):
        before = len(await c.outbox((await c.order(n)).resident_openid))
        for empty in ("", "   "):
            resp = await c.act(n, "resolve", text=empty)
            assert resp.status == 400 and "说明" in await resp.text()
        assert (await c.order(n)).status not in ("resolved", "closed")
        assert len(await c.outbox((await c.order(n)).resident_openid)) == before
    assert (await c.act(urgent, "resolve", text="民警已上门处理，已联系妇联跟进")).status == 303
    told = (await c.outbox(RESIDENT))[-1]
    assert "民警已上门处理" in told, told
    # an ordinary order its representative took may still be closed without a word
    await chat.say("o_m02", f"接单 {plain}")
    assert (await c.act(plain, "resolve")).status == 303


# --- 20. 更正 checks unit and room ------------------------------------------------------------


async def test_correcting_to_an_impossible_unit_or_room_is_refused(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c, _, _ = await _console(aiohttp_client, db_url)
    n = c.numbers["g1"]
    holder = await _holder(c, n)
    before = len(await c.outbox(holder.openid or ""))
    for unit, room, said in (
        ("-1", "301", "单元"),
        ("2", "<b>x", "房号"),
        ("2单元2", "301", "单元"),
        ("2", "30100000", "房号"),
        ("<i>", "", "单元"),
    ):
        resp = await c.act(n, "edit", category="sanitation", building="3", unit=unit, room=room)
        body = await resp.text()
        assert resp.status == 400 and said in _text(body), (unit, room, _text(body))
        assert "<b>x" not in body and "<i>" not in body
    order = await c.order(n)
    assert (order.category, order.building, order.unit, order.room) == ("repair", "1", "1", "101")
    assert len(await c.outbox(holder.openid or "")) == before
    ok = await c.act(n, "edit", category="repair", building="3", unit="A", room="A01")
    assert ok.status == 303, _text(await ok.text())


# --- 30. one rule for filters, pages and months ---------------------------------------------


async def test_unknown_filters_are_refused_and_pages_past_the_end_show_the_last(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c, _, _ = await _console(aiohttp_client, db_url)
    for params, word in (
        ({"category": "<script>"}, "类别"),
        ({"grid": "ZZZ"}, "网格"),
        ({"grid": "qhj:G99"}, "网格"),
        ({"page": "-1"}, "页"),
        ({"page": "abc"}, "页"),
        ({"page": "0"}, "页"),
        ({"sort": "sideways"}, "排序"),
    ):
        for path in ("/admin/orders", "/admin/orders/rows"):
            resp = await c.client.get(path, params=params)
            body = await resp.text()
            assert resp.status == 400 and word in _text(body), (path, params, _text(body))
            assert "<script>" not in body
    for params in ({"category": "repair"}, {"grid": "qhj:G01"}, {"grid": "G02"}):
        assert (await c.client.get("/admin/orders", params=params)).status == 200, params
    for i in range(21):
        await report(c.app, f"o_many_{i}", f"第{i}件 楼道灯坏了", "2")
    for past in ("3", "99999999999999999999"):
        resp = await c.client.get("/admin/orders", params={"page": past})
        body = await resp.text()
        assert resp.status == 200 and "第 2/2 页" in _text(body), past
        assert body.count('<li class="order') == 3


async def test_no_monthly_report_for_a_month_not_yet_started(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c, _, _ = await _console(aiohttp_client, db_url)
    for month in ("2027-01", "2030-01"):
        for path in ("/admin/reports/monthly", "/admin/reports/monthly/print"):
            resp = await c.client.get(path, params={"month": month})
            assert resp.status == 400, (path, month)
            assert month in _text(await resp.text()) and "还没开始" in _text(await resp.text())
    this_month = await c.client.get("/admin/reports/monthly", params={"month": "2026-12"})
    assert this_month.status == 200
    assert (await c.client.get("/admin/reports/monthly", params={"month": "2026-11"})).status == 200
