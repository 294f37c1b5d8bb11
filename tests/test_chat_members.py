"""Members in chat (issue 14): they are taught their commands, a push carries what they need to
act, pushes do not pile up, and no order is left with nobody."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from bot.app import ROSTER, create_app
from bot.clock import FakeClock
from bot.config import build_config
from bot.keys import CONFIG, SESSIONS
from bot.ticks.order_timers import order_timer_tick
from models.community import Member
from models.outbox import OutboxMessage
from tests.support import APPID, TOKEN, order_number, seed_roster
from tests.test_orders_flow import Chat
from tests.test_timers import START

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
RESIDENT = "o_resident_m"


def config_for(db_url: str, **reports: Any) -> Any:
    raw: dict[str, Any] = {
        "server": {"webhook_path": "/wechat"},
        "wechat": {"appid": APPID, "secret": "s", "token": TOKEN, "mode": "plain"},
        "database": {"url": db_url},
        "reports": reports,
    }
    return build_config(raw, environ={})


class Members:
    def __init__(self, client: TestClient[Any, Any], clock: FakeClock) -> None:
        self.chat = Chat(client)
        self.clock = clock
        self.app = client.app

    async def say(self, openid: str, text: str) -> str:
        return await self.chat.say(openid, text)

    async def pushes(self, openid: str) -> list[OutboxMessage]:
        async with self.app[SESSIONS]() as s:
            query = (
                select(OutboxMessage)
                .where(OutboxMessage.recipient == openid)
                .order_by(OutboxMessage.id)
            )
            return list((await s.execute(query)).scalars())

    async def about(self, openid: str, number: int) -> list[str]:
        return [t for t in await self.chat.pushed(openid) if f"#{number}" in t]

    async def tick_at(self, delta: timedelta) -> None:
        self.clock.set(START + delta)
        app = self.app
        await order_timer_tick(app[SESSIONS], self.clock, app[CONFIG], app[ROSTER])

    async def set_member(self, key: str, **values: Any) -> None:
        async with self.app[SESSIONS]() as s, s.begin():
            await s.execute(update(Member).where(Member.key == key).values(**values))
        self.app[ROSTER].invalidate()


async def start(aiohttp_client: ClientFactory, db_url: str, **reports: Any) -> Members:
    clock = FakeClock(START)
    app = create_app(config_for(db_url, **reports), clock=clock, start_scheduler=False)
    client = await aiohttp_client(app)
    await seed_roster(app[SESSIONS], START)
    return Members(client, clock)


@pytest.fixture
async def members(aiohttp_client: ClientFactory, db_url: str) -> Members:
    return await start(aiohttp_client, db_url)


# --- members are taught their commands ----------------------------------------------------------


async def test_a_member_asking_for_help_gets_the_member_commands(members: Members) -> None:
    reply = await members.say("o_m02", "帮助")
    for command in ("接单", "退单", "转派", "吹哨", "待办", "走访", "进度", "完成", "上岗"):
        assert command in reply, command
    resident = await members.say(RESIDENT, "帮助")
    assert "接单" not in resident and "吹哨" not in resident  # residents keep their own help
    for key in ("HELP", "MEMBER_HELP"):
        d = members.chat.wx.deliver(members.chat.wx.event("o_m01", "CLICK", key))
        resp = await members.chat.client.post("/wechat", params=d.params, data=d.body)
        menu = members.chat.wx.open_reply(await resp.text())
        assert menu is not None and "吹哨" in menu["Content"] and "走访" in menu["Content"]


async def test_a_new_order_push_says_how_to_accept_and_decline_in_text_and_template(
    members: Members,
) -> None:
    n = order_number(await members.say(RESIDENT, "1栋1单元101厨房水管漏水了"))
    [push] = [p for p in await members.pushes("o_m02") if f"#{n}" in p.payload["text"]]
    assert f"接单 {n}" in push.payload["text"] and f"退单 {n}" in push.payload["text"]
    fields = push.payload["template"]["fields"]  # what goes out after 48 hours of silence
    hint = " ".join(fields.values())
    assert f"接单{n}" in hint and f"退单{n}" in hint
    assert all(len(v) <= 20 for v in fields.values())


# --- a push carries what the member needs to act ------------------------------------------------


async def test_an_urgent_push_says_urgent_time_phone_and_the_residents_words(
    members: Members,
) -> None:
    text = "1栋1单元101厨房水管爆了水漫出来了，明天上午在家，电话13912345678"
    reply = await members.say(RESIDENT, text)
    n = order_number(reply.split("工单号")[1])
    [push] = await members.about("o_m02", n)
    assert "紧急" in push.splitlines()[0]  # the representative sees it first, not only the leader
    assert "1栋1单元101" in push and "维修" in push
    assert "居民方便的时间" in push and ("上午" in push or "08:00" in push)
    assert "13912345678" in push
    assert "水漫出来了" in push  # the resident's own words
    [message] = [p for p in await members.pushes("o_m02") if f"#{n}" in p.payload["text"]]
    assert "紧急" in message.payload["template"]["fields"]["phrase4"]


# --- pushes do not pile up ---------------------------------------------------------------------


async def test_hand_on_and_escalation_due_together_make_one_push(members: Members) -> None:
    """After downtime the order is handed on to the grid leader and escalated to them in
    the same tick: one push that says both."""
    n = order_number(await members.say(RESIDENT, "1栋1单元101门锁坏了打不开"))
    await members.tick_at(timedelta(hours=2, minutes=5))  # no tick ran for two hours
    about = await members.about("o_m01", n)
    assert len(about) == 1, about
    assert f"接单 {n}" in about[0] and "催办" in about[0]
    await members.tick_at(timedelta(hours=2, minutes=6))
    assert len(await members.about("o_m01", n)) == 1


# --- dispatch passes over members who cannot receive the order -----------------------------------


async def test_a_member_without_wechat_is_skipped_and_the_history_says_so(
    members: Members,
) -> None:
    await members.set_member("m02", openid=None)  # 李建国 never bound WeChat
    reply = await members.say(RESIDENT, "1栋1单元101厨房水管漏水了")
    assert "李建国" not in reply and "张美丽" in reply
    n = order_number(reply)
    assert await members.about("o_m01", n)
    notes = " ".join(note for _, _, note in await members.chat.history(n))
    assert "李建国" in notes and "未绑定微信" in notes


async def test_an_order_nobody_can_take_reaches_staff_at_once_with_the_reason(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    members = await start(aiohttp_client, db_url, max_open_per_member=1)
    for key in ("m01", "m03"):
        await members.set_member(key, on_duty=False)
    first = order_number(await members.say(RESIDENT, "1栋1单元101厨房水管漏水了"))
    assert (await members.chat.order(first)).status == "assigned"  # 李建国 now holds one
    reply = await members.say("o_resident_n", "1栋1单元102卫生间灯不亮了")
    second = order_number(reply)
    assert (await members.chat.order(second)).status == "received"
    staff = await members.about("o_m03", second)  # off duty, but staff must arrange it
    assert len(staff) == 1 and "派不出去" in staff[0] and "手上工单已满" in staff[0]
    assert "转派" in staff[0]
    # staff may take it themselves, as the notice invites
    assert (await members.say("o_m03", f"接单 {second}")).startswith("已接单")
    assert (await members.chat.order(second)).status == "accepted"


async def test_an_urgent_order_nobody_can_take_reaches_the_grid_leader_and_staff_at_once(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    members = await start(aiohttp_client, db_url)
    for key in ("m01", "m02", "m03", "m05"):
        await members.set_member(key, on_duty=False)
    reply = await members.say(RESIDENT, "1栋1单元101家里冒烟了有焦味")
    n = order_number(reply.split("工单号")[1])
    assert "网格长" in reply or "社区" in reply
    leader = await members.about("o_m01", n)
    staff = await members.about("o_m03", n)
    assert len(leader) == 1 and "紧急" in leader[0]
    assert len(staff) == 1 and "紧急" in staff[0]
    # and the timers do not push them a second time about the same thing
    await members.tick_at(timedelta(minutes=1))
    assert len(await members.about("o_m01", n)) == 1


async def test_accepting_with_a_trailing_hao_or_several_numbers_at_once(members: Members) -> None:
    """Found from outside: 接单321号 got the usage line, and 接单 321 322 took only #321."""
    first = order_number(await members.say(RESIDENT, "1栋1单元101厨房水管漏水了"))
    second = order_number(await members.say("o_res_second", "1栋1单元102卫生间灯坏了"))
    third = order_number(await members.say("o_res_third", "1栋1单元103门锁坏了"))
    assert f"#{first}" in await members.say("o_m02", f"接单{first}号")
    reply = await members.say("o_m02", f"接单 {second} {third}")
    assert f"#{second}" in reply and f"#{third}" in reply
    for n in (first, second, third):
        assert (await members.chat.order(n)).status == "accepted"


