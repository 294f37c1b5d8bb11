"""What a new resident tried in the sandbox (issue 13), through the webhook: emergencies get the
right numbers and reach a person before any question, every message gets a sensible answer,
and nothing is lost while a question is open."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.keys import SESSIONS
from models.orders import Order, OrderEvent
from tests.support import order_number
from tests.test_chat_members import Members, start

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
NEW = "o_new_resident"  # no address on file


@pytest.fixture
async def chat(aiohttp_client: ClientFactory, db_url: str) -> Members:
    return await start(aiohttp_client, db_url)


async def orders(chat: Members) -> list[Order]:
    async with chat.app[SESSIONS]() as s:
        return list((await s.execute(select(Order).order_by(Order.id))).scalars())


async def count(chat: Members) -> int:
    async with chat.app[SESSIONS]() as s:
        return int(await s.scalar(select(func.count()).select_from(Order)) or 0)


@pytest.mark.parametrize("text", ["楼道里有很大的烟味", "闻到一股烧焦的味道，不知道哪家"])
async def test_a_smell_of_smoke_gets_fire_advice_and_a_person_before_any_question(
    chat: Members, text: str
) -> None:
    reply = await chat.say(NEW, text)
    assert "119" in reply
    assert "哪栋楼" not in reply.split("工单号")[0]  # not asked first
    n = order_number(reply.split("工单号")[1])  # the order exists already
    order = await chat.chat.order(n)
    assert order.danger in ("urgent", "possible")
    leaders = await chat.about("o_m01", n) + await chat.about("o_m04", n)
    staff = await chat.about("o_m03", n)
    assert leaders or staff  # someone is alerted at once, address or not
    assert "楼" in reply.split("工单号")[1]  # the address question comes after
    answer = await chat.say(NEW, "2栋1单元")
    assert f"#{n}" in answer
    order = await chat.chat.order(n)
    assert (order.building, order.unit) == ("2", "1")


async def test_a_person_trapped_in_a_lift_is_given_the_lift_rescue_line(chat: Members) -> None:
    reply = await chat.say(NEW, "3栋电梯卡在两层中间了，我孙子关在里面出不来")
    assert "96333" in reply and "火警" not in reply
    n = order_number(reply.split("工单号")[1])
    assert (await chat.chat.order(n)).urgent


async def test_an_open_lift_shaft_is_told_to_keep_people_away(chat: Members) -> None:
    reply = await chat.say(NEW, "3栋电梯门一直开着，里面没有轿厢，底下黑洞洞的")
    assert "96333" in reply and "远离" in reply and "警铃" not in reply
    assert (await chat.chat.order(order_number(reply.split("工单号")[1]))).urgent


async def test_no_hot_water_is_a_request_not_thanks(chat: Members) -> None:
    reply = await chat.say(NEW, "家里没热水了")
    assert "不客气" not in reply
    assert "哪栋楼" in reply or "工单号" in reply  # treated as a report


@pytest.mark.parametrize("text", ["啊啊啊啊", "。。。", "🙂", "asdfghjkl qwerty 123", "？？"])
async def test_noise_is_answered_plainly_and_never_becomes_an_order(
    chat: Members, text: str
) -> None:
    reply = await chat.say(NEW, text)
    assert "不客气" not in reply and "工单号" not in reply and "哪栋楼" not in reply
    assert "报修" in reply or "帮助" in reply  # says what the account can do
    assert await count(chat) == 0


@pytest.mark.parametrize("text", ["谢谢", "谢谢你们，辛苦了", "好的谢谢"])
async def test_thanks_are_answered_with_you_are_welcome(chat: Members, text: str) -> None:
    reply = await chat.say(NEW, text)
    assert "不客气" in reply and await count(chat) == 0


@pytest.mark.parametrize(
    "between",
    # (取消 alone withdraws the waiting report: see the test below)
    ["取消 99", "查询", "帮助", "5", "接单 12", "你好"],
)
async def test_nothing_is_lost_while_the_address_question_is_open(
    chat: Members, between: str
) -> None:
    asked = await chat.say(NEW, "楼道里的灯坏了好几天了")
    assert "哪栋楼" in asked
    answer = await chat.say(NEW, between)
    assert answer  # every message is answered
    assert "楼道里的灯坏了" in answer  # and the resident is told the report still waits
    created = await chat.say(NEW, "3栋2单元501")
    n = order_number(created)
    order = await chat.chat.order(n)
    assert (order.building, order.unit, order.room) == ("3", "2", "501")
    assert "楼道" in order.text
    assert f"#{n}" in await chat.say(NEW, "查询")


async def test_a_new_matter_while_the_address_is_asked_files_the_first_one(
    chat: Members,
) -> None:
    await chat.say(NEW, "楼道里的灯坏了好几天了")
    reply = await chat.say(NEW, "还有我家厨房水管也漏水了")
    assert "已先登记为工单" in reply  # the first report is filed without an address, and said so
    filed = await orders(chat)
    assert len(filed) >= 1 and "楼道" in filed[0].text


async def test_an_emergency_with_its_own_address_is_not_taken_as_the_waiting_reports_address(
    chat: Members,
) -> None:
    asked = await chat.say(NEW, "单元门的把手坏了 进出要抠门缝")
    assert "哪栋楼" in asked
    reply = await chat.say(NEW, "我室友有糖尿病 现在浑身发抖出冷汗 喊他名字也不应 8栋2单元102")
    assert "120" in reply  # the emergency's numbers first
    filed = await orders(chat)
    emergency = [o for o in filed if "糖尿病" in o.text]
    assert len(emergency) == 1 and emergency[0].urgent
    assert (emergency[0].building, emergency[0].unit, emergency[0].room) == ("8", "2", "102")
    handle = [o for o in filed if "把手" in o.text]
    assert len(handle) == 1  # the waiting report is filed too, not lost
    assert f"#{handle[0].id}" in reply


async def test_venting_in_slang_gets_no_emergency_line_and_no_order(chat: Members) -> None:
    reply = await chat.say(NEW, "改方案改到凌晨三点 想从楼上跳下去 打工人太难了")
    assert "110" not in reply and "119" not in reply and "工单号" not in reply
    reply = await chat.say(NEW, "人麻了 早高峰地铁挤得快窒息")
    assert "120" not in reply and "工单号" not in reply and "哪栋楼" not in reply
    assert await count(chat) == 0


async def test_a_scare_that_ended_well_is_filed_without_an_emergency(chat: Members) -> None:
    reply = await chat.say("o_res_s", "3栋1单元101 我爸在楼道摔倒了 自己爬起来了 手上擦破点皮")
    # the possible-danger line: conditional advice and a grid leader's call, not an emergency
    assert "工单号" in reply and "如果现场有危险" in reply
    n = order_number(reply.split("工单号")[1])
    assert not (await chat.chat.order(n)).urgent


async def test_despair_with_a_withdrawal_word_is_an_urgent_order_with_the_hotline(
    chat: Members,
) -> None:
    """死了算了 / 不用管他 hold the words of a withdrawal; the message is someone on a roof."""
    reply = await chat.say(NEW, "他说死了算了 不用管他 人在天台")
    assert "110" in reply and "12356" in reply and "工单号" in reply
    n = order_number(reply.split("工单号")[1])
    order = await chat.chat.order(n)
    assert order.urgent and order.hazard == "self_harm"


async def test_a_volunteer_chased_with_a_stick_is_not_a_meal_service(chat: Members) -> None:
    reply = await chat.say(NEW, "给老人送餐的志愿者被人拿棍子追着打 就在3栋门口")
    assert "110" in reply and "工单号" in reply
    n = order_number(reply.split("工单号")[1])
    assert (await chat.chat.order(n)).urgent


async def test_a_second_emergency_while_the_first_ones_place_is_asked_is_its_own_order(
    chat: Members,
) -> None:
    """Found in the sandbox: the second report named 3栋门口 and was taken as the first
    one's address, so the volunteer being beaten became no order at all."""
    first = await chat.say(NEW, "他说死了算了 不用管他 人在天台")
    n = order_number(first.split("工单号")[1])
    reply = await chat.say(NEW, "给老人送餐的志愿者被人拿棍子追着打 就在3栋门口")
    assert "110" in reply and "工单号" in reply
    m = order_number(reply.split("工单号")[1])
    assert m != n and (await chat.chat.order(m)).urgent
    assert (await chat.chat.order(n)).building is None  # not the roof's address


