"""Residents' personal information (个人信息保护法): `mulin privacy export`, `erase` and
`prune` on a real SQLite database that residents filled through the webhook."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select, text, update

from bot.app import create_app
from bot.cli.commands import run
from bot.clock import FakeClock
from bot.keys import CONFIG, SESSIONS
from bot.privacy import ERASED_TEXT
from bot.privacy.retention import RETAINED_TEXT
from bot.ticks.privacy import daily_prune
from models import Base
from models.inbound import InboundMessage
from models.orders import Order
from tests.support import APPID, TOKEN, make_config, order_number, seed_roster
from tests.test_orders_flow import Chat

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
A, B = "oResidentAaaa1", "oResidentBbbb2"
PHONE = "13912345678"


class Place:
    def __init__(self, chat: Chat, config: Path) -> None:
        self.chat, self.config = chat, config
        self.app = chat.client.app

    async def mulin(self, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
        capsys.readouterr()
        code = await asyncio.to_thread(run, [*args, "--config", str(self.config)])
        out, err = capsys.readouterr()
        return code, out, err

    async def dump(self) -> str:
        """Every row of every table, as text: what is held, whoever holds it."""
        parts = []
        async with self.app[SESSIONS]() as s:
            for table in Base.metadata.sorted_tables:
                rows = (await s.execute(select(table))).all()
                parts.append(f"{table.name}: {[tuple(r) for r in rows]}")
        return "\n".join(parts)


@pytest.fixture
async def place(aiohttp_client: ClientFactory, tmp_path: Path, db_url: str) -> Place:
    url = db_url  # SQLite, and PostgreSQL when MULIN_TEST_POSTGRES_URL is set
    app = create_app(make_config(url, "plain"), start_scheduler=False)
    client = await aiohttp_client(app)
    await seed_roster(app[SESSIONS], datetime.now(UTC))
    config = tmp_path / "config.yaml"
    config.write_text(
        f"wechat: {{appid: {APPID}, token: {TOKEN}, mode: plain}}\n"
        f"database: {{url: '{url}'}}\nprivacy: {{retain_messages: 30d, retain_closed: 60d}}\n",
        encoding="utf-8",
    )
    return Place(Chat(client), config)


async def fill(place: Place) -> int:
    """A reports with a phone number, B joins as a neighbour, the member works on it."""
    chat = place.chat
    await chat.say(A, "绑定 1栋1单元101")
    n = order_number(await chat.say(A, f"1栋1单元楼道的灯坏了，晚上黑漆漆的，电话{PHONE}"))
    assert f"#{n}" in await chat.say(B, "1栋1单元楼道灯坏了好几天了")
    await chat.say("o_m02", f"接单 {n}")
    await chat.say("o_m02", f"进度 {n} 明天上午换灯泡")
    await chat.say(A, "我的工单")
    return n


async def test_export_holds_everything_about_the_resident(
    place: Place, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    n = await fill(place)
    out_file = tmp_path / "a.json"
    code, _, err = await place.mulin(
        "privacy", "export", "--openid", A, "--output", str(out_file), capsys=capsys
    )
    assert code == 0, err
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["openid"] == A and data["found"]
    assert (data["resident"]["building"], data["resident"]["room"]) == ("1", "101")
    assert data["wechat_user"]["openid"] == A
    assert any(PHONE in (m["content"] or "") for m in data["inbound_messages"])
    assert len(data["inbound_messages"]) == 3
    assert [o["id"] for o in data["orders_reported"]] == [n] and not data["orders_followed"]
    assert any(e["action"] == "accept" for e in data["order_events"])
    assert any("接单" in (o["payload"].get("text") or "") for o in data["outbox"])
    # the neighbour's export names the order they follow, not the other resident's messages
    code, out, _ = await place.mulin("privacy", "export", "--openid", B, capsys=capsys)
    neighbour = json.loads(out)
    assert code == 0 and [o["id"] for o in neighbour["orders_followed"]] == [n]
    assert all(m["openid"] == B for m in neighbour["inbound_messages"])


async def test_the_workbook_never_runs_a_residents_text_as_a_formula(
    place: Place, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    await fill(place)
    await place.chat.say(A, '=HYPERLINK("http://x","点我")')
    book_file = tmp_path / "a.xlsx"
    code, _, err = await place.mulin(
        "privacy", "export", "--openid", A, "--output", str(book_file), capsys=capsys
    )
    assert code == 0, err
    sheet = load_workbook(book_file)["发来的消息"]
    header = [c.value for c in sheet[1]]
    column = header.index("内容") + 1
    cells = [row[column - 1] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type != "f" for c in cells)
    [quoted] = [c for c in cells if c.value == '=HYPERLINK("http://x","点我")']
    assert quoted.data_type == "s" and quoted.quotePrefix  # text, as the resident wrote it
    # found from outside: headers were column names and values codes; a resident reads them
    orders = load_workbook(book_file)["报的工单"]
    heads = [c.value for c in orders[1]]
    assert {"类别", "状态", "时间"} <= set(heads) and "resident_openid" not in heads
    first = dict(zip(heads, [c.value for c in orders[2]], strict=True))
    assert first["类别"] == "维修" and first["状态"] in ("已接单", "办理中")
    assert "T" not in str(first["时间"]) and first["紧急"] == "否"


_FIGURES = select(Order.id, Order.category, Order.status, Order.building).order_by(Order.id)


async def test_erase_leaves_nothing_personal_and_the_figures_whole(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    n = await fill(place)
    # a report at the door: the bot wrote the door into the dispatch note and the push
    door = order_number(await place.chat.say(A, "1栋1单元101 卫生间的地漏返臭水"))
    assert any("1栋1单元101" in t for t in await place.chat.pushed("o_m02"))
    async with place.app[SESSIONS]() as s:
        before = (await s.execute(_FIGURES)).all()
    code, out, err = await place.mulin("privacy", "erase", "--openid", A, "--yes", capsys=capsys)
    assert code == 0, err
    assert "inbound_messages: 4" in out and "orders_reported: 2" in out
    # the order at the door had no neighbour on it: cancelled (below); #n, followed, stays open
    assert "orders_cancelled: 1" in out and (await place.chat.order(door)).status == "cancelled"
    dump = await place.dump()
    assert "1单元101" not in dump and "1-1-101" not in dump  # found from outside
    assert (await place.chat.order(door)).building == "1"  # the building stays for figures
    everything = await place.dump()
    assert A not in everything
    for line in everything.splitlines():
        assert PHONE not in line, line
    for line in everything.splitlines():
        assert "黑漆漆" not in line, line
    async with place.app[SESSIONS]() as s:
        after = (await s.execute(_FIGURES)).all()
        order = await s.get(Order, n)
        assert order is not None
        assert order.resident_openid.startswith("anon-") and order.text == ERASED_TEXT
        assert order.room is None and order.phones == []
        kept = await s.scalar(
            select(func.count())
            .select_from(InboundMessage)
            .where(InboundMessage.openid == order.resident_openid)
        )
    # counted still, under one pseudonym; only the cancelled order's status moved
    assert after == [(i, c, "cancelled" if i == door else st, b) for i, c, st, b in before]
    assert kept == 4
    assert B in everything  # the neighbour is untouched
    # the pseudonym cannot be found from the openid: nothing is held about A any more
    code, _, err = await place.mulin("privacy", "export", "--openid", A, capsys=capsys)
    assert code == 2 and err.strip().splitlines() == [f"mulin: --openid: nothing is held about {A}"]
    # the member can still finish the order; the service keeps working
    assert "办结" in await place.chat.say("o_m02", f"完成 {n} 换好了")


async def test_erase_asks_first_and_bad_openids_are_one_line(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    await fill(place)
    code, _, err = await place.mulin("privacy", "erase", "--openid", A, capsys=capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--yes" in err
    assert A in await place.dump()  # nothing was changed
    for bad in ("o'; drop table orders; --", "", "x" * 65):
        code, _, err = await place.mulin(
            "privacy", "erase", "--openid", bad, "--yes", capsys=capsys
        )
        assert code == 2 and len(err.strip().splitlines()) == 1 and "--openid" in err
        assert "Traceback" not in err
    code, _, err = await place.mulin("privacy", "export", "--openid", "oNobody", capsys=capsys)
    assert code == 2 and "nothing is held" in err


async def test_prune_removes_old_texts_and_anonymises_old_closed_orders(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    n = await fill(place)
    await place.chat.say("o_m02", f"完成 {n}")
    await place.chat.say(A, "5")
    fresh = order_number(await place.chat.say(B, f"2栋1单元202门锁坏了 {PHONE}"))
    old = datetime.now(UTC) - timedelta(days=90)
    async with place.app[SESSIONS]() as s, s.begin():
        await s.execute(
            update(InboundMessage).where(InboundMessage.openid == A).values(received_at=old)
        )
        await s.execute(update(Order).where(Order.id == n).values(closed_at=old))
    code, out, _ = await place.mulin("privacy", "prune", capsys=capsys)
    assert code == 0 and "message texts removed: 4" in out and "orders anonymised: 1" in out
    async with place.app[SESSIONS]() as s:
        rows = (await s.execute(select(InboundMessage))).scalars().all()
        closed, open_ = await s.get(Order, n), await s.get(Order, fresh)
    assert all(r.content is None and r.raw_xml == "" for r in rows if r.openid == A)
    assert all(r.content for r in rows if r.openid == B)
    assert closed is not None and closed.text == RETAINED_TEXT and closed.rating == 5
    assert open_ is not None and PHONE in open_.text
    # again: nothing left to do
    code, out, _ = await place.mulin("privacy", "prune", capsys=capsys)
    assert "message texts removed: 0" in out


async def test_the_daily_tick_prunes_once_a_day(place: Place) -> None:
    await fill(place)
    async with place.app[SESSIONS]() as s, s.begin():
        await s.execute(
            text("UPDATE inbound_messages SET received_at = :t"),
            {"t": (datetime.now(UTC) - timedelta(days=400)).replace(tzinfo=None)},
        )
    clock = FakeClock(datetime(2026, 12, 3, 20, 0, tzinfo=UTC))  # 04:00 in Shanghai
    sessions, config = place.app[SESSIONS], place.app[CONFIG]
    assert (
        await daily_prune(sessions, FakeClock(datetime(2026, 12, 3, 18, tzinfo=UTC)), config)
        is None
    )  # 02:00
    first = await daily_prune(sessions, clock, config)
    assert first is not None and first.messages >= 5  # every message, members included
    assert await daily_prune(sessions, clock, config) is None  # the day's run is claimed
    clock.set(clock.now() + timedelta(days=1))
    again = await daily_prune(sessions, clock, config)
    assert again is not None and again.messages == 0


async def test_the_welcome_gives_the_notice_and_a_resident_can_ask_to_be_erased(
    place: Place, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from models.privacy import PrivacyRecord

    chat = place.chat
    welcome = chat.wx.deliver(chat.wx.event(A, "subscribe"))
    resp = await chat.client.post("/wechat", params=welcome.params, data=welcome.body)
    greeting = chat.wx.open_reply(await resp.text())["Content"]
    assert "隐私" in greeting and "删除我的信息" in greeting
    assert "保存多久" in await chat.say(A, "隐私")
    await fill(place)
    asked = await chat.say(A, "删除我的信息")
    assert "已收到您删除个人信息的申请" in asked and "#" not in asked  # not an order
    assert "已经在处理中" in await chat.say(A, "删除我的信息")
    assert any("申请删除个人信息" in t for t in await chat.pushed("o_m03"))  # the staff
    code, out, _ = await place.mulin("privacy", "requests", capsys=capsys)
    assert code == 0 and A in out
    workbook = tmp_path / "a.xlsx"
    code, _, err = await place.mulin(
        "privacy", "export", "--openid", A, "--output", str(workbook), capsys=capsys
    )
    assert code == 0, err
    from openpyxl import load_workbook

    sheets = load_workbook(workbook).sheetnames
    assert "发来的消息" in sheets and "报的工单" in sheets
    code, _, err = await place.mulin("privacy", "erase", "--openid", A, "--yes", capsys=capsys)
    assert code == 0, err
    async with place.app[SESSIONS]() as s:
        rows = (await s.execute(select(PrivacyRecord).order_by(PrivacyRecord.id))).scalars()
        kinds = [(r.kind, r.status, r.openid, r.actor) for r in rows]
    assert kinds == [
        ("erase_request", "done", None, "resident"),
        ("export", "done", None, "cli"),
        ("erase", "done", None, "cli"),
    ]  # the record outlives the erase; who it was does not
    code, out, _ = await place.mulin("privacy", "requests", capsys=capsys)
    assert A not in out and "no open requests" in out


async def test_photos_and_places_are_exported_and_erased_with_their_bytes(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    from models.media import AttachmentContent, OrderAttachment

    n = await fill(place)
    chat = place.chat
    assert f"#{n}" in await chat.say(A, "", kind="image")
    d = chat.wx.deliver(chat.wx.location(A, 30.59, 114.30, "我家楼下东门"))
    assert (await chat.client.post("/wechat", params=d.params, data=d.body)).status == 200
    async with place.app[SESSIONS]() as s, s.begin():
        photo = (
            await s.scalars(select(OrderAttachment).where(OrderAttachment.kind == "image"))
        ).one()
        photo.state = "stored"
        s.add(AttachmentContent(attachment_id=photo.id, data=b"PHOTO-OF-A-HOME"))
    code, out, _ = await place.mulin("privacy", "export", "--openid", A, capsys=capsys)
    sent = json.loads(out)["photos_and_places"]
    assert code == 0 and [(a["kind"], a["order_id"]) for a in sent] == [
        ("image", n),
        ("location", n),
    ]
    code, out, err = await place.mulin("privacy", "erase", "--openid", A, "--yes", capsys=capsys)
    assert code == 0 and "photos_and_places: 2" in out, err
    everything = await place.dump()
    assert "PHOTO-OF-A-HOME" not in everything and "我家楼下东门" not in everything
    async with place.app[SESSIONS]() as s:
        assert await s.scalar(select(func.count()).select_from(AttachmentContent)) == 0


@pytest.mark.parametrize("wish", ["请把我的个人信息删掉", "我不用了，把我的资料都删了吧"])
async def test_a_wish_to_be_erased_in_own_words_never_cancels_an_order(
    place: Place, wish: str
) -> None:
    """Found from outside: 请把我的个人信息删掉 was read as 取消 and cancelled the resident's
    only open order. It is a request to be erased; the order stays as it was."""
    chat = place.chat
    await chat.say(B, "绑定 1栋1单元102")
    n = order_number(await chat.say(B, "1栋1单元102 卫生间下水道堵了"))
    asked = await chat.say(B, wish)
    assert "已收到您删除个人信息的申请" in asked and "取消" not in asked
    assert (await chat.order(n)).status != "cancelled"
    told = await chat.say(B, "怎么删除我的信息？")
    assert "个人信息" in told and (await chat.order(n)).status != "cancelled"


async def test_a_request_to_be_erased_may_be_taken_back(place: Place) -> None:
    """Found from outside: 我不想删了，撤回刚才的删除申请 was offered the resident's orders to
    cancel, and the request stayed open for the office."""
    from bot.privacy.records import open_requests

    chat = place.chat
    n = order_number(await chat.say(B, "1栋1单元102 卫生间下水道堵了"))
    assert "已收到您删除个人信息的申请" in await chat.say(B, "删除我的信息")
    back = await chat.say(B, "我不想删了，撤回刚才的删除申请")
    assert "已撤回" in back and (await chat.order(n)).status != "cancelled"
    async with place.app[SESSIONS]() as s:
        assert await open_requests(s) == []
    assert "没有待处理" in await chat.say(B, "撤回删除申请")


async def test_erase_cancels_an_open_order_no_neighbour_follows(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found from outside (pass 9): erasing a resident left their order 待接单 with its content
    deleted, in the member's 待办 with nothing to do and nobody to ask, and he was not told.
    It is cancelled, the history says why, and he hears it in plain words; a finished order
    is left as it was."""
    chat = place.chat
    done = order_number(await chat.say(A, "1栋1单元101 厨房水龙头滴水"))
    await chat.say("o_m02", f"接单 {done}")
    await chat.say("o_m02", f"完成 {done} 换了阀芯")
    n = order_number(await chat.say(A, "1栋1单元101 卫生间的地漏返臭水"))
    assert (await chat.order(n)).status == "assigned"
    code, out, err = await place.mulin("privacy", "erase", "--openid", A, "--yes", capsys=capsys)
    assert code == 0 and "orders_cancelled: 1" in out, err
    order = await chat.order(n)
    assert order.status == "cancelled" and order.text == ERASED_TEXT
    action, to_status, note = (await chat.history(n))[-1]
    assert (action, to_status) == ("cancel", "cancelled")
    assert note == "居民的个人信息已按其要求删除，工单随之取消"
    told = [t for t in await chat.pushed("o_m02") if f"#{n} 已取消" in t]
    assert told == [
        f"工单 #{n} 已取消：居民要求删除个人信息，工单内容已按要求删除，也无法再联系到这位居民，"
        "无需再处理。"
    ]
    assert (await chat.order(done)).status == "resolved"  # finished: as it was
    assert f"#{n}" not in await chat.say("o_m02", "待办")


async def test_erase_leaves_an_order_a_neighbour_follows_open(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    """The thing is still broken for the neighbour who joined the report: the order stays
    open with its holder, who is not told it is cancelled."""
    n = await fill(place)  # B joined A's report as a neighbour; 李建国 accepted it
    status = (await place.chat.order(n)).status
    code, out, err = await place.mulin("privacy", "erase", "--openid", A, "--yes", capsys=capsys)
    assert code == 0 and "orders_cancelled" not in out, err
    assert (await place.chat.order(n)).status == status != "cancelled"
    assert all("已取消" not in t for t in await place.chat.pushed("o_m02"))
    assert all(action != "cancel" for action, _, _ in await place.chat.history(n))