async def test_a_complaint_about_a_representative_never_goes_to_them(members: Members) -> None:
    """Found from outside: 我要投诉吴建华，态度很差 was sent to 吴建华."""
    n = order_number(
        await members.say(RESIDENT, "1栋1单元101 水管漏了 举报李建国不作为 一直不来修")
    )
    assert not await members.about("o_m02", n)  # 李建国, who looks after 1-1-*
    assert await members.about("o_m01", n)  # the grid leader has it
    n2 = order_number(await members.say("o_res_thanks", "1栋1单元102 请李建国师傅来看看水管"))
    assert await members.about("o_m02", n2)  # naming him without complaint still reaches him


async def test_a_note_keeps_its_chinese_punctuation_and_names_have_no_stray_space(
    members: Members,
) -> None:
    """Found from outside: 已联系四点半课堂，下周一开始 reached the resident with an ASCII comma,
    and 已由 吴建华 had a space before the name."""
    n = order_number(await members.say(RESIDENT, "1栋1单元101厨房水管漏水了"))
    await members.say("o_m02", f"接单 {n}")
    await members.say("o_m02", f"进度 {n} 已联系师傅，明天上午上门！")
    told = [t for t in await members.chat.pushed(RESIDENT) if f"#{n}" in t]
    assert any("已联系师傅，明天上午上门！" in t for t in told), told
    assert any("已由李建国" in t for t in told), told
    assert f"#{n}" in await members.say("o_m02", f"完成 ＃{n} 已换新阀门")


async def test_who_gets_a_declined_or_reopened_order_is_told_what_happened_before(
    members: Members,
) -> None:
    """Found from outside: the member an order was passed to after 退单, or after the resident
    rated the repair 1 star, read "新工单 #N" with no word of the reason or the complaint."""
    n = order_number(await members.say("o_res_w", "1栋1单元101 厨房水龙头一直滴水"))
    await members.say("o_m02", f"退单 {n} 这个归物业管")
    (next_push,) = [t for t in await members.about("o_m01", n) if "接单" in t]
    assert "李建国" in next_push and "这个归物业管" in next_push
    assert "已接单" in await members.say("o_m01", f"接单 {n}")
    await members.say("o_m01", f"完成 {n} 换了阀芯")
    said = await members.say("o_res_w", f"#{n} 不满意，还是在滴水")
    assert f"#{n}" in said, said
    reopened = [t for t in await members.about("o_m01", n) if "不满意" in t]
    reopened += [t for t in await members.about("o_m02", n) if "不满意" in t]
    assert reopened and "还是在滴水" in reopened[-1] and "重办" in reopened[-1]