async def test_more_about_the_same_emergency_answers_where_it_is(chat: Members) -> None:
    first = await chat.say(NEW, "他说死了算了 不用管他 人在天台")
    n = order_number(first.split("工单号")[1])
    reply = await chat.say(NEW, "5栋楼顶")
    assert f"#{n}" in reply
    assert (await chat.chat.order(n)).building == "5"


async def test_an_urgent_order_given_its_address_later_goes_to_that_places_people(
    chat: Members,
) -> None:
    """Found from outside: an emergency sent out before its address stayed with whoever
    takes orders of no known place; the building's representative and its grid leader were
    never told once the resident said where it was."""
    reply = await chat.say(NEW, "我爸突然晕倒了，叫不醒")
    assert "120" in reply
    assert "告诉我们具体位置后" in reply  # no grid leader is promised before the place is known
    n = order_number(reply.split("工单号")[1])
    assert not await chat.about("o_m02", n)
    answer = await chat.say(NEW, "4栋1单元101")
    assert f"#{n}" in answer
    order = await chat.chat.order(n)
    assert (order.building, order.unit, order.room) == ("4", "1", "101")
    assert await chat.about("o_m07", n), "the building's representative has it now"
    assert await chat.about("o_m04", n), "the grid leader of building 4 is told"


async def test_an_emergency_sent_while_a_report_waits_gets_its_numbers_first(
    chat: Members,
) -> None:
    """Found from outside: the reply opened with "您刚才说的…已先登记为工单" and only then 119."""
    assert "哪栋楼" in await chat.say(NEW, "楼道灯坏了好几天了")
    reply = await chat.say(NEW, "不对，楼道着火了！好多烟")
    assert reply.index("119") < reply.index("已先登记")


async def test_cancel_while_a_report_waits_for_its_address_withdraws_it(chat: Members) -> None:
    """Found from outside: 取消 while asked for the address said 您没有可以取消的工单."""
    assert "哪栋楼" in await chat.say(NEW, "楼道灯坏了好几天了")
    reply = await chat.say(NEW, "取消")
    assert "不登记了" in reply and "没有可以取消" not in reply
    assert await count(chat) == 0
    assert "哪栋楼" not in await chat.say(NEW, "3栋2单元501")  # the question is gone


@pytest.mark.parametrize("never_mind", ["算了，不用了", "不用了", "不用来了 我自己弄好了"])
async def test_never_mind_while_a_report_waits_withdraws_it(chat: Members, never_mind: str) -> None:
    """Found from outside: 算了，不用了 filed the waiting report and then cancelled it, and
    staff got two pushes for nothing."""
    assert "哪栋楼" in await chat.say(NEW, "楼道灯坏了好几天了")
    assert "不登记了" in await chat.say(NEW, never_mind)
    assert await count(chat) == 0
    assert not await chat.chat.pushed("o_m03")


async def test_a_service_in_another_zone_reads_tomorrow_morning_there(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    """The chat read 明天上午 in Shanghai's zone whatever the service's ``timezone`` said."""
    from datetime import UTC, datetime

    from bot.app import create_app
    from bot.clock import FakeClock
    from bot.config import build_config
    from tests.support import APPID, TOKEN, seed_roster
    from tests.test_orders_flow import Chat

    raw: dict[str, Any] = {
        "server": {"webhook_path": "/wechat"},
        "wechat": {"appid": APPID, "secret": "s", "token": TOKEN, "mode": "plain"},
        "database": {"url": db_url},
        "timezone": "Asia/Tokyo",
    }
    now = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # 00:30 on the 21st in Tokyo
    app = create_app(build_config(raw, environ={}), clock=FakeClock(now), start_scheduler=False)
    client = Chat(await aiohttp_client(app))
    await seed_roster(app[SESSIONS], now)
    n = order_number(await client.say(NEW, "3栋2单元501 厨房水管漏了 明天上午来修"))
    order = await client.order(n)
    assert order.preferred_start is not None
    start_utc = order.preferred_start.replace(tzinfo=order.preferred_start.tzinfo or UTC)
    assert start_utc.astimezone(UTC) == datetime(2026, 11, 21, 23, 0, tzinfo=UTC)  # 08:00 Tokyo


async def test_someone_elses_address_is_not_kept_as_mine_and_a_correction_cancels_nothing(
    chat: Members,
) -> None:
    """Found from outside: the mother's flat was kept as the son's home, and his "不是，那是我妈家"
    cancelled her order."""
    reply = await chat.say(NEW, "我妈住3栋2单元501，她家客厅的灯坏了")
    n = order_number(reply)
    assert "已记下您家的地址" not in reply
    await chat.say(NEW, "不是，那是我妈家")
    order = await chat.chat.order(n)
    assert order.status != "cancelled"
    assert "哪栋楼" in await chat.say(NEW, "我家厨房水龙头也坏了")  # his own home is still unknown


async def test_an_everyday_answer_to_the_address_question_raises_no_alarm(chat: Members) -> None:
    """Found from outside: "她住5栋，我不住那" got the mental-health hotline and an urgent
    order titled 我不住那."""
    assert "哪栋楼" in await chat.say(NEW, "帮我妈买点菜，她腿脚不方便")
    reply = await chat.say(NEW, "她住3栋2单元，我不住那")
    assert not any(number in reply for number in ("12356", "110", "119", "120"))
    (order,) = await orders(chat)
    assert (order.building, order.unit, order.urgent) == ("3", "2", False)


@pytest.mark.parametrize(
    "text",
    ["家里大门的锁打不开了，进不去门", "天然气没气了，做不了饭", "我搬家了，现在住6栋1单元302"],
)
async def test_an_everyday_problem_gets_no_emergency_line(chat: Members, text: str) -> None:
    reply = await chat.say("o_r01", text)
    assert not any(number in reply for number in ("12356", "110", "119", "120")), reply


async def test_hurrying_an_order_just_sent_adds_to_it_instead_of_a_new_one(chat: Members) -> None:
    """Found from outside: 能不能快点，水越来越多了 became a second order."""
    n = order_number(await chat.say("o_hurry", "3栋2单元501厨房水管漏水了"))
    reply = await chat.say("o_hurry", "能不能快点，水越来越多了")
    assert f"#{n}" in reply
    assert await count(chat) == 1
    async with chat.app[SESSIONS]() as s:
        notes = (await s.execute(select(OrderEvent.note).where(OrderEvent.order_id == n))).scalars()
        assert any("快点" in (note or "") for note in notes)


async def test_a_shared_place_is_not_asked_for_a_home_address(chat: Members) -> None:
    """Found from outside: 小区门口的路灯不亮 was asked which building the resident lives in, and
    the answer 就在小区大门口 was "没看出地址"."""
    reply = await chat.say(NEW, "小区大门口的路灯不亮了，晚上黑乎乎的")
    assert "哪栋楼" not in reply and "工单号" in reply
    assert "哪栋楼" in await chat.say("o_new_2", "这边的灯坏了好几天了")
    answer = await chat.say("o_new_2", "就在小区大门口")
    assert "工单号" in answer and "没看出" not in answer
    order = (await orders(chat))[-1]
    assert "大门口" in order.text


async def test_an_address_answer_that_reports_something_else_files_both(chat: Members) -> None:
    """Found in the sandbox: asked where the gas had run out, the resident answered with
    another problem and its address (3栋2单元202下水道堵了); the drain was never filed."""
    assert "哪栋楼" in await chat.say(NEW, "天然气没气了，做不了饭")
    reply = await chat.say(NEW, "3栋2单元202下水道堵了")
    filed = await orders(chat)
    assert len(filed) == 2 and reply.count("工单号") == 2
    assert all((o.building, o.unit, o.room) == ("3", "2", "202") for o in filed)
    assert "哪栋楼" not in await chat.say("o_same", "2栋1单元101厨房水管漏水")  # a plain answer
    assert "哪栋楼" in await chat.say("o_same2", "厨房水管漏水了")
    await chat.say("o_same2", "2栋1单元102 厨房水管漏水")
    assert len(await orders(chat)) == 4  # the same leak again is its answer, not a new order


async def test_money_lost_to_a_swindle_is_told_the_police_and_the_anti_fraud_line(
    chat: Members,
) -> None:
    """Found from outside: 我被骗了五万块钱 got no word of 110."""
    reply = await chat.say("o_r01", "3栋2单元501 我被骗了五万块钱 对方说是公安局的")
    assert "110" in reply and "96110" in reply and "工单号" in reply
